"""A progress bar for management commands (one line, redrawn in place on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import Any


class ProgressBar:
    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.interactive = self.stream.isatty()
        self._last_draw = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        finished = done >= total
        now = time.monotonic()
        if not finished and stage == self._last_stage and now - self._last_draw < 0.2:
            return
        self._last_draw, self._last_stage = now, stage
        share = done / total if total else 1.0
        filled = int(self.width * share)
        bar = "█" * filled + "·" * (self.width - filled)
        line = f"{stage:<12} [{bar}] {done}/{total} {share:4.0%}"
        if self.interactive:
            self.stream.write("\r" + line + ("\n" if finished else ""))
        elif finished:
            self.stream.write(line + "\n")
        self.stream.flush()
