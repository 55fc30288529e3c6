"""Small pieces every page uses. Text that may come from a planner (policy names, names
in uploaded or shared files) is shown as text, never as Markdown or HTML: Solara's
Markdown renders raw HTML, and a name like <img onerror=...> would run in the page."""

from __future__ import annotations

import html

import solara

HEADING_STYLE = "font-size: 1.25em; font-weight: 500; margin: 14px 0 6px 0"
BLOCK_STYLE = "white-space: pre-wrap; font-size: 0.9em"


def heading(text: str) -> None:
    solara.Div(children=[solara.Text(text)], style=HEADING_STYLE, classes=["dash-heading"])


def note(text: str) -> None:
    """A warning that keeps its line breaks (the tool's notes are laid out in lines)."""
    with solara.Div(classes=["dash-note"]), solara.Warning(""):
        solara.Text(text, style=BLOCK_STYLE)


def table_html(
    header: list[str], body: list[list[str]], keys: list[str] | None = None, name: str = ""
) -> str:
    """A plain HTML table, every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    rows = []
    for k, row in enumerate(body):
        key = f' data-key="{html.escape(keys[k])}"' if keys else ""
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
        rows.append(f"<tr{key}>{cells}</tr>")
    style = (
        "<style>.dash-table{border-collapse:collapse;font-size:0.9em;margin:6px 0}"
        ".dash-table td,.dash-table th{border-bottom:1px solid #ddd;padding:3px 10px;"
        "text-align:right}.dash-table td:first-child,.dash-table th:first-child"
        "{text-align:left}</style>"
    )
    return (
        f'{style}<table class="dash-table" id="{html.escape(name)}"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
