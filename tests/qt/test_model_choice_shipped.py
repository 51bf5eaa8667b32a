"""The shipped weight file a feature uses is looked up once, and again when the folder changes."""

from geodesk.ml import registry
from geodesk.qt.models.model_choice import shipped_weights_cached
from tests.qt.models import tiny_model_file


def test_shipped_weights_are_read_once_until_a_weight_file_changes(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv("GEODESK_MODELS", str(folder))
    reads = []
    real = registry.shipped_weights

    def counted(task, path=None):
        reads.append(task)
        return real(task, path)

    monkeypatch.setattr(registry, "shipped_weights", counted)
    assert shipped_weights_cached("faults") is None
    first = tiny_model_file("faults", folder / "faults.pt")
    assert shipped_weights_cached("faults") == first  # a new file: read again
    for _ in range(5):  # every section shown asks: the folder has not changed
        assert shipped_weights_cached("faults") == first
    assert len(reads) == 2
    first.unlink()  # gone: not the file it found before
    assert shipped_weights_cached("faults") is None
