"""Weight-file ids: picks name the exact weight file that made them (content hash + version)."""

from __future__ import annotations

import os
import re

import numpy as np
import torch

from geodesk.core.picks import FirstBreaks, VelocityFunctions
from geodesk.ml.base import SeismicModel
from geodesk.ml.registry import weight_id
from geodesk.ml.run.results import firstbreak_picks, provenance_of

ID = re.compile(r"^model:firstbreak-unet@v\d+#[0-9a-f]{12}$")


def _tiny_file(tiny_model, path, seed):
    torch.set_num_threads(1)
    model = tiny_model("firstbreak-unet", seed=seed)
    model._init_net()
    with torch.no_grad():  # a constant head picks every live trace (an untrained net may not)
        model.net_.head.weight.zero_()
        model.net_.head.bias.copy_(torch.tensor([0.0, -4.0, float(seed)]))
    return model.save(path)


def test_two_weight_files_of_one_model_label_their_picks_differently(tiny_model, tiny_examples,
                                                                      tmp_path):
    a = SeismicModel.load(_tiny_file(tiny_model, tmp_path / "a.pt", 0))
    b = SeismicModel.load(_tiny_file(tiny_model, tmp_path / "b.pt", 1))
    gather = tiny_examples("firstbreaks")[0][0]
    fb = FirstBreaks("FB", np.zeros(gather.data.shape[0]), np.arange(gather.data.shape[0]))
    labels = []
    for model, traces in ((a, slice(0, 3)), (b, slice(3, 6))):
        times, conf = firstbreak_picks(model, gather)
        idx = np.arange(fb.n_traces)[traces]
        fb.set_times(None, idx, np.nan_to_num(times[idx], nan=10.0), provenance_of(model),
                     confidence=conf[idx])
        labels.append(set(fb.provenance_of(idx)))
    assert labels[0] != labels[1]
    for (label,) in labels:
        assert ID.match(label), label
    assert a.name == b.name and a.version == b.version  # same model, other weights


def test_the_id_follows_the_file_content_and_a_rewritten_file_gets_a_new_one(tiny_model,
                                                                          tmp_path):
    path = _tiny_file(tiny_model, tmp_path / "m.pt", 0)
    first = provenance_of(SeismicModel.load(path))
    assert provenance_of(SeismicModel.load(path)) == first  # cached, same answer
    copy = tmp_path / "copy.pt"
    copy.write_bytes(path.read_bytes())
    assert provenance_of(SeismicModel.load(copy)) == first  # same content, same id
    _tiny_file(tiny_model, path, 1)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert provenance_of(SeismicModel.load(path)) != first
    assert weight_id(path, "firstbreak-unet", 4).startswith("firstbreak-unet@v4#")


def test_training_further_drops_the_file_id(tiny_model, tiny_examples, tmp_path):
    model = SeismicModel.load(_tiny_file(tiny_model, tmp_path / "m.pt", 0))
    X, y = tiny_examples("firstbreaks")
    model.partial_fit(X, y)
    assert provenance_of(model) == f"model:firstbreak-unet@{model.version}"


def test_velocity_picks_carry_the_weight_id(tiny_model, tmp_path):
    torch.set_num_threads(1)
    m = tiny_model("velocity-unet")
    m._init_net()
    model = SeismicModel.load(m.save(tmp_path / "v.pt"))
    vf = VelocityFunctions("V")
    vf.set_function(None, 1, [0.0, 500.0], [1500.0, 2000.0], provenance_of(model))
    assert re.match(r"^model:velocity-unet@v\d+#[0-9a-f]{12}$", vf.function(1).provenance[0])
    assert vf.function(1).model_provenance == vf.function(1).provenance


def test_models_listing_names_the_id_the_picks_carry(tiny_model, tmp_path, capsys, main):
    import json

    path = _tiny_file(tiny_model, tmp_path / "fb.pt", 0)
    assert main(["models", "--dir", str(tmp_path), "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)["weights"]
    assert "model:" + listed["id"] == provenance_of(SeismicModel.load(path))


def test_firstbreaks_cli_with_provenance_writes_the_weight_id_and_confidence(tiny_model,
                                                                           tmp_path, main):
    from geodesk.core.exchange.picks_io import import_firstbreaks
    from geodesk.core.picks import Interpretation
    from geodesk.synth import generate_shots

    s = generate_shots((2, 12, 120), seed=8, dt_ms=2.0)
    src = s.write(tmp_path / "shots.sgy")
    path = _tiny_file(tiny_model, tmp_path / "fb.pt", 0)
    label = provenance_of(SeismicModel.load(path))
    for method, extra, want in (("unet", ["--model", str(path)], label),
                                ("stalta", [], None)):
        out = tmp_path / f"{method}.csv"
        assert main(["firstbreaks", str(src), str(out), "--method", method, "--quiet",
                     "--with-provenance", *extra]) == 0
        fb = import_firstbreaks(Interpretation(), None, out, "FB", s.ffid.ravel(),
                                s.channel.ravel())
        picked = np.flatnonzero(np.isfinite(fb.times))
        assert picked.size
        (got,) = set(fb.provenance_of(picked))
        assert got == want if want else got.startswith("model:stalta@")
        if method == "unet":
            assert np.isfinite(fb.confidence[picked]).all()
