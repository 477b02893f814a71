"""PNG plots of a plan with matplotlib (Agg): a histogram per parameter by specification, text length, fonts, scripts."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure  # with an explicit Agg canvas: no pyplot, no global backend state
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox
from PIL import Image

from synthocr.analysis.summary import EFFECT_OF_COLUMN, applied, param_columns, scripts
from synthocr.errors import UserError
from synthocr.output_paths import atomic_output, check_output_path, write_failure
from synthocr.schemas.params import EFFECTS, RANGE_PARAMS

log = logging.getLogger(__name__)

BINS = 30
FONT_LABEL = 24  # longest font name shown in full on the font usage plot
DPI = 100


def _specs(frame: pd.DataFrame) -> pd.Categorical:
    """Each row's specification as a categorical ordered by first appearance (the colour order of every plot)."""
    codes, names = pd.factorize(frame["spec"].astype(str))
    return pd.Categorical.from_codes(codes, categories=list(names))


def _by_spec(spec: pd.Categorical, values: pd.Series) -> list[np.ndarray]:
    array = values.to_numpy(dtype=np.float64)
    return [array[spec.codes == i] for i in range(len(spec.categories))]


def _edges(values: pd.Series, integer: bool) -> np.ndarray:
    """Histogram bin edges: about BINS equal bins; for integers, bins of whole numbers centred on them (no aliasing)."""
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return np.array([lo - 0.5, hi + 0.5])
    if integer:
        width = max(1, math.ceil((hi - lo + 1) / BINS))
        return np.arange(lo - 0.5, hi + width, width)
    return np.linspace(lo, hi, BINS + 1)


def _histogram(ax: Axes, spec: pd.Categorical, values: pd.Series, title: str, integer: bool) -> None:
    """Stacked histogram of `values`, one colour per specification (drawn as filled stairs: fast).

    `spec` and `values` have the same rows (a subset of the plan's, for an effect's applied rows)."""
    names, parts = list(spec.categories), _by_spec(spec, values)
    edges = _edges(values, integer)
    baseline = np.zeros(len(edges) - 1)
    for name, part, colour in zip(names, parts, _colours(len(names))):
        counts = np.histogram(part, bins=edges)[0].astype(np.float64)
        ax.stairs(baseline + counts, edges, baseline=baseline, fill=True, label=name, color=colour)
        baseline = baseline + counts
    if float(values.min()) == float(values.max()):
        title += f" (fixed at {values.iloc[0]:g})"
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.locator_params(axis="x", nbins=5)


def _colours(n: int, cmap: str = "tab10") -> list[tuple[float, ...]]:
    """`n` distinct colours, cycling through a qualitative colour map."""
    listed = cast(ListedColormap, colormaps[cmap])  # a qualitative map: a list of RGB(A) tuples
    colours = cast(list[tuple[float, ...]], listed.colors)
    return [colours[i % len(colours)] for i in range(n)]


def _fonts(ax: Axes, frame: pd.DataFrame, spec: pd.Categorical, top: int) -> None:
    """The `top` most used fonts, one bar per font split by specification."""
    counts = pd.crosstab(frame["font"].astype(str).to_numpy(), spec)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=True).index[-top:]]
    left = np.zeros(len(counts))
    labels = [f if len(f) <= FONT_LABEL else f[: FONT_LABEL - 1] + "…" for f in counts.index]
    for name, colour in zip(spec.categories, _colours(len(spec.categories))):
        ax.barh(labels, counts[name].to_numpy(), left=left, label=name, color=colour)
        left += counts[name].to_numpy()
    ax.set_title(f"font usage (top {min(top, len(counts))})", fontsize=9)
    ax.tick_params(labelsize=7)


def _mix(ax: Axes, spec: pd.Categorical, values: pd.Series, title: str) -> None:
    """Rows per specification, split by category (direction or script)."""
    table = pd.crosstab(spec, values.astype(str).to_numpy())
    bottom = np.zeros(len(table))
    for category, colour in zip(table.columns, _colours(len(table.columns), "Set2")):
        ax.bar(table.index, table[category].to_numpy(), bottom=bottom, label=category, color=colour)
        bottom += table[category].to_numpy()
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(fontsize=6)


def _panels(frame: pd.DataFrame, top: int) -> dict[str, Callable[[Axes], None]]:
    """Every plot by file stem, each a function drawing into one Axes."""
    spec = _specs(frame)
    lengths = frame["text"].astype(str).str.len()
    panels: dict[str, Callable[[Axes], None]] = {
        "fonts": lambda ax: _fonts(ax, frame, spec, top),
        "text_length": lambda ax: _histogram(ax, spec, lengths, "text length (characters)", True),
        "direction": lambda ax: _mix(ax, spec, frame["text_direction"], "text direction"),
        "script": lambda ax: _mix(ax, spec, scripts(frame), "script (most letters)"),
    }
    integer = {col for p in RANGE_PARAMS if p.is_int for col in p.column_names}
    plotted, _ = plotted_columns(frame)
    for col in plotted:
        effect = EFFECT_OF_COLUMN.get(col)
        if effect is None:
            panel = functools.partial(_param_panel, spec=spec, values=frame[col], title=col, integer=col in integer)
        else:
            mask = applied(frame, effect).to_numpy()
            neutral = next(p.neutral for p in effect.params if col in p.column_names)
            share = 100 * mask.mean()
            panel = functools.partial(
                _param_panel,
                spec=pd.Categorical.from_codes(spec.codes[mask], categories=spec.categories),
                values=frame[col][mask],
                title=f"{col} where applied ({share:.0f}%;\n{100 - share:.0f}% of rows at neutral {neutral:g})",
                integer=col in integer,
            )
        panels[f"param_{col}"] = panel
    return panels


def _param_panel(ax: Axes, spec: pd.Categorical, values: pd.Series, title: str, integer: bool) -> None:
    _histogram(ax, spec, values, title, integer)


def plotted_columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The parameter columns worth a plot, and those listed instead: constant over the whole plan, or an effect's
    columns that are constant over the rows it applies to (or that it applies to no row)."""
    plotted: list[str] = []
    constant: list[str] = []
    masks = {e.name: applied(frame, e) for e in EFFECTS}
    for col in param_columns():
        effect = EFFECT_OF_COLUMN.get(col)
        values = frame[col] if effect is None else frame[col][masks[effect.name]]
        (plotted if len(values) and values.min() != values.max() else constant).append(col)
    return plotted, constant


def write_plots(frame: pd.DataFrame, out_dir: str | Path, top: int = 15) -> list[Path]:
    """Write `overview.png` with every plot on one page, and each plot on its own as `<name>.png`.

    The page is drawn once; each single plot is its panel cut out of the page with the colour key of
    the specifications below it (drawing each plot as a figure of its own takes ten times longer).

    Args:
        frame: the plan, as read by `read_plan_frame`.
        top: how many fonts the font usage plot shows.

    Returns:
        The files written, overview first.
    """
    if frame.empty:
        raise UserError("the plan has no rows: there is nothing to plot.")
    out = check_output_path(out_dir, "--plots", "dir")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(exc, out, "--plots") from exc
    panels = _panels(frame, top)
    fig, axes, key = _overview(frame, panels)
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
    return written


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


def _overview(frame: pd.DataFrame, panels: dict[str, Callable[[Axes], None]]) -> tuple[Figure, list[Axes], Legend]:
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
    fig.suptitle(f"plan: {len(frame)} rows", fontsize=11)
    return fig, axes[: len(panels)], key
