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
