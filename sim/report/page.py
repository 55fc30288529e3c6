"""The one-page report: a heading, what was compared, a table of numbers, the figures and a
glossary of what the numbers mean, as Markdown (linking the PNGs beside it) and as one
self-contained HTML file (the figures embedded, so it can be mailed on its own)."""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

from sim.report import glossary
from sim.report.style import TEXT

HTML_LANG = {"en": "en", "zh": "zh-CN"}

# Sticky table header so a long table keeps its columns named; figures at full width.
CSS = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',"
    "sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    ".table{max-height:80vh;overflow:auto;margin:1em 0}"
    "table{border-collapse:collapse;font-size:13px}"
    "th{position:sticky;top:0;background:#f3f3f3;z-index:1}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}"
    "td:first-child,th:first-child{text-align:left}"
    "tbody tr:nth-child(even){background:#fafafa}"
    "figure{margin:2em 0}img{width:100%;height:auto}"
    "figcaption{color:#555;font-size:13px}"
    ".notes{color:#555;font-size:13px}"
    "details.glossary{margin-top:2em;border-top:1px solid #ccc;padding-top:1em}"
    "summary{font-size:1.3em;font-weight:bold;cursor:pointer}"
    "dt{font-weight:bold;margin-top:.6em}dd{margin-left:1.5em}"
)


@dataclass
class Page:
    title: str
    lines: list[str] = field(default_factory=list)  # short paragraphs above the table
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (file name, caption)
    notes: list[str] = field(default_factory=list)
    lang: str = "en"
    # further tables below the main one: (heading, header, rows), e.g. results by area
    sections: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)

    def words(self, key: str, **values) -> str:
        return TEXT[self.lang][key].format(**values)

    def outcomes(self) -> list[str]:
        """The registry outcomes the table shows (its first column holds their labels)."""
        return glossary.outcomes_labelled((row[0] for row in self.rows if row), self.lang)

    def dated(self) -> str:
        return self.words("date", date=dt.date.today().isoformat())

    def markdown(self) -> str:
        out = [f"# {self.title}", "", f"_{self.dated()}_", ""]
        out += [*(f"{line}  " for line in self.lines), ""]
        if self.header:
            out.append("| " + " | ".join(_cell(h) for h in self.header) + " |")
            out.append("|" + "---|" * len(self.header))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
            out.append("")
        out += [*(f"{note}  " for note in self.notes), ""]
        for heading, header, rows in self.sections:
            out += [f"## {heading}", "", "| " + " | ".join(_cell(h) for h in header) + " |"]
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        for name, caption in self.figures:
            alt = caption.replace("[", "(").replace("]", ")")
            out += [f"![{alt}]({name})", "", f"*{caption}*", ""]
        out += [f"## {self.words('glossary')}", "", self.words("glossary_intro"), ""]
        out += [glossary.markdown(self.lang, self.outcomes()), ""]
        return "\n".join(out)

    def html(self, folder: Path) -> str:
        """The page with every figure read from ``folder`` and embedded as a data URI."""
        e = html.escape
        parts = [
            f'<!DOCTYPE html>\n<html lang="{HTML_LANG[self.lang]}">',
            '<head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(self.title)}</title><style>{CSS}</style></head>",
            f"<body><h1>{e(self.title)}</h1><p><em>{e(self.dated())}</em></p>",
        ]
        parts += [f"<p>{e(line)}</p>" for line in self.lines]
        if self.header:
            parts.append(_html_table(self.header, self.rows))
        parts += [f'<p class="notes">{e(note)}</p>' for note in self.notes]
        for heading, header, rows in self.sections:
            parts += [f"<h2>{e(heading)}</h2>", _html_table(header, rows)]
        parts += [
            f'<figure><img src="{_data_uri(Path(folder) / name)}" alt="{e(caption)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>"
            for name, caption in self.figures
        ]
        parts.append(glossary.html_section(self.lang, self.outcomes()))
        parts.append("</body>\n</html>\n")
        return "\n".join(parts)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """report.md and report.html into ``folder``, where the figures already are."""
        folder = Path(folder)
        md, page = folder / "report.md", folder / "report.html"
        md.write_text(self.markdown(), encoding="utf-8")
        page.write_text(self.html(folder), encoding="utf-8")
        return md, page


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table">{table}</div>'


def _data_uri(path: Path) -> str:
    """A PNG as a data URI, so the HTML page needs no file beside it."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _cell(text: str) -> str:
    """A Markdown table cell: a '|' in a label would split the row, a line break end it."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
