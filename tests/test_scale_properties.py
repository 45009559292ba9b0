"""Properties of what the scale work reads, checked on generated inputs (hypothesis):

- the record index gives back, from its cache, exactly what reading the notebook gives,
  for front matter of every shape YAML allows (dates, numbers, keys that are not text,
  nested lists, values JSON cannot hold), and a corrupt cached row is read again;
- the `logs:` setting is either refused with an error naming it, or gives logs whose
  names can name a folder of the site;
- any JSON given to `--include` is read without an exception, and what it lists links
  only to relative pages or to http(s);
- the stat-keyed cache trusts an entry only while the file's stat is unchanged.
"""
from __future__ import annotations

import json
import os
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adrkit.core.errors import FormatError
from adrkit.formats.notebook import dumps_notebook
from adrkit.formats.yamlio import dump_front_matter
from adrkit.publish.catalog import read_include
from adrkit.storage.config import LOG_NAME, RESERVED_LOG_NAMES, Config
from adrkit.storage.log import DecisionLog
from adrkit.storage.records import RecordIndex
from adrkit.storage.statcache import StatCache

TEMP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=20),
                    st.sampled_from(["2024-02-30", "2023-13-10", "2024-01-05", "yes", "~", "1e3", "0x1F"]),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)
extra_keys = st.dictionaries(st.text(string.ascii_lowercase + "-", min_size=1, max_size=10)
                             .filter(lambda k: k not in ("title", "links", "status-history")), values, max_size=4)


def _front(extra: dict, title: str) -> dict:
    return {"title": title or "Untitled", "status": "accepted", **extra}


def _write(folder: Path, stem: str, front: dict) -> Path:
    path = folder / f"{stem}.ipynb"
    nb = {"cells": [{"cell_type": "raw", "id": "fm", "metadata": {}, "source": dump_front_matter(front)},
                    {"cell_type": "markdown", "id": "c1", "metadata": {}, "source": "## Context\n\ntext"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(dumps_notebook(nb), encoding="utf-8")
    old = os.stat(path).st_mtime_ns - 60 * 10**9  # edited a minute ago: not racy
    os.utime(path, ns=(old, old))
    return path


def _summary(entry) -> object:
    if entry.error is not None:
        return ("error", type(entry.error).__name__, entry.error.message)
    return ("ok", entry.decision.to_front_matter(), entry.sections, entry.front_matter_text)


@TEMP
@given(extra=extra_keys, title=st.text(max_size=30))
def test_the_record_index_reads_back_what_the_notebook_says(tmp_path_factory, extra, title):
    folder = tmp_path_factory.mktemp("log")
    _write(folder, "0001-any", _front(extra, title))
    log = DecisionLog(folder)
    store = folder.parent / f"{folder.name}.sqlite"
    with RecordIndex(log, StatCache(store)) as first:
        read = [_summary(e) for e in first.entries()]
        first.cache.close()
    with RecordIndex(log, StatCache(store)) as second:
        entries = second.entries()
        assert all(e.raw is None for e in entries)  # from the cache, not the file
        assert [_summary(e) for e in entries] == read
        second.cache.close()


def test_a_corrupt_cached_record_is_read_again(tmp_path):
    path = _write(tmp_path, "0001-a", {"title": "A", "status": "accepted"})
    store = tmp_path / "records.sqlite"
    log = DecisionLog(tmp_path)
    with RecordIndex(log, StatCache(store)) as index:
        index.entries()
        index.cache.close()
    import sqlite3

    db = sqlite3.connect(store)
    db.execute("UPDATE files SET facts = '{not json' WHERE kind = 'record'")
    db.commit()
    db.close()
    with RecordIndex(log, StatCache(store)) as index:
        [entry] = index.entries()
        assert entry.decision.title == "A" and entry.raw is not None
        index.cache.close()
    assert path.exists()


def test_an_entry_recorded_as_its_file_was_written_is_racy(tmp_path):
    """git's rule: a file changed again within the clock tick it was recorded in keeps
    its size, mtime and ctime; an entry recorded that soon is checked by content."""
    path = tmp_path / "x.txt"
    path.write_text("one", encoding="utf-8")
    cache = StatCache(None, code="test")
    st = os.stat(path)
    cache.store(str(path), "k", st, "digest-one", "facts")
    assert cache.lookup(str(path), "k", st).racy  # just written: not to be trusted by stat alone
    old = _stat(st.st_size, st.st_mtime_ns - 60 * 10**9, st.st_ino, st.st_ctime_ns)
    cache.store(str(path), "k", old, "digest-one", "facts")
    hit = cache.lookup(str(path), "k", old)
    assert hit is not None and not hit.racy and hit.digest == "digest-one"
    assert cache.lookup(str(path), "k", _stat(st.st_size + 1, old.st_mtime_ns, st.st_ino, st.st_ctime_ns)) is None
    assert cache.lookup(str(path), "k", _stat(st.st_size, old.st_mtime_ns, st.st_ino + 1, st.st_ctime_ns)) is None


def _stat(size: int, mtime: int, ino: int, ctime: int):
    from types import SimpleNamespace

    return SimpleNamespace(st_size=size, st_mtime_ns=mtime, st_ino=ino, st_ctime_ns=ctime)


def test_a_racy_record_is_read_again_and_its_new_text_seen(tmp_path, monkeypatch):
    path = _write(tmp_path, "0001-a", {"title": "Alpha", "status": "accepted"})
    log = DecisionLog(tmp_path)
    store = tmp_path / "records.sqlite"
    with RecordIndex(log, StatCache(store)) as index:
        assert index.entries()[0].decision.title == "Alpha"
        index.cache.close()
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha", "Gamma"), encoding="utf-8")
    real = StatCache.lookup

    def same_stat(self, key, kind, st):  # as if the edit had kept size, mtime and ctime
        hit = real(self, key, kind, recorded)
        return hit and type(hit)(hit.digest, hit.facts, racy=racy)

    for racy, title in ((False, "Alpha"), (True, "Gamma")):
        recorded = _recorded(store, path)
        monkeypatch.setattr(StatCache, "lookup", same_stat)
        with RecordIndex(log, StatCache(store)) as index:
            assert index.entries()[0].decision.title == title  # trusted by stat, unless racy
            index.cache.close()
        monkeypatch.setattr(StatCache, "lookup", real)


def _recorded(store: Path, path: Path):
    """The stat the index recorded for `path`."""
    import sqlite3

    db = sqlite3.connect(store)
    size, mtime, ino, ctime = db.execute("SELECT size, mtime, ino, ctime FROM files WHERE path = ? AND kind = 'record'",
                                         (os.path.abspath(path),)).fetchone()
    db.close()
    return _stat(size, mtime, ino, ctime)


names = st.one_of(st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12),
                  st.text(max_size=12), st.sampled_from(sorted(RESERVED_LOG_NAMES)), st.integers(0, 99))
folders = st.one_of(st.text(string.ascii_lowercase + "/.", min_size=1, max_size=20), st.none(), st.integers(),
                    st.just("/abs/path"), st.fixed_dictionaries({"path": st.text(max_size=10), "title": st.text(max_size=8)}))


@TEMP
@given(logs=st.one_of(st.dictionaries(names, folders, max_size=4), st.lists(st.dictionaries(st.text(max_size=5), folders,
                                                                                            max_size=3), max_size=3),
                      scalars))
def test_the_logs_setting_is_read_or_refused_with_a_reason(tmp_path_factory, logs):
    root = tmp_path_factory.mktemp("project")
    path = root / ".adrkit.yaml"
    from adrkit.formats import yamlio

    path.write_text(yamlio.dump({"logs": logs}), encoding="utf-8")
    try:
        config = Config.load(path)
    except FormatError as exc:
        assert str(path) in str(exc) and exc.fix
        return
    for spec in config.all_logs():
        assert LOG_NAME.match(spec.name) and spec.name not in RESERVED_LOG_NAMES
        assert not Path(spec.folder).is_absolute()
    assert len({s.name for s in config.all_logs()}) == len(config.all_logs())
    assert Config.load(path).dump() == config.dump()  # reads back the same


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                                     st.sampled_from(["javascript:alert(1)", "//evil.example/x", "https://ok.example/a",
                                                      "0001-x.html", "../x.html", "/abs.html", "data:text/html,x"])),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=10), inner, max_size=5)),
                           max_leaves=20)
decision_like = st.fixed_dictionaries(
    {"number": st.one_of(st.integers(-5, 9999), st.text(max_size=3)), "stem": st.text(max_size=12),
     "title": json_values, "status": st.text(max_size=10),
     "url": st.one_of(st.sampled_from(["javascript:alert(1)", "//evil.example/x", "https://ok.example/a",
                                       "0001-x.html", "a b/c d.html", "/abs.html", "data:text/html,x", "vbscript:x",
                                       "\\\\evil\\x", "  "]), st.text(max_size=15))},
    optional={"tags": json_values, "log": st.text(max_size=8), "summary": json_values})


@TEMP
@given(doc=st.one_of(json_values, st.fixed_dictionaries({"version": st.just(1),
                                                         "decisions": st.lists(decision_like, max_size=5)},
                                                        optional={"title": json_values})))
def test_any_included_json_is_read_safely(tmp_path_factory, doc):
    root = tmp_path_factory.mktemp("include")
    (root / "other").mkdir()
    (root / "other" / "decisions.json").write_text(json.dumps(doc), encoding="utf-8")
    included = read_include("other/decisions.json", root, root / "site")
    for remote in included.decisions:
        href = remote.href
        assert not href.lower().startswith(("javascript:", "data:", "vbscript:", "//"))
        assert "://" not in href or href.startswith(("http://", "https://"))
        assert "\\" not in href
    for problem in included.problems:
        assert "other/decisions.json" in str(problem)
