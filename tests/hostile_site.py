"""A hostile decision log: attacks in every field, every output type and every kind of
file a record can link to, for the hostile suites (`test_publish_hostile.py` and the
browser test `test_site_hostile_browser.py`).

`hostile_site(root)` writes it on top of `test_publish.hostile_log` and returns the
decision folder. Every attack tries to run script (an alert, `window.__pwned`), to load
something from another host (`evil.example`), to leak a file from outside the log (the
word SECRET), to break a format (control characters, noncharacters) or to mislead a
reader (bidirectional overrides, content drawn over the page's header or banner).
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from adrkit.formats.yamlio import dump
from test_publish import code, hostile_log, md, write_record

SECRET = "SECRET-OUTSIDE-THE-LOG"
ATTACK = "<script>window.__pwned='s';alert('s')</script><img src=x onerror=\"window.__pwned='i';alert('i')\">"
CONTROL = "\x1b]0;owned\x07\x1b[2J\x00\x08\x0c\x7f\x9b"
BIDI = "\u202egnp.exe\u202c \u2067isolate\u2069"
NONCHAR = "\uffff\ufffe\ufdd0\U0001fffe"
EVIL = "https://evil.example"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

EVIL_SVG = f"""<?xml version="1.0"?>
<?xml-stylesheet href="{EVIL}/x.css"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60"
     onload="window.__pwned='svg';alert('svg-onload')">
  <style>@import url({EVIL}/x.css); rect {{ fill: url({EVIL}/p.svg#a); }}</style>
  <script>alert('svg-script')</script>
  <script xlink:href="{EVIL}/x.js"></script>
  <rect width="120" height="60" fill="#def" onmouseover="alert('rect')" style="background:url({EVIL}/bg.png)"/>
  <image href="{EVIL}/i.png" width="10" height="10"/>
  <image xlink:href="data:image/png;base64,{base64.b64encode(PNG).decode()}" width="10" height="10"/>
  <use href="{EVIL}/sprite.svg#icon"/>
  <foreignObject width="100" height="50"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="{EVIL}/"></iframe><script>alert('fo')</script></body></foreignObject>
  <a xlink:href="javascript:alert('link')"><text x="5" y="20">click</text></a>
  <a href="#"><animate attributeName="href" values="javascript:alert('animate')"/><text x="5" y="40">anim</text></a>
  <set attributeName="onmouseover" to="alert('set')"/>
  <filter id="f"><feImage href="{EVIL}/fe.png"/></filter>
  <text x="5" y="55" fill="url(#g)">kept text</text>
  <linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>
  <handler xmlns="http://www.w3.org/2001/xml-events" event="load">alert('handler')</handler>
</svg>
"""
HTML_FILE = f"<!DOCTYPE html><html><body><script>alert('html')</script><img src='{EVIL}/h.png'></body></html>"
XML_FILE = (f'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="{EVIL}/x.xsl"?>'
            '<x:html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert("xml")</x:script></x:html>')

# (path in the decision folder, bytes, published?)
FILES: list[tuple[str, bytes, bool]] = [
    ("img/evil.svg", EVIL_SVG.encode(), True),
    ("img/a b#c?.svg", EVIL_SVG.encode(), True),
    ("img/report.html", HTML_FILE.encode(), False),
    ("img/page.xhtml", XML_FILE.encode(), False),
    ("img/data.xml", XML_FILE.encode(), False),
    ("img/app.js", b"alert('js')", False),
    ("img/site.css", f"@import url({EVIL}/x.css);".encode(), False),
    ("img/doc.pdf", b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n", False),
    ("img/notes.txt", f"notes\n{HTML_FILE}\n".encode(), True),
    ("img/sneaky.txt", HTML_FILE.encode(), False),
    ("img/notes.md", f"# Notes\n\n<script>alert('md')</script>\n{CONTROL}\n".encode(), True),
    ("img/data.csv", b"a,b\n1,=HYPERLINK(\"https://evil.example\")\n", True),
    ("img/data.json", json.dumps({"x": ATTACK}).encode(), True),
    ("img/real.png", PNG, True),
    ("img/fake.png", HTML_FILE.encode(), True),
    ("img/thing.xyz", HTML_FILE.encode(), False),
    ("img/README", HTML_FILE.encode(), False),
    ("img/archive.zip", b"PK\x03\x04" + b"\x00" * 26, True),
    (".secret.txt", f"{SECRET} hidden".encode(), False),
]
LINKS = "\n".join(f"- [{name}]({name.replace(' ', '%20').replace('#', '%23').replace('?', '%3F')}) "
                  f"![{name}]({name.replace(' ', '%20').replace('#', '%23').replace('?', '%3F')})"
                  for name, _, _ in FILES)
OUTSIDE_LINKS = ("- [passwd](../../../../etc/passwd) ![p](../../../../etc/hostname.png)\n"
                 "- [abs](/etc/passwd) ![abs](/etc/hostname.png) [enc](%2e%2e/%2e%2e/etc/passwd)\n"
                 "- [leak](img/leak.txt) ![leak](img/leak.png) [dir](img/)\n")
MARKUP = (
    "<input type=text autofocus onfocus=\"alert('focus')\"><button formaction=\"javascript:alert(1)\">b</button>"
    "<a href=\"&#106;avascript:alert('entity')\">entity</a>"
    "<svg><a xlink:href=\"javascript:alert('svg-a')\"><text>x</text></a></svg>"
    f"<img srcset=\"{EVIL}/s.png 1x\" alt=\"s\"><video poster=\"{EVIL}/p.png\"></video>"
    f"<link rel=stylesheet href=\"{EVIL}/x.css\"><meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">"
    f"<base href=\"{EVIL}/\"><object data=\"{EVIL}/o\"></object><embed src=\"{EVIL}/e\">"
    f"<div style=\"background-image:url(//evil.example/x)\">bg</div>"
    f"<p style=\"color:red;background:url({EVIL}/y.png)\">styled</p>"
    "<details open ontoggle=\"alert('toggle')\"><summary>s</summary>d</details>"
)
COVER = (
    "<div style=\"margin-top:-2000px;margin-left:-2000px;position:fixed;top:0;left:0;width:5000px;"
    "height:5000px;z-index:2147483647;background:red;opacity:0.99;transform:translateY(-900px)\">COVER</div>"
    "<svg width=\"4000\" height=\"4000\" style=\"margin-top:-900px\" overflow=\"visible\">"
    "<rect x=\"-3000\" y=\"-3000\" width=\"9000\" height=\"9000\" fill=\"red\"></rect></svg>"
    "<table style=\"margin:-500px 0 0 -500px\"><tr><td style=\"height:3000px\">tall</td></tr></table>"
)
TROJAN = "access = 'user'\nif access != 'none\u202e \u2066# check\u2069 \u2066':  # admin\n    grant()\n"


def _outputs() -> list[dict]:
    png = base64.b64encode(PNG).decode()
    svg = EVIL_SVG.split("?>", 2)[-1].split("dtd\">", 1)[-1]
    data = {
        "text/plain": f"plain {ATTACK} {CONTROL} {BIDI}",
        "text/html": f"{ATTACK}<b onmouseover=\"alert('b')\">bold</b><style>body{{display:none}}</style>",
        "text/markdown": f"[md](javascript:alert('md')) {ATTACK}",
        "text/latex": "$\\href{javascript:alert('latex')}{x}$",
        "image/png": png,
        "image/jpeg": png,
        "image/svg+xml": svg,
        "application/javascript": "window.__pwned='js';alert('js')",
        "application/json": {"x": ATTACK},
        "application/vnd.jupyter.widget-view+json": {"model_id": "m", "version_major": 2, "version_minor": 0},
        "text/vnd.mermaid": f"graph TD; A[\"{ATTACK}\"]",
        "application/pdf": base64.b64encode(b"%PDF-1.4").decode(),
        "text/x-unknown": ATTACK,
    }
    return [
        {"output_type": "stream", "name": "stdout", "text": f"\x1b[31m{ATTACK}\x1b[0m {CONTROL} {BIDI}\n"},
        {"output_type": "stream", "name": "stderr", "text": f"warning {ATTACK}\n"},
        {"output_type": "error", "ename": ATTACK, "evalue": f"{CONTROL}{BIDI}",
         "traceback": [f"\x1b[0;31m{ATTACK}\x1b[0m", "\x1b]8;;javascript:alert(1)\x1b\\link\x1b]8;;\x1b\\"]},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": data},
        *({"output_type": "display_data", "metadata": {}, "data": {mime: value}} for mime, value in data.items()),
        {"output_type": "display_data", "data": {"image/png": png},
         "metadata": {"image/png": {"width": "10\" onerror=\"alert('meta')"}, "alt": ATTACK}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "HUGE-OUTPUT " + "x" * 30_000}},
    ]


def hostile_site(root: Path) -> Path:
    """Write the hostile log under `root` (settings, records, data files, linked files,
    a logo, a guides folder, symbolic links out of the log) and return its decision folder."""
    d = hostile_log(root)
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "secret.png").write_bytes(PNG + SECRET.encode())
    (outside / "secret.yaml").write_text(f"tradeoffs:\n  main:\n    question: {SECRET}\n", encoding="utf-8")
    (root / "logo.svg").write_text(EVIL_SVG, encoding="utf-8")
    (root / ".adrkit.yaml").write_text(
        "decisions: decisions\ntemplate: madr\nsite:\n"
        '  title: "Hostile \\e]0;owned\\a <script>alert(\'site\')</script> \\u202Eevil \\uFFFF"\n'
        "  out: site\n  logo: logo.svg\n  guides: [notebooks]\n  max_output_size: 20 KB\n", encoding="utf-8")
    for name, data, _ in FILES:
        path = d / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (d / "img" / "leak.txt").symlink_to(outside / "secret.txt")
    (d / "img" / "leak.png").symlink_to(outside / "secret.png")

    hostile = f"{ATTACK} {CONTROL} {BIDI} {NONCHAR}"
    write_record(d, "0010-every-field", {
        "title": f"Every field {hostile}", "status": "accepted evil\" onmouseover=\"alert('status')",
        "date": "2025-13-45<script>", "decision-makers": [ATTACK, f"{BIDI} Mallory"],
        "consulted": [CONTROL], "informed": [NONCHAR], "tags": [ATTACK, f"tag{BIDI}", "x\x1b[31m"],
        "supersedes": ["javascript:alert(1)"],
        "links": [{"rel": "<img src=x onerror=alert('rel')> evil", "target": "javascript:alert(1)"},
                  {"rel": "relates-to", "target": "0009-hostile"}],
        "x-note": ATTACK},
        [md(f"## Context\n\n{hostile}\n\n{LINKS}\n{OUTSIDE_LINKS}\n\n{MARKUP}"),
         md("## Checklist\n\n- [x] shipped safely\n- [ ] rolled back\n"),
         {**md("![attached](attachment:evil.svg) ![pic](attachment:pic.png)"),
          "attachments": {"evil.svg": {"image/svg+xml": EVIL_SVG},
                          "pic.png": {"image/png": base64.b64encode(PNG).decode()}}},
         code(TROJAN, tags=["show-input"]),
         code('lifecycle_editor("0010-every-field")', tags=["adrkit-lifecycle"]),
         code('tradeoff_editor("0010-every-field")', tags=["adrkit-tradeoff"]),
         code("outputs()", outputs=_outputs()),
         {"cell_type": "raw", "id": "rawhtml", "metadata": {"raw_mimetype": "text/html"},
          "source": f"{ATTACK}<iframe src=\"{EVIL}/\"></iframe>"}],
        data=dump({"lifecycles": {"main": {"title": hostile, "stages": [ATTACK, BIDI, CONTROL]}},
                   "tradeoffs": {"main": {"question": hostile, "criteria": [{"name": BIDI, "weight": 3}],
                                          "options": [{"name": ATTACK, "scores": {BIDI: 4}},
                                                      {"name": CONTROL, "scores": {BIDI: 2}}]}}}))
    write_record(d, "0011-covered", {"title": "Superseded, its content tries to cover the chrome",
                                      "status": "superseded", "superseded-by": ["0010-every-field"]},
                 [md(f"## Context\n\n{COVER}\n\nBody text.")])
    write_record(d, f"0012-name {BIDI[:8]}#?%", {"title": "A file name that needs care"})
    bad = write_record(d, "0013-bad-cell", {"title": "Bad cell ids"},
                       [md("## Context\n\nBAD-ID-CONTENT"), md("DUPLICATE-ID-CONTENT"),
                        md("SURROGATE-CONTENT SURROGATE end")])
    nb = json.loads(bad.read_text(encoding="utf-8"))
    nb["cells"][1]["id"] = "not a valid id!"
    nb["cells"][2]["id"] = nb["cells"][3]["id"] = "same-id"
    # a lone surrogate, as a JSON escape (it cannot be written as UTF-8)
    bad.write_text(json.dumps(nb).replace("SURROGATE end", "\\ud800 end"), encoding="utf-8")
    leaked = write_record(outside, "0014-linked-out", {"title": f"Linked out {SECRET}"},
                          [md(f"## Context\n\n{SECRET}")])
    (d / "0014-linked-out.ipynb").symlink_to(leaked)
    write_record(d, "0015-data-out", {"title": "Data file linked out"},
                 [md("## Context\n\nx"), code('tradeoff_editor("0015-data-out")', tags=["adrkit-tradeoff"])])
    (d / "0015-data-out.yaml").symlink_to(outside / "secret.yaml")
    _guides(root)
    return d


def _guides(root: Path) -> None:
    guides = root / "notebooks"
    guides.mkdir()
    for name in ("evil.svg", "report.html"):
        (guides / "img").mkdir(exist_ok=True)
        (guides / "img" / name).write_text(EVIL_SVG if name.endswith(".svg") else HTML_FILE, encoding="utf-8")
    (guides / "img" / "leak.txt").symlink_to(root / "outside" / "secret.txt")
    nb = {"cells": [md(f"# Hostile guide {ATTACK} {BIDI}\n\n[svg](img/evil.svg) ![svg](img/evil.svg) "
                       f"[html](img/report.html) [leak](img/leak.txt) [out](../outside/secret.txt)\n\n{MARKUP}"),
                    code("x", outputs=_outputs()[:4])],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (guides / "hostile-guide.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    os.symlink(root / "outside" / "0014-linked-out.ipynb", guides / "linked-out.ipynb")
