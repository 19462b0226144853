"""One self-contained HTML page: inline CSS, figures as base64 PNG, no script, no network."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;
color:#222;line-height:1.4;padding:0 16px}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;margin:8px 0} th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.num{text-align:right;font-variant-numeric:tabular-nums}
.treated{color:#0072B2;font-weight:600} .untreated{color:#D55E00;font-weight:600}
.critical{color:#b00;font-weight:600} .warning{color:#a60} .info{color:#067}
.side{display:flex;gap:24px;flex-wrap:wrap} .side>div{flex:1;min-width:420px}
img{max-width:100%;height:auto} .note{color:#666;font-size:12px} nav a{margin-right:12px;font-size:13px}
"""


def figure_to_img(fig, alt: str) -> str:
    """An <img> with the figure as a base64 PNG; the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def fmt(v, digits: int = 3) -> str:
    """A table cell for a number: ``digits`` significant digits, "∞" for an open circuit
    (an interface with no contact and no liquid), "–" for none or not finite."""
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if v == math.inf:
        return "∞"
    if not math.isfinite(v):
        return "–"
    return f"{v:.{digits}g}"


def esc(x) -> str:
    return html.escape(str(x))


def table(headers: list[str], rows: list[list], num_cols: set[int] | None = None, raw: bool = False) -> str:
    num_cols = num_cols or set()
    out = ["<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for i, v in enumerate(r):
            cls = ' class="num"' if i in num_cols else ""
            cells.append(f"<td{cls}>{v if raw else esc(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def section(sec_id: str, title: str, body: str) -> str:
    return f'<section id="{sec_id}"><h2>{esc(title)}</h2>{body}</section>'


# Every page carries this tag: it is how `lpt report` knows that an existing file is a
# report it wrote (and may replace) rather than someone's document.
GENERATOR_META = '<meta name="generator" content="lpt">'


def written_by_lpt(path: str | Path) -> bool:
    """Whether ``path`` is an HTML report lpt wrote (it carries :data:`GENERATOR_META`)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return GENERATOR_META.encode() in head


def page(title: str, subtitle: str, sections: list[tuple[str, str, str]]) -> str:
    nav = "".join(f'<a href="#{sid}">{esc(t)}</a>' for sid, t, _ in sections)
    body = "".join(section(sid, t, b) for sid, t, b in sections)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{GENERATOR_META}<title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{esc(title)}</h1><p class=\"note\">{esc(subtitle)}</p>"
            f"<nav>{nav}</nav>{body}</body></html>")
