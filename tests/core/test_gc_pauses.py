"""The window process freezes long-lived objects out of the collector's full passes; other
processes (CLI, libraries, tests) are left alone unless they ask."""

import gc

import pytest

from geodesk.core import gc_pauses
from geodesk.ml.run.loaded import LoadedModels


@pytest.fixture
def restore_gc():
    yield
    gc_pauses.disable()


def test_nothing_is_frozen_unless_the_process_asks(tmp_path, restore_gc):
    from tests.qt.models import tiny_model_file

    path = tiny_model_file("faults", tmp_path / "f.pt")
    before = gc.get_freeze_count()
    LoadedModels().get(path, "faults")
    assert not gc_pauses.enabled() and gc.get_freeze_count() == before


def test_start_up_and_each_model_load_freeze_what_is_alive(tmp_path, restore_gc):
    from tests.qt.models import tiny_model_file

    path = tiny_model_file("faults", tmp_path / "f.pt")
    gc_pauses.keep_full_collections_short()
    assert gc.get_freeze_count() > 0
    survivor = [[0] * 3 for _ in range(1000)]  # made after start-up: not frozen yet
    frozen_before = gc.get_freeze_count()
    model = LoadedModels().get(path, "faults")
    assert gc.get_freeze_count() >= frozen_before + len(survivor)
    assert not any(o is model for o in gc.get_objects(generation=2))  # out of full passes
    gc_pauses.disable()
    assert gc.get_freeze_count() == 0
