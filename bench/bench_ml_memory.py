"""Memory peak of ``geodesk faults`` / ``geodesk denoise`` over a file larger than a block.

Each run is a fresh subprocess: it opens the volume, loads the model, then records its memory
(the baseline), runs the command's job (:func:`geodesk.ml.run.apply.map_blocks`) and samples
``/proc/self/status`` every 5 ms. Reported per run: the peak growth over the baseline of the
anonymous memory (arrays, tensors: what a block costs) and of the whole resident set (which
also counts the input file's pages mapped while reading: page cache the kernel can reclaim),
against the volume's size. Blocks of ``--block`` inlines are compared with one block holding
the whole volume, in the same run. Tiny untrained models by default (weights do not matter for
memory, network size does a little); ``--shipped`` measures the shipped weights instead.
Prints one JSON object. Run: ``.venv/bin/python bench/bench_ml_memory.py [--shipped]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import make_volume

TINY = {"faults": {"depth": 2, "width": 4, "tile": 256},
        "denoise": {"depth": 3, "width": 4, "tile": 256}}


def _status_kb(*fields: str) -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key = line.split(":")[0]
            if key in fields:
                out[key] = int(line.split()[1])
    return out


def child(args: argparse.Namespace) -> None:
    """One measured run (in its own process): prints a JSON line."""
    import torch

    import geodesk
    from geodesk.core.jobs import JobContext
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.run.blocks import ModelRef

    torch.set_num_threads(1)
    model = ModelRef(args.model, args.task, "cpu")
    model.load()
    peak = {"RssAnon": 0, "VmRSS": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            now = _status_kb("RssAnon", "VmRSS")
            peak.update({k: max(v, now[k]) for k, v in peak.items()})
            time.sleep(0.005)

    with geodesk.open(args.input) as survey:
        base = _status_kb("RssAnon", "VmRSS")
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        t0 = time.perf_counter()
        map_blocks(survey, model, args.output, JobContext(), block=args.block,
                   prestack=args.task == "denoise")
        seconds = time.perf_counter() - t0
        stop.set()
        thread.join()
    print(json.dumps({"anon_mb": (peak["RssAnon"] - base["RssAnon"]) / 1024,
                      "rss_mb": (peak["VmRSS"] - base["VmRSS"]) / 1024,
                      "baseline_rss_mb": base["VmRSS"] / 1024, "seconds": seconds}))


def _run(script: Path, task: str, model: Path, src: Path, out: Path, block: int) -> dict:
    cmd = [sys.executable, str(script), "--child", "--task", task, "--model", str(model),
           "--input", str(src), "--output", str(out), "--block", str(block)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="64x200x1000", help="inlines x crosslines x samples")
    ap.add_argument("--block", type=int, default=4, help="inlines per block (default 4)")
    ap.add_argument("--tasks", nargs="+", default=["faults", "denoise"])
    ap.add_argument("--shipped", action="store_true",
                    help="the weights in resources/models instead of tiny models")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--task", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    from geodesk.ml.registry import default_model_class, shipped_weights

    n_il, n_xl, ns = (int(v) for v in args.size.split("x"))
    tmp = Path(tempfile.gettempdir()) / "geodesk-bench-mem"
    tmp.mkdir(exist_ok=True)
    src = make_volume(tmp / f"vol_{args.size}.sgy", n_il, n_xl, ns)
    volume_mb = n_il * n_xl * ns * 4 / 2**20
    results = {}
    for task in args.tasks:
        path = shipped_weights(task) if args.shipped else None
        if path is None:
            model = default_model_class(task)(device="cpu", **TINY[task])
            model._init_net()
            path = model.save(tmp / f"{task}.pt")
        runs = {}
        for name, block in (("blocks", args.block), ("one_block", n_il)):
            r = _run(Path(__file__), task, path, src, tmp / f"out_{task}.sgy", block)
            runs[name] = {k: round(v, 1) for k, v in r.items()}
        b, one = runs["blocks"], runs["one_block"]
        results[task] = {
            **runs,
            "block_mb": round(volume_mb * args.block / n_il, 1),
            "anon_peak_over_volume": round(b["anon_mb"] / volume_mb, 3),
            "rss_peak_over_volume": round(b["rss_mb"] / volume_mb, 3),
            "anon_blocks_over_one_block": round(b["anon_mb"] / max(one["anon_mb"], 1e-3), 3),
        }
    os.remove(tmp / f"out_{args.tasks[-1]}.sgy")
    print(json.dumps({"models": "shipped" if args.shipped else "tiny",
                      "volume": args.size, "volume_mb": round(volume_mb, 1),
                      "block_inlines": args.block, "cpus": os.cpu_count(),
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
