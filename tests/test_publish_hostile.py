"""The site builder against hostile or unusual input: symbolic links out of the log,
URLs browsers read differently from the sanitizer, markup left open in one cell,
failing builds and their exit codes, a log removed while `serve` runs, SIGTERM, the
permissions and symbolic link of the output folder, file names that need encoding in
a URL, and warnings about data files."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from adrkit.publish import BuildOptions
from adrkit.publish.sanitize import Sanitizer
from adrkit.publish.serve import serve
from adrkit.storage.log import find_log
from test_publish import build, code, html_output, md, parse, sample_log, write_record
from test_publish_guides import write_guide

# --- 1. symbolic links out of the log --------------------------------------------------------


def _outside(root: Path) -> Path:
    secret = root / "outside"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0 SECRET-PASSWD", encoding="utf-8")
    (secret / "hostname").write_bytes(b"\x89PNG SECRET-HOST")
    return secret


def test_a_symlink_out_of_the_log_is_not_followed(tmp_path, cli):
    d = sample_log(tmp_path)
    (d / "etc").symlink_to(_outside(tmp_path), target_is_directory=True)
    (d / "img").mkdir()
    (d / "img" / "real.png").write_bytes(b"\x89PNG inside")
    (d / "alias.png").symlink_to(d / "img" / "real.png")  # a link that stays inside the log
    write_record(d, "0007-leak", {"title": "Leak"},
                 [md("## Context\n\n[x](etc/passwd) ![y](etc/hostname) ![z](alias.png)")])
    res = cli("build")
    out = tmp_path / "site"
    assert (out / "0007-leak.html").is_file()
    assert not (out / "files" / "etc").exists()
    leaked = [p for p in out.rglob("*") if p.is_file() and b"SECRET-" in p.read_bytes()]
    assert leaked == []
    assert (out / "files" / "alias.png").read_bytes() == b"\x89PNG inside"
    assert re.search(r"0007-leak\.ipynb.*'etc/passwd'.*outside the decision folder", res.err)
    assert "'etc/hostname'" in res.err
    assert cli("build", "--strict").code == 1


def test_a_symlink_out_of_a_guides_folder_is_not_followed(tmp_path):
    sample_log(tmp_path)
    guides = tmp_path / "notebooks"
    guides.mkdir()
    (guides / "etc").symlink_to(_outside(tmp_path), target_is_directory=True)
    write_guide(guides, "tour.ipynb", [md("# Tour\n\n[x](etc/passwd) ![y](etc/hostname)")])
    report = build(tmp_path, guides=[guides])
    out = tmp_path / "site"
    assert (out / "guides" / "tour.html").is_file()
    assert not (out / "guides" / "files" / "etc").exists()
    messages = [str(w) for w in report.warnings]
    assert any("'etc/passwd'" in m and "outside the guides folder" in m for m in messages), messages


def test_a_dangling_record_symlink_is_a_warning(tmp_path, cli):
    d = sample_log(tmp_path)
    (d / "0009-gone.ipynb").symlink_to(tmp_path / "nowhere.ipynb")
    res = cli("build")
    assert res.code == 0, res.err
    assert re.search(r"warning: .*0009-gone\.ipynb: is a symbolic link to .*nowhere\.ipynb.* does not exist",
                     res.err), res.err
    assert cli("build", "--strict").code == 1


# --- 2. URLs with a backslash ------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/\\evil.example/x.png", "\\\\evil.example/x.png", "\\/evil.example/x.png",
                                 " /\\evil.example/x.png", "/\t\\evil.example/x.png"])
def test_an_image_url_with_a_backslash_is_dropped(url):
    clean, found = Sanitizer().clean(f'<p><img src="{url}" alt="a"></p>')
    assert "evil" not in clean and "src=" not in clean
    assert found.dropped and found.files == []


@pytest.mark.parametrize("url", ["/\\evil.example/", "\\\\evil.example", "img\\..\\..\\x.png",
                                 "https://ok.example/\\x"])
def test_a_link_with_a_backslash_is_refused(url):
    clean, found = Sanitizer().clean(f'<p><a href="{url}">go</a> <img src="{url}" alt="b"></p>')
    assert "href=" not in clean and "src=" not in clean and "go" in clean
    assert found.files == [] and found.decisions == []


def test_protocol_relative_images_are_still_dropped_and_plain_links_kept():
    clean, found = Sanitizer().clean('<img src="//evil.example/x.png" alt="c"><a href="img/a.png">a</a>')
    assert "<img" not in clean and found.dropped == ["//evil.example/x.png"]
    # not loaded: shown as a link to it instead of an empty box
    assert '<a class="remote-image" href="https://evil.example/x.png">c (image on evil.example)</a>' in clean
    linked, _ = Sanitizer().clean('<img src="https://x.example/a.png" alt="&lt;script&gt;x&lt;/script&gt; &gt; &quot;">')
    assert "<script" not in linked and "&lt;script&gt;x&lt;/script&gt; &gt;" in linked
    assert 'href="files/img/a.png"' in clean and found.files == ["img/a.png"]


# --- 3. markup left open in one cell ----------------------------------------------------------

OPENERS = ["<math><mtext><table><mglyph><style><img src=x>", "<style>", "<textarea>", "<noscript>",
           "<xmp>", "<title>", "<select><option>", "<iframe>", "<svg><style>", "<table><tr><td>"]


def test_an_unclosed_tag_in_one_cell_does_not_swallow_the_next(tmp_path):
    d = sample_log(tmp_path)
    cells = []
    for i, opener in enumerate(OPENERS):
        cells += [md(f"SENTINEL-BEFORE-{i} {opener}"), md(f"SENTINEL-AFTER-{i}")]
    cells += [code("x", outputs=[html_output("<style>body{color:red}")]), md("SENTINEL-AFTER-OUTPUT"),
              code("y", outputs=[html_output("<textarea>")]), code("z", outputs=[html_output("SENTINEL-OUTPUT")])]
    write_record(d, "0007-hostile", {"title": "Hostile"}, cells)
    report = build(tmp_path)
    assert not report.failures
    page = (tmp_path / "site" / "0007-hostile.html").read_text(encoding="utf-8")
    text = parse(page).text
    for i, opener in enumerate(OPENERS):
        assert f"SENTINEL-AFTER-{i}" in text, opener
    assert "SENTINEL-AFTER-OUTPUT" in text and "SENTINEL-OUTPUT" in text
    body = page.split('<main', 1)[1]
    for tag in ("<style", "<textarea", "<noscript", "<math", "<iframe", "<xmp", "<select"):
        assert tag not in body
    assert '<img src="x"' not in page


# --- 4. exit codes and record rules ------------------------------------------------------------

def test_plain_build_exits_1_when_a_record_fails_and_still_swaps_the_site_in(tmp_path, cli):
    d = sample_log(tmp_path)
    assert cli("build").code == 0
    (d / "0007-corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    write_record(d, "0008-new", {"title": "Brand new"})
    res = cli("build")
    assert res.code == 1 and "1 failed" in res.err and "failure(s) make this build fail" in res.err
    assert (tmp_path / "site" / "0008-new.html").is_file()  # the rest was built and swapped in
    assert cli("build", "--strict").code == 1


def test_unknown_status_and_duplicate_numbers_are_warnings(tmp_path, cli):
    d = sample_log(tmp_path)
    write_record(d, "0007-odd-status", {"title": "Odd", "status": "pondering"})
    write_record(d, "0004-another-four", {"title": "Another four"})
    res = cli("build")
    assert res.code == 0, res.err
    assert re.search(r"warning: .*0007-odd-status\.ipynb \(status\): unknown status 'pondering'", res.err), res.err
    assert re.search(r"warning: .*0004-.*\.ipynb \(number\): number 0004 is also used by", res.err), res.err
    report = build(tmp_path)
    kinds = {(w.kind, Path(w.path).name) for w in report.warnings}
    assert ("unknown-status", "0007-odd-status.ipynb") in kinds
    assert any(kind == "duplicate-number" for kind, _ in kinds)
    strict = cli("build", "--strict")
    assert strict.code == 1 and "--strict" in strict.err


# --- 5. serve -----------------------------------------------------------------------------------

def test_serve_reports_a_failed_rebuild_and_keeps_serving(tmp_path):
    import shutil
    import urllib.request

    d = sample_log(tmp_path)
    log = find_log(start=tmp_path)
    messages: list[str] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def run():
        try:
            serve(log, BuildOptions(out=tmp_path / "site", cache_dir=tmp_path / ".cache", parallel=False),
                  port=0, say=messages.append, report=lambda r: None, interval=0.05, stop=stop)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(m.startswith("serving ") for m in messages):
            time.sleep(0.05)
        url = re.search(r"http://127\.0\.0\.1:\d+/", next(m for m in messages if m.startswith("serving ")))[0]
        shutil.rmtree(d)
        while time.monotonic() < deadline and not any("rebuild failed" in m for m in messages):
            time.sleep(0.05)
        failed = [m for m in messages if "rebuild failed" in m]
        assert failed and "No such file or directory" in failed[0], messages
        assert thread.is_alive() and not errors
        page = urllib.request.urlopen(url + "index.html", timeout=10).read().decode("utf-8")
        assert "Adopt Kafka for events" in page  # the last site is still served
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors


def test_serve_removes_its_temporary_folder_on_sigterm(tmp_path):
    sample_log(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "adrkit", "serve", "--port", "0"], cwd=tmp_path,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    try:
        folder = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and folder is None:
            m = re.search(r"serving http://\S+ from (\S+) \(", proc.stderr.readline())
            folder = Path(m.group(1)) if m else None
        assert folder is not None and folder.is_dir()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not folder.parent.exists()  # adrkit-serve-*/site and its temporary parent


def test_serve_port_error_names_the_port(tmp_path, cli):
    sample_log(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = cli("serve", "--port", port)
    assert res.code == 2 and f"cannot serve on 127.0.0.1:{port}" in res.err


# --- 6. the output folder -----------------------------------------------------------------------

def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_the_site_folder_is_readable_under_the_umask(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    mode = (tmp_path / "site").stat().st_mode & 0o777
    assert mode == 0o777 & ~_umask()
    build(tmp_path)  # a rebuild swaps in a new folder
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o777 & ~_umask()


def test_a_symlinked_out_folder_stays_a_symlink(tmp_path):
    sample_log(tmp_path)
    real = tmp_path / "www" / "real-site"
    real.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(real, target_is_directory=True)
    for _ in range(2):  # into the empty target, then over the site built there
        report = build(tmp_path)
        assert not report.failures
        assert link.is_symlink() and Path(os.readlink(link)) == real
        assert (real / "index.html").is_file() and (real / ".adrkit-site").is_file()
    strays = [p for p in tmp_path.rglob(".*") if ".building-" in p.name or ".old-" in p.name]
    assert strays == []


# --- 7. file names that need encoding in a URL -------------------------------------------------

def test_page_links_are_percent_encoded(tmp_path):
    d = sample_log(tmp_path)
    write_record(d, "0007-a b#c?d", {"title": "Odd name", "date": "2026-01-01",
                                     "supersedes": ["0006-drop-soap"]})
    write_record(d, "0008-after", {"title": "After", "date": "2026-02-01"},
                 [md("## Context\n\nSee [odd](0007-a%20b%23c%3Fd.ipynb).")])
    report = build(tmp_path)
    assert not report.failures
    out = tmp_path / "site"
    assert (out / "0007-a b#c?d.html").is_file()  # the file keeps its name
    encoded = "0007-a%20b%23c%3Fd.html"
    for name in ("index.html", "timeline.html", "graph.html", "0006-drop-soap.html", "0008-after.html"):
        hrefs = {e.attrs.get("href") or e.attrs.get("xlink:href") for e in parse(out / name).elements}
        assert encoded in hrefs, name
        assert "0007-a b#c?d.html" not in hrefs, name
        for href in hrefs:
            if href and href.endswith(".html") and "://" not in href:
                assert (out / unquote(href.split("#")[0])).is_file(), (name, href)
    svg = (out / "graph.html").read_text(encoding="utf-8")
    assert f'xlink:href="{encoded}"' in svg and 'href="0007-a b' not in svg
    feed = ET.parse(out / "feed.xml").getroot()
    links = {e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link")}
    assert encoded in links
    assert f'"url": "{encoded}"' in (out / "decisions.json").read_text(encoding="utf-8")


# --- 8. data file warnings ----------------------------------------------------------------------

def test_data_file_warnings_name_the_data_file(tmp_path, cli):
    d = sample_log(tmp_path)
    write_record(d, "0007-x", {"title": "X"}, data="tradeoffs: [unclosed\n")
    res = cli("build")
    assert re.search(r"warning: \S*0007-x\.yaml: does not parse", res.err), res.err
    assert "0007-x.ipynb (data file)" not in res.err


# === what the site publishes and refuses (hostile logs) ===========================================

import json  # noqa: E402
import urllib.parse  # noqa: E402
import xml.etree.ElementTree as ElementTree  # noqa: E402

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from adrkit.core.text import BIDI_CONTROLS, clean_text, display_text, terminal_text  # noqa: E402
from adrkit.publish.files import PUBLISHED, content_type, refusal  # noqa: E402
from adrkit.publish.report import Problem  # noqa: E402
from adrkit.publish.svgfile import SvgRefused, clean_svg_file  # noqa: E402
from hostile_site import FILES, PNG, SECRET, hostile_site  # noqa: E402

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile log built once: (root, report, site)."""
    root = tmp_path_factory.mktemp("hostile-site")
    hostile_site(root)
    report = build(root)
    return root, report, root / "site"


def _published(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and "files" in p.relative_to(site).parts[:-1])


# --- files the site publishes ------------------------------------------------------------------------

def test_a_linked_svg_is_rebuilt_without_anything_that_runs_or_loads(hostile):
    _, _, site = hostile
    for path in [site / "files" / "img" / "evil.svg", site / "files" / "img" / "a b#c?.svg",
                 site / "guides" / "files" / "img" / "evil.svg", site / "assets" / "logo.svg"]:
        text = path.read_text(encoding="utf-8")
        root = ElementTree.fromstring(text)
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert not tags & {"script", "foreignObject", "animate", "set", "handler", "feImage", "iframe", "body"}, path
        for el in root.iter():
            for name, value in el.attrib.items():
                assert not name.rsplit("}", 1)[-1].startswith("on"), (path, name)
                if name.endswith("href"):
                    assert value.startswith(("#", "data:image/png")), (path, value)
        assert "evil.example" not in text and "alert" not in text and "<?xml-stylesheet" not in text, path
        assert "kept text" in text  # the drawing itself survives


def test_svg_files_that_cannot_be_cleaned_safely_are_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    xxe = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    for bad in (laughs, xxe, "<svg><unclosed>", '<html xmlns="http://www.w3.org/1999/xhtml"/>',
                "<svg>no namespace</svg>", ""):
        with pytest.raises(SvgRefused):
            clean_svg_file(bad.encode())
    ok = clean_svg_file(b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:red}</style><rect/></svg>')
    assert b"rect{fill:red}" in ok


def test_active_unknown_and_hidden_files_are_not_published_and_their_links_become_text(hostile):
    root, report, site = hostile
    published = {str(p.relative_to(site / "files")) for p in (site / "files").rglob("*") if p.is_file()}
    for name, _, expected in FILES:
        assert (name in published) == expected, name
    page = parse(site / "0010-every-field.html")
    hrefs = {e.attrs.get("href") or e.attrs.get("src") for e in page.elements if e.tag in ("a", "img")}
    for name, _, expected in FILES:
        assert (f"files/{urllib.parse.quote(name)}" in hrefs) == expected, name
        if not expected:
            assert not any(h and unquote(h.split("#")[0].split("?")[0]) == f"files/{name}" for h in hrefs), name
            assert name.rsplit("/", 1)[-1] in page.text  # the link text stays
    refused = {w.message.split("'")[1] for w in report.warnings if w.kind == "unpublished-file"}
    assert {name for name, _, expected in FILES if not expected} <= refused
    assert "img/fake.png" not in refused  # an image type is served as an image, whatever it holds


@pytest.mark.parametrize("name,reason", [("a.html", "HTML"), ("x/b.XHTML", "XHTML"), ("c.svgz", "compressed"),
                                         ("d.js", "script"), ("e.pdf", "PDF"), ("f", "extension"),
                                         ("g.exe", "not on the site's list"), (".git/config", "hidden"),
                                         ("img/.env.txt", "hidden")])
def test_refusal_by_name(name, reason):
    assert reason in (refusal(name) or "")


def test_every_copied_file_keeps_a_safe_type(hostile):
    _, _, site = hostile
    safe = {t.mime for t in PUBLISHED.values()}
    for path in _published(site):
        rel = path.relative_to(site).as_posix()
        kind = content_type(rel)
        assert kind in safe and "html" not in kind and "xml" not in kind.replace("svg+xml", ""), rel
        if not rel.endswith((".png", ".svg")):
            assert not re.match(rb"\s*<[!?a-zA-Z]", path.read_bytes()), rel  # nothing a browser takes for HTML


def test_nothing_from_outside_the_log_is_published(hostile, cli):
    root, report, site = hostile
    leaked = [p for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    assert not (site / "0014-linked-out.html").exists()
    messages = [str(w) for w in report.warnings]
    assert any("0014-linked-out.ipynb" in m and "outside the decision folder" in m for m in messages)
    assert any("0015-data-out.yaml" in m and "not read" in m for m in messages)
    assert any("linked-out.ipynb" in m and "outside the guides folder" in m for m in messages)
    listed = cli("list", "--json", cwd=root)
    assert SECRET not in listed.out and "0014-linked-out" not in listed.out
    exported = cli("export", "--out", "exported", cwd=root)
    assert not [p for p in (root / "exported").rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()], \
        exported.err


def test_links_and_images_outside_the_log_are_dropped_from_the_page(hostile):
    _, _, site = hostile
    for name in ("0010-every-field.html", "guides/hostile-guide.html"):
        body = (site / name).read_text(encoding="utf-8").split('class="adr-body', 1)[1]
        doc = parse(body.split('<nav class="adr-pager"', 1)[0])
        for el in doc.elements:
            for attr in ("href", "src", "xlink:href"):
                value = unquote(el.attrs.get(attr, ""))
                assert "etc/" not in value and not value.startswith(("/", "../")), (name, el)
                assert "leak." not in value and "secret" not in value, (name, el)


@pytest.mark.parametrize("logo,expected", [("/etc/passwd", "not an image"), ("outside.png", "outside the project"),
                                           ("missing.png", "does not exist"), ("https://evil.example/l.png", "URL"),
                                           ("data:image/png;base64,AAAA", "URL"), ("logo.html", "not an image")])
def test_a_logo_outside_the_project_or_not_an_image_is_not_published(tmp_path, logo, expected):
    project = tmp_path / "project"
    project.mkdir()
    sample_log(project)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "real.png").write_bytes(PNG + SECRET.encode())
    os.symlink(tmp_path / "elsewhere" / "real.png", project / "outside.png")
    (project / "logo.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    with open(project / ".adrkit.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"  logo: {json.dumps(logo)}\n")
    report = build(project)
    tmp_path = project
    site = tmp_path / "site"
    assert not list((site / "assets").glob("logo*"))
    assert not [p for p in site.rglob("*") if p.is_file() and (SECRET.encode() in p.read_bytes()
                                                               or b"root:" in p.read_bytes())]
    assert any(w.kind == "config" and expected in w.message for w in report.warnings), report.warnings


def test_page_content_cannot_cover_the_chrome_and_a_status_adds_no_class(hostile):
    _, _, site = hostile
    page = (site / "0011-covered.html").read_text(encoding="utf-8")
    body = page.split('<div class="adr-body">', 1)[1]
    for word in ("position", "z-index", "opacity", "-2000px", "-500px", "-900px", "transform"):
        assert word not in body, word
    css = (site / "assets" / "adrkit.css").read_text(encoding="utf-8")
    assert re.search(r"\.adr-body \{[^}]*contain: paint", css)
    every = parse(site / "0010-every-field.html")
    for el in every.elements:
        for cls in el.attrs.get("class", "").split():
            assert re.fullmatch(r"[A-Za-z0-9_-]+", cls), cls
            assert cls not in ("evil", "onmouseover"), cls
    badge = [e for e in every.find("span") if "badge" in e.attrs.get("class", "")][0]
    assert len(badge.attrs["class"].split()) == 2  # "badge status-<one token>"


@given(st.lists(st.tuples(st.sampled_from(["margin", "margin-top", "position", "z-index", "opacity", "color",
                                           "width", "transform", "top", "inset", "background", "MARGIN-LEFT"]),
                          st.sampled_from(["-1px", "-.5em", "0", "10px", "auto", "fixed", "calc(0px - 9px)",
                                           "url(https://e.x/a)", "var(--x)", "red", "1 2 3 -4px", "0.5"])),
                max_size=6))
def test_inline_styles_never_move_or_hide_content(decls):
    style = ";".join(f"{k}:{v}" for k, v in decls)
    clean, _ = Sanitizer().clean(f'<p style="{style}">x</p>')
    kept = re.search(r'style="([^"]*)"', clean)
    for declaration in (kept.group(1).split(";") if kept else []):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        assert name not in ("position", "z-index", "opacity", "transform", "top", "inset", "background")
        if name.startswith("margin"):
            assert "-" not in value and "(" not in value


def test_outputs_over_the_size_limit_are_replaced_by_a_note(tmp_path, cli):
    d = sample_log(tmp_path)
    big = "y" * 60_000
    write_record(d, "0007-big", {"title": "Big"}, [
        md("## Context\n\nsmall"), code("x", outputs=[html_output(f"<p>{big}</p>"), html_output("<p>KEPT-SMALL</p>"),
                                                      {"output_type": "stream", "name": "stdout", "text": big}])])
    with open(tmp_path / ".adrkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("  max_output_size: 50 KB\n")
    res = cli("build")
    page = (tmp_path / "site" / "0007-big.html").read_text(encoding="utf-8")
    assert big not in page and "KEPT-SMALL" in page
    assert page.count("larger than the site&#39;s limit of 50 KB") + page.count("larger than the site's limit of 50 KB") == 2
    assert re.search(r"0007-big\.ipynb \(cell 3\): an output of 60 KB is over the site's limit", res.err), res.err
    with open(tmp_path / ".adrkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("  max_output_size: 1 MB\n".replace("  max", "  max"))
    (tmp_path / ".adrkit.yaml").write_text((tmp_path / ".adrkit.yaml").read_text().replace("50 KB\n  max_output_size: ", ""),
                                           encoding="utf-8")
    cli("build")  # a new limit rebuilds the page (it is part of the cache key)
    assert big in (tmp_path / "site" / "0007-big.html").read_text(encoding="utf-8")
    (tmp_path / ".adrkit.yaml").write_text((tmp_path / ".adrkit.yaml").read_text().replace("1 MB", "lots"),
                                           encoding="utf-8")
    bad = cli("build")
    assert bad.code == 1 and "max_output_size" in bad.err and "Traceback" not in bad.err


# --- text that breaks formats ----------------------------------------------------------------------

def test_control_characters_and_noncharacters_keep_every_format_valid(hostile):
    _, report, site = hostile
    assert not report.failures
    feed = ElementTree.parse(site / "feed.xml").getroot()  # well-formed
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t and t.startswith("0010 Every field") for t in titles)
    data = json.loads((site / "decisions.json").read_text(encoding="utf-8"))
    assert any(d["stem"] == "0010-every-field" for d in data["decisions"])
    js = (site / "search-index.js").read_text(encoding="utf-8")
    json.loads(js.split("window.ADRKIT_SEARCH = ", 1)[1].rstrip().rstrip(";"))
    for path in [*site.rglob("*.html"), site / "feed.xml", site / "decisions.json", site / "search-index.js"]:
        text = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), (path, FORBIDDEN.search(text))
    graph = (site / "graph.html").read_text(encoding="utf-8")
    from adrkit.render.graphviz import which_renderer

    if which_renderer().path:  # one noncharacter or control must not drop the drawing to the fallback
        assert "grid layout" not in graph and "could not draw" not in graph


def test_bidirectional_overrides_are_shown_not_applied(hostile):
    _, _, site = hostile
    for name in ("0010-every-field.html", "index.html", "timeline.html", "feed.xml", "search-index.js",
                 "graph.html", "0009-hostile.html"):
        text = (site / name).read_text(encoding="utf-8")
        assert not set(text) & BIDI_CONTROLS, name
    page = parse(site / "0010-every-field.html")
    assert "[U+202E]gnp.exe[U+202C]" in page.text and "[U+2067]isolate[U+2069]" in page.text
    assert "[U+202E]" in parse(site / "index.html").text  # the file name 0012-name <RLO>gnp.exe...
    assert "\\u202e" in (site / "decisions.json").read_text(encoding="utf-8")  # kept as data, escaped


@given(st.text(max_size=40))
def test_text_rules_hold_for_any_string(text):
    cleaned = clean_text(text)
    assert not FORBIDDEN.search(cleaned) and clean_text(cleaned) == cleaned
    shown = display_text(text)
    assert not set(shown) & BIDI_CONTROLS and not FORBIDDEN.search(shown)
    term = terminal_text(text)
    assert not FORBIDDEN.search(term) and not set(term) & (BIDI_CONTROLS | {"\n", "\t"})
    problem = str(Problem("broken-link", text, text, text, text))
    assert not FORBIDDEN.search(problem) and not set(problem) & (BIDI_CONTROLS | {"\n", "\t"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=30), tag=st.text(max_size=10), name=st.text(max_size=10))
def test_the_feed_is_well_formed_for_any_title(title, tag, name):
    from adrkit.core.decision import Decision
    from adrkit.publish.feeds import atom_feed
    from adrkit.publish.model import DECISION, Page, Source

    decision = Decision(number=1, slug="x", title=title, status="accepted", date="2025-01-01", tags=[tag],
                        decision_makers=[name])
    source = Source(DECISION, Path("0001-x.ipynb"), Path("."), "0001-x", "", "0" * 64, decision=decision)
    feed = atom_feed([Page(source, "key", summary=title)], title)
    root = ElementTree.fromstring(feed.encode("utf-8"))
    assert root.tag.endswith("feed")


def test_warnings_printed_to_a_terminal_escape_control_characters(tmp_path, cli):
    d = sample_log(tmp_path)
    target = "x\x1b]0;pwned\x07\x1b[2J\u202e.png"
    write_record(d, "0007-term", {"title": "Terminal"}, [md(f"## Context\n\n![t]({quote_url(target)})")])
    (d / "0008-\x1b[2Jname.ipynb").write_text('{"cells": [', encoding="utf-8")
    res = cli("build")
    assert "\x1b" not in res.err and "\x07" not in res.err and "\u202e" not in res.err
    assert "\\x1b]0;pwned\\x07" in res.err and "\\x1b[2Jname.ipynb" in res.err and "\\u202e" in res.err
    shown = cli("show", "8")
    assert "\x1b" not in shown.err


def quote_url(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def test_a_bad_cell_id_is_repaired_with_a_warning(hostile):
    _, report, site = hostile
    page = parse(site / "0013-bad-cell.html").text
    assert "BAD-ID-CONTENT" in page and "DUPLICATE-ID-CONTENT" in page and "SURROGATE-CONTENT \ufffd end" in page
    repaired = [str(w) for w in report.warnings if w.kind == "notebook-repaired"]
    assert any("(cell 2)" in m and "not a valid id!" in m for m in repaired), repaired
    assert any("(cell 4)" in m and "repeats the id 'same-id'" in m for m in repaired), repaired
    assert any("lone surrogate" in m for m in repaired), repaired


def test_a_missing_execution_count_is_repaired_not_fatal(tmp_path):
    d = sample_log(tmp_path)
    path = write_record(d, "0007-no-count", {"title": "No count"},
                        [code("x", outputs=[{"output_type": "stream", "text": "STREAM-KEPT"},
                                            {"output_type": "execute_result", "data": {"text/plain": "RESULT-KEPT"}}])])
    nb = json.loads(path.read_text(encoding="utf-8"))
    del nb["cells"][1]["execution_count"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = build(tmp_path)
    assert not report.failures
    text = parse(tmp_path / "site" / "0007-no-count.html").text
    assert "STREAM-KEPT" in text and "RESULT-KEPT" in text
    assert {w.kind for w in report.warnings if "0007" in w.path} == {"notebook-repaired"}


def test_task_lists_keep_their_state(hostile):
    _, _, site = hostile
    boxes = [e for e in parse(site / "0010-every-field.html").find("input") if e.attrs.get("type") == "checkbox"]
    assert [("checked" in b.attrs, "disabled" in b.attrs) for b in boxes] == [(True, True), (False, True)]
    assert not [e for e in parse(site / "0010-every-field.html").find("input") if e.attrs.get("type") != "checkbox"
                and e.attrs.get("id") != "site-q"]


def test_the_backend_template_checklist_renders_unchecked(tmp_path, cli):
    cli("init")
    path = Path(cli("new", "Cache sessions", "--template", "backend").out.strip())
    res = cli("build", "--drafts")
    assert res.code == 0, res.err
    page = parse(tmp_path / "site" / f"{path.stem}.html")
    boxes = [e for e in page.find("input") if e.attrs.get("type") == "checkbox"]
    assert boxes and not [b for b in boxes if "checked" in b.attrs]


# --- serve ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(hostile):
    from adrkit.publish.serve import serve as run_serve

    root, _, _ = hostile
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=run_serve, daemon=True, kwargs=dict(
        log=find_log(start=root), options=BuildOptions(out=root / "served", cache_dir=root / ".cache", parallel=False),
        port=0, say=messages.append, report=lambda r: None, interval=0.2, stop=stop))
    thread.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(m.startswith("serving ") for m in messages):
        time.sleep(0.05)
    port = int(re.search(r"127\.0\.0\.1:(\d+)/", next(m for m in messages if m.startswith("serving "))).group(1))
    yield port, root / "served"
    stop.set()
    thread.join(timeout=30)


def _raw(port: int, path: str, host: str | None = "default") -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [f"GET {path} HTTP/1.1"]
        if host is not None:
            lines.append(f"Host: {f'127.0.0.1:{port}' if host == 'default' else host}")
        sock.sendall(("\r\n".join(lines + ["Connection: close", "", ""])).encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def test_serve_sends_the_sites_security_headers(served):
    port, _ = served
    status, headers, _ = _raw(port, "/index.html")
    assert status == 200
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cross-origin-resource-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_serve_gives_every_copied_file_its_safe_type_and_a_sandbox(served):
    port, out = served
    for path in _published(out):
        rel = path.relative_to(out).as_posix()
        status, headers, body = _raw(port, "/" + urllib.parse.quote(rel))
        assert status == 200, rel
        assert headers["content-type"] == content_type(rel) and headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in headers["content-security-policy"] and "script-src" not in headers["content-security-policy"]
        assert body == path.read_bytes()


@pytest.mark.parametrize("host,expected", [("default", 200), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200),
                                           ("evil.example:{port}", 400), ("127.0.0.1.evil.example:{port}", 400),
                                           ("localhost", 400), ("127.0.0.1:1", 400), (None, 400),
                                           ("localhost:{port}@evil.example", 400)])
def test_serve_answers_only_to_local_host_names(served, host, expected):
    port, _ = served
    status, headers, _ = _raw(port, "/index.html", host.format(port=port) if host else None)
    assert status == expected, host
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path,expected", [("/%00", 400), ("/index.html%00.png", 400), ("/%0d%0aSet-Cookie:x", 400),
                                           ("/%ff", 400), ("/.adrkit-site", 404), ("/%2eadrkit-site", 404),
                                           ("/assets/", 404), ("/files/", 404), ("/files/img/", 404),
                                           ("/../../../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404),
                                           ("/guides/", 200), ("/", 200)])
def test_serve_refuses_odd_paths_without_a_traceback(served, path, expected, capsys):
    port, _ = served
    status, _, body = _raw(port, path)
    assert status == expected, path
    if expected != 200:
        assert b"Index of" not in body and b"adrkit build" not in body
    assert "Traceback" not in capsys.readouterr().err


def test_list_show_and_json_output_escape_control_characters(hostile, cli):
    root, _, _ = hostile
    for args in (("list",), ("show", "10"), ("list", "--json"), ("show", "10", "--json")):
        res = cli(*args, cwd=root)
        assert res.code == 0, res.err
        raw = set(res.out) & ({"\x1b", "\x07", "\x9b", "\x00"} | BIDI_CONTROLS)
        assert not raw, (args, raw)
    assert json.loads(cli("show", "10", "--json", cwd=root).out)["title"].startswith("Every field")
