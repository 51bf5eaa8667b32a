"""Suite-wide settings: headless Qt, and a throw-away cache so tests never touch ~/.cache."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GEODESK_CACHE", tempfile.mkdtemp(prefix="geodesk-test-cache-"))
