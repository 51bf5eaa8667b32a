"""The fault model's ``wavelet_phase="auto"`` converts only the sections found minimum phase,
and ``geodesk faults --wavelet-phase`` sets it (bad values refused with exit code 2)."""

import numpy as np
import pytest

from geodesk.ml.tasks.faults import FaultUNet
from geodesk.synth import generate_post3d
from geodesk.synth.phase_section import phase_section


def _tiny(**kw) -> FaultUNet:
    m = FaultUNet(depth=2, width=4, tile=64, device="cpu", seed=3, **kw)
    m._init_net()
    m.net_.eval()
    return m


@pytest.mark.parametrize("kind", ["zero", "minimum"])
def test_auto_answers_as_the_phase_the_section_has(kind):
    x = phase_section(7, kind, n_traces=100)
    m = _tiny(wavelet_phase="auto")
    auto = m.predict(x)
    m.wavelet_phase = kind
    same = m.predict(x)
    m.wavelet_phase = "minimum" if kind == "zero" else "zero"
    other = m.predict(x)
    assert np.array_equal(auto, same)
    assert np.abs(auto - other).max() > 1e-4  # the choice matters to the network


def test_an_unknown_wavelet_phase_is_refused():
    with pytest.raises(ValueError, match="wavelet_phase must be one of"):
        _tiny(wavelet_phase="mixed").predict(phase_section(1, "zero", n_traces=40))


def test_faults_command_takes_the_wavelet_phase(main, tmp_path, tiny_model, tiny_examples, capsys):
    src = generate_post3d((3, 20, 40), seed=7, n_faults=2, n_horizons=0).write(tmp_path / "v.sgy")
    X, y = tiny_examples("faults")
    model = tiny_model("fault-unet").fit(X, y).save(tmp_path / "f.pt")
    outs = {}
    for phase in ("zero", "minimum", "auto"):
        out = tmp_path / f"{phase}.sgy"
        assert main(["faults", str(src), str(out), "--model", str(model),
                     "--wavelet-phase", phase]) == 0
        outs[phase] = out.read_bytes()
    assert "wavelet phase detected:" in capsys.readouterr().err  # auto says what it found
    assert outs["zero"] != outs["minimum"]
    assert outs["auto"] in (outs["zero"], outs["minimum"])


def test_faults_command_refuses_a_bad_wavelet_phase(main, tmp_path, capsys):
    src = generate_post3d((3, 20, 40), seed=7, n_faults=2, n_horizons=0).write(tmp_path / "v.sgy")
    assert main(["faults", str(src), str(tmp_path / "o.sgy"), "--wavelet-phase", "mixed"]) == 2
    err = capsys.readouterr().err
    assert "--wavelet-phase" in err and "mixed" in err and "Traceback" not in err
