"""Suite-wide settings: headless Qt, and a throw-away cache so tests never touch ~/.cache."""

import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CACHE = None
if "GEODESK_CACHE" not in os.environ:
    _CACHE = os.environ["GEODESK_CACHE"] = tempfile.mkdtemp(prefix="geodesk-test-cache-")


def pytest_sessionfinish(session, exitstatus):
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)
