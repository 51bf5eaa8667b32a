"""Deep-model benchmark: prints one JSON object.

For every registered model, at the size of its shipped weights (``resources/models``; the
registered default size where none are shipped, or with ``--default-size``), on the CPU:

* ``model_samples_per_s``: ``model.predict`` on a section (normalisation, resampling, tiling,
  blending and decoding included), in samples of the section answered per second (a 2.5D
  denoiser also reads its neighbouring inlines);
* ``bare_samples_per_s``: a bare ``torch`` forward pass of the same network on the same
  (padded) array in the same run: the overhead of the GeoDesk wrapping is the ratio;
* ``train_step_ms``: one optimiser step on a batch of the default patch size.

Run: ``.venv/bin/python bench/bench_inference.py [--threads N]`` (best of several repeats).
"""

from __future__ import annotations

import argparse
import json
import os
import platform

import numpy as np
from _common import best_ms


def bench_model(name: str, task: str, repeats: int, shipped: bool) -> dict:
    """Figures of one registered model (see the module docstring): the shipped weights' size
    when ``shipped`` and there are some, else the default size."""
    import torch

    from geodesk.ml.data.datasets import examples
    from geodesk.ml.data.tiling import pad_to
    from geodesk.ml.registry import get_model_class, load_model, shipped_weights

    path = shipped_weights(task) if shipped else None
    model = (load_model(path, task=task, device="cpu") if path is not None
             else get_model_class(name)(device="cpu", seed=0))
    X, y = examples(task, 11, size=256)
    model.partial_fit(X, y)  # builds the network (one step)
    x = X[0]
    shape = getattr(x, "data", getattr(x, "values", x)).shape
    prep = model._prepare(x)
    t_model = best_ms(lambda: model.predict(x), repeats) / 1000.0
    h, w = prep.inp.shape[1:]
    m = model.multiple
    padded = pad_to(prep.inp, (-(-h // m) * m, -(-w // m) * m))[None]
    tensor = torch.from_numpy(np.ascontiguousarray(padded))
    model.net_.eval()

    def bare():
        with torch.no_grad():
            model.net_(tensor)

    t_bare = best_ms(bare, repeats) / 1000.0
    t_step = best_ms(lambda: model.partial_fit(X, y), repeats) / 1000.0
    n_in = int(np.prod(shape[-2:]))  # samples of the section answered (a 2.5D stack: its centre)
    return {
        "task": task,
        "weights": str(path) if path is not None else "default size, untrained",
        "input_shape": list(shape),
        "network_input_shape": list(padded.shape[1:]),
        "params": sum(p.numel() for p in model.net_.parameters()),
        "model_samples_per_s": round(n_in / t_model),
        "bare_samples_per_s": round(n_in / t_bare),
        "model_over_bare": round(t_model / t_bare, 2),
        "train_step_ms": round(1000 * t_step, 1),
        "train_batch": [model.batch_size, *model.patch],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--default-size", action="store_true",
                    help="the registered default sizes even where weights are shipped")
    args = ap.parse_args()
    import torch

    from geodesk.ml.registry import REGISTRY

    torch.set_num_threads(args.threads)
    out = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
           "torch_threads": args.threads, "torch": torch.__version__,
           "models": {name: bench_model(name, spec.task, args.repeats, not args.default_size)
                      for name, spec in REGISTRY.items()}}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
