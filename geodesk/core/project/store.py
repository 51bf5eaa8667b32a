"""On-disk layout of a project save: ``project.json`` + ``picks.h5``, written as one atomic pair.

``picks.h5`` holds ``/picks/<survey_id>/<NNN>`` groups, one per pick object, with the object's
arrays as datasets and its JSON metadata in the ``meta`` attribute; ``/caches`` and ``/labels``
are reserved groups. Both files carry the same ``save_id`` so a pair that was not written
together (a crash between the two renames) is detected instead of being used.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.atomic import fsync_dir, fsync_file

JSON_NAME = "project.json"
H5_NAME = "picks.h5"
RESERVED_GROUPS = ("caches", "labels")

#: Raw HDF5 content: {group path: (attrs, {dataset name: array})}, for any schema version.
RawGroups = dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]]


class ProjectError(ValueError):
    """A project that cannot be created, opened or saved; the message is one line."""


def write_pair(folder: Path, doc: dict[str, Any], objects: list[tuple[str, dict, dict]]) -> None:
    """Write ``project.json`` (``doc``) and ``picks.h5`` (``objects``: (survey_id, meta,
    arrays)) into ``folder``: both temps are written and fsynced first, then renamed, so an
    error (full disk…) before the renames leaves the previous pair untouched."""
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    for stale in (*folder.glob(f".{H5_NAME}.*.tmp"), *folder.glob(f".{JSON_NAME}.*.tmp")):
        with contextlib.suppress(OSError):  # left by a killed process: never a valid save
            stale.unlink()
    tmp_h5 = folder / f".{H5_NAME}.{os.getpid()}.tmp"
    tmp_json = folder / f".{JSON_NAME}.{os.getpid()}.tmp"
    try:
        with h5py.File(tmp_h5, "w") as h5:
            h5.attrs["save_id"] = doc["save_id"]
            h5.attrs["schema_version"] = doc["schema_version"]
            root = h5.create_group("picks")
            for group in RESERVED_GROUPS:
                h5.create_group(group)
            counters: dict[str, int] = {}
            for survey_id, meta, arrays in objects:
                n = counters.get(survey_id, 0)
                counters[survey_id] = n + 1
                g = root.require_group(survey_id).create_group(f"{n:03d}")
                g.attrs["meta"] = json.dumps(meta, allow_nan=False)
                for key, arr in arrays.items():
                    g.create_dataset(key, data=np.asarray(arr))
        fsync_file(tmp_h5)
        with open(tmp_json, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(doc, fh, indent=2, allow_nan=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_h5, folder / H5_NAME)
        os.replace(tmp_json, folder / JSON_NAME)
        fsync_dir(folder)
    except BaseException:
        for tmp in (tmp_h5, tmp_json):
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise


def read_json(path: Path) -> dict[str, Any]:
    """Parse a project.json; ProjectError for a missing or damaged file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path.parent.name}: not a GeoDesk project ({path.name} missing)"
                           ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{path}: damaged project file ({exc})") from None
    if not isinstance(doc, dict):
        raise ProjectError(f"{path}: damaged project file (not a JSON object)")
    return doc


def read_raw_h5(path: Path) -> tuple[dict[str, Any], RawGroups]:
    """Root attributes and every group holding datasets or attributes of an HDF5 file."""
    import h5py

    if not path.exists():
        return {}, {}
    groups: RawGroups = {}
    try:
        with h5py.File(path, "r") as h5:
            root_attrs = {k: _attr(v) for k, v in h5.attrs.items()}

            def visit(name: str, obj: Any) -> None:
                if isinstance(obj, h5py.Dataset):
                    parent, _, key = name.rpartition("/")
                    groups.setdefault(parent, ({}, {}))[1][key] = obj[()]
                elif isinstance(obj, h5py.Group) and len(obj.attrs):
                    groups.setdefault(name, ({}, {}))[0].update(
                        {k: _attr(v) for k, v in obj.attrs.items()})

            h5.visititems(visit)
    except OSError as exc:
        raise ProjectError(f"{path}: damaged picks file ({exc})") from None
    return root_attrs, groups


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value
