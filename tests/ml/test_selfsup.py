"""Self-supervised adaptation of the denoiser to a survey (noise transfer, blind spot): the held-out
loss falls, the best held-out weights are kept (the starting ones when training only hurts), the
file says where it came from, cancel stops it, nothing it read is overwritten, the CLI fails
cleanly."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import geodesk
from geodesk.core.jobs import Cancelled, JobContext
from geodesk.ml.registry import load_model
from geodesk.ml.selfsup import (
    AdaptSettings,
    Example,
    adapt_denoiser,
    blind_spot,
    split_traces,
    transfer_noise,
)
from geodesk.synth.post3d import generate_post3d

FAST = dict(steps=30, lr=3e-3, batch_size=2, patch=(32, 32), max_sections=4)


@pytest.fixture(scope="module")
def survey_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("adapt")
    return generate_post3d((5, 32, 64), seed=3, n_faults=1, n_horizons=0,
                           snr_db=0.0).write(d / "noisy.sgy")


@pytest.fixture
def model_file(tiny_model, tmp_path):
    import torch

    m = tiny_model("denoise-dncnn", context=1)
    m._init_net()
    # DnCNN starts as the identity (last layer zero), which removes no noise to transfer
    last = m.net_.body[-1]
    with torch.no_grad():
        last.weight.copy_(0.05 * torch.randn(last.weight.shape,
                                             generator=torch.Generator().manual_seed(0)))
    return m.save(tmp_path / "start.pt")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_blind_spot_hides_each_centre_in_every_section_and_along_its_trace():
    rng = np.random.default_rng(0)
    inp = np.repeat(rng.standard_normal((1, 20, 40)), 3, axis=0).astype(np.float32)
    valid = np.ones((20, 40), dtype=bool)
    valid[:, :10] = False  # a zero-filled top is never a loss centre
    masked, centres = blind_spot(inp, valid, rng, fraction=0.05, half=2)
    ti, si = np.nonzero(centres)
    assert len(ti) > 5 and not centres[:, :10].any()
    for t, s in zip(ti, si):
        for d in (-2, 0, 2):
            j = min(max(s + d, 0), 39)
            assert np.all(masked[:, t, j] == masked[0, t, j])  # the same in every section
    changed = (masked != inp).any(axis=0)
    assert changed[centres].mean() > 0.9  # the centres' own values are gone


def test_noise_transfer_swaps_the_centre_noise_for_the_donor_where_there_is_data():
    rng = np.random.default_rng(2)
    inp = rng.standard_normal((3, 8, 16)).astype(np.float32)
    noise, donor = (rng.standard_normal((8, 16)).astype(np.float32) for _ in range(2))
    valid = np.ones((8, 16), dtype=bool)
    valid[:, :4] = False
    net_in, target = transfer_noise(inp, valid, noise, donor, context=1)
    np.testing.assert_allclose(target, inp[1] - noise)
    np.testing.assert_allclose(net_in[1][valid], (inp[1] - noise + donor)[valid], rtol=1e-6)
    assert np.array_equal(net_in[1][~valid], inp[1][~valid])  # no data: left as it was
    assert np.array_equal(net_in[[0, 2]], inp[[0, 2]])  # neighbours keep their own noise


def test_held_out_part_is_the_last_quarter_of_every_sections_traces():
    exs = [Example(np.arange(3 * n * 5, dtype=np.float32).reshape(3, n, 5),
                   np.ones((n, 5), dtype=bool)) for n in (8, 1, 40)]
    train, held = split_traces(exs)
    assert [e.valid.shape[0] for e in train] == [6, 1, 30]
    assert [e.valid.shape[0] for e in held] == [2, 10]  # a one-trace section has nothing held
    np.testing.assert_array_equal(np.concatenate([train[0].inp, held[0].inp], axis=1),
                                  exs[0].inp)


@pytest.mark.parametrize("method", ["noise-transfer", "blind-spot"])
def test_adaptation_lowers_the_held_out_loss_and_records_provenance(survey_file, model_file,
                                                                   tmp_path, method):
    model = load_model(model_file, task="denoise", device="cpu")
    before = {k: v.clone() for k, v in model.net_.state_dict().items()}
    out = tmp_path / "adapted.pt"
    start_digest, survey_digest = digest(model_file), digest(survey_file)
    with geodesk.open(survey_file) as survey:
        new = adapt_denoiser(survey, model, settings=AdaptSettings(**FAST, method=method),
                             out=out, source=model_file, command="test")
    prov = new.provenance_
    assert prov["held_out_loss_after"] < 0.98 * prov["held_out_loss_before"]
    assert prov["kept_step"] > 0 and prov["settings"]["method"] == method
    losses = [h["loss"] for h in new.history_ if "adapt_step" in h]
    assert losses[-1] < losses[0]
    assert digest(model_file) == start_digest and digest(survey_file) == survey_digest
    for k, v in model.net_.state_dict().items():  # the model given is left as it was
        assert np.array_equal(v.numpy(), before[k].numpy())
    again = load_model(out, task="denoise", device="cpu")
    p = again.provenance_
    assert p["survey"] == str(survey_file.resolve()) and "self-supervised" in p["self_supervised"]
    assert p["fine_tuned_from"]["path"] == str(model_file.resolve())
    x = np.random.default_rng(1).standard_normal((3, 32, 64)).astype(np.float32)
    np.testing.assert_allclose(again.predict(x), new.predict(x), atol=1e-6)


def test_adaptation_keeps_the_starting_weights_when_training_only_hurts(survey_file, model_file,
                                                                        monkeypatch):
    import torch

    class Scramble(torch.optim.SGD):
        """An optimiser whose every step throws the weights about."""

        def step(self, closure=None):
            with torch.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p.add_(torch.randn_like(p))

    monkeypatch.setattr(torch.optim, "Adam", lambda params, lr: Scramble(params, lr=lr))
    model = load_model(model_file, task="denoise", device="cpu")
    seen = []
    with geodesk.open(survey_file) as survey:
        new = adapt_denoiser(survey, model, settings=AdaptSettings(**FAST),
                             on_check=lambda step, m: seen.append(step))
    assert new.provenance_["kept_step"] == 0 and seen[0] == 0 and len(seen) > 3
    x = np.random.default_rng(1).standard_normal((3, 32, 64)).astype(np.float32)
    np.testing.assert_allclose(new.predict(x), model.predict(x), atol=1e-6)


def test_cancel_stops_adaptation_and_writes_nothing(survey_file, model_file, tmp_path):
    model = load_model(model_file, task="denoise", device="cpu")
    ctx = JobContext(min_interval_s=0.0)
    steps = []

    def on_progress(fraction, text):
        if "step" in text:
            steps.append(text)
            if len(steps) == 3:
                ctx.cancel()

    ctx.on_progress = on_progress
    out = tmp_path / "never.pt"
    with geodesk.open(survey_file) as survey, pytest.raises(Cancelled):
        adapt_denoiser(survey, model, ctx, settings=AdaptSettings(**FAST), out=out)
    assert not out.exists() and len(steps) == 3


def test_adaptation_refuses_to_write_over_what_it_reads(survey_file, model_file, monkeypatch,
                                                        tmp_path):
    model = load_model(model_file, task="denoise", device="cpu")
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    monkeypatch.setenv("GEODESK_MODELS", str(shipped))
    with geodesk.open(survey_file) as survey:
        for bad, what in ((model_file, "being adapted"), (survey_file, "survey itself"),
                          (shipped / "denoise.pt", "shipped")):
            with pytest.raises(ValueError, match=what):
                adapt_denoiser(survey, model, settings=AdaptSettings(**FAST), out=bad,
                               source=model_file)
    assert not (shipped / "denoise.pt").exists()


def test_cli_adapts_and_fails_cleanly(main, survey_file, model_file, tmp_path, capsys):
    out = tmp_path / "cli.pt"
    args = ["adapt", "denoise", str(survey_file), "--from", str(model_file), "--threads", "1",
            "--quiet"]
    assert main([*args, "--out", str(out), "--steps", "3", "--method", "blind-spot"]) == 0
    prov = load_model(out).provenance_
    assert prov["survey"] == str(survey_file.resolve())
    assert prov["settings"]["method"] == "blind-spot" and prov["settings"]["steps"] == 3
    capsys.readouterr()
    for bad in (["--out", str(model_file)], ["--out", str(tmp_path / "x.pt"), "--steps", "0"],
                ["--out", str(tmp_path / "nodir" / "x.pt")]):
        assert main([*args, *bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("geodesk: error:") and "Traceback" not in err
    assert main(["adapt", "denoise", str(tmp_path / "missing.sgy"), "--out",
                 str(tmp_path / "y.pt"), "--from", str(model_file), "--quiet"]) == 2
    assert main(["adapt", "denoise", str(survey_file), "--out", str(tmp_path / "z.pt"),
                 "--quiet"]) == 2  # nothing shipped and no --from
    assert "no trained denoise model" in capsys.readouterr().err


def test_training_sections_are_cut_to_the_memory_budget(survey_file, model_file):
    from geodesk.ml.selfsup import Example, _crop, survey_examples

    model = load_model(model_file, task="denoise", device="cpu")
    with geodesk.open(survey_file) as survey:
        whole = survey_examples(survey, model, max_sections=4)
    assert all(e.inp.shape[0] == 3 and e.valid.shape == e.inp.shape[1:] for e in whole)
    valid = np.zeros((200, 300), dtype=bool)
    valid[:, 150:] = True  # data only in the lower half: the cut goes there
    big = Example(np.zeros((3, 200, 300), np.float32), valid)
    cut = _crop(big, 64 * 100, np.random.default_rng(0))
    assert cut.inp.shape == (3, 64, 100) and cut.valid.shape == (64, 100)
    assert cut.valid.mean() > 0.5


def test_adapted_model_takes_the_settings_leakage_band_and_the_start_keeps_its_own(
        survey_file, model_file):
    model = load_model(model_file, task="denoise", device="cpu")
    start_band = (model.leakage_low, model.leakage_high)
    with geodesk.open(survey_file) as survey:
        new = adapt_denoiser(survey, model,
                             settings=AdaptSettings(**FAST, leakage_band=(0.5, 0.7)))
        with pytest.raises(ValueError, match="leakage band"):
            adapt_denoiser(survey, model, settings=AdaptSettings(**FAST, leakage_band=(0.7, 0.5)))
    assert new.provenance_["kept_step"] > 0
    assert (new.leakage_low, new.leakage_high) == (0.5, 0.7)
    assert (model.leakage_low, model.leakage_high) == start_band
    assert new.leakage_settings().low == 0.5 and new.leakage_settings().high == 0.7


def test_adapted_model_of_a_prestack_survey_keeps_the_starting_leakage_band(model_file,
                                                                           tmp_path):
    from geodesk.synth.shots import generate_shots

    path = generate_shots((3, 32, 64), seed=2, dt_ms=4.0, snr_db=0.0).write(tmp_path / "s.sgy")
    model = load_model(model_file, task="denoise", device="cpu")
    with geodesk.open(path) as survey:
        assert survey.kind == "prestack"
        new = adapt_denoiser(survey, model,
                             settings=AdaptSettings(**FAST, leakage_band=(0.5, 0.7)))
    assert new.provenance_["kept_step"] > 0
    assert (new.leakage_low, new.leakage_high) == (model.leakage_low, model.leakage_high)
