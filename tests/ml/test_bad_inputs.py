"""Bad inputs never crash a model: NaN samples, tiny sections, dead traces, odd dt."""

import numpy as np
import pytest

from geodesk.ml.data.normalize import NonFiniteWarning
from geodesk.ml.tasks.firstbreaks import gather_section


@pytest.fixture
def fitted(tiny_model, tiny_examples):
    cache = {}

    def make(name, task):
        if name not in cache:
            X, y = tiny_examples(task)
            cache[name] = tiny_model(name).fit(X, y)
        return cache[name]

    return make


@pytest.mark.parametrize("name,task", [("fault-unet", "faults"), ("denoise-dncnn", "denoise")])
def test_nan_samples_are_cleaned_with_a_warning(fitted, name, task):
    model = fitted(name, task)
    x = np.random.default_rng(0).standard_normal((30, 40)).astype(np.float32)
    x[3, 5], x[7, :] = np.nan, np.inf
    with pytest.warns(NonFiniteWarning):
        out = model.predict(x)
    assert out.shape == x.shape and np.isfinite(out).all()


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 70)])
@pytest.mark.parametrize("name,task", [("fault-unet", "faults"), ("denoise-dncnn", "denoise")])
def test_sections_smaller_than_the_receptive_field(fitted, name, task, shape):
    model = fitted(name, task)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    out = model.predict(x)
    assert out.shape == shape and np.isfinite(out).all()


def test_all_dead_section_gives_zeros(fitted):
    model = fitted("fault-unet", "faults")
    assert not model.predict(np.zeros((8, 32), np.float32)).any()


@pytest.mark.parametrize("dt_ms", [0.25, 1.0, 4.0])
def test_first_breaks_for_any_dt_and_dead_traces(fitted, dt_ms):
    model = fitted("firstbreak-unet", "firstbreaks")
    n = int(200 / dt_ms)
    data = np.random.default_rng(2).standard_normal((7, n)).astype(np.float32)
    data[2] = 0.0
    data[4, 10] = np.nan
    with pytest.warns(NonFiniteWarning):
        t = model.predict(gather_section(data, dt_ms, t0_ms=50.0))
    assert t.shape == (7,) and np.isnan(t[2])
    live = np.delete(t, 2)
    picked = live[np.isfinite(live)]  # pure noise may leave a trace unpicked
    assert np.all((picked >= 50.0) & (picked <= 50.0 + dt_ms * (n - 1)))


def test_first_break_model_wants_a_gather_section(fitted):
    model = fitted("firstbreak-unet", "firstbreaks")
    with pytest.raises(TypeError, match="gather Section"):
        model.predict(np.zeros((4, 50), np.float32))


def test_unfitted_model_says_so(tiny_model):
    with pytest.raises(RuntimeError, match="not fitted"):
        tiny_model("fault-unet").predict(np.zeros((4, 8), np.float32))
