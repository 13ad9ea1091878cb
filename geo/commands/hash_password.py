"""``python -m geo hash-password``: the line to put in ``.streamlit/secrets.toml``.

The password is read without echo (or from standard input with ``--stdin``,
for scripts) and never printed; only its scrypt hash is.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "hash-password", help="empreinte d'un mot de passe pour .streamlit/secrets.toml"
    )
    parser.add_argument(
        "--account", help="nom du compte (sinon : mot de passe partagé, chacun donne son nom)"
    )
    parser.add_argument(
        "--stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.access.auth import SECTION, check_new_password, clean_name, hash_password

    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Encore une fois : ") != password:
            print("Erreur : les deux saisies diffèrent.", file=sys.stderr)
            return 2
    problem = check_new_password(password)
    if problem:
        print(f"Erreur : {problem}", file=sys.stderr)
        return 2
    encoded = hash_password(password)
    print("# À copier dans .streamlit/secrets.toml (ce fichier n'est jamais versionné) :")
    if args.account:
        name = clean_name(args.account)
        if name is None or '"' in name or "\\" in name:
            print(
                "Erreur : nom de compte invalide (2 à 80 caractères, sans guillemets).",
                file=sys.stderr,
            )
            return 2
        print(f"[{SECTION}.accounts]")
        print(f'"{name}" = "{encoded}"')
    else:
        print(f"[{SECTION}]")
        print(f'password_hash = "{encoded}"')
    return 0
