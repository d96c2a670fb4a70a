"""The summary chart: a PNG bar chart of the last days' decisions (matplotlib, Agg canvas).
Its French labels come from ``handlers.messages.leads``."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers.messages.leads import KIND_LABELS, chart_title

KIND_COLORS = {"approved": "#18753c", "edited": "#b34000", "discarded": "#6a6a6a"}


def render_chart(team: str, days: list[date], series: dict[str, list[int]]) -> bytes:
    """PNG bar chart of decisions per day (``storage.summary.chart_series``), stacked by kind."""
    fig = Figure(figsize=(8, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.arange(len(days))
    bottom = np.zeros(len(days))
    for kind, values in series.items():
        ax.bar(x, values, bottom=bottom, label=KIND_LABELS[kind], color=KIND_COLORS[kind])
        bottom += values
    ax.set_xticks(x, [f"{d:%d/%m}" for d in days], fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(chart_title(team), fontsize=10)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
