"""Optional dependencies: import one, or stop with an error naming the extra that installs it.

The core (plan, render on one machine, inspect without plots, most exports) needs none of
them. `pip install 'synthocr[EXTRA]'` adds: dask (the Dask backends), plots (matplotlib, for
`inspect --plots`), export (lmdb, for `export --to lmdb`), s3 (s3fs, for s3:// plans and
output dirs). `make install` installs all of them.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import fsspec

from synthocr.errors import UserError

# The extra that provides each optional top-level module.
EXTRA_OF: dict[str, str] = {
    "distributed": "dask",
    "dask": "dask",
    "matplotlib": "plots",
    "lmdb": "export",
    "s3fs": "s3",
}
# fsspec protocols whose implementation an extra provides.
PROTOCOL_EXTRAS: dict[str, str] = {"s3": "s3", "s3a": "s3"}


class MissingExtra(UserError):
    """A command needs an optional dependency that is not installed."""

    def __init__(self, feature: str, extra: str, detail: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependencies of synthocr[{extra}], which are not installed ({detail}). "
            f"Install them with: pip install 'synthocr[{extra}]' (`make install` installs every extra)."
        )


def require(module: str, feature: str) -> ModuleType:
    """Import `module` (a key of EXTRA_OF), or raise MissingExtra saying which `feature` needs which extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(feature, EXTRA_OF[module.partition(".")[0]], str(exc)) from None


def url_to_fs(url: str) -> tuple[Any, str]:
    """fsspec's (filesystem, path) for a URL; a protocol whose package is missing names its extra.

    Raises:
        MissingExtra: s3:// without s3fs.
        UserError: another protocol whose fsspec implementation is not installed.
    """
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        protocol = url.partition("://")[0].lower()
        if protocol in PROTOCOL_EXTRAS:
            raise MissingExtra(f"the {protocol}:// path {url}", PROTOCOL_EXTRAS[protocol], str(exc)) from None
        raise UserError(
            f"{url}: fsspec needs another package for {protocol}:// ({exc}); install it with pip."
        ) from None
