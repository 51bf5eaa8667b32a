"""Model work beside the window at the lowest OS priority of its own thread, so the GUI thread
gets a core first when both want one.

Linux only: there ``setpriority`` on a thread id changes that thread alone (elsewhere it would
change the whole process, GUI thread included). A job's thread is its own (one per job), so
the change ends with it. The window stepping 0.3 s apart with each section's fault job
starting in between (the paced case of ``bench_section_flip``, probed twice interleaved on the
shared 2-core machine): flips median 6.6 / 13.0 ms, p95 13.8 / 21.9 ms with the job's thread at
nice 19, against 9.9 / 14.4 and 19.4 / 33.6 ms at the normal priority; nice 10 gave nothing.
"""

from __future__ import annotations

import os
import sys
import threading

#: The niceness model jobs of the window run at (19: the lowest priority).
BACKGROUND_NICE = 19


def lower_this_thread(nice: int = BACKGROUND_NICE) -> bool:
    """Give the calling thread the OS priority ``nice`` (Linux); False where it cannot."""
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), int(nice))
    except OSError:
        return False
    return True
