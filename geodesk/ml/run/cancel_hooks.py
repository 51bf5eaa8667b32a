"""Cancel a job inside a network's forward pass, not only between tile batches.

A batch of four 256 x 256 tiles through the fault U-Net takes ~0.2-0.9 s on one CPU thread;
a job checking its cancel flag only between batches kept a core busy that long after the user
had moved on. :func:`cancel_checks` adds a forward pre-hook to every leaf module that checks the
job's flag, so a cancelled job stops within one layer. The hook acts only in the thread that
installed it: a loaded model is shared, and another job may run the same network meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from geodesk.core.jobs import JobContext


@contextmanager
def cancel_checks(net: Any, ctx: JobContext | None) -> Iterator[None]:
    """While inside, every leaf module of ``net`` raises :class:`~geodesk.core.jobs.Cancelled`
    before it runs once ``ctx`` is cancelled (in this thread only); no-op without ``ctx``."""
    if ctx is None:
        yield
        return
    me = threading.get_ident()

    def check(_module: Any, _inputs: Any) -> None:
        if threading.get_ident() == me:
            ctx.check_cancel()

    handles = [m.register_forward_pre_hook(check) for m in net.modules()
               if next(m.children(), None) is None]
    try:
        yield
    finally:
        for h in handles:
            h.remove()
