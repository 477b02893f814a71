"""PNG plots of a plan with matplotlib (Agg): a histogram per parameter by specification, text length, fonts, scripts."""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure  # with an explicit Agg canvas: no pyplot, no global backend state
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox
from PIL import Image

from synthocr.analysis.summary import (
    APPLIED,
    EFFECT_OF_COLUMN,
    LENGTH,
    Tally,
    applied_masks,
    categories_of,
    file_groups,
    frame_groups,
    numbers_of,
    param_columns,
    tally_plan,
)
from synthocr.errors import UserError
from synthocr.output_paths import atomic_output, check_output_path, write_failure
from synthocr.schemas.params import RANGE_PARAMS

log = logging.getLogger(__name__)

BINS = 30
FONT_LABEL = 24  # longest font name shown in full on the font usage plot
DPI = 100


@dataclass
class PlotData:
    """What the plots draw, gathered a row group at a time (so a plan of any size plots in bounded memory):
    the specifications in order of first appearance, counts per specification, and per histogram its bin
    edges and its counts per specification."""

    rows: int
    specs: list[str]
    fonts: dict[str, Counter[str]]  # by specification
    font_ranking: list[str]  # every font, most rows first, ties by name
    direction: dict[str, Counter[str]]
    script: dict[str, Counter[str]]
    histograms: dict[str, tuple[np.ndarray, np.ndarray, str]] = field(default_factory=dict)  # edges, counts, title
    plotted: list[str] = field(default_factory=list)
    constant: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # what write_plots wrote, overview first


def _edges(low: float, high: float, integer: bool) -> np.ndarray:
    """Histogram bin edges: about BINS equal bins; for integers, bins of whole numbers centred on them (no aliasing)."""
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    if integer:
        width = max(1, math.ceil((high - low + 1) / BINS))
        return np.arange(low - 0.5, high + width, width)
    return np.linspace(low, high, BINS + 1)


def plot_data(
    groups: Callable[[], Iterator[pa.Table]], tallied: tuple[dict[str, Tally], Tally] | None = None
) -> PlotData:
    """Two passes over the plan's row groups: the summary's tallies (counts, and each column's range, which
    fixes the bins; given as `tallied` when the summary has them), then every histogram's counts per
    specification."""
    tallies, whole = tallied or tally_plan(groups)  # the summary's, when it was made first
    specs = list(tallies)
    data = PlotData(
        whole.rows,
        specs,
        {n: t.counts["font"] for n, t in tallies.items()},
        [f for f, _ in whole.ranked("font")],
        {n: t.counts["text_direction"] for n, t in tallies.items()},
        {n: t.counts["script"] for n, t in tallies.items()},
    )
    integer = {col for p in RANGE_PARAMS if p.is_int for col in p.column_names}
    wanted: dict[str, tuple[str, str]] = {"text_length": (LENGTH, "text length (characters)")}  # stem: statistic, title
    for col in param_columns():
        effect = EFFECT_OF_COLUMN.get(col)
        stats = whole.stats(col if effect is None else APPLIED + col)
        if stats is None or stats["min"] == stats["max"]:
            data.constant.append(col)
            continue
        data.plotted.append(col)
        title = col
        if effect is not None:
            neutral = next(p.neutral for p in effect.params if col in p.column_names)
            share = 100 * whole.applied_rows(effect.name) / max(whole.rows, 1)
            title = f"{col} where applied ({share:.0f}%;\n{100 - share:.0f}% of rows at neutral {neutral:g})"
        wanted[f"param_{col}"] = (col if effect is None else APPLIED + col, title)
    edges: dict[str, np.ndarray] = {}
    for stem, (stat, title) in wanted.items():
        s = whole.stats(stat)
        assert s is not None  # text length has every row; a plotted column varies
        edges[stem] = _edges(s["min"], s["max"], stat == LENGTH or stat.removeprefix(APPLIED) in integer)
        if s["min"] == s["max"]:
            title += f" (fixed at {s['min']:g})"
        data.histograms[stem] = (edges[stem], np.zeros((len(specs), len(edges[stem]) - 1)), title)
    index = {name: k for k, name in enumerate(specs)}
    for group in groups():
        codes, names = categories_of(group.column("spec"))
        row_spec = np.array([index[n] for n in names], np.int64)[codes]
        on = applied_masks(group)
        for stem, (stat, _) in wanted.items():
            column = stat.removeprefix(APPLIED)
            values = numbers_of(pc.utf8_length(group.column("text")) if stat == LENGTH else group.column(column))
            kept, owner = values, row_spec
            if stat.startswith(APPLIED):  # an effect's column: over the rows the effect applies to
                keep = on[EFFECT_OF_COLUMN[column].name]
                kept, owner = values[keep], row_spec[keep]
            counts = data.histograms[stem][1]
            for k in np.unique(owner).tolist():
                counts[k] += np.histogram(kept[owner == k], bins=edges[stem])[0]
    return data


def _histogram(ax: Axes, data: PlotData, stem: str) -> None:
    """Stacked histogram, one colour per specification (drawn as filled stairs: fast)."""
    edges, counts, title = data.histograms[stem]
    baseline = np.zeros(len(edges) - 1)
    for name, part, colour in zip(data.specs, counts, _colours(len(data.specs))):
        ax.stairs(baseline + part, edges, baseline=baseline, fill=True, label=name, color=colour)
        baseline = baseline + part
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.locator_params(axis="x", nbins=5)


def _colours(n: int, cmap: str = "tab10") -> list[tuple[float, ...]]:
    """`n` distinct colours, cycling through a qualitative colour map."""
    listed = cast(ListedColormap, colormaps[cmap])  # a qualitative map: a list of RGB(A) tuples
    colours = cast(list[tuple[float, ...]], listed.colors)
    return [colours[i % len(colours)] for i in range(n)]


def _fonts(ax: Axes, data: PlotData, top: int) -> None:
    """The `top` most used fonts, one bar per font split by specification (ties in use by name)."""
    shown = data.font_ranking[:top][::-1]  # the most used at the top
    left = np.zeros(len(shown))
    labels = [f if len(f) <= FONT_LABEL else f[: FONT_LABEL - 1] + "…" for f in shown]
    for name, colour in zip(data.specs, _colours(len(data.specs))):
        widths = np.array([data.fonts[name][f] for f in shown], np.float64)
        ax.barh(labels, widths, left=left, label=name, color=colour)
        left += widths
    ax.set_title(f"font usage (top {len(shown)})", fontsize=9)
    ax.tick_params(labelsize=7)


def _mix(ax: Axes, data: PlotData, by_spec: dict[str, Counter[str]], title: str) -> None:
    """Rows per specification, split by category (direction or script)."""
    categories = sorted(set().union(*by_spec.values()))
    bottom = np.zeros(len(data.specs))
    for category, colour in zip(categories, _colours(len(categories), "Set2")):
        heights = np.array([by_spec[name][category] for name in data.specs], np.float64)
        ax.bar(data.specs, heights, bottom=bottom, label=category, color=colour)
        bottom += heights
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(fontsize=6)


def _panels(data: PlotData, top: int) -> dict[str, Callable[[Axes], None]]:
    """Every plot by file stem, each a function drawing into one Axes."""
    panels: dict[str, Callable[[Axes], None]] = {
        "fonts": lambda ax: _fonts(ax, data, top),
        "text_length": lambda ax: _histogram(ax, data, "text_length"),
        "direction": lambda ax: _mix(ax, data, data.direction, "text direction"),
        "script": lambda ax: _mix(ax, data, data.script, "script (most letters)"),
    }
    for col in data.plotted:
        panels[f"param_{col}"] = functools.partial(_histogram, data=data, stem=f"param_{col}")
    return panels


Plan: TypeAlias = "pd.DataFrame | str | Path | Callable[[], Iterator[pa.Table]]"  # a frame, a path, its row groups


def _groups(plan: Plan) -> Callable[[], Iterator[pa.Table]]:
    if isinstance(plan, pd.DataFrame):
        return frame_groups(plan)
    return file_groups(plan) if isinstance(plan, (str, Path)) else plan


def plotted_columns(plan: Plan) -> tuple[list[str], list[str]]:
    """The parameter columns worth a plot, and those listed instead: constant over the whole plan, or an effect's
    columns that are constant over the rows it applies to (or that it applies to no row)."""
    data = plot_data(_groups(plan))
    return data.plotted, data.constant


def write_plots(
    plan: Plan, out_dir: str | Path, top: int = 15, tallied: tuple[dict[str, Tally], Tally] | None = None
) -> PlotData:
    """Write `overview.png` with every plot on one page, and each plot on its own as `<name>.png`.

    The page is drawn once; each single plot is its panel cut out of the page with the colour key of
    the specifications below it (drawing each plot as a figure of its own takes ten times longer).

    Args:
        plan: a plan's path (read a row group at a time, twice), its row groups, or a plan frame.
        tallied: the plan's tallies (summary.tally_plan), when already made: one pass fewer.
        top: how many fonts the font usage plot shows.

    Returns:
        What was drawn; its `files` are the files written, overview first.
    """
    if isinstance(plan, pd.DataFrame) and plan.empty:
        raise UserError("the plan has no rows: there is nothing to plot.")
    out = check_output_path(out_dir, "--plots", "dir")
    data = plot_data(_groups(plan), tallied)
    if not data.rows:
        raise UserError("the plan has no rows: there is nothing to plot.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(exc, out, "--plots") from exc
    panels = _panels(data, top)
    fig, axes, key = _overview(data, panels)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    page = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    written = [out / "overview.png"]
    with atomic_output(written[0], "--plots") as tmp:
        page.save(tmp, compress_level=6)
    renderer = canvas.get_renderer()
    legend = _crop(page, key.get_window_extent(renderer))
    for stem, ax in zip(panels, axes):
        bbox = ax.get_tightbbox(renderer)
        assert bbox is not None  # every panel draws something
        panel = _crop(page, bbox)
        single = Image.new("RGB", (max(panel.width, legend.width), panel.height + legend.height), "white")
        single.paste(panel, ((single.width - panel.width) // 2, 0))
        single.paste(legend, ((single.width - legend.width) // 2, panel.height))
        written.append(out / f"{stem}.png")
        with atomic_output(written[-1], "--plots") as tmp:
            single.save(tmp, compress_level=6)
    log.info("wrote %d plots to %s", len(written), out)
    data.files = written
    return data


def _crop(page: Image.Image, bbox: Bbox, pad: int = 4) -> Image.Image:
    """The part of the drawn page inside `bbox` (display pixels, origin at the bottom left), plus `pad` pixels."""
    x0, y0, x1, y1 = bbox.extents
    box = (
        max(0, math.floor(x0) - pad),
        max(0, page.height - math.ceil(y1) - pad),
        min(page.width, math.ceil(x1) + pad),
        min(page.height, page.height - math.floor(y0) + pad),
    )
    return page.crop(box)


def _overview(data: PlotData, panels: dict[str, Callable[[Axes], None]]) -> tuple[Figure, list[Axes], Legend]:
    """All panels on one page under a title, with one colour key of the specifications at the bottom."""
    cols = 5
    rows = math.ceil(len(panels) / cols)
    height = rows * 2.6 + 1.0
    fig = Figure(figsize=(cols * 3.6, height), dpi=DPI)
    fig.subplots_adjust(left=0.09, right=0.99, top=1 - 0.8 / height, bottom=0.6 / height, hspace=0.45, wspace=0.3)
    axes = list(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax, draw in zip(axes, panels.values()):
        draw(ax)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    handles, labels = axes[1].get_legend_handles_labels()  # the text length histogram: every specification
    key = fig.legend(handles, labels, loc="lower center", ncols=min(len(labels), 8), fontsize=9)
    fig.suptitle(f"plan: {data.rows} rows", fontsize=11, y=1 - 0.3 / height, va="center")  # in the top margin
    return fig, axes[: len(panels)], key
