"""One conformance test over every registered model: the contract of geodesk.ml.base."""

import inspect

import numpy as np
import pytest
import torch

from geodesk.core.jobs import Cancelled, JobContext
from geodesk.ml.base import MODEL_FORMAT, ModelFileError
from geodesk.ml.registry import REGISTRY, TASKS, load_model

NAMES = sorted(REGISTRY)


@pytest.fixture
def fitted(tiny_model, tiny_examples):
    def make(name, **changes):
        X, y = tiny_examples(REGISTRY[name].task)
        return tiny_model(name, **changes).fit(X, y), X, y

    return make


def _expected_shape(task, x):
    if task == "faults":
        return np.asarray(x).shape
    if task == "denoise":  # a stack of neighbouring sections gives the centre one
        return np.asarray(x).shape[-2:]
    if task == "firstbreaks":
        return (x.data.shape[0],)
    return (len(x.times_ms),)


def test_every_task_has_a_registered_model():
    assert {spec.task for spec in REGISTRY.values()} == set(TASKS)


@pytest.mark.parametrize("name", NAMES)
def test_hyper_parameters_are_keyword_only_and_round_trip(name, tiny_model, tiny_examples, fitted):
    cls = type(tiny_model(name))
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    assert params and all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    m = tiny_model(name)
    assert cls(**m.get_params()).get_params() == m.get_params()
    with pytest.raises(TypeError):
        cls(3)


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self_and_predict_has_the_task_shape(name, tiny_model, tiny_examples, fitted):
    model = tiny_model(name)
    X, y = tiny_examples(REGISTRY[name].task)
    assert model.fit(X, y) is model
    out = model.predict(X[0])
    assert out.shape == _expected_shape(model.task, X[0])
    assert out.dtype == np.float32
    assert len(model.history_) == model.epochs


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_identical_predictions(name, tiny_model, tiny_examples, fitted):
    a, X, _ = fitted(name, seed=5)
    b, _, _ = fitted(name, seed=5)
    c, _, _ = fitted(name, seed=6)
    np.testing.assert_array_equal(a.predict(X[0]), b.predict(X[0]))
    wa, wb, wc = (m.net_.state_dict() for m in (a, b, c))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert not all(torch.equal(wa[k], wc[k]) for k in wa)  # the seed does matter


@pytest.mark.parametrize("name", NAMES)
def test_save_load_reproduces_predictions_exactly(name, tmp_path, tiny_model, tiny_examples, fitted):
    model, X, _ = fitted(name)
    path = model.save(tmp_path / "m.pt")
    again = type(model).load(path)
    assert again.get_params() == model.get_params()
    np.testing.assert_array_equal(again.predict(X[-1]), model.predict(X[-1]))
    via_registry = load_model(path, task=model.task)
    np.testing.assert_array_equal(via_registry.predict(X[-1]), model.predict(X[-1]))


def _cancel_on_first_progress():
    ctx = JobContext(min_interval_s=0.0)
    ctx.on_progress = lambda f, t: ctx.cancel()
    return ctx


@pytest.mark.parametrize("name", NAMES)
def test_cancel_is_honoured_during_fit_and_predict(name, tiny_model, tiny_examples, fitted):
    model = tiny_model(name, epochs=3, steps_per_epoch=5)
    X, y = tiny_examples(model.task)
    with pytest.raises(Cancelled):
        model.fit(X, y, ctx=_cancel_on_first_progress())
    assert model.n_steps_ <= 1  # stopped at the next step, not at the end
    model.fit(X, y)
    with pytest.raises(Cancelled):
        model.predict(X[0], ctx=_cancel_on_first_progress())


@pytest.mark.parametrize("name", NAMES)
def test_refuses_a_model_of_another_task(name, tmp_path, tiny_model, tiny_examples, fitted):
    model, _, _ = fitted(name)
    path = model.save(tmp_path / "m.pt")
    other = next(n for n in NAMES if REGISTRY[n].task != model.task)
    with pytest.raises(ModelFileError, match=f"{model.task!r} model"):
        type(tiny_model(other)).load(path)
    with pytest.raises(ModelFileError, match="not a"):
        load_model(path, task=REGISTRY[other].task)


@pytest.mark.parametrize("name", NAMES)
def test_refuses_newer_format_newer_version_and_corrupted_files(name, tmp_path, tiny_model, tiny_examples, fitted):
    model, _, _ = fitted(name)
    path = model.save(tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    newer = dict(payload, geodesk_model_format=MODEL_FORMAT + 1)
    torch.save(newer, tmp_path / "newer.pt")
    with pytest.raises(ModelFileError, match="newer"):
        type(model).load(tmp_path / "newer.pt")
    meta = payload["meta_json"].replace(f'"version": {model.version}',
                                        f'"version": {model.version + 1}')
    torch.save(dict(payload, meta_json=meta), tmp_path / "newer_model.pt")
    with pytest.raises(ModelFileError, match="newer"):
        type(model).load(tmp_path / "newer_model.pt")
    raw = path.read_bytes()
    (tmp_path / "cut.pt").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError, match="corrupted"):
        type(model).load(tmp_path / "cut.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a model at all" * 10)
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "junk.pt")


@pytest.mark.parametrize("name", NAMES)
def test_mc_dropout_std_positive_with_dropout_and_zero_without(name, tiny_model, tiny_examples, fitted):
    X, y = tiny_examples(REGISTRY[name].task)
    steps = max(10, tiny_model(name).steps_per_epoch)  # enough to give answers (picks) to vary
    # first breaks: the network's own picks (the classical picks it is combined with by default
    # do not move with dropout)
    own = {"classical": "none"} if name == "firstbreak-unet" else {}
    with_do = tiny_model(name, dropout=0.3, epochs=4, steps_per_epoch=steps, **own).fit(X, y)
    mean, std = with_do.predict(X[0], mc_samples=4)
    assert mean.shape == std.shape == _expected_shape(with_do.task, X[0])
    assert np.nanmax(std) > 0
    without = tiny_model(name, dropout=0.0, **own).fit(X, y)
    _, std0 = without.predict(X[0], mc_samples=3)
    assert np.nanmax(std0) == 0
