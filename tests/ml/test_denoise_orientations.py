"""Orientation averaging of the 2.5D denoiser on 3D volumes (inline pass + crossline pass)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import segyio

from geodesk.core.jobs import JobContext
from geodesk.synth import generate_post3d


@pytest.fixture
def active_model(tiny_model):
    """A tiny 2.5D denoiser (context 1) whose network changes every sample it is shown."""
    import torch

    model = tiny_model("denoise-dncnn", context=1)
    model._init_net()
    with torch.no_grad():
        gen = torch.Generator().manual_seed(0)
        for p in model.net_.parameters():
            p.copy_(0.3 * torch.randn(p.shape, generator=gen))
    model.net_.eval()
    return model


def _single(model):
    one = copy.copy(model)
    one.average_orientations = False
    return one


def _volume(shape=(10, 12, 40), seed=4):
    return generate_post3d(shape, seed=seed, n_horizons=0, snr_db=5.0)


def test_averaging_is_equivariant_to_swapping_inlines_and_crosslines(active_model):
    from geodesk.ml.tasks.denoise import denoise_volume

    x = _volume().data
    out = denoise_volume(active_model, x)
    swapped = denoise_volume(active_model, np.ascontiguousarray(x.transpose(1, 0, 2)))
    np.testing.assert_allclose(swapped.transpose(1, 0, 2), out, atol=1e-6)
    # the single pass is not: it sees other neighbours in the swapped volume
    one = _single(active_model)
    single_swapped = denoise_volume(one, np.ascontiguousarray(x.transpose(1, 0, 2)))
    assert not np.allclose(single_swapped.transpose(1, 0, 2), denoise_volume(one, x),
                           atol=1e-4)


def test_average_is_the_mean_of_the_inline_and_the_crossline_passes(active_model):
    from geodesk.ml.tasks.denoise import denoise_volume

    x = _volume().data
    one = _single(active_model)
    along = denoise_volume(one, x)
    across = denoise_volume(one, np.ascontiguousarray(x.transpose(1, 0, 2))).transpose(1, 0, 2)
    np.testing.assert_allclose(denoise_volume(active_model, x), 0.5 * (along + across),
                               atol=1e-6)


def test_zero_filled_top_mute_and_dead_trace_stay_zero_when_averaged(active_model):
    from geodesk.ml.tasks.denoise import denoise_volume

    x = np.random.default_rng(0).standard_normal((10, 12, 60)).astype(np.float32)
    x[:, :, :15] = 0.0  # zero-filled top
    x[3, 7] = 0.0  # dead trace
    for j in range(12):
        x[:, j, 15:15 + 2 * j] = 0.0  # muted wedge along the crosslines
    out = denoise_volume(active_model, x)
    assert np.all(out[x == 0.0] == 0.0)
    assert np.abs(out - x)[x != 0.0].mean() > 1e-3  # the rest was changed


def test_a_small_volume_keeps_the_single_pass(active_model):
    from geodesk.ml.tasks.denoise import denoise_volume

    x = _volume((5, 12, 40)).data  # 5 inlines: too few traces for the crossline pass
    np.testing.assert_array_equal(denoise_volume(active_model, x),
                                  denoise_volume(_single(active_model), x))


def test_a_2d_line_is_unchanged_by_the_option(active_model, tmp_path):
    import geodesk
    from geodesk.core.segy.write import write_post2d
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.tasks.denoise_orient import denoise_section

    data = _volume((2, 40, 50), seed=7).data[0]
    cdps = np.arange(1, 41)
    src = write_post2d(tmp_path / "line.sgy", data, cdps, cdps * 12.5, cdps * 0.0, dt_ms=4.0)
    with geodesk.open(src) as s:
        assert s.kind == "post2d"
        line = s.line()
        outs = []
        for model in (active_model, _single(active_model)):
            got = denoise_section(model, s, "line", 0.0)
            np.testing.assert_array_equal(got, model.predict(line))
            path = map_blocks(s, model, tmp_path / f"o{len(outs)}.sgy", JobContext())
            with segyio.open(path, ignore_geometry=True) as f:
                outs.append(segyio.tools.collect(f.trace[:]))
    np.testing.assert_array_equal(outs[0], outs[1])


def test_the_cli_block_run_and_the_window_section_match_the_whole_volume(active_model,
                                                                         tmp_path):
    import geodesk
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.tasks.denoise import denoise_volume
    from geodesk.ml.tasks.denoise_orient import denoise_section

    r = _volume((10, 12, 40))
    src = r.write(tmp_path / "v.sgy")
    whole = denoise_volume(active_model, r.data)
    assert not np.allclose(whole, denoise_volume(_single(active_model), r.data), atol=1e-4)
    with geodesk.open(src) as s:
        out = map_blocks(s, active_model, tmp_path / "d.sgy", JobContext(), block=3)
        il, xl = int(s.inlines[4]), int(s.crosslines[6])
        np.testing.assert_allclose(denoise_section(active_model, s, "inline", il), whole[4],
                                   atol=1e-5)
        np.testing.assert_allclose(denoise_section(active_model, s, "crossline", xl),
                                   whole[:, 6], atol=1e-5)
    with segyio.open(out) as f:
        got = segyio.tools.cube(f)
    np.testing.assert_allclose(got, whole, atol=1e-5)


def test_a_single_pass_block_run_runs_along_inlines_only(active_model, tmp_path):
    import geodesk
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.tasks.denoise import denoise_volume

    r = _volume((10, 12, 40))
    src = r.write(tmp_path / "v.sgy")
    with geodesk.open(src) as s:
        out = map_blocks(s, active_model, tmp_path / "d.sgy", JobContext(), block=3,
                         single_pass=True)
    with segyio.open(out) as f:
        got = segyio.tools.cube(f)
    np.testing.assert_allclose(got, denoise_volume(_single(active_model), r.data), atol=1e-5)


def test_blocks_beyond_the_halo_stay_close_to_the_whole_volume(active_model, tmp_path):
    import geodesk
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.tasks.denoise import denoise_volume

    r = _volume((90, 10, 30), seed=5)  # blocks of 8 inlines read 32 more each side: not all
    src = r.write(tmp_path / "v.sgy")
    whole = denoise_volume(active_model, r.data)
    with geodesk.open(src) as s:
        out = map_blocks(s, active_model, tmp_path / "d.sgy", JobContext(), block=8)
    with segyio.open(out) as f:
        got = segyio.tools.cube(f)
    rel = np.sqrt(np.mean((got - whole) ** 2)) / np.sqrt(np.mean(whole ** 2))
    assert rel < 0.02


def test_adaptation_can_train_on_inlines_only(tmp_path):
    import geodesk
    from geodesk.ml.selfsup import _section_keys

    src = _volume((6, 8, 30)).write(tmp_path / "v.sgy")
    with geodesk.open(src) as s:
        both = {m for m, _ in _section_keys(s, 4)}
        inline = {m for m, _ in _section_keys(s, 4, "inline")}
        with pytest.raises(ValueError, match="orientations"):
            _section_keys(s, 4, "time")
    assert both == {"inline", "crossline"} and inline == {"inline"}


def test_geodesk_denoise_averages_a_volume_and_single_pass_keeps_the_inlines(
        main, tiny_model, tiny_examples, tmp_path):
    from geodesk.ml.registry import load_model
    from geodesk.ml.tasks.denoise import denoise_volume

    X, y = tiny_examples("denoise")
    path = tiny_model("denoise-dncnn", context=1, leakage=False).fit(X, y).save(
        tmp_path / "d.pt")
    m = load_model(path)
    assert m.average_orientations  # the default
    r = _volume((10, 12, 40))
    src = r.write(tmp_path / "v.sgy")
    for flags, expect in (([], denoise_volume(m, r.data)),
                          (["--single-pass"], denoise_volume(_single(m), r.data))):
        out = tmp_path / f"o{len(flags)}.sgy"
        assert main(["denoise", str(src), str(out), "--model", str(path), "--quiet",
                     *flags]) == 0
        with segyio.open(out) as f:
            np.testing.assert_allclose(segyio.tools.cube(f), expect, rtol=1e-5, atol=1e-6)
