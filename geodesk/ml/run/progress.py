"""A terminal progress bar for the command line (stderr); a JobContext progress callback."""

from __future__ import annotations

import sys
import time


class TerminalProgress:
    """``label [#####-----]  42%  text``: redrawn in place on a terminal, every 10 % otherwise."""

    def __init__(self, label: str, *, quiet: bool = False, width: int = 24, stream=None) -> None:
        self.label, self.quiet, self.width = label, quiet, width
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = -1
        self.start = time.monotonic()

    def __call__(self, fraction: float, text: str = "") -> None:
        if self.quiet:
            return
        pct = int(100 * min(max(fraction, 0.0), 1.0))
        fill = int(self.width * pct / 100)
        bar = "#" * fill + "-" * (self.width - fill)
        line = f"{self.label} [{bar}] {pct:3d}%  {text}"
        if self.tty:
            print(f"\r{line[:120]:<120}", end="", file=self.stream, flush=True)
        elif pct // 10 > self.last // 10 or (pct == 100 and self.last != 100):
            print(line, file=self.stream, flush=True)
        self.last = pct

    def done(self, text: str = "") -> None:
        """End the bar's line and print ``text`` (with the elapsed time)."""
        if self.quiet:
            return
        if self.tty:
            print(file=self.stream)
        if text:
            print(f"{self.label}: {text} ({time.monotonic() - self.start:.1f} s)",
                  file=self.stream, flush=True)
