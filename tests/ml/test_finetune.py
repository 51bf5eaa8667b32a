"""Fine-tuning a first-break model on labels: moves toward them, masks unlabelled traces,
writes nothing on divergence or cancel, and the CLI path from a first-break CSV."""

import hashlib

import numpy as np
import pytest

import geodesk
from geodesk.core.jobs import Cancelled, JobContext
from geodesk.core.picks import FirstBreaks
from geodesk.ml.finetune import (
    FineTuneDiverged,
    FineTuneSettings,
    LabelledGather,
    choose_options,
    finetune_firstbreaks,
    interpretation_label_times,
    labelled_gathers,
    mirrored,
    split_holdout,
)
from geodesk.ml.tasks.firstbreaks import gather_section
from geodesk.synth import generate_shots


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def base(tmp_path, tiny_model, tiny_examples):
    """A tiny first-break model trained a few steps on synthetic gathers, saved."""
    X, y = tiny_examples("firstbreaks")
    path = tmp_path / "base.pt"
    tiny_model("firstbreak-unet").fit(X, y).save(path)
    return path


@pytest.fixture
def shots():
    return generate_shots((3, 16, 160), seed=5, dt_ms=2.0)


def _gathers(shots, every=1):
    """Labelled gathers of the synthetic shots: the true first breaks on every ``every``-th trace."""
    out = []
    for k in range(shots.data.shape[0]):
        t = np.array(shots.truth["first_break_ms"][k], dtype=np.float32)
        keep = np.zeros(t.shape, dtype=bool)
        keep[::every] = True
        g = gather_section(shots.data[k], 2.0, offsets=shots.offset_m[k])
        out.append(LabelledGather(k + 1, g, np.where(keep, t, np.nan)))
    return out


def _error(model_path, gathers):
    from geodesk.ml.registry import load_model
    from geodesk.ml.run.results import firstbreak_picks

    model = load_model(model_path, task="firstbreaks", device="cpu")
    errs = []
    for g in gathers:
        ok = np.isfinite(g.times)
        e = np.abs(firstbreak_picks(model, g.gather)[0][ok] - g.times[ok])
        errs.append(np.where(np.isfinite(e), e, 1000.0))
    return float(np.mean(np.concatenate(errs)))


def test_finetuning_moves_predictions_toward_the_labels(base, shots, tmp_path):
    gathers = _gathers(shots)
    out = tmp_path / "v1.pt"
    s = FineTuneSettings(steps=60, lr=3e-3, synthetic_fraction=0.0, holdout=0.0)
    res = finetune_firstbreaks(base, gathers, out, survey_name="synthetic", settings=s)
    assert _error(out, gathers) < _error(base, gathers)
    ft = res.model.provenance_["fine_tune"]
    assert ft["labels"] == sum(g.n_labels for g in gathers) and ft["survey"] == "synthetic"
    assert ft["base_weights"].startswith("firstbreak-unet@v4#")


def test_loss_ignores_traces_without_a_label(base, shots):
    import torch

    from geodesk.ml.registry import load_model

    model = load_model(base, task="firstbreaks", device="cpu")
    g = _gathers(shots, every=3)[0]
    prep = model._prepare(g.gather, g.times)
    unlabelled = ~np.isfinite(g.times)
    assert not prep.mask[unlabelled].any() and prep.mask[~unlabelled].any()
    out = torch.randn(1, 3, *prep.mask.shape)
    tgt = torch.from_numpy(prep.target[None])
    other = tgt.clone()
    other[:, :, torch.from_numpy(unlabelled)] = torch.roll(other, 1, dims=1)[
        :, :, torch.from_numpy(unlabelled)]  # another class on every unlabelled trace
    mask = torch.from_numpy(prep.mask[None])
    inp = torch.from_numpy(prep.inp[None])
    assert float(model._loss(out, tgt, mask, inp)) == float(model._loss(out, other, mask, inp))


def test_a_nan_loss_stops_and_writes_nothing(base, shots, tmp_path):
    before = _digest(base)
    out = tmp_path / "v1.pt"
    with pytest.raises(FineTuneDiverged, match="previous model stays"):
        finetune_firstbreaks(base, _gathers(shots), out,
                             settings=FineTuneSettings(steps=10, lr=float("nan"),
                                                       synthetic_fraction=0.0))
    assert not out.exists() and _digest(base) == before


def test_cancel_writes_nothing(base, shots, tmp_path):
    out = tmp_path / "v1.pt"
    calls = []

    def progress(fraction, text):
        calls.append(text)
        if "step 3/" in text:
            ctx.cancel()

    ctx = JobContext(on_progress=progress, min_interval_s=0.0)
    with pytest.raises(Cancelled):
        finetune_firstbreaks(base, _gathers(shots), out, ctx=ctx,
                             settings=FineTuneSettings(steps=20, synthetic_fraction=0.0))
    assert not out.exists() and any("step 3/" in c for c in calls)


def test_labels_are_the_manual_and_corrected_picks_only():
    from geodesk.core.picks import Interpretation

    fb = FirstBreaks("fb", [1, 1, 1, 1], [1, 2, 3, 4])
    fb.set_times(None, [0, 1, 2], [10.0, 11.0, 12.0], provenance="model:firstbreak-unet@4")
    fb.set_times(None, [1], [15.0])  # corrects a model pick
    fb.set_times(None, [3], [20.0])  # a manual pick
    interp = Interpretation("s")
    interp.add(None, fb)
    t = interpretation_label_times(interp, 4)
    assert np.isnan(t[[0, 2]]).all() and t[1] == 15.0 and t[3] == 20.0


def test_few_gathers_hold_back_traces_many_hold_back_gathers(shots):
    two = _gathers(shots)[:2]
    train, held = split_holdout(two, 0.2)
    assert len(held) == 2
    for a, b in zip(train, held):
        assert not (np.isfinite(a.times) & np.isfinite(b.times)).any()
    train, held = split_holdout(_gathers(shots), 0.2)
    assert len(train) == 2 and len(held) == 1


def test_trace_holdout_trains_every_gather_and_holds_back_traces_of_a_few(shots):
    gathers = [LabelledGather(k, g.gather, g.times)
               for k, g in enumerate(_gathers(shots) * 2)]  # six labelled gathers
    train, held = split_holdout(gathers, 0.2, by="traces", max_gathers=2)
    assert [g.key for g in train] == [g.key for g in gathers] and len(held) == 2
    assert [h.key for h in held] == [0, 5]  # spread over the list
    for h in held:
        t, whole = train[h.key].times, gathers[h.key].times
        assert not (np.isfinite(t) & np.isfinite(h.times)).any()
        assert np.array_equal(np.fmax(t, h.times), whole, equal_nan=True)
        assert 0 < h.n_labels <= 0.25 * gathers[h.key].n_labels
    assert all(train[k] is gathers[k] for k in range(1, 5))
    with pytest.raises(ValueError, match="holdout by"):
        split_holdout(gathers, 0.2, by="shots")


def test_a_mirrored_example_reverses_the_traces_and_their_onsets(base, shots):
    from geodesk.ml.registry import load_model

    model = load_model(base, task="firstbreaks", device="cpu")
    g = _gathers(shots, every=2)[0]
    prep = model._prepare(g.gather, g.times)
    m = mirrored(prep)
    assert np.array_equal(m.inp, prep.inp[:, ::-1]) and np.array_equal(m.mask, prep.mask[::-1])
    assert np.array_equal(m.target, prep.target[:, ::-1])
    assert np.array_equal(m.meta["onset"], prep.meta["onset"][::-1], equal_nan=True)
    assert m.meta["dt"] == prep.meta["dt"]
    back = mirrored(m)
    assert np.array_equal(back.inp, prep.inp) and np.array_equal(back.target, prep.target)


def test_the_default_recipe_trains_on_every_labelled_gather_and_its_mirror(base, shots, tmp_path,
                                                                         monkeypatch):
    import geodesk.ml.finetune as ft

    seen = {}
    real_tune = ft.tune

    def spy(model, labelled, held, *a, **kw):
        seen["labelled"], seen["held"] = len(labelled), held
        return real_tune(model, labelled, held, *a, **kw)

    monkeypatch.setattr(ft, "tune", spy)
    gathers = _gathers(shots)
    finetune_firstbreaks(base, gathers, tmp_path / "v1.pt",
                         settings=FineTuneSettings(steps=4, eval_every=2,
                                                   synthetic_fraction=0.0))
    assert seen["labelled"] == 2 * len(gathers)  # every gather, as recorded and mirrored
    assert 1 <= len(seen["held"]) <= FineTuneSettings.held_gathers
    assert all(any(h.gather is g.gather for g in gathers) for h in seen["held"])


def test_picking_options_are_chosen_on_the_held_back_labels_ties_keep_the_own():
    from types import SimpleNamespace

    model = SimpleNamespace(x=1, y="a")
    score = lambda m, held, ctx: {"v": -abs(m.x - 2)}
    chosen = choose_options(model, ["held"], {"x": (1, 2, 3), "y": ("a", "b"), "z": (0, 1)},
                            score, lambda a: a["v"])
    assert model.x == 2 and chosen["x"]["chosen"] == 2 and chosen["x"]["3"] == {"v": -1}
    assert model.y == "a" and chosen["y"]["chosen"] == "a"  # no better: its own value stays
    assert "z" not in chosen  # a parameter the model lacks
    assert choose_options(model, [], {"x": (5,)}, score, lambda a: a["v"]) == {}


def test_a_finetuned_file_keeps_the_option_its_held_back_labels_chose(base, shots, tmp_path,
                                                                     monkeypatch):
    import dataclasses

    import geodesk.ml.finetune as ft
    from geodesk.ml.registry import load_model

    monkeypatch.setattr(ft, "FIRST_BREAKS", dataclasses.replace(
        ft.FIRST_BREAKS, options={"refine_ms": (0.0, 4.0)}))
    res = finetune_firstbreaks(base, _gathers(shots), tmp_path / "v1.pt",
                               settings=FineTuneSettings(steps=4, eval_every=2,
                                                         synthetic_fraction=0.0))
    opt = res.model.provenance_["fine_tune"]["options"]["refine_ms"]
    assert set(opt) == {"0.0", "4.0", "chosen"}
    assert res.agreement == opt[str(opt["chosen"])]
    assert load_model(res.path, task="firstbreaks", device="cpu").refine_ms == opt["chosen"]


def test_steps_are_scored_on_the_networks_own_picks_and_the_files_option_is_restored(
        base, shots, tmp_path, monkeypatch):
    import geodesk.ml.finetune as ft

    during, real_tune = [], ft.tune

    def spy(model, labelled, held, score, *a, **kw):
        def recording(m, h, ctx):
            during.append(m.classical)
            return score(m, h, ctx)
        return real_tune(model, labelled, held, recording, *a, **kw)

    monkeypatch.setattr(ft, "tune", spy)
    monkeypatch.setattr(ft, "choose_options", lambda model, *a, **kw: {})
    res = finetune_firstbreaks(base, _gathers(shots), tmp_path / "v1.pt",
                               settings=FineTuneSettings(steps=4, eval_every=2,
                                                         synthetic_fraction=0.0))
    assert during and set(during) == {"none"}  # base score and every evaluated step
    assert res.model.classical == "earlier"  # the file's own option comes back afterwards


def test_cli_finetunes_from_a_first_break_csv(main, base, shots, tmp_path):
    src = shots.write(tmp_path / "shots.sgy")
    with geodesk.open(src, kind="prestack") as s:
        hb = s.header_bytes
        ffid, ch = s.header_values(hb.ffid), s.header_values(hb.channel)
    truth = np.asarray(shots.truth["first_break_ms"]).reshape(-1)
    lab = tmp_path / "picks.csv"
    rows = ["ffid,channel,time_ms"] + [f"{f},{c},{t:.3f}" if k % 2 else f"{f},{c},"
                                       for k, (f, c, t) in enumerate(zip(ffid, ch, truth))]
    lab.write_text("\n".join(rows) + "\n")
    out = tmp_path / "new.pt"
    assert main(["train", "firstbreaks", "--from", str(base), "--survey", str(src),
                 "--labels", str(lab), "--out", str(out), "--steps", "4", "--quiet"]) == 0
    from geodesk.ml.base import read_model_file

    ft = read_model_file(out, meta_only=True)[0]["provenance"]["fine_tune"]
    assert ft["labels"] == int(np.isfinite(truth[1::2]).sum()) and ft["survey"] == "shots.sgy"
    # the labels must name the shots; --out over an input is refused
    assert main(["train", "firstbreaks", "--from", str(base), "--labels", str(lab),
                 "--out", str(tmp_path / "x.pt")]) == 2
    assert main(["train", "firstbreaks", "--from", str(base), "--survey", str(src),
                 "--labels", str(lab), "--out", str(base)]) == 2


def test_labelled_gathers_are_the_shots_with_labels(shots, tmp_path):
    src = shots.write(tmp_path / "shots.sgy")
    with geodesk.open(src, kind="prestack") as s:
        t = np.full(s.n_traces, np.nan, dtype=np.float32)
        t[20] = 30.0
        gs = labelled_gathers(s, t)
    assert len(gs) == 1 and gs[0].n_labels == 1


def test_cli_finetunes_from_a_projects_manual_picks(main, base, shots, tmp_path):
    from geodesk.core.project.project import Project

    src = shots.write(tmp_path / "shots.sgy")
    proj = Project.create(tmp_path / "p.geodesk", src)
    with geodesk.open(src, kind="prestack") as s:
        fb = FirstBreaks.like_survey("FB", s)
    fb.set_times(None, np.arange(fb.n_traces), np.full(fb.n_traces, 9.0),
                 provenance="model:firstbreak-unet@4")
    fb.set_times(None, [0, 1, 2, 20], [30.0, 31.0, 32.0, 40.0])  # corrections: the labels
    proj.picks.add(None, fb)
    proj.save()
    out = tmp_path / "new.pt"
    assert main(["train", "firstbreaks", "--from", str(base), "--labels", str(proj.folder),
                 "--out", str(out), "--steps", "3", "--quiet"]) == 0
    from geodesk.ml.base import read_model_file

    ft = read_model_file(out, meta_only=True)[0]["provenance"]["fine_tune"]
    assert ft["labels"] == 4 and ft["labelled_gathers"] == 2
    # the new version may not go into the project folder itself
    assert main(["train", "firstbreaks", "--from", str(base), "--labels", str(proj.folder),
                 "--out", str(proj.folder / "models.pt"), "--steps", "3", "--quiet"]) == 2


def test_a_confirmed_gather_is_labels_as_it_stands():
    from geodesk.core.labels import confirm_gather
    from geodesk.core.picks import Interpretation

    fb = FirstBreaks("fb", [1, 1, 2, 2], [1, 2, 1, 2])
    fb.set_times(None, [0, 1, 2, 3], [10.0, 11.0, 12.0, 13.0],
                 provenance="model:firstbreak-unet@4")
    interp = Interpretation("s")
    interp.add(None, fb)
    confirm_gather(None, interp, fb, 2)
    t = interpretation_label_times(interp, 4)
    assert np.isnan(t[:2]).all() and list(t[2:]) == [12.0, 13.0]
