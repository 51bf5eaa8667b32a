"""Suite-wide settings: headless Qt, a throw-away cache, and Hypothesis profiles."""

import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CACHE = None
if "GEODESK_CACHE" not in os.environ:
    _CACHE = os.environ["GEODESK_CACHE"] = tempfile.mkdtemp(prefix="geodesk-test-cache-")

# No per-example deadline (a loaded 2-core CI machine is slow, not wrong); in CI the examples are
# derandomized so main stays green on the same commit, while local runs keep exploring.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_sessionfinish(session, exitstatus):
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)
