"""Device selection and the GPU fallbacks (smaller tiles on out-of-memory, then the CPU)."""

import numpy as np
import pytest
import torch

from geodesk.ml.run.device import DeviceNotice, resolve_device


def test_cpu_and_auto_resolve_without_a_notice():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_request_without_gpu_falls_back_to_cpu_with_a_notice():
    with pytest.warns(DeviceNotice, match="CUDA requested"):
        assert resolve_device("cuda").type == "cpu"


def test_unknown_device_is_refused():
    with pytest.raises(ValueError, match="unknown device"):
        resolve_device("tpu")


def _fake_gpu(model, max_tile, calls):
    """Pretend the model runs on a GPU that runs out of memory above ``max_tile`` pixels."""
    real = model._forward_fn

    def forward_fn(device):
        fn = real(torch.device("cpu"))

        def run(batch):
            calls.append((device.type, batch.shape[-1]))
            if device.type == "cuda" and batch.shape[-1] > max_tile:
                raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
            return fn(batch)

        return run

    model._forward_fn = forward_fn
    model.device_ = torch.device("cuda")


@pytest.fixture
def denoiser(tiny_model, tiny_examples):
    X, y = tiny_examples("denoise")
    return tiny_model("denoise-dncnn", tile=128).fit(X, y)


def test_out_of_memory_retries_with_smaller_tiles(denoiser):
    x = np.random.default_rng(0).standard_normal((150, 150)).astype(np.float32)
    expect = denoiser.predict(x)
    calls = []
    _fake_gpu(denoiser, 64, calls)
    got = denoiser.predict(x)
    assert {c[1] for c in calls if c[0] == "cuda"} >= {128, 64}
    assert denoiser.device_.type == "cuda"
    np.testing.assert_allclose(got, expect, atol=1e-4)


def test_persistent_gpu_failure_moves_to_the_cpu_with_a_notice(denoiser):
    x = np.random.default_rng(0).standard_normal((80, 80)).astype(np.float32)
    expect = denoiser.predict(x)
    calls = []
    _fake_gpu(denoiser, 0, calls)
    with pytest.warns(DeviceNotice, match="continuing on the CPU"):
        got = denoiser.predict(x)
    assert calls[-1][0] == "cpu" and denoiser.device_.type == "cpu"
    np.testing.assert_allclose(got, expect, atol=1e-4)


def test_background_job_sets_torch_threads_in_its_own_thread_and_restores_them():
    import threading

    import torch

    from geodesk.ml.run.device import BACKGROUND_THREADS, background_job

    assert 1 <= BACKGROUND_THREADS <= 4
    seen = []
    before = torch.get_num_threads()
    t = threading.Thread(target=lambda: seen.append(
        background_job(lambda ctx: torch.get_num_threads(), threads=2)(None)))
    t.start()
    t.join()
    assert seen == [2] and torch.get_num_threads() == before


def test_limit_threads_beside_gui_sets_omp_before_torch_and_torch_threads_after():
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "os.environ.pop('OMP_NUM_THREADS', None)\n"
        "from geodesk.ml.run.device import limit_threads_beside_gui\n"
        "limit_threads_beside_gui(1)\n"
        "assert 'torch' not in sys.modules and os.environ['OMP_NUM_THREADS'] == '1'\n"
        "import torch\n"
        "assert torch.get_num_threads() == 1\n"
        "torch.set_num_threads(2); limit_threads_beside_gui(1)\n"
        "assert torch.get_num_threads() == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
