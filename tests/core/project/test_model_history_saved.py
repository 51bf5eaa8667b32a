"""Model history in the project: versions, the one in use and reviewed marks survive
save/load; a version whose file is gone falls back to the base (labels kept); a file that is
not the one of the weight id is told apart; content a save would not write is refused (a damaged project)."""

import json

import numpy as np
import pytest

from geodesk.core.model_history import ModelHistory, ModelVersion, sha12
from geodesk.core.project.project import Project


def _version(folder, task="faults", number=1, content=b"weights"):
    (folder / "models").mkdir(exist_ok=True)
    f = folder / "models" / f"{task}-v{number}.pt"
    f.write_bytes(content)
    return ModelVersion(task, number, f"models/{f.name}", f"fault-unet@v2#{sha12(f)}",
                        "fault-unet@v2#base00000000", 120, {"labels": 30, "f1": 0.71},
                        {"labels": 30, "f1": 0.5, "median": float("inf")},
                        "2026-12-01T14:00:00+00:00", "post.sgy", "120 steps")


@pytest.fixture
def project(tmp_path):
    src = tmp_path / "survey.sgy"
    src.write_bytes(b"x" * 10)
    return Project.create(tmp_path / "p.geodesk", src)


def test_versions_active_and_reviewed_marks_round_trip_through_save_and_load(project):
    v1 = _version(project.folder, number=1, content=b"one")
    v2 = _version(project.folder, number=2, content=b"two")
    h = project.model_history
    h.add(v1)
    h.add(v2)
    h.use("faults", v1.weight_id)  # switch back
    h.mark_reviewed("s0", "firstbreaks", [np.int64(3), 7])
    assert project.is_dirty
    project.save()
    again = Project.open(project.folder)
    g = again.model_history
    assert [v.name for v in g.of_task("faults")] == ["faults-v1", "faults-v2"]
    assert g.active_version("faults") == v1 and g.reviewed_keys("s0", "firstbreaks") == [3, 7]
    assert g.of_task("faults")[0].base_agreement["median"] is None  # inf is not JSON
    assert g.usable_path(again.folder, "faults") == (again.folder / v1.file, None)


def test_a_version_whose_file_is_gone_falls_back_to_the_base(project):
    v = _version(project.folder)
    project.model_history.add(v)
    (project.folder / v.file).unlink()
    path, why = project.model_history.usable_path(project.folder, "faults")
    assert path is None and "labels stay" in why and "base" in why
    assert project.model_history.active_version("faults") is None
    assert project.model_history.of_task("faults") == [v]  # still listed


def test_a_replaced_file_is_not_the_version_that_made_the_picks(project):
    v = _version(project.folder)
    project.model_history.add(v)
    (project.folder / v.file).write_bytes(b"other weights")
    issues = project.model_history.check(project.folder)
    assert [i.problem for i in issues] == ["changed"]
    assert project.model_history.usable_path(project.folder, "faults")[0] is None


def test_model_history_content_a_save_would_not_write_is_refused(project):
    project.model_history.add(_version(project.folder))
    project.save()
    gen = json.loads((project.folder / "project.json").read_text())["generation"]
    doc = json.loads((project.folder / gen / "project.json").read_text())
    for bad in ({"format": 1, "versions": [{"task": "faults"}]},
                {"format": 1, "versions": [], "active": {"faults": "missing@v1#0"}},
                {"format": 1, "versions": [dict(doc["models"]["versions"][0],
                                                file="/etc/passwd")]}):
        with pytest.raises(ValueError):
            ModelHistory.from_doc(bad)
    with pytest.raises(ValueError):
        ModelHistory.from_doc({"format": 99})


def test_corrections_per_item_per_model_version():
    from geodesk.core.labels import Label, Location

    h = ModelHistory()
    v = ModelVersion("firstbreaks", 1, "models/firstbreaks-v1.pt", "firstbreak-unet@v4#aaa",
                     "firstbreak-unet@v4#base", 10, {"within_2_samples": 0.9}, {}, "t")
    h.add(v)

    def lab(wid, ffid, n, kind="corrected"):
        return Label("firstbreaks", kind, "s0", "", "FB", Location("gather", ffid,
                     tuple(range(n))), f"model:{wid}", None, None, "t", "u")

    rows = h.corrections_per_item([lab("firstbreak-unet@v4#base", 1, 10),
                                   lab("firstbreak-unet@v4#base", 2, 6),
                                   lab("firstbreak-unet@v4#aaa", 3, 2),
                                   lab("firstbreak-unet@v4#aaa", 4, 5, "confirmed")],
                                  "firstbreaks")
    assert [(r["model"], r["items"], r["per_item"]) for r in rows] == [
        ("firstbreak-unet@v4", 2, 8.0), ("firstbreaks-v1", 1, 2.0)]
