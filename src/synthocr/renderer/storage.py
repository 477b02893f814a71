"""Where outputs live: a local folder or an fsspec URL, with atomic writes, retries and stale temp cleanup."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from synthocr.errors import UserError
from synthocr.extras import url_to_fs

log = logging.getLogger(__name__)
T = TypeVar("T")

TEMP_PREFIX = ".tmp-"
# Errors worth another try: the device or the remote store may answer next time.
TRANSIENT_ERRNOS = frozenset(
    {errno.EIO, errno.EAGAIN, errno.EINTR, errno.ETIMEDOUT, errno.EBUSY, errno.ECONNRESET, errno.ECONNABORTED}
)
# Errors that no later row can escape: the whole run stops with a clear message.
FATAL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
RETRIES = 3
BACKOFF_SECONDS = 0.2  # first wait; doubled on each retry (0.2, 0.4, 0.8 s)
STALE_FOREIGN_SECONDS = 3600.0  # a temp file of another machine older than this is abandoned
HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


class OutputWriteError(UserError):
    """The output dir refused a write that no retry will fix (disk full, read-only, permissions)."""


@dataclass(frozen=True)
class Storage:
    """A folder given as a local path or an fsspec URL (file://, memory://, s3://, ...)."""

    url: str

    @cached_property
    def _resolved(self) -> tuple[Any, str]:
        if is_plain_path(self.url):  # a local folder: the same root as fsspec's, without importing fsspec
            return None, _posix_root(self.url)
        fs, root = url_to_fs(self.url)
        return fs, root.rstrip("/") or "/"

    @property
    def fs(self) -> Any:
        """The fsspec filesystem (for a plain local path, fsspec's local one, made when first asked for)."""
        fs = self._resolved[0]
        if fs is None:
            from fsspec.implementations.local import LocalFileSystem

            fs = LocalFileSystem()
        return fs

    @property
    def root(self) -> str:
        return self._resolved[1]

    @cached_property
    def local(self) -> bool:
        """True when plain os calls work (atomic rename, append, scandir)."""
        fs = self._resolved[0]
        if fs is None:
            return True
        from fsspec.implementations.local import LocalFileSystem

        return isinstance(fs, LocalFileSystem)

    def path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def __getstate__(self) -> dict[str, Any]:  # ship only the URL to workers; they resolve it themselves
        return {"url": self.url}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "url", state["url"])


def is_plain_path(url: str) -> bool:
    """A local path with no URL syntax (no protocol, no fsspec chaining), on a POSIX system."""
    return os.sep == "/" and "://" not in url and "::" not in url and bool(url)


def _posix_root(path: str) -> str:
    """The absolute folder fsspec's local filesystem makes of `path` (its make_path_posix; no trailing /)."""
    if path.startswith("~"):
        path = os.path.expanduser(path)
    elif not path.startswith("/"):
        path = os.getcwd() + "/" + ("" if path == "." else path.removeprefix("./"))
    return path.rstrip("/") or "/"


def is_transient(exc: BaseException) -> bool:
    """An I/O error that may go away on its own: EIO, EAGAIN, timeouts, dropped connections."""
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return True
    return isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS


def with_retries(fn: Callable[[], T], what: str, retries: int = RETRIES, backoff: float | None = None) -> T:
    """fn(), tried again up to `retries` times after transient I/O errors, waiting backoff * 2**k seconds.

    `backoff` defaults to BACKOFF_SECONDS. Every retry is logged at WARNING; the last error is raised as it is.
    """
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    for attempt in range(retries + 1):
        try:
            return fn()
        except OSError as exc:
            if attempt == retries or not is_transient(exc):
                raise
            wait = backoff * 2**attempt
            log.warning(
                "%s: %s: %s; retry %d of %d in %.1f s", what, type(exc).__name__, exc, attempt + 1, retries, wait
            )
            time.sleep(wait)
    raise AssertionError("unreachable")


def temp_name(name: str, run_id: str) -> str:
    """A temporary file name unique to this machine, process, run and call (ignored by the resume scan)."""
    return f"{TEMP_PREFIX}{HOST}-{os.getpid()}-{run_id}-{uuid.uuid4().hex[:6]}-{name}"


def write_atomic(store: Storage, rel: str, data: bytes, run_id: str) -> None:
    """Make `rel` appear whole or not at all.

    Local: temporary file in the same folder, then os.replace (atomic on POSIX).
    Other filesystems: one whole-object put (atomic on object stores such as S3 and on memory://).
    """
    path = store.path(rel)
    if not store.local:
        store.fs.pipe_file(path, data)
        return
    folder, _, name = path.rpartition("/")
    tmp = f"{folder}/{temp_name(name, run_id)}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def clear_way(store: Storage, rel: str) -> None:
    """Make room for a file at `rel`: an empty folder of that name (never an output) is removed.

    Raises:
        IsADirectoryError: a folder that holds files has the name; nothing of it is deleted.
    """
    path = store.path(rel)
    if store.local and os.path.isdir(path) and not os.path.islink(path):
        try:
            os.rmdir(path)
        except OSError:
            raise IsADirectoryError(
                errno.EISDIR, "a folder with files in it has this output's name; move it away and render again", path
            ) from None


def remove_file(store: Storage, rel: str) -> None:
    """Delete the file `rel` if it is there (a folder of that name is left alone)."""
    path = store.path(rel)
    try:
        if store.local:
            if not os.path.isdir(path) or os.path.islink(path):
                os.unlink(path)
        elif store.fs.isfile(path):
            store.fs.rm_file(path)
    except FileNotFoundError:
        pass


def makedirs(store: Storage, rel: str) -> None:
    if store.local:
        os.makedirs(store.path(rel), exist_ok=True)
    else:
        store.fs.makedirs(store.path(rel), exist_ok=True)


def is_inside(store: Storage, rel: str) -> bool:
    """True when a local `rel` resolves (symbolic links followed) to a path inside the store's root."""
    root = os.path.realpath(store.root)
    path = os.path.realpath(store.path(rel))
    return path == root or path.startswith(root.rstrip("/") + "/")


def read_bytes(store: Storage, rel: str) -> bytes | None:
    """The file's bytes, or None if it does not exist."""
    try:
        if store.local:
            with open(store.path(rel), "rb") as fh:
                return fh.read()
        return store.fs.cat_file(store.path(rel))
    except FileNotFoundError:
        return None


def append_text(store: Storage, rel: str, text: str) -> None:
    """Append to a log file (read and rewrite where the filesystem cannot append, e.g. S3)."""
    if store.local:
        with open(store.path(rel), "a", encoding="utf-8") as fh:
            fh.write(text)
        return
    old = read_bytes(store, rel) or b""
    store.fs.pipe_file(store.path(rel), old + text.encode("utf-8"))


def modified(store: Storage, rel: str) -> float | None:
    """Modification time (seconds since the epoch) as the filesystem reports it, or None."""
    try:
        if store.local:
            return os.stat(store.path(rel)).st_mtime
        return info_mtime(store.fs.info(store.path(rel)))
    except FileNotFoundError:
        return None


def info_mtime(info: dict[str, Any]) -> float | None:
    """mtime from an fsspec info dict, whichever key the filesystem uses."""
    for key in ("mtime", "LastModified", "last_modified", "created"):
        value = info.get(key)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, (int, float)):
            return float(value)
    return None


@dataclass(frozen=True)
class Folder:
    """One folder of the store as the resume scan sees it: names only, from one listing."""

    rel: str  # relative to the root, "" for the root
    labels: list[str]  # file names ending in .json
    images: list[str]  # file names (or folder names) with an image extension
    temps: list[str]  # names of temporary files (TEMP_PREFIX)
    info: dict[str, dict[str, Any]] | None = None  # fsspec info per file name (not local stores)


def walk_folders(store: Storage, image_exts: tuple[str, ...]) -> Iterator[Folder]:
    """Every folder under the root, skipping files and folders whose names start with . or _ .

    Locally one scandir per folder (no stat); elsewhere one recursive listing, whose entries
    carry their size and modification time in `info`.
    """
    if store.local:
        yield from _walk_local(store.root, image_exts)
        return
    try:
        found = store.fs.find(store.root, detail=True, withdirs=True)
    except FileNotFoundError:
        return
    folders: dict[str, Folder] = {}
    prefix = store.root.rstrip("/") + "/"
    for path, info in found.items():
        rel = path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")
        if not rel or any(p.startswith((".", "_")) for p in rel.split("/")):
            continue
        parent, _, name = rel.rpartition("/")
        folder = folders.setdefault(parent, Folder(parent, [], [], [], {}))
        assert folder.info is not None
        folder.info[name] = info
        if name.endswith(".json") and info.get("type") != "directory":
            folder.labels.append(name)
        elif name.endswith(image_exts):
            folder.images.append(name)
    yield from folders.values()


def _walk_local(root: str, image_exts: tuple[str, ...]) -> Iterator[Folder]:
    stack = [(root, "")]
    while stack:
        path, rel = stack.pop()
        try:
            scanned = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            continue
        folder = Folder(rel, [], [], [])
        for entry in scanned:
            name = entry.name
            if name.startswith((".", "_")):
                if name.startswith(TEMP_PREFIX):
                    folder.temps.append(name)
            elif name.endswith(".json"):
                folder.labels.append(name)
            elif name.endswith(image_exts):
                folder.images.append(name)
            elif entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{rel}/{name}" if rel else name))
        yield folder


def remove_stale_temps(store: Storage, folder: str, temps: list[str], run_id: str | None = None) -> int:
    """Delete temp files left by dead processes (and every temp of run `run_id`); returns how many went.

    A temp of a live process on this machine is kept: another render may be writing it right now.
    A run cleans up at its start and again at its end, so the temps of workers that were still
    being torn down when it started (a killed run restarted at once) go at its end.
    """
    removed = 0
    for name in temps:
        parts = name[len(TEMP_PREFIX) :].split("-", 4)
        if len(parts) < 5:
            continue
        host, pid, run = parts[0], parts[1], parts[2]
        path = store.path(f"{folder}/{name}" if folder else name)
        if run_id is not None and run == run_id:
            stale = True
        elif host == HOST:
            stale = pid.isdigit() and not _alive(int(pid))
        else:
            mtime = modified(store, f"{folder}/{name}" if folder else name)
            stale = mtime is not None and time.time() - mtime > STALE_FOREIGN_SECONDS
        if stale:
            try:
                os.unlink(path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` of this machine still runs (a zombie has exited: it only awaits its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True  # no /proc (not Linux): trust the signal check


def fatal_write_error(exc: OSError, store: Storage, rel: str) -> OutputWriteError:
    """The message for a write that stops the run: what failed, where, and how to go on."""
    return OutputWriteError(
        f"cannot write {store.path(rel)}: {exc.strerror or exc} (errno {exc.errno}). The output dir "
        f"{store.url} is full, read-only or not writable; free space or fix its permissions, then run the "
        "same command again: finished outputs are kept and nothing half-written counts as done."
    )
