"""Reading a picks.h5 of the old layout (schema 0/1, no checksums) in a child process.

A damaged HDF5 file can make the HDF5 library loop forever: zeroed bytes over the first object
of the global heap collection (``GCOL``, where h5py keeps variable-length string attributes such
as each object's ``meta``) give an object of size 0 that HDF5's heap parser never steps past,
inside ``h5py.AttributeManager.__getitem__``; nothing in-process can stop it. Files of the current layout are checked by sha256 before h5py sees them;
old files have no checksum, so they are read by a child Python that is killed past
:data:`TIMEOUT_S`. Bytes already read safely (same sha256) are read in-process the next time.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import geodesk
from geodesk.core.project.integrity import file_sha256
from geodesk.core.project.store import ProjectError, RawGroups, read_h5

TIMEOUT_S = 20.0
_CHILD = ("import pickle, sys\n"
          "from pathlib import Path\n"
          "from geodesk.core.project.store import ProjectError, read_h5\n"
          "try:\n"
          "    out = ('ok', read_h5(Path(sys.argv[1])))\n"
          "except ProjectError as exc:\n"
          "    out = ('error', str(exc))\n"
          "sys.stdout.buffer.write(pickle.dumps(out))\n")
_read_safely: set[str] = set()  # sha256 of old-layout files a child read without trouble


def read_legacy_h5(path: Path, timeout_s: float | None = None
                   ) -> tuple[dict[str, Any], RawGroups]:
    """:func:`~geodesk.core.project.store.read_h5` of an unchecked file, in a child process;
    ProjectError when the file is damaged or its read does not finish in ``timeout_s``
    (default :data:`TIMEOUT_S`)."""
    timeout_s = TIMEOUT_S if timeout_s is None else timeout_s
    if not path.exists():
        return {}, {}
    if not path.is_file():
        raise ProjectError(f"{path}: damaged picks file (not a regular file)")
    digest = file_sha256(path)
    if digest in _read_safely or getattr(sys, "frozen", False):  # frozen app: no child Python
        return read_h5(path)
    env = dict(os.environ)
    root = str(Path(geodesk.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                              timeout=timeout_s, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise ProjectError(f"{path}: damaged picks file (reading it did not finish in "
                           f"{timeout_s:g} s)") from None
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["crashed"])[-1]
        raise ProjectError(f"{path}: damaged picks file (reader failed: {last[:200]})")
    status, value = pickle.loads(done.stdout)  # our own child's output, never the file's bytes
    if status != "ok":
        raise ProjectError(value)
    _read_safely.add(digest)
    return value
