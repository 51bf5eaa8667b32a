"""``--scheduler ADDRESS``: the block runs on a Dask cluster give exactly the local output."""

import csv
import pickle
import sys

import numpy as np
import pytest
import segyio

from geodesk.synth import generate_cmps, generate_post3d

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # in-process workers talking TCP: every task and result is pickled as on a real cluster
    with distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                                  protocol="tcp://", dashboard_address=None) as c:
        yield c.scheduler_address


def _tiny(tiny_model, tiny_examples, name, task, path):
    X, y = tiny_examples(task)
    return str(tiny_model(name).fit(X, y).save(path))


def _samples(path):
    with segyio.open(path, ignore_geometry=True) as f:
        return segyio.tools.collect(f.trace[:])


@pytest.mark.parametrize(("command", "name", "task"), [("faults", "fault-unet", "faults"),
                                                       ("denoise", "denoise-dncnn", "denoise")])
def test_a_dask_run_writes_the_same_samples_as_the_local_run(main, cluster, tmp_path, command,
                                                             name, task, tiny_model,
                                                             tiny_examples):
    src = generate_post3d((5, 16, 40), seed=3, n_faults=2, n_horizons=0).write(
        tmp_path / "vol.sgy")
    model = _tiny(tiny_model, tiny_examples, name, task, tmp_path / "m.pt")
    base = [command, str(src), "--model", model, "--quiet", "--block", "2"]
    assert main([*base[:2], str(tmp_path / "local.sgy"), *base[2:]]) == 0
    assert main([*base[:2], str(tmp_path / "dask.sgy"), *base[2:],
                 "--scheduler", cluster]) == 0
    local, remote = _samples(tmp_path / "local.sgy"), _samples(tmp_path / "dask.sgy")
    assert np.array_equal(local, remote) and np.abs(local).max() > 0
    with segyio.open(src) as a, segyio.open(tmp_path / "dask.sgy") as b:
        assert list(a.ilines) == list(b.ilines) and list(a.xlines) == list(b.xlines)
    with distributed.Client(cluster, set_as_default=False) as client:  # the workers did it
        prefixes = client.run_on_scheduler(lambda dask_scheduler: list(
            dask_scheduler.task_prefixes))
    assert "geodesk" in prefixes


def test_velocities_on_dask_give_the_local_csv(main, cluster, tmp_path, tiny_model,
                                               tiny_examples):
    src = generate_cmps((4, 16, 150), seed=6, dt_ms=4.0).write(tmp_path / "c.sgy")
    model = _tiny(tiny_model, tiny_examples, "velocity-unet", "velocities", tmp_path / "v.pt")
    args = ["velocities", str(src), "--method", "unet", "--model", model, "--quiet",
            "--block", "1"]
    assert main([*args[:2], str(tmp_path / "a.csv"), *args[2:]]) == 0
    assert main([*args[:2], str(tmp_path / "b.csv"), *args[2:], "--scheduler", cluster]) == 0
    with open(tmp_path / "a.csv") as a, open(tmp_path / "b.csv") as b:
        rows = list(csv.reader(a))
        assert rows == list(csv.reader(b)) and len(rows) > 4


def test_block_jobs_carry_the_model_file_not_a_torch_module(tmp_path, tiny_model,
                                                            tiny_examples):
    import geodesk
    from geodesk.ml.run.apply import _jobs
    from geodesk.ml.run.blocks import ModelRef
    from geodesk.ml.run.cluster import LocalRunner

    src = generate_post3d((3, 8, 32), seed=1, n_horizons=0).write(tmp_path / "v.sgy")
    path = _tiny(tiny_model, tiny_examples, "fault-unet", "faults", tmp_path / "m.pt")
    with geodesk.open(src) as s:
        jobs = _jobs(s, ModelRef(path, "faults", "cpu"), "sections", "sections",
                     runner=LocalRunner(), block=1)
    blob = pickle.dumps(jobs)
    assert len(jobs) == 3 and b"torch" not in blob and len(blob) < 10_000


def test_bad_or_unreachable_scheduler_fails_fast_with_one_line(main, tmp_path, capsys):
    src = generate_post3d((2, 8, 32), seed=1, n_horizons=0).write(tmp_path / "v.sgy")
    model = str(tmp_path / "m.pt")
    from geodesk.ml.tasks.faults import FaultUNet

    m = FaultUNet(depth=1, width=2, device="cpu")
    m._init_net()
    m.save(model)
    base = ["faults", str(src), str(tmp_path / "o.sgy"), "--model", model, "--quiet"]
    assert main([*base, "--scheduler", "no-port-here"]) == 2
    assert "bad Dask scheduler address" in capsys.readouterr().err
    assert main([*base, "--scheduler", "tcp://127.0.0.1:1", "--scheduler-timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o.sgy").exists()


def test_missing_dask_is_explained(main, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    src = generate_post3d((2, 8, 32), seed=1, n_horizons=0).write(tmp_path / "v.sgy")
    from geodesk.ml.tasks.denoise import DenoiseDnCNN

    m = DenoiseDnCNN(depth=2, width=2, device="cpu")
    m._init_net()
    model = str(m.save(tmp_path / "d.pt"))
    assert main(["denoise", str(src), str(tmp_path / "o.sgy"), "--model", model,
                 "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "pip install 'geodesk[dask]'" in capsys.readouterr().err
