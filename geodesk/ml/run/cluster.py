"""Where the blocks of a survey-wide run are computed: here, or on a Dask cluster.

:class:`LocalRunner` runs :func:`geodesk.ml.run.blocks.run_block` block after block in this thread
on the open survey and the loaded model. :class:`DaskRunner` sends the same function with each
:class:`~geodesk.ml.run.blocks.BlockJob` (plain data: file paths, no torch objects) to the workers of
a ``dask.distributed`` scheduler, keeps at most two blocks per worker thread in flight (memory
stays bounded) and hands every result to the caller as it arrives. ``dask`` is imported only
here and only when a scheduler is asked for (``pip install 'geodesk[dask]'``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from geodesk.core.jobs import JobContext, PartContext
from geodesk.ml.run.blocks import BlockJob, BlockResult, run_block

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

OnResult = Callable[[BlockResult], None]


class ClusterError(RuntimeError):
    """The Dask scheduler cannot be used (not installed, bad address, unreachable): one line."""


class LocalRunner:
    """Blocks one after another in this thread, on an open survey and a loaded model."""

    threads = 1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, jobs: Sequence[BlockJob], on_result: OnResult, ctx: JobContext, *,
            survey: Any = None, model: Any = None, label: str = "") -> None:
        n = len(jobs)
        for k, job in enumerate(jobs):
            b = job.block
            sub = PartContext(ctx, k, n, f"{label} sections {b.lo + 1}-{b.hi} of "
                                f"{jobs[-1].block.hi}")
            on_result(run_block(job, survey=survey, model=model, ctx=sub))


def _check_address(address: str) -> None:
    """Refuse a malformed address up front: distributed would raise late and then hang in
    its client's clean-up."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, loc = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(loc)
    except (ValueError, TypeError) as exc:
        raise ClusterError(f"bad Dask scheduler address {address!r} ({exc}); expected e.g. "
                           "tcp://HOST:8786") from None


class DaskRunner:
    """Blocks on the workers of the Dask scheduler at ``address`` (see the module docstring)."""

    def __init__(self, address: str, *, timeout_s: float = 10.0,
                 per_thread_in_flight: int = 2) -> None:
        self.address, self.timeout_s = address, float(timeout_s)
        self.per_thread_in_flight = per_thread_in_flight
        self.client: Any = None
        self.threads = 1

    def __enter__(self) -> Self:
        try:
            import distributed
        except ImportError:
            raise ClusterError("--scheduler needs dask.distributed, which is not installed: "
                               "pip install 'geodesk[dask]'") from None
        _check_address(self.address)
        try:
            self.client = distributed.Client(self.address, timeout=self.timeout_s,
                                             set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address} within "
                               f"{self.timeout_s:g} s ({str(exc).splitlines()[0][:120]})") \
                from None
        try:
            self.client.wait_for_workers(1, timeout=self.timeout_s)
        except (OSError, TimeoutError):
            self.client.close()
            raise ClusterError(f"the Dask scheduler at {self.address} has no workers "
                               f"(waited {self.timeout_s:g} s)") from None
        self.threads = max(sum(self.client.nthreads().values()), 1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def run(self, jobs: Sequence[BlockJob], on_result: OnResult, ctx: JobContext, *,
            survey: Any = None, model: Any = None, label: str = "") -> None:
        """Submit ``jobs`` (``survey``/``model`` stay here: workers open their own), with a
        bounded number in flight; ``on_result`` sees each result in completion order."""
        import time

        from distributed import as_completed

        limit = max(self.per_thread_in_flight * self.threads, 1)
        token = uuid.uuid4().hex[:8]
        todo = list(enumerate(jobs))[::-1]
        running = as_completed(loop=self.client.loop)
        live: list = []
        done = 0
        try:
            while todo or not running.is_empty():
                while todo and running.count() < limit:
                    k, job = todo.pop()
                    fut = self.client.submit(run_block, job, pure=False,
                                             key=f"geodesk-{token}-{k}")
                    running.add(fut)
                    live.append(fut)
                ctx.progress(done / len(jobs), f"{label} {done} of {len(jobs)} blocks "
                             f"({self.threads} Dask threads)")
                finished = running.next_batch(block=False)
                if not finished:
                    time.sleep(0.02)  # poll, so that cancel is seen while blocks run
                    continue
                for fut in finished:
                    on_result(fut.result())  # a worker's exception is raised here
                    live.remove(fut)
                    fut.release()
                    done += 1
        finally:
            if live:
                self.client.cancel(live)


def runner_for(scheduler: str | None, *, timeout_s: float = 10.0) -> LocalRunner | DaskRunner:
    """A :class:`DaskRunner` for a scheduler address, else a :class:`LocalRunner`."""
    return DaskRunner(scheduler, timeout_s=timeout_s) if scheduler else LocalRunner()
