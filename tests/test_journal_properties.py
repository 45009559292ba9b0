"""Properties of the journal, over generated multi-file changes (creations,
replacements, removals, renames, new sub-folders): stopped at any file system step,
as a kill would stop it (no roll-back in the process), recovery leaves every file
exactly as before or exactly as after, with no leftover; a failure in the process
rolls back at once. Also the byte limit of slugs and the terminal escaping."""
from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adrkit.storage import atomic, journal

NAMES = [f"{n:04d}-rec-{n}.ipynb" for n in range(1, 6)] + ["0002-rec-2.yaml", "img/a.png", "img/deep/b.svg"]
content = st.binary(min_size=0, max_size=40)


class Killed(BaseException):
    pass


@st.composite
def change_sets(draw):
    existing = draw(st.dictionaries(st.sampled_from(NAMES), content, max_size=6))
    changes: dict[str, bytes | None] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=6)):
        if name in existing and draw(st.booleans()):
            changes[name] = None  # remove
        else:
            changes[name] = draw(content)
    renames = []
    sources = [n for n in existing if n not in changes]
    targets = [n for n in NAMES if n not in existing and n not in changes]
    if sources and targets and draw(st.booleans()):
        renames.append((draw(st.sampled_from(sources)), draw(st.sampled_from(targets))))
    assume(changes or renames)
    return existing, changes, renames


def _state(root: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(folder, name), root)] = "folder"
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = fh.read()
    return out


def _make(root: Path, existing: dict[str, bytes]) -> None:
    for name, data in existing.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _run(root: Path, changes, renames) -> None:
    atomic.write_all({root / n: d for n, d in changes.items()}, [(root / a, root / b) for a, b in renames],
                     root=root)


STEPS = ("write", "fsync", "replace", "rename", "link", "unlink", "mkdir", "ftruncate")


def _stopping_at(k: int):
    """Patch the file system steps so that the k-th one raises Killed."""
    count = {"n": 0}
    real = {name: getattr(os, name) for name in STEPS}

    def step(name):
        def call(*args, **kwargs):
            count["n"] += 1
            if count["n"] == k:
                raise Killed()
            return real[name](*args, **kwargs)
        return call

    return count, real, step


def _killed_at(root: Path, changes, renames, k: int) -> bool:
    """Run the change in a forked child that dies (no clean-up at all, as under
    SIGKILL) at its k-th file system step; True if it died before finishing."""
    pid = os.fork()
    if pid == 0:
        count = {"n": 0}
        real = {name: getattr(os, name) for name in STEPS}
        exit_now = os._exit

        def step(name):
            def call(*args, **kwargs):
                count["n"] += 1
                if count["n"] == k:
                    exit_now(137)
                return real[name](*args, **kwargs)
            return call

        for name in STEPS:
            setattr(os, name, step(name))
        try:
            _run(root, changes, renames)
        except BaseException:
            exit_now(1)
        exit_now(0)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    assert status in (0, 137), status
    return status == 137


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(change_sets(), st.integers(min_value=1, max_value=60))
def test_a_kill_at_any_step_recovers_to_old_or_new(case, k):
    from adrkit.storage.lock import log_lock

    existing, changes, renames = case
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        old_root, new_root, root = base / "old", base / "new", base / "work"
        for folder in (old_root, new_root, root):
            folder.mkdir()
            _make(folder, existing)
        _run(new_root, changes, renames)
        old, new = _state(old_root), _state(new_root)
        if not _killed_at(root, changes, renames, k):
            assert _state(root) == new
            return
        with log_lock(root):  # what the next command does first
            pass
        now = _state(root)
        assert now in (old, new), (sorted(now), sorted(old), sorted(new))


@settings(max_examples=100, deadline=None, database=None)
@given(change_sets(), st.integers(min_value=1, max_value=60))
def test_a_failure_in_the_process_rolls_back_at_once(case, k):
    existing, changes, renames = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "work"
        root.mkdir()
        _make(root, existing)
        old = _state(root)
        count, real, step = _stopping_at(k)

        def failing(name):
            inner = step(name)

            def call(*args, **kwargs):
                try:
                    return inner(*args, **kwargs)
                except Killed:
                    raise OSError(28, "No space left on device")
            return call

        for name in ("replace", "rename", "link", "mkdir"):
            setattr(os, name, failing(name))
        try:
            _run(root, changes, renames)
            failed = False
        except OSError as exc:
            failed = True
            assert "Traceback" not in str(exc)
        finally:
            for name, fn in real.items():
                setattr(os, name, fn)
        if failed:
            assert _state(root) == old


@given(st.text(min_size=1, max_size=300), st.integers(min_value=16, max_value=255))
def test_slugs_fit_their_byte_budget(title, limit):
    from adrkit.core.decision import slugify

    slug = slugify(title, max_bytes=limit)
    assert len(slug.encode("utf-8")) <= limit
    assert slug == slug.strip("-")
    if slug:
        assert unicodedata.category(slug[0]) != "Mn"


@given(st.text())
def test_terminal_safe_text_has_no_controls(text):
    from adrkit.cli.common import term_safe

    safe = term_safe(text)
    assert not any(unicodedata.category(ch) == "Cc" or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                   for ch in safe)
    safe.encode("utf-8")
    if all(ch.isprintable() and ch not in "\\" for ch in text):
        assert safe == text
