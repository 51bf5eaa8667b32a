"""Schema versions of the project format and the migrations between them.

A migration takes ``(doc, groups)`` (project.json as a dict and the raw HDF5 groups, see
:func:`geodesk.core.project.store.read_raw_h5`) of version ``n`` and returns them at ``n + 1``.
Opening applies them in order in memory; the next save writes the current version.

Version 0 (GeoDesk 0.0 prototypes): ``project.json`` = ``{"version": 0, "survey": PATH,
"created": ISO}`` (one survey by path only, no size/mtime checks, no settings) and ``picks.h5``
with one group per object at ``/<kind>/<name>`` (meta JSON in attribute ``meta``).
Version 1: the document of :mod:`geodesk.core.project.project`, ``project.json`` and
``picks.h5`` side by side without checksums. Version 2: the same document in checksummed
generation folders committed by a pointer (:mod:`geodesk.core.project.store`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geodesk.core.project.store import ProjectError, RawGroups

SCHEMA_VERSION = 2


class NewerFormatError(ProjectError):
    """A project written by a newer GeoDesk in a format this one cannot read."""

DEFAULT_AXES = {"order": ["inline", "crossline", "time"], "time_unit": "ms", "xy_unit": "m",
                "depth_unit": "m"}
DEFAULT_DISPLAY: dict[str, Any] = {"colormap": "seismic", "clip_percentile": 99.0,
                                   "gain": 1.0, "agc_ms": 0.0}


def schema_version(doc: dict[str, Any]) -> int:
    """Schema version of a project.json (v0 files wrote ``version`` instead)."""
    v = doc.get("schema_version", doc.get("version"))
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ProjectError(f"project.json has no valid schema_version ({v!r})")
    return v


def _v0_to_v1(doc: dict[str, Any], groups: RawGroups, folder: Path
              ) -> tuple[dict[str, Any], RawGroups]:
    survey = doc.get("survey")
    surveys = []
    if survey:
        p = Path(survey) if os.path.isabs(survey) else (folder / survey)
        surveys.append({"id": "s0", "path": str(p.resolve()),
                        "relative_path": os.path.relpath(p.resolve(), folder),
                        "size": None, "mtime_ns": None})  # v0 never recorded them
    new_groups: RawGroups = {}
    index = []
    for n, (path, (attrs, arrays)) in enumerate(sorted(groups.items())):
        if "meta" not in attrs:
            continue
        name = f"picks/s0/{n:03d}"
        new_groups[name] = (dict(attrs), dict(arrays))
        index.append({"survey": "s0", "group": f"{n:03d}", "source": path})
    out = {"schema_version": 1, "app_version": doc.get("app_version", "0.0"),
           "created": doc.get("created", ""), "modified": doc.get("created", ""),
           "save_id": "", "surveys": surveys, "objects": index,
           "display": dict(DEFAULT_DISPLAY), "axes": dict(DEFAULT_AXES)}
    return out, new_groups


def _v1_to_v2(doc: dict[str, Any], groups: RawGroups, folder: Path
              ) -> tuple[dict[str, Any], RawGroups]:
    return {**doc, "schema_version": 2}, groups  # only the layout on disk changed


#: MIGRATIONS[n] turns version n into n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any], RawGroups, Path],
                               tuple[dict[str, Any], RawGroups]]] = {0: _v0_to_v1,
                                                                     1: _v1_to_v2}


def migrate(doc: dict[str, Any], groups: RawGroups, folder: Path
            ) -> tuple[dict[str, Any], RawGroups, int]:
    """Bring ``doc``/``groups`` to :data:`SCHEMA_VERSION`; returns them and the original version.

    A newer version is refused: this GeoDesk cannot know what it would lose.
    """
    version = check_readable(doc, folder)
    v = version
    while v < SCHEMA_VERSION:
        doc, groups = MIGRATIONS[v](doc, groups, folder)
        v += 1
    return doc, groups, version


def check_readable(doc: dict[str, Any], folder: Path) -> int:
    """The schema version of ``doc``; ProjectError when it is newer than this GeoDesk reads."""
    version = schema_version(doc)
    if version > SCHEMA_VERSION:
        app = doc.get("app_version", "a newer GeoDesk")
        raise NewerFormatError(f"{folder.name} was saved by GeoDesk {app} with project format "
                           f"{version}; this GeoDesk reads format {SCHEMA_VERSION} and older. "
                           "Update GeoDesk to open it")
    return version
