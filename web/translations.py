"""Compiled translations (.mo) for every catalogue (.po) under the locale folders, made with polib.

Production must serve Chinese: `manage.py compile_translations` is a step of the production start (the
systemd units, the container image, `make smoke`), and a system check refuses `check`/`migrate` when a
catalogue has no compiled file or one older than itself. No system gettext is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polib


def catalogues(locale_dirs: Iterable[Path]) -> list[Path]:
    return sorted(po for folder in locale_dirs for po in Path(folder).rglob("*.po"))


def stale_catalogues(locale_dirs: Iterable[Path]) -> list[Path]:
    """The .po files whose .mo is missing or older than they are."""
    stale = []
    for po in catalogues(locale_dirs):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_translations(locale_dirs: Iterable[Path], *, force: bool = False) -> list[Path]:
    """Compile what is stale (or everything with force); returns the .mo files written."""
    locale_dirs = list(locale_dirs)
    written = []
    for po in catalogues(locale_dirs) if force else stale_catalogues(locale_dirs):
        mo = po.with_suffix(".mo")
        polib.pofile(str(po)).save_as_mofile(str(mo))
        written.append(mo)
    return written
