"""Loaded models, one per weight file: every feature that asks for the same file (same
modification time and size), task and device gets the same object, and a file rewritten on
disk is read again.

Qt-free and safe from job threads: a file is loaded by one thread at a time (another thread
asking for it waits for that load instead of loading a second copy), and :meth:`LoadedModels.peek`
never loads or waits, so the GUI thread can ask what is in memory without freezing. At most
``max_models`` models are kept (the least recently used goes first).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from geodesk.core.gc_pauses import after_long_lived_load

Key = tuple[str, int, int, str | None, str]


class LoadedModels:
    """Models loaded by :func:`geodesk.ml.registry.load_model`, kept by file and device."""

    def __init__(self, max_models: int = 8) -> None:
        self.max_models = max(1, int(max_models))
        self._models: OrderedDict[Key, Any] = OrderedDict()
        self._loading: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while loading

    @staticmethod
    def key(path: str | os.PathLike, task: str | None, device: str) -> Key:
        """(resolved file, mtime, size, task, device); OSError for a missing file."""
        p = Path(path).expanduser().resolve()
        st = p.stat()
        return str(p), st.st_mtime_ns, st.st_size, task, str(device)

    def get(self, path: str | os.PathLike, task: str | None = None,
            device: str = "auto") -> Any:
        """The model in ``path`` (loaded now unless it is in memory); refuses a file of another
        ``task`` (:class:`~geodesk.ml.base.ModelFileError`). Loads in the calling thread."""
        from geodesk.ml import registry

        key = self.key(path, task, device)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:  # a second caller of the same file waits for the first load
            with self._lock:
                model = self._models.get(key)
            if model is None:
                try:
                    model = registry.load_model(path, task=task, device=device)
                finally:
                    with self._lock:
                        self._loading.pop(key, None)
                self._keep(key, model)
                after_long_lived_load()  # the window's full GC passes skip torch and the model
        return model

    def peek(self, path: str | os.PathLike, task: str | None = None,
             device: str = "auto") -> Any | None:
        """The model of ``path`` if it is in memory (never loads, never waits for a load)."""
        try:
            key = self.key(path, task, device)
        except OSError:
            return None
        with self._lock:
            return self._models.get(key)

    def put(self, path: str | os.PathLike, model: Any, task: str | None = None,
            device: str = "auto") -> None:
        """Keep ``model`` as the loaded copy of ``path`` (a model this process just saved there,
        e.g. a denoiser adapted to the survey), so nobody reads the file back."""
        self._keep(self.key(path, task, device), model)

    def _keep(self, key: Key, model: Any) -> None:
        with self._lock:
            for old in [k for k in self._models if k[0] == key[0] and k[3:] == key[3:]]:
                del self._models[old]  # the same file before it was rewritten
            self._models[key] = model
            while len(self._models) > self.max_models:
                self._models.popitem(last=False)

    def clear(self) -> None:
        """Forget every loaded model (their memory goes with the last user)."""
        with self._lock:
            self._models.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)


#: The process's loaded models (a session hands this, or its own, to its features).
SHARED = LoadedModels()


def get(path: str | os.PathLike, task: str | None = None, device: str = "auto") -> Any:
    """:meth:`LoadedModels.get` of the process's shared cache."""
    return SHARED.get(path, task, device)


def clear() -> None:
    """Forget the shared cache's models."""
    SHARED.clear()
