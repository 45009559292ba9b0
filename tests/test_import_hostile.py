"""Hostile folders and files: import copies nothing from outside the folder, refuses
alias bombs and UTF-16 with one line, and deep JSON is reported, not crashed on."""
from __future__ import annotations

import os

from conftest import snapshot

BOMB = ("---\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "status: accepted\ntags: *f\n---\n# bomb\n")


def _one_line_error(r, *needles):
    assert r.code != 0 and "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("adrkit: error: "), r.err
    for needle in needles:
        assert needle in lines[0]


def test_alias_bomb_in_front_matter_is_refused_quickly(cli, log_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "0001-bomb.md").write_text(BOMB)
    before = snapshot(log_dir)
    _one_line_error(cli("import", "src", "--strict"), "0001-bomb.md", "through aliases")
    assert snapshot(log_dir) == before
    # without --strict the record comes in, its front matter read line by line (so no
    # alias can refer to another line), kept as written and reported
    r = cli("import", "src")
    assert r.code == 0 and "Traceback" not in r.err
    assert "0001-bomb.md: warning: front matter is refused" in r.err and "through aliases" in r.err
    nb = (log_dir / "0001-bomb.ipynb").read_text(encoding="utf-8")
    assert len(nb) < 20_000


def test_utf16_markdown_is_named_as_such(cli, log_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "0001-wide.md").write_bytes("# 1. Wide\n\n## Status\n\nAccepted\n".encode("utf-16"))
    r = cli("import", "src")
    assert r.code == 1 and "Traceback" not in r.err
    assert "0001-wide.md: error: is UTF-16 text" in r.err and "iconv -f utf-16" in r.err
    assert r.err.strip().splitlines()[-1].startswith("adrkit: error: 1 record file(s) were skipped: 0001-wide.md")
    assert not list(log_dir.glob("*.ipynb"))


def test_symlinks_out_of_the_folder_are_not_followed(cli, log_dir, tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "key.png").write_bytes(b"\x89PNG secret")
    (outside / "0009-elsewhere.md").write_text("# 9. Elsewhere\n\n## Status\n\nAccepted\n")
    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    os.symlink(outside / "key.png", src / "img" / "pic.png")
    os.symlink(outside / "0009-elsewhere.md", src / "0009-elsewhere.md")
    (src / "0001-with-image.md").write_text(
        "# 1. With image\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n\n![p](img/pic.png)\n")
    r = cli("import", "src", "--json")
    assert r.code == 0, r.err
    copied = [p for p in log_dir.rglob("*") if p.is_file() and b"secret" in p.read_bytes()]
    assert copied == []
    assert not list(log_dir.glob("0009-*"))
    assert "outside the imported folder" in r.out


def test_deeply_nested_notebook_is_reported(cli, log_dir):
    cli("new", "Good one")
    (log_dir / "0002-deep.ipynb").write_text("[" * 100000 + "]" * 100000)
    r = cli("list")
    assert r.code == 0 and "nested too deeply" in r.err and "Traceback" not in r.err
    r = cli("lint")
    assert r.code == 1 and "0002-deep.ipynb" in r.out and "Traceback" not in r.err


def test_doctor_survives_a_tool_printing_bytes(cli, tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    tool = fake / "chromium"
    tool.write_text("#!/bin/sh\nprintf '\\377\\376\\200 not text'\n")
    tool.chmod(0o755)
    r = cli("doctor", env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert r.code == 0 and "Traceback" not in r.err
    assert str(tool) in r.out
