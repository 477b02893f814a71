"""Plan summaries: rows, fonts, text lengths and parameter ranges per specification, gathered block by block."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from synthocr.planner.plan import PlanContext, iter_plan
from synthocr.planner.texts import RESAMPLE_REASON
from synthocr.schemas.params import RANGE_PARAMS

SUMMARY_COLUMNS = ["text_length", *[c for p in RANGE_PARAMS for c in p.column_names]]


@dataclass
class PlanSummary:
    """Running statistics of a plan; `add` each block, then `format`. Memory does not grow with the rows."""

    rows: Counter[str] = field(default_factory=Counter)
    fonts: Counter[str] = field(default_factory=Counter)
    instances: Counter[str] = field(default_factory=Counter)  # "font: instance" of rows drawn in a named one
    fallbacks: Counter[str] = field(default_factory=Counter)  # a row's fallback_fonts (rows that need some)
    cases: Counter[str] = field(default_factory=Counter)  # text_case of every row
    stats: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (spec, column) -> [min, sum, max]
    text_resamples: int = 0
    requests_rejected: int = 0

    def add(self, table: pa.Table) -> None:
        """Fold one block of plan rows into the statistics."""
        frame = pd.DataFrame({c: table.column(c).to_numpy() for c in SUMMARY_COLUMNS if c != "text_length"})
        frame["text_length"] = pc.utf8_length(table.column("text")).to_numpy()
        frame["spec"] = table.column("spec").to_numpy(zero_copy_only=False).astype(str)
        self.rows.update(frame.spec.value_counts().to_dict())
        self.fonts.update(
            pd.Series(table.column("font").to_numpy(zero_copy_only=False).astype(str)).value_counts().to_dict()
        )
        instance = table.column("font_instance").to_numpy(zero_copy_only=False).astype(str)
        if (instance != "").any():
            named = instance != ""
            font = table.column("font").to_numpy(zero_copy_only=False).astype(str)
            self.instances.update(pd.Series(font[named] + ": " + instance[named]).value_counts().to_dict())
        helped = table.column("fallback_fonts").to_numpy(zero_copy_only=False).astype(str)
        self.fallbacks.update(pd.Series(helped[helped != ""]).value_counts().to_dict())
        cases = table.column("text_case").to_numpy(zero_copy_only=False).astype(str)
        self.cases.update(pd.Series(cases).value_counts().to_dict())
        grouped = frame.groupby("spec")[SUMMARY_COLUMNS].agg(["min", "sum", "max"])
        for spec, row in grouped.iterrows():
            for col in SUMMARY_COLUMNS:
                lo, total, hi = (float(row[(col, k)]) for k in ("min", "sum", "max"))
                cur = self.stats.get((str(spec), col))
                self.stats[(str(spec), col)] = (
                    [lo, total, hi] if cur is None else [min(cur[0], lo), cur[1] + total, max(cur[2], hi)]
                )

    def to_dict(self) -> dict[str, Any]:
        """The same report as plain data (`plan --dry-run --json`): rows, fonts and per spec min/mean/max."""
        return {
            "rows": dict(self.rows),
            "fonts": dict(self.fonts.most_common()),
            "font_instances": dict(self.instances.most_common()),
            "fallback_fonts": dict(self.fallbacks.most_common()),
            "text_cases": dict(self.cases.most_common()),
            "text_resamples": self.text_resamples,
            "requests_rejected": self.requests_rejected,
            "stats": {
                spec: {
                    col: dict(zip(("min", "mean", "max"), (lo, s / n, hi)))
                    for col in SUMMARY_COLUMNS
                    for lo, s, hi in [self.stats[(spec, col)]]
                }
                for spec, n in self.rows.items()
            },
        }

    def format(self) -> str:
        """A plain-text report: rows per spec, fonts used, and min/mean/max of each column per spec."""
        total = sum(self.rows.values())
        lines = [f"{total} rows"]
        for spec, n in self.rows.items():
            lines.append(f"  {spec}: {n} rows ({n / max(total, 1):.1%})")
        lines.append(f"fonts used ({len(self.fonts)}):")
        lines += [f"  {font}: {n}" for font, n in self.fonts.most_common()]
        if self.instances:
            lines.append(f"named instances and faces used ({len(self.instances)}):")
            lines += [f"  {name}: {n}" for name, n in self.instances.most_common()]
        if self.fallbacks:
            lines.append(f"rows drawn with fallback fonts ({sum(self.fallbacks.values())}):")
            lines += [f"  {name}: {n}" for name, n in self.fallbacks.most_common()]
        if set(self.cases) - {"as_is"}:
            lines.append("text case: " + ", ".join(f"{case} {n}" for case, n in self.cases.most_common()))
        if self.text_resamples:
            lines.append(f"texts drawn again because {RESAMPLE_REASON}: {self.text_resamples}")
        if self.requests_rejected:
            lines.append(f"requests rejected: {self.requests_rejected}")
        for spec, n in self.rows.items():
            lines.append(f"{spec}: min / mean / max")
            for col in SUMMARY_COLUMNS:
                lo, s, hi = self.stats[(spec, col)]
                lines.append(f"  {col:<28} {_num(lo):>10} {_num(s / n):>10} {_num(hi):>10}")
        return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.3f}"


def summarize_plan(ctx: PlanContext) -> PlanSummary:
    """Plan in memory block by block and keep only the statistics and the context's counters (--dry-run)."""
    summary = summarize(iter_plan(ctx))
    summary.text_resamples = ctx.text_resamples
    summary.requests_rejected = ctx.requests_rejected
    return summary


def summarize(blocks: Iterable[pa.Table]) -> PlanSummary:
    """The summary of a plan given as blocks (nothing is kept but the statistics)."""
    summary = PlanSummary()
    for block in blocks:
        summary.add(block)
    return summary


__all__ = ["PlanSummary", "summarize", "summarize_plan"]
