"""The request-lifecycle model: rules, stored form, edits, and its DOT, Mermaid and
text renders (DOT checked against golden files)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adrkit.render.requestflow import lifecycle_mermaid, lifecycle_text
from adrkit.storage.datafile import DataFile, read_data
from adrkit.core.errors import ValidationError
from adrkit.core.requestflow import (ANNOTATION_KINDS, Cache, CircuitBreaker, Idempotency, Lifecycle, QueueHandoff, Retry, Timeout, format_settings, parse_annotation, parse_settings)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ADRKIT_UPDATE_GOLDEN") == "1"


def complex_lifecycle() -> Lifecycle:
    data = yaml.safe_load((GOLDEN / "lifecycle-complex.yaml").read_text(encoding="utf-8"))
    return Lifecycle.from_dict(data, name="checkout")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with ADRKIT_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), \
        f"{name} differs from the golden file; if the change is intended, run with ADRKIT_UPDATE_GOLDEN=1"


# --- the default ------------------------------------------------------------------------

def test_default_is_the_classic_lifecycle():
    lc = Lifecycle.default()
    assert lc.stage_names() == ["Request", "Validation", "Auth", "Business Logic", "Response"]
    assert [(e.source, e.label, e.status) for e in lc.exits] == [
        ("Validation", "Return 400", 400), ("Auth", "Return 401", 401), ("Business Logic", "Return 500", 500)]
    assert lc.stage("Request").taps == ("log",)
    assert lc.stage("Response").taps == ("log", "metrics")
    assert lc.validate() is lc


def test_golden_dot_default():
    check_golden("lifecycle-default.dot", Lifecycle.default().to_dot())


def test_golden_dot_complex():
    lc = complex_lifecycle()
    kinds = {kind for stage in lc.stages for kind in stage.annotations()}
    assert kinds == set(ANNOTATION_KINDS)  # the golden covers every annotation kind
    check_golden("lifecycle-complex.dot", lc.to_dot())


def test_golden_mermaid_and_text():
    check_golden("lifecycle-default.mmd", lifecycle_mermaid(Lifecycle.default()))
    check_golden("lifecycle-complex.mmd", lifecycle_mermaid(complex_lifecycle()))
    check_golden("lifecycle-complex.txt", lifecycle_text(complex_lifecycle()))


# --- DOT -------------------------------------------------------------------------------

def test_dot_reads_left_to_right_and_styles_paths_apart():
    dot = complex_lifecycle().to_dot()
    assert 'rankdir="LR"' in dot
    happy = [l for l in dot.splitlines() if 'class="happy"' in l]
    failure = [l for l in dot.splitlines() if 'class="failure"' in l]
    taps = [l for l in dot.splitlines() if "->" in l and 'class="tap"' in l]
    hops = [l for l in dot.splitlines() if 'class="async"' in l]
    assert len(happy) == 5 and all("penwidth=2" in l and "dashed" not in l for l in happy)
    assert failure and all('style="dashed"' in l or 'style="dotted"' in l for l in failure)
    assert all('style="dotted"' in l and 'arrowhead="none"' in l for l in taps)
    assert hops and all('style="dashed"' in l and "#7b3fbf" in l for l in hops)
    assert len({"#1a56db", "#c62828", "#9e9e9e", "#7b3fbf"} & set(re.findall(r"#[0-9a-f]{6}", dot))) == 4


def test_dot_shares_an_exit_node_between_stages():
    dot = complex_lifecycle().to_dot()
    assert dot.count('label="Return 500"') == 1
    assert dot.count("-> x3 ") == 2


def test_dot_escapes_every_label():
    lc = Lifecycle.from_dict({"stages": [
        {"name": 'A "q" <b>&amp; \\ {x} -> y; ]'},
        {"name": "B\\nC", "note": "</font><script>x</script>"}],
        "exits": [{"from": 'A "q" <b>&amp; \\ {x} -> y; ]', "label": 'Fail "hard"\\', "status": 500,
                   "when": "a\\\"b"}]})
    dot = lc.to_dot()
    # a backslash is doubled: Graphviz would read \N, \G, \E as escapes even in HTML labels
    assert "<b>A &quot;q&quot; &lt;b&gt;&amp;amp; \\\\ {x} -&gt; y; ]</b>" in dot
    assert "&lt;/font&gt;&lt;script&gt;" in dot and "<script>" not in dot
    assert 'label="Fail \\"hard\\"\\\\ (500)"' in dot
    assert 'label="a\\\\\\"b"' in dot
    # node ids are generated, never user text
    assert set(re.findall(r"^\s+(\w+) \[", dot, re.M)) <= {"graph", "node", "edge", "s0", "s1", "x0", "t0"}


@pytest.mark.skipif(not Path("/usr/bin/dot").exists() and not __import__("shutil").which("dot"),
                    reason="Graphviz dot is not installed")
def test_escaped_dot_parses_in_graphviz():
    import shutil

    lc = Lifecycle.from_dict({"title": 'T "x" \\', "stages": [{"name": 'A "q" <b>& \\ {x}'}, {"name": "B"}],
                              "exits": [{"from": "B", "label": 'R "1" \\', "status": 400}]})
    proc = subprocess.run([shutil.which("dot"), "-Tsvg"], input=lc.to_dot(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "A &quot;q&quot; &lt;b&gt;&amp; \\ {x}" in proc.stdout or 'A "q" &lt;b&gt;&amp; \\ {x}' in proc.stdout


# --- Mermaid and text ------------------------------------------------------------------

def test_mermaid_flowchart():
    text = lifecycle_mermaid(Lifecycle.default())
    assert "flowchart LR" in text.splitlines()[3]  # after the title front matter
    assert text.startswith('---\ntitle: "Request lifecycle"\n---\n')
    assert '  s0 ==> s1' in text
    assert '  s1 -.->|"invalid input"| x0' in text
    assert 'x0(["Return 400"])' in text
    assert "linkStyle 0,1,2,3 stroke:#1a56db" in text


def test_mermaid_escapes_labels():
    lc = Lifecycle.from_dict({"stages": [{"name": 'Say "hi" <b>#1 & `x` | y'}],
                              "exits": [{"from": 'Say "hi" <b>#1 & `x` | y', "label": "x", "when": 'a "b"'}]})
    text = lifecycle_mermaid(lc)
    assert 's0["Say #34;hi#34; #60;b#62;#35;1 #38; #96;x#96; #124; y"]' in text
    assert '|"a #34;b#34;"|' in text
    body = [l for l in text.splitlines() if l.startswith("  s0[")][0]
    assert body.count('"') == 2


def test_text_outline():
    text = lifecycle_text(Lifecycle.default())
    assert text.splitlines()[0] == "Request lifecycle 'main': 5 stages"
    assert "  1. Request  [log]" in text
    assert "  5. Response  [log + metrics]" in text
    assert "fails: invalid input -> Return 400" in text
    complex_text = lifecycle_text(complex_lifecycle())
    assert "retry x3, exponential backoff from 200ms + jitter" in complex_text
    assert "hands off to queue 'receipts' -> Receipt Worker; dead-letter 'receipts-dlq' after 5 attempts" \
        in complex_text


# --- the stored form ---------------------------------------------------------------------

def test_round_trip_through_dict_and_yaml():
    lc = complex_lifecycle()
    again = Lifecycle.from_dict(yaml.safe_load(yaml.safe_dump(lc.to_dict())), name="checkout")
    assert again == lc
    assert again.to_dict() == lc.to_dict()


def test_stored_form_is_readable():
    data = Lifecycle.default().to_dict()
    assert list(data) == ["title", "stages", "exits"]
    assert data["stages"][0] == {"name": "Request", "taps": ["log"]}
    assert data["exits"][0] == {"from": "Validation", "label": "Return 400", "status": 400,
                                "when": "invalid input"}
    stage = complex_lifecycle().stage("Charge Payment").to_dict()
    assert stage["timeout"] == "2s"
    assert stage["retry"] == {"attempts": 3, "backoff": "exponential", "delay": "200ms", "jitter": True}
    assert stage["circuit-breaker"] == {"target": "Payment API", "failures": 5, "reset": "30s"}


def test_saved_in_the_data_file(tmp_path):
    path = tmp_path / "0007-x.yaml"
    df = DataFile(path)
    df.put("lifecycles", "main", complex_lifecycle().to_dict())
    data = read_data(path)
    assert Lifecycle.from_dict(data["lifecycles"]["main"], name="checkout") == complex_lifecycle()


def test_shorthands_are_read():
    lc = Lifecycle.from_dict({"stages": ["Request", {"name": "Work", "taps": "logging and Metrics",
                                                     "timeout": 1.5, "retry": None,
                                                     "idempotency": "Idempotency-Key"}],
                              "exits": [{"from": "Work", "status": "504"}]})
    work = lc.stage("Work")
    assert work.taps == ("log", "metrics")
    assert work.timeout == Timeout("1.5s")
    assert work.retry is None
    assert work.idempotency == Idempotency("Idempotency-Key")
    assert lc.exits[0].label == "Return 504" and lc.exits[0].status == 504


# --- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("data, where, words", [
    ({"stages": []}, "stages", "no stages"),
    ({}, "stages", "no stages"),
    ({"stages": [{"name": "Auth"}, {"name": "auth"}]}, "stage 2 'auth'", "duplicate stage name"),
    ({"stages": ["A"], "exits": [{"from": "Nope", "status": 400}]}, "exit 1.from", "not a stage"),
    ({"stages": ["A"], "exits": [{"from": "A"}]}, "exit 1", "label or a status code"),
    ({"stages": ["A"], "exits": [{"from": "A", "status": 999}]}, "exit 1.status", "not an HTTP status"),
    ({"stages": [{"name": "A", "taps": ["logs", "audit"]}]}, "stage 1 'A'.taps", "unknown tap 'audit'"),
    ({"stages": [{"name": "A", "timeout": "soon"}]}, "stage 1 'A'.timeout.after", "not a duration"),
    ({"stages": [{"name": "A", "retry": {"attempts": 0}}]}, "stage 1 'A'.retry.attempts", "whole number"),
    ({"stages": [{"name": "A", "retry": {"backoff": "random"}}]}, "stage 1 'A'.retry.backoff", "unknown choice"),
    ({"stages": [{"name": "A", "cache": {"ttl": "5m", "size": 3}}]}, "stage 1 'A'.cache", "unknown setting"),
    ({"stages": [{"name": "A", "queue": {"worker": "W"}}]}, "stage 1 'A'.queue.name", "needs 'name'"),
    ({"stages": [{"name": "A", "exits": []}]}, "stage 1 'A'.exits", "do not go inside a stage"),
    ({"stages": [{"name": "A", "timout": "1s"}]}, "stage 1 'A'", "unknown key 'timout'"),
    ({"stages": [{"name": " "}]}, "stage 1.name", "must not be empty"),
    ({"stages": "A"}, "stages", "must be a list"),
    ({"stages": ["A"], "exits": [{"from": "A", "status": 400}, {"from": "A", "status": 400}]}, "exit 2",
     "listed twice"),
])
def test_validation_names_the_place_and_the_fix(data, where, words, tmp_path):
    with pytest.raises(ValidationError) as info:
        Lifecycle.from_dict(data, path=tmp_path / "0001-x.yaml")
    err = info.value
    assert err.where == where
    assert words in err.message
    assert err.fix
    assert str(tmp_path / "0001-x.yaml") in str(err)
    assert "\n" not in str(err)


def test_exit_from_missing_stage_lists_the_stages():
    with pytest.raises(ValidationError) as info:
        Lifecycle.from_dict({"stages": ["Request", "Auth"], "exits": [{"from": "Validation", "status": 400}]})
    assert "Validation" in info.value.message
    assert info.value.fix == "use one of Request, Auth"


# --- edits -------------------------------------------------------------------------------

def test_edits():
    lc = Lifecycle.default()
    lc.add_stage("Rate Limit", after="Auth")
    lc.add_stage("Audit")
    lc.add_stage("Gateway", index=0)
    assert lc.stage_names() == ["Gateway", "Request", "Validation", "Auth", "Rate Limit",
                                "Business Logic", "Response", "Audit"]
    lc.rename_stage("Auth", "Authentication")
    assert lc.exits[1].source == "Authentication"
    lc.move_stage("Audit", 0)
    assert lc.stage_names()[0] == "Audit"
    lc.add_exit("Rate Limit", status=429, when="too many requests")
    assert lc.exits[-1].label == "Return 429"
    lc.remove_exit("Rate Limit", "Return 429")
    lc.remove_stage("Validation")
    assert all(e.source != "Validation" for e in lc.exits)
    lc.set_taps("Audit", ["trace", "log"])
    assert lc.stage("Audit").taps == ("log", "trace")
    lc.set_annotation("Business Logic", "retry", "attempts=5, backoff=fixed, delay=1s")
    assert lc.stage("Business Logic").retry == Retry(5, "fixed", "1s", False)
    lc.set_annotation("Business Logic", "retry", None)
    assert lc.stage("Business Logic").retry is None
    lc.validate()


@pytest.mark.parametrize("edit", [
    lambda lc: lc.add_stage("auth"),
    lambda lc: lc.add_stage(""),
    lambda lc: lc.rename_stage("Auth", "Validation"),
    lambda lc: lc.rename_stage("Nope", "X"),
    lambda lc: lc.move_stage("Auth", 9),
    lambda lc: lc.add_exit("Nope", status=400),
    lambda lc: lc.add_exit("Auth", status="abc"),
    lambda lc: lc.add_exit("Auth", status=401),  # the same exit again
    lambda lc: lc.remove_exit("Auth", "Return 999"),
    lambda lc: lc.set_taps("Auth", ["audit"]),
    lambda lc: lc.set_annotation("Auth", "retry", "attempts=-1"),
    lambda lc: lc.set_annotation("Auth", "magic", "x"),
])
def test_a_refused_edit_changes_nothing(edit):
    lc = Lifecycle.default()
    before = lc.to_dict()
    with pytest.raises(ValidationError):
        edit(lc)
    assert lc.to_dict() == before


def test_the_last_stage_cannot_be_removed():
    lc = Lifecycle.from_dict({"stages": ["Only"]})
    with pytest.raises(ValidationError, match="no stages"):
        lc.remove_stage("Only")
    assert lc.stage_names() == ["Only"]


def test_settings_text_round_trips():
    cases = {
        "timeout": Timeout("2s"),
        "retry": Retry(4, "linear", "1s", True),
        "circuit-breaker": CircuitBreaker("Payment API", 3, "1m"),
        "cache": Cache("cache-aside", "10m", "Memcached"),
        "queue": QueueHandoff("jobs", "Worker", "jobs-dlq", 3),
        "idempotency": Idempotency("Idempotency-Key, per user", "24h"),
    }
    for kind, ann in cases.items():
        text = format_settings(kind, ann)
        assert parse_settings(text, kind) == ann, (kind, text)
        stored = yaml.safe_load(yaml.safe_dump({"v": _stored(kind, ann)}))["v"]
        assert parse_annotation(kind, stored) == ann, (kind, stored)


def _stored(kind, ann):
    lc = Lifecycle.from_dict({"stages": ["S"]})
    lc.set_annotation("S", kind, ann)
    return lc.stage("S").to_dict()[kind]


def test_settings_text_errors_say_how_to_write_it():
    with pytest.raises(ValidationError) as info:
        parse_settings("3 tries, backoff=linear", "retry")
    assert "key=value" in info.value.fix and "attempts=" in info.value.fix


# --- layers ---------------------------------------------------------------------------------

def test_core_modules_stay_light():
    code = ("import sys, adrkit.core.requestflow, adrkit.core.decision_graph, adrkit.render.graphviz, "
            "adrkit.render.diagrams\n"
            "heavy = [m for m in ('graphviz', 'ipywidgets', 'pandas', 'nbconvert', 'IPython') if m in sys.modules]\n"
            "print(','.join(heavy))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""
