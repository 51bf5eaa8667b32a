"""``denoise --method ddtf --scheduler``: the frame travels as a file, the blocks run on Dask
workers and the output is the local run's."""

import numpy as np
import pytest
import segyio
from threadpoolctl import threadpool_limits

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=2,
                                  protocol="tcp://", dashboard_address=None) as c:
        yield c.scheduler_address


def test_a_dask_ddtf_run_writes_the_local_samples(main, cluster, tmp_path):
    from geodesk.synth import generate_post3d

    src = generate_post3d((10, 12, 40), seed=4, snr_db=0.0, n_faults=1).write(
        tmp_path / "v.sgy")
    frame = tmp_path / "f.npz"
    base = ["denoise", str(src), "--method", "ddtf", "--patch", "4x4x8", "--quiet",
            "--block", "2"]
    with threadpool_limits(1):
        assert main([*base[:2], str(tmp_path / "local.sgy"), *base[2:], "--save-frame",
                     str(frame)]) == 0
        assert main([*base[:2], str(tmp_path / "dask.sgy"), *base[2:], "--model", str(frame),
                     "--scheduler", cluster]) == 0
    with segyio.open(tmp_path / "local.sgy") as a, segyio.open(tmp_path / "dask.sgy") as b:
        local, remote = segyio.tools.cube(a), segyio.tools.cube(b)
    np.testing.assert_allclose(remote, local, atol=1e-5)
    assert np.abs(local).max() > 0
