"""A cancelled model job stops inside the network's forward pass, within one layer."""

import threading

import numpy as np
import pytest
import torch
from torch import nn

from geodesk.core.jobs import Cancelled, JobContext
from geodesk.ml.run.cancel_hooks import cancel_checks


def _leaves(net):
    return [m for m in net.modules() if next(m.children(), None) is None]


def test_cancelling_in_the_middle_of_a_forward_stops_before_the_next_layer():
    ctx = JobContext()
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU())
    ran = []
    for k, m in enumerate(net):
        m.register_forward_hook(lambda *_, k=k: ran.append(k))
    net[1].register_forward_hook(lambda *_: ctx.cancel())  # cancelled while layer 1 runs
    with cancel_checks(net, ctx), pytest.raises(Cancelled):
        net(torch.zeros(1, 3))
    assert ran == [0, 1]
    ran.clear()
    net(torch.zeros(1, 3))  # the checks are gone afterwards
    assert ran == [0, 1, 2, 3]


def test_the_checks_of_one_job_do_not_stop_the_same_network_in_another_thread():
    ctx = JobContext()
    ctx.cancel()
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    out = []
    with cancel_checks(net, ctx):
        t = threading.Thread(target=lambda: out.append(net(torch.zeros(1, 2))))
        t.start()
        t.join(20)
        with pytest.raises(Cancelled):
            net(torch.zeros(1, 2))
    assert len(out) == 1


def test_a_fault_prediction_cancelled_during_its_first_layer_runs_no_other_layer(tiny_model):
    model = tiny_model("fault-unet")
    model._init_net()
    ctx = JobContext()
    leaves = _leaves(model.net_)
    ran = []
    hooks = [m.register_forward_hook(lambda *_: ran.append(1)) for m in leaves]
    hooks.append(leaves[0].register_forward_hook(lambda *_: ctx.cancel()))
    data = np.random.default_rng(0).standard_normal((40, 200)).astype(np.float32)
    try:
        with pytest.raises(Cancelled):
            model.predict(data, ctx=ctx)
    finally:
        for h in hooks:
            h.remove()
    assert ran == [1]  # without the checks the whole first batch of tiles ran on
    assert model.predict(data).shape == data.shape  # and no check is left on the network
