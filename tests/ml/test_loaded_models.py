"""One loaded copy per model file, shared by every caller and thread; a rewritten file is read again."""

import os
import threading

import pytest

from geodesk.ml import registry
from geodesk.ml.base import ModelFileError
from geodesk.ml.run.loaded import LoadedModels
from tests.qt.models import tiny_model_file


@pytest.fixture
def counted_loads(monkeypatch):
    """Every real registry.load_model call, with the thread that made it."""
    calls = []
    real = registry.load_model

    def load_model(path, **kw):
        calls.append((str(path), threading.current_thread().name))
        return real(path, **kw)

    monkeypatch.setattr(registry, "load_model", load_model)
    return calls


def test_the_same_file_gives_the_same_model_and_is_read_once(tmp_path, counted_loads):
    path = tiny_model_file("faults", tmp_path / "f.pt")
    models = LoadedModels()
    assert models.peek(path, "faults") is None  # peek never loads
    first = models.get(path, "faults")
    assert models.get(str(path), "faults") is first and models.peek(path, "faults") is first
    assert len(counted_loads) == 1


def test_a_rewritten_file_is_loaded_again_and_replaces_the_old_copy(tmp_path, counted_loads):
    path = tiny_model_file("faults", tmp_path / "f.pt")
    models = LoadedModels()
    first = models.get(path, "faults")
    tiny_model_file("faults", path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a later modification time
    second = models.get(path, "faults")
    assert second is not first and len(counted_loads) == 2 and len(models) == 1


def test_a_model_of_another_task_is_refused(tmp_path):
    path = tiny_model_file("denoise", tmp_path / "d.pt")
    with pytest.raises(ModelFileError):
        LoadedModels().get(path, "faults")


def test_threads_asking_for_one_file_at_once_share_one_load(tmp_path, counted_loads):
    path = tiny_model_file("faults", tmp_path / "f.pt")
    models, got = LoadedModels(), []
    threads = [threading.Thread(target=lambda: got.append(models.get(path, "faults")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(m is got[0] for m in got) and len(counted_loads) == 1


def test_at_most_max_models_are_kept_and_clear_forgets_them(tmp_path):
    models = LoadedModels(max_models=2)
    paths = [tiny_model_file("faults", tmp_path / f"f{i}.pt") for i in range(3)]
    for p in paths:
        models.get(p, "faults")
    assert len(models) == 2 and models.peek(paths[0], "faults") is None
    models.clear()
    assert len(models) == 0


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        LoadedModels().get(tmp_path / "none.pt", "faults")
