"""Output paths of every writing command: checked before anything is written, written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from synthocr.errors import UserError

# Errors of the place written to (not of synthocr): a full disk, no rights, a path that cannot exist.
PATH_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.ENAMETOOLONG,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EEXIST,
        errno.ELOOP,
        errno.EFBIG,
        errno.ENOENT,
    }
)
_ADVICE = {
    errno.ENOSPC: "the disk is full; free space or choose another place",
    errno.EDQUOT: "the disk quota is used up; free space or choose another place",
    errno.EROFS: "the filesystem is read-only; choose a writable place",
    errno.EACCES: "permission denied; fix the permissions or choose a writable place",
    errno.EPERM: "operation not permitted; fix the permissions or choose a writable place",
    errno.ENAMETOOLONG: "a name in the path is longer than the filesystem allows; choose a shorter one",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another path",
    errno.EISDIR: "a folder is in the way; choose another path",
    errno.ENOENT: "a folder on the path is missing or cannot hold new entries; choose another path",
}
Kind = Literal["file", "dir"]


def is_remote(path: str | os.PathLike[str]) -> bool:
    """A URL (s3://, gs://, memory://): checked by the storage layer that writes it, not here."""
    text = os.fspath(path)
    return "://" in text and not text.startswith("file://")


def _name_max(existing: Path) -> int:
    try:
        return os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _refuse(option: str, path: Path, why: str) -> UserError:
    return UserError(f"{option} {path}: {why}. Nothing was written; choose another path with {option} and run again.")


def check_output_path(path: str | os.PathLike[str], option: str, kind: Kind) -> Path:
    """Refuse a local output path that cannot be written, before any work is done.

    Checks that the target is not an existing entry of the wrong kind (a folder for a file, a file or
    device for a folder), that no part of its parent is a file, that no name is longer than the
    filesystem allows, and that the nearest existing folder is writable (not read-only, permitted).
    Remote URLs pass unchecked. Returns the path; creates nothing.

    Raises:
        UserError: naming `option`, the path and what is wrong.
    """
    target = Path(os.fspath(path).removeprefix("file://"))
    if is_remote(path):
        return target
    if os.fspath(target) in ("", "."):
        return target
    absolute = Path(os.path.abspath(target))
    # The nearest part of the path that exists: every part above the target must be a folder.
    existing = absolute
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    missing = absolute.relative_to(existing).parts
    limit = _name_max(existing if existing.is_dir() else existing.parent)
    for name in missing:
        if len(name.encode("utf-8", "surrogateescape")) > limit:
            why = f"the name {name[:40]}... is {len(name)} characters long; the filesystem allows {limit}"
            raise _refuse(option, target, why)
    if len(os.fsencode(absolute)) >= 4096:
        raise _refuse(option, target, "the path is longer than the system allows (4096 bytes)")
    if existing == absolute:
        if kind == "dir" and not existing.is_dir():
            raise _refuse(option, target, "it is a file, not a folder")
        if kind == "file" and existing.is_dir():
            raise _refuse(option, target, "it is a folder; give a file name inside it")
        if kind == "file" and not existing.is_file():
            raise _refuse(option, target, "it exists and is not a regular file (a device, socket or pipe)")
        folder = existing if kind == "dir" else existing.parent
    else:
        if not existing.is_dir():
            raise _refuse(option, target, f"{existing} is a file, not a folder, so nothing can be created under it")
        folder = existing
    if not os.access(folder, os.W_OK | os.X_OK):
        try:
            read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except OSError:
            read_only = False
        why = "is on a read-only filesystem" if read_only else "is not writable (permission denied)"
        raise _refuse(option, target, f"the folder {folder} {why}")
    return target


def write_failure(exc: OSError, path: str | os.PathLike[str], option: str) -> UserError:
    """The one-paragraph error for a write that the place refused (full disk, permissions, bad path)."""
    where = exc.filename or path
    advice = _ADVICE.get(exc.errno or 0, "the place refused the write; choose another path")
    return UserError(
        f"cannot write {option} {os.fspath(path)} ({where}: {exc.strerror or exc}): {advice}. "
        "Nothing half-written was kept; run the command again once fixed."
    )


def place_error(exc: OSError) -> UserError | None:
    """The one-paragraph error for an OSError of the filesystem (PATH_ERRNOS) that no check caught; else None."""
    if exc.errno not in PATH_ERRNOS:
        return None
    where = f"{exc.filename}: " if exc.filename else ""
    advice = _ADVICE.get(exc.errno or 0, "choose another path")
    return UserError(f"{where}{exc.strerror or exc} (errno {exc.errno}): {advice}, then run the command again.")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], option: str) -> Iterator[Path]:
    """Yield a temporary file beside `path`; it replaces `path` only when the block ends without error.

    The parent folders are created. Any failure (a full disk, a crash in the writer) deletes the
    temporary file, so `path` holds its old content or the complete new one; an OSError of the place
    (PATH_ERRNOS) becomes the one-paragraph UserError.
    """
    target = check_output_path(path, option, "file")
    suffix = target.suffix  # kept last, so writers that read the format from the name still do
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}{suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        if exc.errno in PATH_ERRNOS:
            raise write_failure(exc, target, option) from exc
        raise
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def new_output_dir(path: str | os.PathLike[str], option: str) -> Iterator[Path]:
    """Yield an output folder that was missing or empty; if the block fails, it is left as it was found.

    Everything the block wrote is removed on failure (the folder too, if this call made it).
    """
    target = check_output_path(path, option, "dir")
    made = not target.exists()
    if not made and any(target.iterdir()):
        raise UserError(f"{option} {target} exists and is not empty; choose a new folder with {option}, or remove it.")
    try:
        target.mkdir(parents=True, exist_ok=True)
        yield target
    except BaseException as exc:
        if made:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in list(target.iterdir()):
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        child.unlink()
        if isinstance(exc, OSError) and exc.errno in PATH_ERRNOS:
            raise write_failure(exc, target, option) from exc
        raise
