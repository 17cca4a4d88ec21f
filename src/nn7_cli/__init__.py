"""The ``nn7`` command: ``data``, ``train``, ``trace``, ``figures``, ``build`` and ``values``.

Every failure is one line, ``nn7: error: …``, on stderr: bad arguments (named by their
option), bad data (file and line), a file nn7 may not write, a full disk or a failing
standard output exit with 2; Ctrl-C exits with 130 (``train`` first prints the parameters
it has); a closed pipe (``nn7 data | head -c1``) ends quietly. An unexpected exception is
one line with its place and exit status 1 (``NN7_TRACEBACK=1`` shows the traceback).
``data``, ``train``, ``trace`` and ``values`` never import matplotlib.
"""

from __future__ import annotations

import os
import sys

from nn7.errors import Nn7Error

from .commands import COMMANDS
from .output import ClosedStdout, StdoutError, stdout_errors
from .parser import build_parser

__all__ = ["build_parser", "main"]


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so that the interpreter's last flush does
    not print a second error."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (AttributeError, ValueError, OSError):
        pass


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_error(err: OSError) -> str:
    if err.filename is not None:
        return f"{err.filename}: {err.strerror or err}"
    return str(err.strerror or err)


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None:
        sys.stdout = ClosedStdout()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help
            sys.stdout.flush()
            return stop.code if isinstance(stop.code, int) else 0
        code = COMMANDS[args.command](args)
        with stdout_errors():
            sys.stdout.flush()
        return code
    except BrokenPipeError:  # e.g. `nn7 data | head -c1`: the reader has what it wanted
        _silence_stdout()
        return 0
    except StdoutError as err:
        _silence_stdout()
        message, code = str(err), 2
    except Nn7Error as err:
        message, code = str(err), 2
    except KeyboardInterrupt as err:
        message, code = (str(err) or "interrupted"), 130
    except MemoryError:
        message, code = "out of memory (are --hidden, --batch-size or the data file too large?)", 2
    except OSError as err:
        message, code = _os_error(err), 2
    except Exception as err:  # a bug: one line with its place; NN7_TRACEBACK=1 for all of it
        if os.environ.get("NN7_TRACEBACK"):
            raise
        import traceback

        frame = traceback.extract_tb(err.__traceback__)[-1]
        message = (f"internal error at {frame.filename}:{frame.lineno}: {type(err).__name__}: {err} "
                   "(NN7_TRACEBACK=1 shows the traceback)")
        code = 1
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()
    if sys.stderr is not None:
        try:
            print(f"nn7: error: {_one_line(message)}", file=sys.stderr, flush=True)
        except OSError:
            pass
    return code
