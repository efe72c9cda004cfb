"""HTML page: one self-contained report page, built section by section.

The page needs nothing but itself: the CSS is inline, each figure is its PNG embedded as
a base64 `data:` URI, and there are no scripts, fonts or links to fetch (anchors inside
the page only). Figures and tables are numbered in order of appearance. Every text is
escaped, so names from the CSVs cannot inject markup.

    page = HtmlPage("alexnet study", "From sweep.csv")
    page.section("scaling", "Strong scaling", "A short text.")
    page.figure("scaling.png", "Iteration time over P.")
    page.table(table)            # an analysis.report_tables.Table
    html_text = page.render()
"""

import base64
import html

from analysis.errors import AnalysisError
from analysis.report_tables import Table

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328;
       font: 15px/1.55 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 36px 48px 56px; background: #ffffff;
       box-shadow: 0 0 0 1px #e3e5e8; min-height: 100vh; }
header h1 { font-size: 27px; line-height: 1.25; margin: 0 0 6px; }
header p.sources { color: #57606a; margin: 0 0 4px; font-size: 13.5px; }
nav { margin: 18px 0 8px; padding: 10px 16px; background: #f6f8fa; border-left: 3px solid #0072B2;
      font-size: 14px; }
nav ol { margin: 4px 0 2px 18px; padding: 0; }
nav a { color: #0b5cad; text-decoration: none; }
h2 { font-size: 20px; margin: 40px 0 10px; padding-bottom: 5px; border-bottom: 2px solid #0072B2; }
h3 { font-size: 16px; margin: 26px 0 6px; color: #2a2f36; }
p { margin: 8px 0 12px; max-width: 880px; }
figure { margin: 18px 0 24px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eceef1; }
figcaption, caption { font-size: 13px; color: #444c56; text-align: left; }
figcaption { margin-top: 6px; max-width: 880px; }
caption { caption-side: top; padding-bottom: 6px; }
.label { font-weight: bold; color: #1f2328; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 14px 0 26px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 9px; border-bottom: 1px solid #e4e6e9; vertical-align: top; }
th { background: #eef2f6; border-bottom: 1px solid #b8c0c8; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.best { font-weight: bold; color: #0a5a36; }
td.impossible { color: #a0342b; }
td.muted { color: #8b949e; }
p.note { font-size: 13px; color: #57606a; }
footer { margin-top: 44px; padding-top: 10px; border-top: 1px solid #e3e5e8; font-size: 12.5px;
         color: #6e7781; }
"""


def _escape(text: str) -> str:
    return html.escape(str(text), quote=True)


class HtmlPage:
    """A report page: a header, numbered figures and tables in sections, a footer."""

    def __init__(self, title: str, sources: str):
        self.title = title
        self.sources = sources
        self._contents: list[str] = [""]  # filled with the table of contents on render
        self._sections: list[tuple[str, str]] = []
        self._figures = 0
        self._tables = 0
        self.footer = ""

    def section(self, anchor: str, heading: str, text: str = "") -> None:
        """Starts a section (listed in the table of contents), with an optional paragraph."""
        self._sections.append((anchor, heading))
        self._contents.append(f'<section id="{_escape(anchor)}">\n<h2>{_escape(heading)}</h2>')
        if text:
            self.paragraph(text)

    def subsection(self, heading: str) -> None:
        self._contents.append(f"<h3>{_escape(heading)}</h3>")

    def paragraph(self, text: str, note: bool = False) -> None:
        css = ' class="note"' if note else ""
        self._contents.append(f"<p{css}>{_escape(text)}</p>")

    def figure(self, png_path: str, caption: str, alt: str = "") -> None:
        """Embeds the PNG at `png_path` as a data URI, with a numbered caption."""
        try:
            with open(png_path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise AnalysisError(f"{png_path}: cannot read the figure: {error.strerror}") from error
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise AnalysisError(f"{png_path}: not a PNG file")
        self._figures += 1
        encoded = base64.b64encode(data).decode("ascii")
        self._contents.append(
            f'<figure>\n<img src="data:image/png;base64,{encoded}" '
            f'alt="{_escape(alt or caption)}">\n'
            f'<figcaption><span class="label">Figure {self._figures}.</span> '
            f"{_escape(caption)}</figcaption>\n</figure>")

    def table(self, table: Table) -> None:
        """Adds a numbered table; cells marked numeric are right-aligned."""
        self._tables += 1
        parts = ['<div class="table-wrap"><table>',
                 f'<caption><span class="label">Table {self._tables}.</span> '
                 f"{_escape(table.caption)}</caption>", "<thead><tr>"]
        for index, name in enumerate(table.header):
            css = ' class="num"' if index in table.numeric_columns else ""
            parts.append(f"<th{css}>{_escape(name)}</th>")
        parts.append("</tr></thead>\n<tbody>")
        for row in table.rows:
            cells = []
            for index, cell in enumerate(row):
                classes = list(cell.classes)
                if index in table.numeric_columns:
                    classes.append("num")
                css = f' class="{" ".join(classes)}"' if classes else ""
                tip = f' title="{_escape(cell.tooltip)}"' if cell.tooltip else ""
                cells.append(f"<td{css}{tip}>{_escape(cell.text)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table></div>")
        self._contents.append("\n".join(parts))
        if table.note:
            self.paragraph(table.note, note=True)

    def end_section(self) -> None:
        self._contents.append("</section>")

    def render(self) -> str:
        """The whole page as text."""
        toc = "".join(f'<li><a href="#{_escape(a)}">{_escape(h)}</a></li>'
                      for a, h in self._sections)
        self._contents[0] = (
            f"<header>\n<h1>{_escape(self.title)}</h1>\n"
            f'<p class="sources">{_escape(self.sources)}</p>\n</header>\n'
            + (f"<nav><strong>Contents</strong><ol>{toc}</ol></nav>" if toc else ""))
        footer = f"<footer>{_escape(self.footer)}</footer>" if self.footer else ""
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                f"<title>{_escape(self.title)}</title>\n<style>{CSS}</style>\n</head>\n"
                "<body>\n<main>\n" + "\n".join(self._contents) + f"\n{footer}\n</main>\n"
                "</body>\n</html>\n")
