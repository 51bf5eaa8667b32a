"""geodesk denoise --method ddtf and geodesk interpolate: outputs like the input, blocks join
without seams, a saved frame is reused, and bad input ends in one line, exit 2, no file."""

import numpy as np
import pytest
import segyio
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture
def noisy(tmp_path):
    from geodesk.synth import generate_post3d

    vol = generate_post3d((12, 16, 48), seed=1, snr_db=0.0, n_faults=1)
    return vol.write(tmp_path / "noisy.sgy")


def _one_error(capsys, needle):
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and needle in err[0], err
    return err[0]


def _cube(path):
    with segyio.open(str(path)) as f:
        return segyio.tools.cube(f)


def test_ddtf_denoise_in_blocks_equals_one_block_and_reuses_a_saved_frame(main, noisy, tmp_path):
    a, b, c = tmp_path / "a.sgy", tmp_path / "b.sgy", tmp_path / "c.sgy"
    frame = tmp_path / "frame.npz"
    opts = ["--method", "ddtf", "--patch", "4x4x8", "--quiet"]
    assert main(["denoise", str(noisy), str(a), *opts, "--save-frame", str(frame)]) == 0
    assert main(["denoise", str(noisy), str(b), *opts, "--block", "2"]) == 0
    assert main(["denoise", str(noisy), str(c), "--method", "ddtf", "--model", str(frame),
                 "--block", "4", "--quiet"]) == 0
    x, ya, yb, yc = _cube(noisy), _cube(a), _cube(b), _cube(c)
    assert ya.shape == x.shape and not np.allclose(ya, x)
    np.testing.assert_allclose(yb, ya, atol=1e-5)
    np.testing.assert_allclose(yc, ya, atol=1e-5)


def test_interpolate_fills_zeroed_traces_and_keeps_the_others(main, tmp_path):
    from geodesk.synth import generate_post3d

    vol = generate_post3d((12, 16, 48), seed=2, snr_db=None, n_faults=0)
    data = vol.data.copy()
    data[5, 7] = 0.0
    data[8, 2] = 0.0
    vol.data = data
    src = vol.write(tmp_path / "gaps.sgy")
    out = tmp_path / "filled.sgy"
    assert main(["interpolate", str(src), str(out), "--mask", "zero", "--patch", "4x4x8",
                 "--quiet"]) == 0
    y = _cube(out)
    assert np.any(y[5, 7]) and np.any(y[8, 2])
    keep = np.ones(data.shape[:2], dtype=bool)
    keep[5, 7] = keep[8, 2] = False
    np.testing.assert_allclose(y[keep], data[keep], atol=1e-6)


def test_mask_file_listing_every_trace_is_refused(main, noisy, tmp_path, capsys):
    listed = tmp_path / "all.txt"
    listed.write_text("\n".join(str(i) for i in range(12 * 16)))
    out = tmp_path / "o.sgy"
    assert main(["interpolate", str(noisy), str(out), "--mask", str(listed)]) == 2
    _one_error(capsys, "removes all")
    assert not out.exists()


def test_nan_samples_and_a_patch_larger_than_the_data_are_refused(main, tmp_path, capsys):
    from geodesk.synth import generate_post3d

    vol = generate_post3d((12, 16, 48), seed=3, snr_db=None, n_faults=0)
    vol.data = vol.data.copy()
    vol.data[6, 3, 10] = np.nan
    src = vol.write(tmp_path / "nan.sgy")
    out = tmp_path / "o.sgy"
    assert main(["denoise", str(src), str(out), "--method", "ddtf", "--patch", "4x4x8",
                 "--quiet"]) == 2
    _one_error(capsys, "NaN/Inf")
    assert not out.exists()
    assert main(["denoise", str(src), str(out), "--method", "ddtf", "--patch", "16x4x8",
                 "--quiet"]) == 2
    _one_error(capsys, "larger than the data")
    assert not out.exists() and not list(tmp_path.glob("*.tmp*"))


def test_ddtf_output_over_the_input_is_refused(main, noisy, capsys):
    before = noisy.read_bytes()
    assert main(["denoise", str(noisy), str(noisy), "--method", "ddtf"]) == 2
    _one_error(capsys, "is the input")
    assert main(["interpolate", str(noisy), str(noisy)]) == 2
    _one_error(capsys, "is the input")
    assert noisy.read_bytes() == before
