"""Survey NMO and stack on worker threads give the results of one thread, in file order."""

import threading
import time

import numpy as np
import pytest

import geodesk
from geodesk.core.processing import compiled
from geodesk.core.processing.nmo import nmo_blocks, nmo_survey, stack_gathers


def test_map_ordered_keeps_the_order_and_bounds_the_work_ahead():
    made, running, peak = [], [0], [0]
    lock = threading.Lock()

    def items():
        for k in range(40):
            made.append(k)
            yield (k,)

    def slow_square(k):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.002 * (k % 3))  # later items finish first sometimes
        with lock:
            running[0] -= 1
        return k * k

    out = []
    for value in compiled.map_ordered(slow_square, items(), 2):
        out.append(value)
        assert len(made) - len(out) <= 4  # at most 2 x workers read ahead of the consumer
    assert out == [k * k for k in range(40)]
    assert peak[0] <= 2
    assert list(compiled.map_ordered(slow_square, items(), 1)) == out


def test_map_ordered_passes_on_a_worker_error():
    def fail_on_three(k):
        if k == 3:
            raise ValueError("three")
        return k

    with pytest.raises(ValueError, match="three"):
        list(compiled.map_ordered(fail_on_three, ((k,) for k in range(10)), 2))


@pytest.fixture(scope="module")
def cmps(tmp_path_factory):
    from geodesk.synth.cmps import generate_cmps

    result = generate_cmps((6, 24, 300), seed=3, snr_db=10.0)
    path = result.write(tmp_path_factory.mktemp("cmps") / "cmps.sgy")
    t = result.truth["t0_ms"]
    functions = {int(c): (t[::25], result.truth["vrms"][k][::25])
                 for k, c in enumerate(result.cdp)}
    return path, functions


def _workers_asked(monkeypatch):
    """The thread counts the survey passes hand map_ordered, in call order."""
    from geodesk.core.processing import nmo

    asked, real = [], compiled.map_ordered

    def spy(fn, items, workers):
        asked.append(workers)
        return real(fn, items, workers)

    monkeypatch.setattr(compiled, "map_ordered", spy)
    return asked, nmo


def test_the_numpy_pass_runs_on_one_thread_whatever_is_asked(cmps, monkeypatch):
    path, functions = cmps
    monkeypatch.setattr(compiled, "_READY", {})  # the compiled pass not loaded
    asked, nmo = _workers_asked(monkeypatch)
    with geodesk.open(path, kind="prestack") as survey:
        list(nmo_blocks(survey, functions, workers=2))
        nmo_survey(survey, functions, workers=2)
        stack_gathers(survey, functions)
    assert asked == [1, 1, 1]
    assert nmo.gather_workers(2) == 1


@pytest.mark.skipif(not compiled.HAVE_NUMBA, reason="numba is not installed")
def test_two_threads_give_the_nmo_and_stack_of_one(cmps, monkeypatch):
    from geodesk.core.processing import nmo_compiled

    path, functions = cmps
    nmo_compiled.prepare(nmo_compiled.WARM_SAMPLES)  # the compiled pass: threads are used
    asked, _ = _workers_asked(monkeypatch)
    with geodesk.open(path, kind="prestack") as survey:
        one = np.concatenate(list(nmo_blocks(survey, functions, workers=1)))
        two = np.concatenate(list(nmo_blocks(survey, functions, workers=2)))
        np.testing.assert_array_equal(one, two)
        np.testing.assert_array_equal(nmo_survey(survey, functions, workers=2), one)
        s1 = stack_gathers(survey, functions, workers=1)
        s2 = stack_gathers(survey, functions, workers=2)
    np.testing.assert_array_equal(s1.data, s2.data)
    np.testing.assert_array_equal(s1.headers["fold"], s2.headers["fold"])
    np.testing.assert_array_equal(s1.x, s2.x)
    assert asked == [1, 2, 2, 1, 2]


def test_map_ordered_starts_no_more_workers_than_cores():
    import os

    def where(k):
        time.sleep(0.001)
        return threading.current_thread().name

    names = set(compiled.map_ordered(where, ((k,) for k in range(50)), 10**6))
    assert len(names) <= (os.cpu_count() or 1)
