"""Writing files so that a reader never sees half of one, and unchanged files keep their
modification time (so that `properdocs serve` and the build cache see no change).

nn7 writes only regular files. A target that exists and is not one (a directory, a device
such as /dev/full, a named pipe, a socket, or a symbolic link to one of those) is refused,
and so is one nn7 may not write: a file without write permission or a directory in which
it may not create files. Permissions are read from the mode bits, so that root, whom the
kernel lets write anything, is refused a read-only file or directory too. Refusals are
:class:`OutputError` (one line, naming the path) and leave the target untouched.

A regular file is replaced through a temporary file in its directory and a rename; it keeps
its mode (and, when root rewrites it, its owner). A new file gets mode 0644. If writing
fails (a full disk), the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import Nn7Error

NEW_FILE_MODE = 0o644  # published files are world-readable


class OutputError(Nn7Error):
    """nn7 refuses to write a target (not a regular file, no permission, no directory)."""


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "neither a regular file nor a directory"


def _permitted(path: Path, st: os.stat_result, access: int) -> bool:
    """``access`` as the mode bits grant it: for root, a write bit must be set (the kernel
    would not ask); for everyone else, what ``os.access`` says."""
    if _is_root():
        return bool(st.st_mode & 0o222) or not access & os.W_OK
    return os.access(path, access)


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _as_root() -> str:
    return "; nn7 respects the mode even when run as root" if _is_root() else ""


def check_directory(folder: str | Path, *, create: bool = False, target: str | Path | None = None) -> None:
    """Refuse (OutputError) unless nn7 may create files in ``folder``; with ``create``, a
    missing ``folder`` is fine if nn7 may create it in its nearest existing parent. The
    messages start with ``target`` (the file to be written) when it is given."""
    folder = Path(folder)
    probe = folder
    while True:
        try:
            st = os.stat(probe)
            break
        except FileNotFoundError:
            if not create or probe.parent == probe:
                raise OutputError(f"{folder}: no such directory") from None
            probe = probe.parent
        except NotADirectoryError:
            raise OutputError(f"{target or folder}: a part of this path is a file, not a directory") from None
        except OSError as err:
            raise OutputError(f"{probe}: cannot use this directory ({err.strerror or err})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{probe}: is {_kind(st.st_mode)}, not a directory")
    if target is None and probe != folder:
        target = folder  # to be created
    if target is not None:
        here = f"the current directory ({Path.cwd()})" if str(probe) == "." else str(probe)
        where, inside = f"{target}: cannot create it:", f"in {here}"
    else:
        where, inside = f"{probe}:", "in this directory"
    if _read_only_fs(probe):
        raise OutputError(f"{where} {probe} is on a read-only file system")
    if not _permitted(probe, st, os.W_OK | os.X_OK):
        raise OutputError(f"{where} no permission to create files {inside} "
                          f"(mode {stat.S_IMODE(st.st_mode):04o}){_as_root()}")


def check_target(path: str | Path, *, make_parents: bool = True) -> tuple[Path, os.stat_result | None]:
    """Where writing ``path`` goes (the path itself, or the regular file a symbolic link
    points to) and that file's status (None if it does not exist yet); an OutputError if
    nn7 must not write there (see the module's docstring). Nothing is changed."""
    path = Path(path)
    real = path
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        lst = None
    except NotADirectoryError:
        raise OutputError(f"{path}: a part of this path is a file, not a directory") from None
    except OSError as err:
        raise OutputError(f"{path}: cannot use this path ({err.strerror or err})") from None
    st = lst
    what = "is"
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        link = os.readlink(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise OutputError(f"{path}: is a symbolic link to a missing file ({link}); "
                              "nn7 writes only regular files") from None
        except OSError as err:
            raise OutputError(f"{path}: is a symbolic link that cannot be followed "
                              f"({err.strerror or err})") from None
        real = Path(os.path.realpath(path))
        what = f"is a symbolic link to {link}, which is"
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{path}: {what} {_kind(st.st_mode)}; nn7 writes only regular files")
        if not _permitted(real, st, os.W_OK):
            raise OutputError(f"{path}: no permission to write this file "
                              f"(mode {stat.S_IMODE(st.st_mode):04o}){_as_root()}")
    check_directory(real.parent, create=make_parents, target=None if st is not None else path)
    return real, st


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path: str | Path, data: bytes, *, make_parents: bool = True) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename, and only if the
    bytes differ from what is there; True if the file changed. Refuses (OutputError) a
    target nn7 must not write; other failures are an OSError naming ``path``, with no
    temporary file left behind."""
    path = Path(path)
    real, st = check_target(path, make_parents=make_parents)
    if st is not None and st.st_size == len(data) and real.read_bytes() == data:
        return False
    if make_parents:
        real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else NEW_FILE_MODE)
            if st is not None and _is_root() and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(fd, st.st_uid, st.st_gid)
        finally:
            os.close(fd)
        os.replace(tmp, real)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, Nn7Error):
            code = err.errno if err.errno is not None else errno.EIO
            raise OSError(code, err.strerror or str(err), str(path)) from err
        raise
    return True
