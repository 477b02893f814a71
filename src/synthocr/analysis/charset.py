"""Character counts over a plan's texts, checked against a recognizer's charset (missing and rare characters)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.analysis.summary import open_summarised
from synthocr.errors import UserError


@dataclass
class CharsetReport:
    """Per code point, how often it occurs in the plan's texts; with a charset, what it lacks."""

    rows: int
    counts: dict[str, int]  # character -> occurrences, most frequent first
    charset_file: str = ""
    charset: list[str] = field(default_factory=list)
    min_count: int = 1

    @property
    def missing(self) -> list[str]:
        """Charset characters that no text holds."""
        return [c for c in self.charset if c not in self.counts]

    @property
    def rare(self) -> list[str]:
        """Charset characters that occur, but fewer than min_count times."""
        return [c for c in self.charset if 0 < self.counts.get(c, 0) < self.min_count]

    @property
    def outside(self) -> list[str]:
        """Characters of the texts that the charset does not hold (a recognizer cannot output them)."""
        known = set(self.charset)
        return [c for c in self.counts if c not in known]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rows": self.rows,
            "characters": sum(self.counts.values()),
            "counts": [{"char": c, "code": _code(c), "count": n} for c, n in self.counts.items()],
        }
        if self.charset_file:
            out["charset"] = {
                "file": self.charset_file,
                "size": len(self.charset),
                "min_count": self.min_count,
                "missing": self.missing,
                "rare": {c: self.counts[c] for c in self.rare},
                "outside": self.outside,
            }
        return out

    def format(self) -> str:
        total = sum(self.counts.values())
        lines = [f"{total:,} characters, {len(self.counts):,} distinct, in {self.rows:,} texts", ""]
        lines.append(f"{'char':<6}{'code':<10}{'count':>12}{'share':>9}  name")
        for c, n in self.counts.items():
            lines.append(f"{_shown(c):<6}{_code(c):<10}{n:>12,}{n / max(total, 1):>9.3%}  {unicodedata.name(c, '')}")
        if self.charset_file:
            lines += [
                "",
                f"charset {self.charset_file}: {len(self.charset):,} characters",
                f"never in the plan ({len(self.missing)}): {_listing(self.missing)}",
                f"fewer than {self.min_count} times ({len(self.rare)}): "
                + (", ".join(f"{_shown(c)} {self.counts[c]}" for c in self.rare) or "none"),
                f"in the plan but not in the charset ({len(self.outside)}): {_listing(self.outside)}",
            ]
        return "\n".join(lines)


def _code(c: str) -> str:
    return f"U+{ord(c):04X}"


def _shown(c: str) -> str:
    """A character as printed in a table: control and space characters by their code."""
    return c if c.isprintable() and not c.isspace() and unicodedata.category(c) != "Mn" else _code(c)


def _listing(chars: list[str]) -> str:
    return " ".join(_shown(c) for c in chars) if chars else "none"


def read_charset(path: str | Path) -> list[str]:
    """The code points of a charset file, first occurrence order: one character per line (PaddleOCR's
    dict.txt) or several per line; text after a tab (a weight) is ignored; a line holding a space is the space.

    Raises:
        UserError: the file is missing or not UTF-8 text.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark is not a character of the set
    except FileNotFoundError:
        raise UserError(f"charset file {path} does not exist; pass a UTF-8 file listing the characters.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"charset file {path} cannot be read as UTF-8 text ({exc}).") from None
    seen: dict[str, None] = {}
    for line in text.split("\n"):
        line = line.rstrip("\r").partition("\t")[0]
        kept = line if not line.strip() else "".join(ch for ch in line if not ch.isspace())
        seen.update(dict.fromkeys(kept))
    if not seen:
        raise UserError(f"charset file {path} holds no character.")
    return list(seen)


def charset_report(plan: str | Path, charset_file: str | Path | None = None, min_count: int = 10) -> CharsetReport:
    """Count every code point of the plan's texts (row group by row group) and compare with a charset.

    Raises:
        UserError: an unreadable plan or charset file, or min_count < 1.
    """
    if min_count < 1:
        raise UserError(f"--min-count must be at least 1, got {min_count}.")
    charset = read_charset(charset_file) if charset_file else []
    pf = open_summarised(plan, ["text"])  # a plan, or a subset of one written by pandas
    totals = np.zeros(0, np.int64)
    for i in range(pf.num_row_groups):
        texts = pf.read_row_group(i, columns=["text"]).column("text").to_pylist()
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), np.uint32)
        counts = np.bincount(codes)
        if len(counts) > len(totals):
            totals = np.concatenate([totals, np.zeros(len(counts) - len(totals), np.int64)])
        totals[: len(counts)] += counts
    present = np.flatnonzero(totals)
    order = present[np.lexsort((present, -totals[present]))]
    counts_by_char = {chr(int(c)): int(totals[c]) for c in order}
    return CharsetReport(pf.metadata.num_rows, counts_by_char, str(charset_file or ""), charset, min_count)
