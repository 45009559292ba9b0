"""The JSON Schemas adrkit ships validate the real files adrkit writes (every
template's front matter, the example logs' data files, a built site's decisions.json)
and reject broken ones; their vocabularies are the library's own constants."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from jsonschema import Draft202012Validator

from adrkit.core.decision import STATUSES
from adrkit.core.requestflow import Lifecycle
from adrkit.core.requestflow.annotations import ANNOTATION_KINDS, BACKOFFS, CACHE_STRATEGIES, TAPS
from adrkit.core.requestflow.model import Stage
from adrkit.core.tradeoff import Argument, Criterion, Option, Tradeoff
from adrkit.core.tradeoff.model import KINDS as ARGUMENT_KINDS
from adrkit.formats import yamlio
from adrkit.formats.jsonschemas import SCHEMA_NAMES, load_schema
from adrkit.formats.notebook import cell_text

ROOT = Path(__file__).resolve().parents[1]
LOGS = [ROOT / "decisions", ROOT / "notebooks" / "orders-service" / "decisions"]


def _validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(name: str, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(name).iter_errors(document)]


def _front_matter(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return yamlio.parse_front_matter(cell_text(nb["cells"][0]), path=path)


def test_every_schema_is_a_valid_draft_2020_12_schema_with_portable_patterns():
    for name in SCHEMA_NAMES:
        schema = load_schema(name)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert "(?" not in json.dumps(schema), "editors run patterns as ECMAScript: no inline flags"


def test_vocabularies_are_the_library_constants():
    front = load_schema("front-matter")
    assert tuple(front["properties"]["status"]["enum"]) == STATUSES
    data = load_schema("data")["$defs"]
    stage = data["stage"]["oneOf"][1]["properties"]
    assert set(stage) == set(Stage._KEYS)
    assert set(ANNOTATION_KINDS) <= set(stage)
    retry = stage["retry"]["oneOf"][1]["properties"]
    assert tuple(retry["backoff"]["enum"]) == BACKOFFS
    cache = stage["cache"]["oneOf"][1]["properties"]
    assert tuple(cache["strategy"]["enum"]) == CACHE_STRATEGIES
    assert set(data["tradeoff"]["properties"]) == set(Tradeoff().to_dict()) | {
        "question", "baseline", "chosen", "because", "pairwise"}
    argument = data["argument"]["oneOf"][1]["properties"]
    assert set(argument) == {*ARGUMENT_KINDS, "criterion"}
    assert "log|metrics|trace" not in json.dumps(data) and TAPS == ("log", "metrics", "trace")


# --- what adrkit writes validates ---------------------------------------------------------

@pytest.mark.parametrize("template", ["madr", "madr-minimal", "nygard", "backend"])
def test_front_matter_of_a_record_from_every_template(cli, log_dir, template):
    r = cli("new", f"Decide with {template}", "--template", template, "--tag", "storage")
    assert r.code == 0, r.err
    cli("status", "1", "accepted")
    cli("new", "A successor", "--supersedes", "1")
    cli("link", "2", "depends-on", "1")
    for path in sorted(log_dir.glob("*.ipynb")):
        assert _errors("front-matter", _front_matter(path)) == [], path.name


def test_front_matter_of_the_example_logs():
    paths = [p for folder in LOGS for p in sorted(folder.glob("[0-9]*.ipynb"))]
    assert len(paths) >= 10
    for path in paths:
        assert _errors("front-matter", _front_matter(path)) == [], path


def test_data_files_of_the_example_logs():
    paths = [p for folder in LOGS for p in sorted(folder.glob("[0-9]*.yaml"))]
    assert len(paths) >= 5
    for path in paths:
        assert _errors("data", yamlio.load(path.read_text(encoding="utf-8"), path=path)) == [], path


def test_decisions_json_of_a_built_site(cli, tmp_path):
    import shutil

    log = tmp_path / "orders"
    shutil.copytree(ROOT / "notebooks" / "orders-service", log)
    r = cli("build", "--out", tmp_path / "site", "--drafts", cwd=log)
    assert r.code == 0, r.err
    doc = json.loads((tmp_path / "site" / "decisions.json").read_text(encoding="utf-8"))
    assert doc["count"] >= 8
    assert _errors("decisions", doc) == []


# --- generated trade-offs and lifecycles, as the widgets save them --------------------------

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(str.strip)


@st.composite
def tradeoffs(draw):
    crit = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.strip))
    opts = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.strip))
    t = Tradeoff(question=draw(st.text(max_size=30)),
                 criteria=[Criterion(c.strip(), draw(st.integers(0, 10))) for c in crit])
    for o in opts:
        args = [Argument(draw(st.sampled_from(ARGUMENT_KINDS)), draw(names)) for _ in range(draw(st.integers(0, 2)))]
        t.options.append(Option(o.strip(), scores={c.strip(): draw(st.integers(1, 5)) for c in crit}, arguments=args))
    if draw(st.booleans()):
        t.chosen = t.options[0].name
        t.baseline = t.options[-1].name
        t.because = draw(st.text(max_size=20))
    return t


@settings(max_examples=60, deadline=None)
@given(tradeoffs())
def test_any_tradeoff_adrkit_saves_validates(t):
    data = yamlio.load(yamlio.dump({"tradeoffs": {"main": t.to_dict()}}))
    assert _errors("data", data) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=1, max_size=6, unique_by=str.casefold),
       st.lists(st.sampled_from(ANNOTATION_KINDS), max_size=3), st.integers(400, 599))
def test_any_lifecycle_adrkit_saves_validates(stage_names, kinds, status):
    raw = {"stages": [{"name": n} for n in stage_names],
           "exits": [{"from": stage_names[-1], "status": status}]}
    settings_for = {"timeout": "2s", "retry": {"attempts": 3, "delay": "100ms", "jitter": True},
                    "circuit-breaker": {"target": "API", "failures": 5}, "cache": {"ttl": "5m"},
                    "queue": {"name": "jobs", "max-attempts": 4}, "idempotency": "Idempotency-Key"}
    for kind in kinds:
        raw["stages"][0][kind] = settings_for[kind]
    lifecycle = Lifecycle.from_dict(raw)
    data = yamlio.load(yamlio.dump({"lifecycles": {"main": lifecycle.to_dict()}}))
    assert _errors("data", data) == []
    assert _errors("data", {"lifecycles": {"main": Lifecycle.default().to_dict()}}) == []


# --- broken files are rejected ---------------------------------------------------------------

GOOD_FRONT = {"title": "Use PostgreSQL", "status": "accepted", "date": "2026-01-01",
              "decision-makers": ["Ana"], "links": [{"rel": "relates-to", "target": "0002-x"}],
              "status-history": [{"status": "accepted", "date": "2026-01-01"}]}


@pytest.mark.parametrize("change", [
    {"status": "shipped"}, {"title": ""}, {"title": None}, {"date": "last week"},
    {"links": [{"rel": "relates-to"}]}, {"links": "0002-x"}, {"status-history": [{"date": "2026-01-01"}]},
    {"decision-makers": {"name": "Ana"}},
], ids=lambda c: next(iter(c)))
def test_broken_front_matter_is_rejected(change):
    assert _errors("front-matter", GOOD_FRONT) == []
    broken = {**GOOD_FRONT, **change}
    if change.get("title") is None and "title" in change:
        del broken["title"]
    assert _errors("front-matter", broken)


def _example_data() -> dict:
    path = next((ROOT / "notebooks" / "orders-service" / "decisions").glob("0005-*.yaml"))
    return yamlio.load(path.read_text(encoding="utf-8"))


def _break(path: list, value):
    def apply(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return doc
    return apply


@pytest.mark.parametrize("breaker", [
    _break(["tradeoffs", "main", "criteria", 0, "weight"], "heavy"),
    _break(["tradeoffs", "main", "criteria", 0, "colour"], "red"),
    _break(["tradeoffs", "main", "options", 0, "scores", "Immediate answer"], "five"),
    _break(["tradeoffs", "main", "options", 0, "arguments", 0], {"good": "x", "bad": "y"}),
    _break(["tradeoffs", "main", "options", 0, "arguments", 0], "it is fast"),
    _break(["tradeoffs", "main", "scale"], {"min": 1}),
    _break(["tradeoffs", "main", "criteria"], "Cost"),
    _break(["lifecycles", "main", "stages", 4, "timeout"], "2 parsecs"),
    _break(["lifecycles", "main", "stages", 4, "retry", "backoff"], "sometimes"),
    _break(["lifecycles", "main", "stages", 0, "taps"], 3),
    _break(["lifecycles", "main", "stages", 0, "exits"], []),
    _break(["lifecycles", "main", "exits", 0, "from"], KeyError),
    _break(["lifecycles", "main", "exits", 0, "status"], 999),
    _break(["lifecycles", "main", "colour"], "red"),
    _break(["tradeoffs"], ["main"]),
], ids=lambda b: "broken")
def test_broken_data_files_are_rejected(breaker):
    assert _errors("data", _example_data()) == []
    assert _errors("data", breaker(copy.deepcopy(_example_data())))


def test_broken_decisions_json_is_rejected():
    entry = {"number": 1, "slug": "x", "stem": "0001-x", "title": "X", "status": "accepted", "date": "",
             "decision-makers": [], "consulted": [], "informed": [], "tags": [], "supersedes": [],
             "superseded-by": [], "links": [], "status-history": [], "url": "0001-x.html", "relations": []}
    good = {"generator": "adrkit 0.1.0", "title": "T", "count": 1, "decisions": [entry]}
    assert _errors("decisions", good) == []
    assert _errors("decisions", {k: v for k, v in good.items() if k != "count"})
    assert _errors("decisions", {**good, "decisions": [{k: v for k, v in entry.items() if k != "url"}]})
    assert _errors("decisions", {**good, "decisions": [{**entry, "tags": "a, b"}]})
    assert _errors("decisions", {**good, "decisions": [{**entry, "number": "one"}]})


# --- the command -------------------------------------------------------------------------------

def test_adrkit_schema_prints_each_schema_and_lists_them(cli, tmp_path):
    listing = cli("schema")
    assert listing.code == 0
    for name in SCHEMA_NAMES:
        assert listing.out.count(name) >= 1
        r = cli("schema", name)
        assert r.code == 0 and json.loads(r.out)["$schema"].endswith("2020-12/schema")
    r = cli("schema", "nope")
    assert r.code == 2 and "use one of front-matter, data, decisions" in r.err and not r.out
