"""The one-page report: a heading, what was compared, a table of numbers and the figures,
as Markdown and as a self-contained HTML page beside the PNGs."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Page:
    title: str
    lines: list[str] = field(default_factory=list)  # short paragraphs above the table
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (file name, caption)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        out = [f"# {self.title}", "", f"_{dt.date.today().isoformat()}_", ""]
        out += [*(f"{line}  " for line in self.lines), ""]
        if self.header:
            out.append("| " + " | ".join(_cell(h) for h in self.header) + " |")
            out.append("|" + "---|" * len(self.header))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
            out.append("")
        out += [*(f"{note}  " for note in self.notes), ""]
        for name, caption in self.figures:
            alt = caption.replace("[", "(").replace("]", ")")
            out += [f"![{alt}]({name})", "", f"*{caption}*", ""]
        return "\n".join(out)

    def html(self) -> str:
        e = html.escape
        parts = [
            f"<!doctype html><html><head><meta charset='utf-8'><title>{e(self.title)}"
            "</title><style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;"
            "color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px "
            "solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child"
            "{text-align:left}img{max-width:100%}figcaption{color:#555;font-size:13px}"
            "</style></head><body>",
            f"<h1>{e(self.title)}</h1><p><em>{dt.date.today().isoformat()}</em></p>",
        ]
        parts += [f"<p>{e(line)}</p>" for line in self.lines]
        if self.header:
            parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in self.header) + "</tr>")
            parts += [
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in self.rows
            ]
            parts.append("</table>")
        parts += [f"<p><small>{e(note)}</small></p>" for note in self.notes]
        parts += [
            f"<figure><img src='{e(name)}' alt='{e(caption)}'><figcaption>{e(caption)}"
            "</figcaption></figure>"
            for name, caption in self.figures
        ]
        parts.append("</body></html>")
        return "\n".join(parts)

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder = Path(folder)
        md, page = folder / "report.md", folder / "report.html"
        md.write_text(self.markdown(), encoding="utf-8")
        page.write_text(self.html(), encoding="utf-8")
        return md, page


def _cell(text: str) -> str:
    """A Markdown table cell: a '|' in a label would split the row."""
    return text.replace("|", "\\|")
