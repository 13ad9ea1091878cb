"""Command line: every figure the app shows can be checked from a terminal.

Each sub-command lives in its own module of ``geo.commands`` with two
functions, ``add_parser(commands)`` and ``run(args) -> int``. Outputs named in
the issues are a contract for scripts: JSON keys are only ever added, never
renamed. Errors are French sentences on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = (
    "geo.commands.build_communes",
    "geo.commands.stats",
    "geo.commands.coverage",
    "geo.commands.white_zones",
    "geo.commands.scenario",
    "geo.commands.validate",
    "geo.commands.opportunities",
    "geo.commands.timeline",
    "geo.commands.db",
    "geo.commands.hash_password",
    "geo.commands.export",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Couverture OPSN")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module = importlib.import_module(name)
        module.add_parser(commands).set_defaults(handler=module.run)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except Exception as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
