"""HTML tables (a DataFrame's output) as markdown tables."""
from __future__ import annotations




# --- HTML tables (DataFrame outputs) -------------------------------------------------------

def html_table_to_markdown(html: str) -> str | None:
    """The first <table> of an HTML fragment (as pandas writes it) as a pipe table,
    or None when there is no table."""
    from html.parser import HTMLParser

    class _Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.head: list[list[str]] = []
            self.rows: list[list[str]] = []
            self.depth = 0
            self.done = False
            self.section = "body"
            self.row: list[str] | None = None
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if self.done:
                return
            if tag == "table":
                self.depth += 1
            elif self.depth != 1:
                return
            elif tag == "thead":
                self.section = "head"
            elif tag == "tbody":
                self.section = "body"
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
                span = dict(attrs).get("colspan")
                self._span = int(span) if span and span.isdigit() else 1
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")

        def handle_endtag(self, tag):
            if self.done:
                return
            if tag == "table":
                self.depth -= 1
                if self.depth == 0:
                    self.done = True
            elif self.depth != 1:
                return
            elif tag in ("td", "th") and self.cell is not None and self.row is not None:
                text = " ".join("".join(self.cell).split())
                self.row.extend([text] + [""] * (getattr(self, "_span", 1) - 1))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                (self.head if self.section == "head" else self.rows).append(self.row)
                self.row = None
            elif tag == "thead":
                self.section = "body"

        def handle_data(self, data):
            if self.cell is not None and self.depth == 1:
                self.cell.append(data)

    parser = _Tables()
    parser.feed(html)
    if not parser.head and not parser.rows:
        return None
    width = max(len(r) for r in parser.head + parser.rows)
    head = parser.head or [parser.rows.pop(0)]
    header = []
    for col in range(width):
        words = [r[col] for r in head if col < len(r) and r[col]]
        header.append(" ".join(words))

    def cells(row: list[str]) -> str:
        row = row + [""] * (width - len(row))
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    lines = [cells(header), "|" + "|".join(" --- " for _ in range(width)) + "|"]
    lines.extend(cells(r) for r in parser.rows)
    return "\n".join(lines)
