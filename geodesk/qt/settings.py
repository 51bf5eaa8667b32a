"""Persistent settings (QSettings): recent files, recent projects, the folder file dialogs start
in, and display preferences.

Tests pass their own INI file in ``tmp_path`` so they never read or write the user's settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10
ORG, APP = "GeoDesk", "GeoDesk"


def make_settings(path: str | Path | None = None) -> QSettings:
    """The user's settings, or an INI file at ``path`` or ``$GEODESK_SETTINGS`` (tests, portable)."""
    path = path if path is not None else os.environ.get("GEODESK_SETTINGS")
    if path:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def recent_files(settings: QSettings) -> list[str]:
    """Recently opened files, newest first."""
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a bare string for one-element lists
        value = [value]
    return [str(v) for v in (value or [])][:MAX_RECENT]


def start_folder(settings: QSettings) -> str:
    """Where file dialogs start: the folder of the last file or project opened, else home."""
    folder = str(settings.value("last_folder", "") or "")
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(settings: QSettings, path: str | Path) -> None:
    """Make the folder holding ``path`` (a file or a project folder) the next dialogs' start."""
    settings.setValue("last_folder", str(Path(path).resolve().parent))


def add_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    """Put ``path`` first in the recent list (no duplicates, at most MAX_RECENT); its folder is
    where the next file dialog starts."""
    p = str(Path(path).resolve())
    remember_folder(settings, p)
    files = [p] + [f for f in recent_files(settings) if f != p]
    settings.setValue("recent_files", files[:MAX_RECENT])
    settings.sync()
    return files[:MAX_RECENT]


def recent_projects(settings: QSettings) -> list[str]:
    """Recently opened projects (``.geodesk`` folders), newest first."""
    value = settings.value("recent_projects", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])][:MAX_RECENT]


def add_recent_project(settings: QSettings, path: str | Path) -> list[str]:
    """Put project ``path`` first in the recent-projects list (no duplicates, at most MAX_RECENT);
    the folder holding it is where the next file dialog starts."""
    p = str(Path(path).resolve())
    remember_folder(settings, p)
    items = [p] + [f for f in recent_projects(settings) if f != p]
    settings.setValue("recent_projects", items[:MAX_RECENT])
    settings.sync()
    return items[:MAX_RECENT]


def remove_recent_project(settings: QSettings, path: str | Path) -> None:
    """Drop ``path`` from the recent-projects list (e.g. it no longer exists)."""
    p = str(Path(path).resolve())
    settings.setValue("recent_projects", [f for f in recent_projects(settings) if f != p])
    settings.sync()
