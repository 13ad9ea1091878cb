"""A command run after every saved version: how the atlas (or anything else) follows the data.

A published atlas (``python -m geo export site``) shows the data of the day it
was exported. Setting :data:`AFTER_SAVE_ENV` to a command makes every save —
import, registry edit, restore, publication of a scenario, ANCT refresh —
start it in the background, with the new version's number in ``OPSN_VERSION``;
a draft is not a version and starts nothing. The save never waits for it and
never fails because of it: a command that cannot start is logged.
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess

from geo.storage.base import Version

AFTER_SAVE_ENV = "OPSN_APRES_ENREGISTREMENT"
"""E.g. ``python -m geo export site --out /var/www/atlas``."""

log = logging.getLogger(__name__)


def run_after_save(version: Version) -> subprocess.Popen | None:
    """Start the configured command for ``version`` (``None`` when none is configured)."""
    command = os.environ.get(AFTER_SAVE_ENV, "").strip()
    if not command:
        return None
    env = dict(os.environ, OPSN_VERSION=str(version.number))
    try:
        return subprocess.Popen(
            shlex.split(command), env=env, stdin=subprocess.DEVNULL, start_new_session=True
        )
    except (OSError, ValueError) as error:
        log.error("%s : la commande « %s » n'a pas démarré : %s", AFTER_SAVE_ENV, command, error)
        return None
