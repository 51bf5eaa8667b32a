"""Fine-tuning the fault and velocity models on labels: label pixels from sticks and fully
interpreted sections, masks, the CLI from stick / velocity CSVs and from a project, and the
refusals (labels off the survey, wrong survey kind, divergence, cancel)."""

import hashlib

import numpy as np
import pytest

import geodesk
from geodesk.core.jobs import Cancelled, JobContext
from geodesk.core.labels import SectionLabels
from geodesk.ml.finetune import FineTuneDiverged, FineTuneRefused
from geodesk.ml.finetune_faults import (
    csv_fault_labels,
    fault_agreement,
    finetune_faults,
    label_pixels,
    labelled_sections,
    read_section_list,
)
from geodesk.ml.finetune_sources import default_settings
from geodesk.ml.finetune_velocities import finetune_velocities, labelled_cmps
from geodesk.synth import generate_cmps, generate_post3d


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def post(tmp_path):
    r = generate_post3d((6, 40, 64), seed=1, dt_ms=4.0, n_faults=2)
    return r, r.write(tmp_path / "post.sgy")


@pytest.fixture
def fault_base(tmp_path, tiny_model, tiny_examples):
    X, y = tiny_examples("faults")
    path = tmp_path / "faults.pt"
    tiny_model("fault-unet").fit(X, y).save(path)
    return path


@pytest.fixture
def cmps(tmp_path):
    c = generate_cmps((4, 24, 200), seed=2, dt_ms=4.0)
    return c, c.write(tmp_path / "cmps.sgy")


@pytest.fixture
def vel_base(tmp_path, tiny_model, tiny_examples):
    X, y = tiny_examples("velocities")
    path = tmp_path / "vel.pt"
    tiny_model("velocity-unet").fit(X, y).save(path)
    return path


def _short(task, steps=4):
    s = default_settings(task)
    s.steps, s.eval_every, s.n_synthetic, s.synthetic_size = steps, 2, 1, 32
    return s


def _stick(inline, xl0, xl1, t0, t1):
    return np.array([[inline, xl0, t0], [inline, xl1, t1]], dtype=float)


def test_label_pixels_band_positive_and_fully_interpreted_negative_elsewhere(post):
    _, path = post
    with geodesk.open(path) as s:
        il = int(s.inlines[2])
        sec = s.inline(il)
        xl = s.crosslines
        stick = _stick(il, xl[10], xl[12], 40.0, 200.0)
        tgt, mask = label_pixels(sec, SectionLabels("inline", il, [stick], True))
        _, only_mask = label_pixels(sec, SectionLabels("inline", il, [stick], False))
        moved = _stick(il, xl[30], xl[31], 40.0, 200.0)
        _, moved_mask = label_pixels(sec, SectionLabels("inline", il, [stick], False, [moved]))
    assert tgt[10, 10] == 1 and tgt[30, 10] == 0  # a band around the stick is fault
    assert mask[30, 10] and mask[0, 60]  # fully interpreted: the rest is "no fault"
    assert not mask[14, 30] and mask[20, 30]  # the guard ring beside the band is left out
    assert only_mask.sum() == (tgt > 0).sum()  # not fully interpreted: only the band counts
    assert moved_mask[30, 20] and not only_mask[30, 20]  # where the model's stick was: negative


def test_fault_labels_off_the_survey_are_refused(post):
    _, path = post
    with geodesk.open(path) as s:
        bad = SectionLabels("inline", float(s.inlines[-1]) + 50, [], True)
        with pytest.raises(FineTuneRefused, match="does not have"):
            labelled_sections(s, [bad])
        il = float(s.inlines[0])
        late = SectionLabels("inline", il, [_stick(il, s.crosslines[1], s.crosslines[2],
                                                   10.0, 5000.0)], False)
        with pytest.raises(FineTuneRefused, match="outside the record"):
            labelled_sections(s, [late])
        with pytest.raises(FineTuneRefused, match="another survey"):
            labelled_sections(s, [SectionLabels("line", 0.0, [], True)])


def test_fault_finetune_moves_toward_the_labels_and_writes_a_version(post, fault_base, tmp_path):
    r, path = post
    with geodesk.open(path) as s:
        labs = []
        for k in (1, 3, 4):
            il = float(s.inlines[k])
            labs.append(SectionLabels("inline", il, [], True))
        items = labelled_sections(s, labs)
        # paint the generator's true fault pixels in (a painted label) on every section
        for it, k in zip(items, (1, 3, 4)):
            truth = np.asarray(r.truth["fault_labels"][k]) > 0
            it.target[:] = truth
            it.mask[:] = True
    before = None
    from geodesk.ml.registry import load_model

    before = fault_agreement(load_model(fault_base, task="faults", device="cpu"), items)
    s = _short("faults", steps=30)
    s.lr, s.holdout, s.synthetic_fraction = 3e-3, 0.0, 0.0
    res = finetune_faults(fault_base, items, tmp_path / "f-v1.pt", settings=s)
    after = fault_agreement(res.model, items)
    assert res.path.is_file() and res.n_labels == sum(i.n_labels for i in items)
    assert after["accuracy"] > before["accuracy"] or after["f1"] > before["f1"]
    ft = res.model.provenance_["fine_tune"]
    assert ft["labelled_sections"] == 3 and ft["base_path"] == str(fault_base.resolve())


def test_fault_finetune_divergence_and_cancel_write_nothing(post, fault_base, tmp_path):
    _, path = post
    with geodesk.open(path) as s:
        items = labelled_sections(s, [SectionLabels("inline", float(s.inlines[2]), [], True)])
    s = _short("faults", steps=12)
    s.lr = 1e12  # the loss explodes
    s.divergence_factor = 1.0001
    before = _digest(fault_base)
    with pytest.raises(FineTuneDiverged, match="nothing was written"):
        finetune_faults(fault_base, items, tmp_path / "bad.pt", settings=s)
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        finetune_faults(fault_base, items, tmp_path / "cancel.pt", settings=_short("faults"),
                        ctx=ctx)
    assert not (tmp_path / "bad.pt").exists() and not (tmp_path / "cancel.pt").exists()
    assert _digest(fault_base) == before


def test_cli_finetunes_faults_from_a_stick_csv_and_interpreted_sections(main, post, fault_base,
                                                                         tmp_path):
    _, path = post
    with geodesk.open(path) as s:
        il, xl = s.inlines, s.crosslines
    sticks = tmp_path / "sticks.csv"
    sticks.write_text("fault,stick,node,inline,xline,x,y,time_ms\n"
                      f"F1,0,0,{il[1]},{xl[10]},,,40\nF1,0,1,{il[1]},{xl[14]},,,200\n")
    listed = tmp_path / "sections.txt"
    listed.write_text(f"# fully interpreted\ninline,{il[1]}\ninline {il[3]}\n")
    assert read_section_list(listed) == [("inline", float(il[1])), ("inline", float(il[3]))]
    with geodesk.open(path) as s:
        labs = csv_fault_labels(sticks, s, listed)
    assert [(x.section_number, len(x.sticks), x.fully_interpreted) for x in labs] == \
        [(float(il[1]), 1, True), (float(il[3]), 0, True)]
    out = tmp_path / "new.pt"
    assert main(["train", "faults", "--from", str(fault_base), "--survey", str(path),
                 "--labels", str(sticks), "--interpreted", str(listed), "--out", str(out),
                 "--steps", "3", "--quiet"]) == 0
    from geodesk.ml.base import read_model_file

    ft = read_model_file(out, meta_only=True)[0]["provenance"]["fine_tune"]
    assert ft["labelled_sections"] == 2 and ft["survey"] == "post.sgy"
    listed.write_text("inline x\n")
    assert main(["train", "faults", "--from", str(fault_base), "--survey", str(path),
                 "--labels", str(sticks), "--interpreted", str(listed),
                 "--out", str(tmp_path / "x.pt"), "--steps", "3", "--quiet"]) == 2
    assert main(["train", "velocities", "--from", str(fault_base), "--survey", str(path),
                 "--labels", str(sticks), "--interpreted", str(listed),
                 "--out", str(tmp_path / "y.pt"), "--quiet"]) == 2


def test_cli_finetunes_faults_from_a_projects_sticks(main, post, fault_base, tmp_path):
    from geodesk.core.picks import FaultSet
    from geodesk.core.project.project import Project

    _, path = post
    proj = Project.create(tmp_path / "p.geodesk", path)
    with geodesk.open(path) as s:
        il, xl = s.inlines, s.crosslines
    fs = FaultSet("Faults")
    fs.add_fault(None, "F1")
    fs.add_stick(None, "F1", _stick(il[2], xl[5], xl[8], 20.0, 220.0), "inline", float(il[2]))
    proj.picks.add(None, fs)
    proj.picks.label_marks.mark_section(None, "inline", float(il[4]))
    proj.save()
    out = tmp_path / "new.pt"
    assert main(["train", "faults", "--from", str(fault_base), "--labels", str(proj.folder),
                 "--out", str(out), "--steps", "3", "--quiet"]) == 0
    from geodesk.ml.base import read_model_file

    ft = read_model_file(out, meta_only=True)[0]["provenance"]["fine_tune"]
    assert ft["labelled_sections"] == 2


def test_velocity_finetune_masks_to_the_knots_and_moves_toward_them(cmps, vel_base, tmp_path):
    c, path = cmps
    with geodesk.open(path, kind="prestack") as s:
        keys = [int(k) for k in np.unique(s.header_values(s.header_bytes.cdp))]
        t = np.asarray(c.truth["t0_ms"], dtype=float)
        knots = {}
        for k, cdp in enumerate(keys):
            sel = np.arange(10, t.size - 10, 20)
            knots[cdp] = (t[sel], np.asarray(c.truth["vrms"][k], dtype=float)[sel])
        items = labelled_cmps(s, knots)
        with pytest.raises(FineTuneRefused, match="does not hold"):
            labelled_cmps(s, {max(keys) + 100: (t[:2], np.array([1500.0, 1600.0]))})
    from geodesk.ml.finetune_velocities import prepare_labelled
    from geodesk.ml.registry import load_model

    base = load_model(vel_base, task="velocities", device="cpu")
    prep = prepare_labelled(base, items[0])
    wt = prep.meta["wt"]
    cols = prep.mask[0] > 0
    assert cols.any() and not cols.all()
    assert wt[cols].min() >= items[0].times_ms[0] - base.work_dt_ms
    assert wt[cols].max() <= items[0].times_ms[-1] + base.work_dt_ms

    def err(model):
        return np.mean([np.mean(np.abs(np.interp(i.times_ms, np.asarray(p.times_ms, float),
                                                 model.predict(p)) - i.vrms) / i.vrms)
                        for i in items for p in [_panel(model, i)]])

    s = _short("velocities", steps=40)
    s.lr, s.holdout, s.synthetic_fraction = 3e-3, 0.0, 0.0
    res = finetune_velocities(vel_base, items, tmp_path / "v1.pt", settings=s)
    assert err(res.model) < err(base)
    assert res.model.provenance_["fine_tune"]["labelled_cmps"] == len(items)


def _panel(model, item):
    from geodesk.ml.tasks.velocities import panel_for_gather

    return panel_for_gather(item.gather, vmin=float(model.vmin), vmax=float(model.vmax))


def test_cli_finetunes_velocities_from_a_velocity_csv(main, cmps, vel_base, tmp_path):
    _, path = cmps
    with geodesk.open(path, kind="prestack") as s:
        cdp = int(np.unique(s.header_values(s.header_bytes.cdp))[0])
    lab = tmp_path / "vel.csv"
    lab.write_text(f"cdp,time_ms,vrms_mps\n{cdp},200,1700\n{cdp},500,2100\n")
    out = tmp_path / "new.pt"
    assert main(["train", "velocities", "--from", str(vel_base), "--survey", str(path),
                 "--labels", str(lab), "--out", str(out), "--steps", "3", "--quiet"]) == 0
    lab.write_text(f"cdp,time_ms,vrms_mps\n{cdp},200,1700\n{cdp},50000,2100\n")
    assert main(["train", "velocities", "--from", str(vel_base), "--survey", str(path),
                 "--labels", str(lab), "--out", str(tmp_path / "x.pt"), "--quiet"]) == 2


class _ScriptedModel:
    """A model whose optimiser steps return scripted losses (the loop's divergence check)."""

    def __init__(self, losses):
        import torch

        self.net_ = torch.nn.Linear(1, 1)
        self.rng_ = np.random.default_rng(0)
        self.losses = list(losses)

    def _step(self, _preps):
        return self.losses.pop(0)


def test_patch_to_patch_loss_swings_are_no_divergence_but_a_real_rise_is():
    from geodesk.ml.finetune import FineTuneSettings, tune

    s = FineTuneSettings(steps=20, synthetic_fraction=0.0)
    # fault-free crops cost ~1e-3, crops across a fault ~0.3: not a divergence
    swings = [7e-4] * 5 + [0.33, 7e-4] * 7 + [0.3]
    out = tune(_ScriptedModel(swings), [object()], [], lambda *a: {}, lambda a: 0, [], s,
               JobContext())
    assert out.stopped == "20 steps"
    with pytest.raises(FineTuneDiverged, match="rose to"):
        tune(_ScriptedModel([0.5] * 5 + [80.0] * 15), [object()], [], lambda *a: {},
             lambda a: 0, [], s, JobContext())


def test_few_sections_hold_back_blocks_of_traces_and_crops_keep_the_labels():
    from geodesk.core.section import Axis, Section
    from geodesk.ml.base import Prepared
    from geodesk.ml.finetune import focus
    from geodesk.ml.finetune_faults import LabelledSection, split_sections

    sec = Section(np.zeros((40, 30), np.float32), Axis(np.arange(40.0), "crossline"),
                  Axis(4.0 * np.arange(30), "time", "ms"), "inline")
    item = LabelledSection(("inline", 1.0), sec, np.zeros((40, 30), np.float32),
                           np.ones((40, 30), bool))
    train, held = split_sections([item], 0.2)
    assert (train[0].mask ^ held[0].mask).all()  # every labelled pixel on exactly one side
    assert held[0].mask[16:24].all() and not held[0].mask[:16].any()
    mask = np.zeros((100, 200), np.float32)
    mask[60:62, 150:160] = 1
    prep = focus(Prepared(np.zeros((1, 100, 200), np.float32), np.zeros((1, 100, 200)),
                          mask, {}), (32, 64))
    assert prep.mask.shape[0] >= 32 and prep.mask.shape[1] >= 64
    assert prep.mask.sum() == mask.sum()


def test_trace_hold_back_keeps_every_section_in_training():
    from geodesk.core.section import Axis, Section
    from geodesk.ml.finetune_faults import LabelledSection, split_sections

    sec = Section(np.zeros((40, 30), np.float32), Axis(np.arange(40.0), "crossline"),
                  Axis(4.0 * np.arange(30), "time", "ms"), "inline")
    items = [LabelledSection(("inline", float(k)), sec, np.zeros((40, 30), np.float32),
                             np.ones((40, 30), bool)) for k in range(5)]
    train, held = split_sections(items, 0.2, by="traces")
    assert [s.key for s in train] == [s.key for s in held] == [s.key for s in items]
    assert all((a.mask ^ b.mask).all() for a, b in zip(train, held))
    train, held = split_sections(items, 0.2, by="sections")  # whole sections held back
    assert len(train) + len(held) == 5 and held and all(s.mask.all() for s in held)
    with pytest.raises(ValueError, match="holdout by"):
        split_sections(items, 0.2, by="pixels")
