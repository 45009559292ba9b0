"""Markdown read by a real parser: markdown-it-py, CommonMark with GitHub's tables.

`parse_blocks` turns a text into its top-level blocks (headings, paragraphs, lists,
tables, HTML blocks, fences, ...), each with the lines it spans (markdown-it's
`token.map`), so callers slice the original text verbatim by line: a heading inside
a code fence or an HTML comment is not a heading, a setext heading is, and a link
whose text holds parentheses is one link. `split_sections` cuts a text at its
headings into `Chunk`s that join back to the same bytes; `iter_links` finds every
link, image and reference definition with its destination exactly as written.

Lines are counted as markdown-it counts them (`\\r\\n`, `\\r` and `\\n` each end a
line), so the line numbers of its tokens index `split_lines`.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import unquote

from adrkit.formats.markdown.text import Chunk

__all__ = ["Block", "Link", "parse_blocks", "split_lines", "split_sections", "iter_links",
           "inline_text", "link_destinations", "HTML_HREF", "github_id", "heading_ids"]

_EOL = re.compile(r"\r\n|\r|\n")
# href="..." / src='...' / href=... in raw HTML
HTML_HREF = re.compile(r"""(?i)\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their own line ends, as markdown-it numbers them; the
    pieces join back to `text`."""
    out, start = [], 0
    for m in _EOL.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


@dataclass
class Block:
    """One top-level block: its kind ('heading', 'paragraph', 'bullet_list',
    'ordered_list', 'table', 'html_block', 'fence', 'code_block', 'blockquote', 'hr'),
    the lines [start, end) it spans, and for a heading its level, text and whether it
    is a setext heading. `tokens` are markdown-it's tokens of the block."""

    kind: str
    start: int
    end: int
    level: int = 0
    text: str = ""
    setext: bool = False
    tokens: list[Any] = field(default_factory=list, repr=False)

    def inlines(self) -> Iterator[Any]:
        """The block's inline tokens (the text of paragraphs, cells, items, headings)."""
        for tok in self.tokens:
            if tok.type == "inline":
                yield tok


def parse_blocks(text: str) -> list[Block]:
    """The top-level blocks of `text`, in order."""
    return _blocks(text, {})


def _blocks(text: str, env: dict[str, Any]) -> list[Block]:
    tokens = _parser().parse(text, env)
    blocks: list[Block] = []
    depth = 0
    current: Block | None = None
    for tok in tokens:
        if depth == 0:
            kind = tok.type[:-5] if tok.type.endswith("_open") else tok.type
            start, end = tok.map if tok.map else (0, 0)
            current = Block(kind, start, end, tokens=[tok])
            if kind == "heading":
                current.level = int(tok.tag[1])
                current.setext = tok.markup in ("=", "-")
            blocks.append(current)
        else:
            assert current is not None
            current.tokens.append(tok)
        depth += tok.nesting
    for block in blocks:
        if block.kind == "heading":
            inline = next(block.inlines(), None)
            block.text = inline.content.strip() if inline is not None else ""
    return blocks


def inline_text(token: Any) -> str:
    """The plain words of an inline token: emphasis, code marks, links and HTML
    removed, the text of links and images kept."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "image":
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())


def github_id(text: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, each space a
    hyphen ('Option 2 - Use Kafka (managed)' -> 'option-2---use-kafka-managed')."""
    import unicodedata

    text = unicodedata.normalize("NFC", text.strip().lower())
    return "".join(ch for ch in text if ch.isalnum() or ch in " -_").replace(" ", "-")


def heading_ids(text: str) -> set[str]:
    """The GitHub ids of every heading of a markdown text (a repeated one numbered)."""
    seen: dict[str, int] = {}
    out = set()
    for block in parse_blocks(text):
        if block.kind != "heading":
            continue
        inline = next(block.inlines(), None)
        base = github_id(inline_text(inline) if inline is not None else block.text)
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def split_sections(text: str, *, max_level: int = 6) -> list[Chunk]:
    """Cut `text` at its headings (ATX or setext, never inside fences or HTML) into
    chunks; each keeps its text verbatim and the whitespace after it, so
    `join_chunks` gives `text` back."""
    if not text:
        return []
    lines = split_lines(text)
    headings = {b.start: b for b in parse_blocks(text) if b.kind == "heading" and b.level <= max_level}
    starts = [0] + [start for start in headings if start > 0]
    chunks: list[Chunk] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        piece = "".join(lines[start:end])
        body = piece.rstrip(" \t\r\n")
        gap = piece[len(body):]
        if not body.strip():
            if chunks:
                chunks[-1].gap += piece
            else:
                chunks.append(Chunk("", piece))
            continue
        head = headings.get(start)
        chunks.append(Chunk(body, gap, head.text if head else None, head.level if head else 0))
    return chunks


# --- links ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A link, image or reference definition: `href` as written in the text (without
    angle brackets), at `line` (0-based) from column `start` to `end` of that line."""

    is_image: bool
    text: str
    href: str
    line: int
    start: int = 0
    end: int = 0
    kind: str = "inline"  # inline | reference | html


def link_destinations(line: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, destination) of every inline link destination in a line of
    markdown, as written: after '](' up to the title or the closing parenthesis, with
    balanced parentheses and '<...>' destinations (start/end exclude the brackets)."""
    i = 0
    while True:
        i = line.find("](", i)
        if i < 0:
            return
        j = i + 2
        while j < len(line) and line[j] in " \t":
            j += 1
        if j < len(line) and line[j] == "<":
            k = line.find(">", j + 1)
            if k < 0:
                i = j
                continue
            yield j + 1, k, line[j + 1:k]
            i = k
            continue
        depth, k = 0, j
        while k < len(line):
            ch = line[k]
            if ch == "\\" and k + 1 < len(line):
                k += 2
                continue
            if ch in " \t\r\n":
                break
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            k += 1
        if k > j:
            yield j, k, line[j:k]
        i = max(k, i + 2)


_REFDEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*(?:<([^>]*)>|(\S+))")


def iter_links(text: str) -> Iterator[Link]:
    """Every link, image and reference definition of `text` outside code, and every
    href/src of its raw HTML, each with the destination as written and where it is."""
    lines = split_lines(text)
    env: dict[str, Any] = {}
    for block in _blocks(text, env):
        yield from _block_links(block, lines)
    for ref in (env.get("references") or {}).values():
        where = ref.get("map")
        if not where:
            continue
        for n in range(where[0], min(where[1], len(lines))):
            m = _REFDEF.match(lines[n])
            if m:
                group = 1 if m.group(1) is not None else 2
                yield Link(False, "", m.group(group), n, m.start(group), m.end(group), "reference")
                break


def _html_links(lines: list[str], start: int, end: int) -> Iterator[Link]:
    text = "".join(lines[start:end])
    masked = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\r\n]", " ", m.group(0)), text, flags=re.S)
    offset = 0
    for n in range(start, end):
        piece = masked[offset:offset + len(lines[n])]
        for m in HTML_HREF.finditer(piece):
            group = next(g for g in (2, 3, 4) if m.group(g) is not None)
            yield Link(m.group(1).lower() == "src", "", m.group(group), n, m.start(group), m.end(group), "html")
        offset += len(lines[n])


def _block_links(block: Block, lines: list[str]) -> Iterator[Link]:
    if block.kind in ("fence", "code_block"):
        return
    if block.kind == "html_block":
        yield from _html_links(lines, block.start, min(block.end, len(lines)))
        return
    for inline in block.inlines():
        start = inline.map[0] if inline.map else block.start
        end = min(inline.map[1] if inline.map else block.end, len(lines))
        written = [(n, a, b, raw) for n in range(start, end) for a, b, raw in link_destinations(lines[n])]
        yield from _inline_links(inline, written, lines, start, end)


def _inline_links(inline: Any, written: list[tuple[int, int, int, str]], lines: list[str],
                  start: int, end: int) -> Iterator[Link]:
    """Links of one inline token, each paired with its destination as written (the
    parser normalizes destinations: percent-encoding, entities)."""
    pending = list(written)
    children = inline.children or []
    html_done = False
    for i, child in enumerate(children):
        if child.type in ("link_open", "image"):
            href = child.attrs.get("href" if child.type == "link_open" else "src", "")
            found = _take_written(pending, href)
            if found is None:  # a reference link: its definition is reported on its own line
                continue
            n, a, b, raw = found
            if child.type == "image":
                yield Link(True, child.content, raw, n, a, b)
            else:
                yield Link(False, _link_words(children, i), raw, n, a, b)
        elif child.type == "html_inline" and not html_done:
            html_done = True  # every href/src of the block's inline HTML, once
            for link in _html_links(lines, start, end):
                if _is_html_of(link, lines):
                    yield link


def _is_html_of(link: Link, lines: list[str]) -> bool:
    """Whether a raw href/src sits inside an HTML tag (not in markdown text)."""
    line = lines[link.line]
    before = line[:link.start]
    return before.rfind("<") > before.rfind(">")


def _take_written(pending: list[tuple[int, int, int, str]], href: str) -> tuple[int, int, int, str] | None:
    want = _canon(href)
    for n, item in enumerate(pending):
        raw = item[3]
        if _canon(html.unescape(raw)) == want or _canon(raw) == want:
            del pending[n]
            return item
    return None


def _canon(href: str) -> str:
    return unquote(re.sub(r"\\(.)", r"\1", href))


def _link_words(children: list[Any], i: int) -> str:
    out = []
    depth = 0
    for child in children[i + 1:]:
        if child.type == "link_close" and depth == 0:
            break
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "image":
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())

