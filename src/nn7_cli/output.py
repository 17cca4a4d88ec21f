"""Standard output for the ``nn7`` command: a failing stdout is an error (not a closed pipe),
and a progress bar on a terminal."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from nn7.errors import Nn7Error


class StdoutError(Nn7Error):
    """Standard output failed (a full disk, /dev/full)."""


class ClosedStdout:
    """Standard output when the process was started without one (``nn7 data >&-``)."""

    def write(self, data):
        raise OSError(9, "it is closed")

    def flush(self):
        pass

    @property
    def buffer(self):
        return self

    def isatty(self):
        return False


@contextlib.contextmanager
def stdout_errors():
    """A failing standard output (not a closed pipe, which main ends quietly) as StdoutError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        raise StdoutError(f"cannot write to standard output: {err.strerror or err}") from None


def say(text: str) -> None:
    """A line of text on standard output, flushed (a failing stdout is an error here)."""
    with stdout_errors():
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def write_output(data: bytes, path: Path | None) -> None:
    from nn7.fileio import write_atomic

    if path is None or str(path) == "-":
        with stdout_errors():
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    write_atomic(path, data, make_parents=False)


def isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class Progress:
    """A one-line progress bar on stderr, redrawn in place; shown only on a terminal and only
    when the run looks like it takes more than a second."""

    WIDTH = 24

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.start = time.monotonic()
        self.shown = False
        self.next_draw = 0.0
        self.clear_for_stdout = enabled and isatty(sys.stdout)  # stdout on the same screen

    def update(self, epoch: int) -> None:  # fit's on_epoch (0-based)
        if not self.enabled:
            return
        done, now = epoch + 1, time.monotonic()
        elapsed = now - self.start
        if not self.shown:
            if elapsed < 0.3:
                return
            if elapsed / done * self.total < 1.0:  # short run: no bar
                self.enabled = False
                return
            self.shown = True
        if now >= self.next_draw or done == self.total:
            self.next_draw = now + 0.1
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            left = elapsed / done * (self.total - done)
            self._write(f"\rtraining: epoch {done}/{self.total} [{bar}] {done / self.total:4.0%}, "
                        f"{_duration(left)} left\033[K")

    def make_room(self) -> None:
        """Clear the bar before a line on stdout (if both are on the screen)."""
        if self.shown and self.clear_for_stdout:
            self._write("\r\033[K")
            self.next_draw = 0.0  # redraw after the line

    def close(self) -> None:
        if self.shown:
            self._write("\r\033[K")
        self.shown = self.enabled = False

    @staticmethod
    def _write(text: str) -> None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except OSError:
            pass
