"""``python -m geo``: one command line for everything the app shows.

Exit statuses are a contract for scripts: 0 done, 1 done with rejected lines
(``validate``), 2 nothing done — with a French message on stderr that names
the file and says what to do; never a traceback, never a library's English
text, never an empty « Erreur : ».
"""

from __future__ import annotations

import argparse
import errno
import importlib
import linecache
import logging
import os
import re
import sys
import traceback

from geo.importers.bounded import ImportFileError, display_name, os_error_text

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
    # The SQLite errors behind a French message are logged (geo.storage.faults): shown
    # with GEO_DEBUG=1, never in English by Python's last-resort handler otherwise.
    logging.getLogger("geo").addHandler(
        logging.StreamHandler() if os.environ.get("GEO_DEBUG") else logging.NullHandler()
    )
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except BaseException as error:  # every failure gets a French sentence
        if isinstance(error, SystemExit):
            raise
        message = error_message(error)
        if message is None:  # stdout closed early (``| head``): nothing more to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        print(f"Erreur : {message}", file=sys.stderr)
        if os.environ.get("GEO_DEBUG"):
            traceback.print_exception(error, file=sys.stderr)
        return 2


# French typography (a space before the colon, guillemets), accented letters or
# French function words: what this project's messages have and Python's and its
# libraries' do not.
_FRENCH = re.compile(
    r" : |[«»éèêàâùûçîôÉÈÀ]|\b(ne|pas|avec|sans|une?|les?|la|des?|du|est|ou|ni|aucune?)\b"
)


def _raised_by_geo(error: BaseException) -> bool:
    """Whether a ``raise`` statement of this project raised ``error`` (not Python nor a library).

    The innermost frame must be in a ``geo`` module and its line a ``raise``:
    ``int("x")`` called from geo code fails in geo's frame too, on a line
    that raises nothing.
    """
    trace = error.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    frame = trace.tb_frame
    if str(frame.f_globals.get("__name__", "")).split(".")[0] != "geo":
        return False
    return linecache.getline(frame.f_code.co_filename, trace.tb_lineno).lstrip().startswith("raise")


def error_message(error: BaseException) -> str | None:
    """The French sentence shown for ``error`` (``None``: say nothing).

    Exceptions of this project's own types carry French text and are shown
    as they are, and so are French messages raised by this project's code as
    plain ``ValueError``; anything else (a library's English message,
    Python's own) is replaced by a French sentence.
    """
    from geo.storage.base import StorageFault

    if isinstance(error, StorageFault):  # the person at the terminal may see the full path
        return error.detailed
    if isinstance(error, ImportFileError) or type(error).__module__.split(".")[0] == "geo":
        return str(error).strip() or "fichier illisible."
    if _raised_by_geo(error) and _FRENCH.search(str(error)):
        return str(error).strip()  # a ValueError raised by this project, in French
    if isinstance(error, MemoryError):
        return (
            "mémoire insuffisante pour terminer ; découpez les fichiers donnés en fichiers plus "
            "petits ou libérez de la mémoire."
        )
    if isinstance(error, BrokenPipeError):
        return None
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "disque plein : impossible d'écrire le résultat."
        if error.filename is not None:
            return f"{display_name(error.filename)} : {os_error_text(error)}."
        if error.errno is None and str(error).strip():
            return str(error).strip()  # raised by this project, in French (load_reference)
        return f"{os_error_text(error)}."
    return (
        "erreur interne inattendue ; relancez la commande avec la variable d'environnement "
        "GEO_DEBUG=1 pour obtenir le détail, et signalez-la aux mainteneurs du projet."
    )
