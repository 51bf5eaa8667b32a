"""Model jobs lower their own thread's OS priority, never the GUI thread's."""

import os
import sys
import threading

import pytest

from geodesk.ml.run.thread_priority import lower_this_thread


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority: Linux")
def test_a_job_thread_lowers_its_own_priority_and_leaves_the_others_alone():
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def job():
        seen["ok"] = lower_this_thread(19)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    t = threading.Thread(target=job)
    t.start()
    t.join(20)
    assert seen == {"ok": True, "nice": 19}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before
