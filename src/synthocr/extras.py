"""Optional dependencies: import one, or stop with an error naming the extra that installs it.

The core (plan, render on one machine, inspect without plots, most exports) needs none of
them. `pip install 'synthocr[EXTRA]'` adds: dask (the Dask backends), plots (matplotlib, for
`inspect --plots`), export (lmdb and scipy, for `export --to lmdb` and `--to synthtext`), s3 (s3fs, for s3:// plans and
output dirs), zstd (zstandard, for corpus files ending in .zst), webfonts (fontTools and
Brotli, for .woff and .woff2 fonts), pdf (pypdf, pdfminer.six and fontTools, for PDF corpus files), markdown (markdown-it-py, for Markdown corpus files), excel (openpyxl and xlrd, for .xlsx and .xls workbooks), doc (olefile, for Word 97-2003 .doc and PowerPoint 97-2003 .ppt files). `make install` installs all of
them.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from synthocr.errors import UserError

# The extra that provides each optional top-level module.
EXTRA_OF: dict[str, str] = {
    "distributed": "dask",
    "dask": "dask",
    "matplotlib": "plots",
    "lmdb": "export",
    "scipy": "export",
    "s3fs": "s3",
    "zstandard": "zstd",
    "fontTools": "webfonts",
    "brotli": "webfonts",
    "pypdf": "pdf",
    "pdfminer": "pdf",
    "markdown_it": "markdown",
    "openpyxl": "excel",
    "xlrd": "excel",
    "olefile": "doc",
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
    import fsspec  # here: about 50 ms of imports that a local render never needs (renderer.storage)

    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        protocol = url.partition("://")[0].lower()
        if protocol in PROTOCOL_EXTRAS:
            raise MissingExtra(f"the {protocol}:// path {url}", PROTOCOL_EXTRAS[protocol], str(exc)) from None
        raise UserError(
            f"{url}: fsspec needs another package for {protocol}:// ({exc}); install it with pip."
        ) from None


# botocore's errors for missing, partial or refused credentials (matched by name: botocore is optional).
_CREDENTIAL_ERRORS = frozenset(
    {"NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError", "NoAuthTokenError"}
)
_REFUSED_CODES = frozenset(
    {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "AccessDenied", "403"}
)


def credentials_error(exc: BaseException, where: str = "this process") -> UserError | None:
    """A clear UserError when `exc` (or its cause) is an object store refusing us for want of credentials,
    else None. `where` names the process that lacked them (a Dask worker, say)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        code = ""
        response = getattr(current, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
        if name in _CREDENTIAL_ERRORS or code in _REFUSED_CODES:
            return UserError(
                f"object storage refused {where} ({name}{': ' + code if code else ''}: {current}). Every process "
                "that reads the plan or writes the outputs needs credentials: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or an instance role) in its environment, and "
                "AWS_ENDPOINT_URL for an S3-compatible store. With --backend dask that means every worker: "
                "start `dask worker` from a shell that has them."
            )
        current = current.__cause__ or current.__context__
    return None
