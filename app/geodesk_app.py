"""Launcher for packaged builds (PyInstaller, briefcase…): the same entry point as `geodesk`."""

import sys

from geodesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
