"""Bad input and safety of fine-tuning on labels: a labelled survey that moved (read where it
was found, said) or is missing (skipped, said; nothing left is refused), a NaN loss (stopped,
nothing written, why), labels of another sample interval (mapped by time) or geometry
(refused)."""

import shutil

import numpy as np
import pytest

import geodesk
from geodesk.core.labels import SectionLabels
from geodesk.core.picks import FaultSet
from geodesk.core.project.project import Project
from geodesk.ml.finetune import FineTuneDiverged, FineTuneRefused
from geodesk.ml.finetune_faults import finetune_faults, label_pixels, labelled_sections
from geodesk.ml.finetune_sources import default_settings, project_items
from geodesk.synth import generate_post3d


@pytest.fixture
def fault_base(tmp_path, tiny_model, tiny_examples):
    X, y = tiny_examples("faults")
    path = tmp_path / "faults.pt"
    tiny_model("fault-unet").fit(X, y).save(path)
    return path


def _project_with_sticks(folder, survey):
    proj = Project.create(folder / "p.geodesk", survey)
    with geodesk.open(survey) as s:
        il, xl = float(s.inlines[2]), s.crosslines
    fs = FaultSet("Faults")
    fs.add_fault(None, "F1")
    fs.add_stick(None, "F1", [[il, xl[5], 20.0], [il, xl[9], 200.0]], "inline", il)
    proj.picks.add(None, fs)
    proj.save()
    return proj


def test_labels_of_a_survey_that_moved_are_read_where_it_is_now(tmp_path, main, fault_base):
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    src = generate_post3d((6, 24, 64), seed=2, dt_ms=4.0).write(work / "data" / "post.sgy")
    _project_with_sticks(work, src)
    moved = tmp_path / "moved"
    shutil.move(str(work), str(moved))  # project and data moved together
    labels = project_items(Project.open(moved / "p.geodesk"), "faults")
    assert len(labels.items) == 1 and "moved" in labels.notes[0]
    out = tmp_path / "new.pt"
    assert main(["train", "faults", "--from", str(fault_base), "--labels",
                 str(moved / "p.geodesk"), "--out", str(out), "--steps", "2", "--quiet"]) == 0


def test_labels_of_a_missing_survey_are_skipped_and_nothing_left_is_refused(tmp_path, main,
                                                                          fault_base, capsys):
    src = generate_post3d((6, 24, 64), seed=2, dt_ms=4.0).write(tmp_path / "post.sgy")
    proj = _project_with_sticks(tmp_path, src)
    src.unlink()
    with pytest.raises(FineTuneRefused, match="skipped.*missing"):
        project_items(Project.open(proj.folder), "faults")
    assert main(["train", "faults", "--from", str(fault_base), "--labels", str(proj.folder),
                 "--out", str(tmp_path / "x.pt"), "--quiet"]) == 2
    assert "missing" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_a_nan_loss_stops_the_fine_tune_and_writes_nothing(tmp_path, fault_base, monkeypatch):
    import torch

    from geodesk.ml.tasks.faults import FaultUNet

    src = generate_post3d((6, 24, 64), seed=2, dt_ms=4.0).write(tmp_path / "post.sgy")
    with geodesk.open(src) as s:
        items = labelled_sections(s, [SectionLabels("inline", float(s.inlines[1]), [], True)])
    monkeypatch.setattr(FaultUNet, "_loss",
                        lambda self, out, *a: out.sum() * torch.tensor(float("nan")))
    s = default_settings("faults")
    s.steps, s.synthetic_fraction = 3, 0.0
    with pytest.raises(FineTuneDiverged, match="nan.*nothing was written"):
        finetune_faults(fault_base, items, tmp_path / "v.pt", settings=s)
    assert not (tmp_path / "v.pt").exists()


def test_fault_labels_of_another_sample_interval_land_at_the_same_times(tmp_path):
    paths = [generate_post3d((4, 24, n), seed=3, dt_ms=dt).write(tmp_path / f"p{dt:g}.sgy")
             for dt, n in ((4.0, 64), (2.0, 128))]
    rows = []
    for p in paths:
        with geodesk.open(p) as s:
            il, xl = float(s.inlines[1]), s.crosslines
            lab = SectionLabels("inline", il, [np.array([[il, xl[6], 100.0],
                                                          [il, xl[6], 180.0]])], False)
            target, _ = label_pixels(s.inline(int(il)), lab)
            t = np.asarray(s.inline(int(il)).axis1.values)
        rows.append(t[np.flatnonzero(target[6] > 0)])
    for times in rows:  # the band spans 100-180 ms on both (plus a sample of band)
        assert times.min() <= 100.0 and times.max() >= 180.0 and times.max() <= 190.0
        assert times.min() >= 90.0


def test_fault_labels_of_another_geometry_are_refused(tmp_path):
    src = generate_post3d((4, 24, 64), seed=3, dt_ms=4.0).write(tmp_path / "p.sgy")
    with geodesk.open(src) as s:
        il, xl = float(s.inlines[1]), s.crosslines
        far = SectionLabels("inline", il, [np.array([[il, xl[-1] + 40, 40.0],
                                                     [il, xl[-1] + 44, 80.0]])], False)
        with pytest.raises(FineTuneRefused, match="outside the section"):
            labelled_sections(s, [far])
