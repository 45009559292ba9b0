"""Three-way merge of a data-file entry, and the DataFile's compare-and-swap: any shape
of entry (mappings, named lists, plain lists, scalars) from hypothesis, and the real
cases of two writers."""
from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from adrkit.formats.datamerge import MISSING, changes, merge3
from adrkit.storage.datafile import DataConflict, DataFile, read_data

NAMES = st.sampled_from(["Cost", "Latency", "Redis", "auth", "Auth", "Ops effort", "é"])
SCALARS = st.one_of(st.integers(-3, 9), st.floats(0, 10, allow_nan=False), st.text(max_size=4), st.booleans(),
                    st.none())


def _named(children):
    return st.lists(st.fixed_dictionaries({"name": NAMES}, optional={"weight": SCALARS, "note": SCALARS}),
                    max_size=4, unique_by=lambda d: d["name"])


ENTRY = st.recursive(SCALARS, lambda kids: st.one_of(
    st.dictionaries(st.sampled_from(["question", "scale", "criteria", "options", "chosen", "a", "b"]), kids,
                    max_size=4),
    _named(kids), st.lists(kids, max_size=3)), max_leaves=12)


@given(ENTRY, ENTRY)
def test_one_sided_changes_are_taken_whole(base, other):
    assert merge3(base, base, other) == (other, [])
    assert merge3(base, other, base) == (other, [])
    assert merge3(base, other, other) == (other, [])


@given(ENTRY, ENTRY, ENTRY)
@settings(max_examples=300)
def test_preferring_one_side_settles_every_conflict(base, theirs, mine):
    merged, conflicts = merge3(base, theirs, mine)
    for side in ("mine", "theirs"):
        settled, left = merge3(base, theirs, mine, prefer={c.path: side for c in conflicts})
        assert left == []
    if not conflicts:
        # every field only one side changed comes through
        for change in changes(base, mine):
            if change.path and change.path[-1] != "(order)" and change not in changes(base, theirs):
                assert _at(merged, change.path) == change.after or _at(theirs, change.path) != change.before


def _at(value, path):
    for key in path:
        if isinstance(value, dict):
            value = value.get(key, MISSING)
        elif isinstance(value, list):
            value = next((item for item in value if isinstance(item, dict) and item.get("name") == key), MISSING)
        else:
            return MISSING
    return value


def test_named_items_merge_by_name_and_keep_both_additions():
    base = {"options": [{"name": "A", "scores": {"Cost": 1}}, {"name": "B", "scores": {"Cost": 2}}]}
    theirs = {"options": [{"name": "A", "scores": {"Cost": 5}}, {"name": "B", "scores": {"Cost": 2}},
                          {"name": "C", "scores": {"Cost": 3}}]}
    mine = {"options": [{"name": "Z", "scores": {"Cost": 1}}, {"name": "A", "scores": {"Cost": 1}},
                        {"name": "B", "scores": {"Cost": 4}}]}
    merged, conflicts = merge3(base, theirs, mine)
    assert conflicts == []
    assert [o["name"] for o in merged["options"]] == ["Z", "A", "B", "C"]
    assert merged["options"][1]["scores"]["Cost"] == 5 and merged["options"][2]["scores"]["Cost"] == 4


def test_removed_on_one_side_changed_on_the_other_is_a_conflict():
    base = {"criteria": [{"name": "Cost", "weight": 1}]}
    merged, conflicts = merge3(base, {"criteria": []}, {"criteria": [{"name": "Cost", "weight": 3}]})
    assert [c.path for c in conflicts] == [("criteria", "Cost")]
    assert merge3(base, {"criteria": []}, {"criteria": [{"name": "Cost", "weight": 3}]},
                  prefer={("criteria", "Cost"): "mine"})[0] == {"criteria": [{"name": "Cost", "weight": 3}]}


def test_two_datafiles_compare_and_swap(tmp_path):
    path = tmp_path / "0001-x.yaml"
    a, b = DataFile(path), DataFile(path)
    a.put("tradeoffs", "main", {"question": "Q", "scale": {"min": 1, "max": 5}})
    b.put("lifecycles", "main", {"stages": [{"name": "Request"}]})  # b never read a's write: merged
    data = read_data(path)
    assert data["tradeoffs"]["main"]["question"] == "Q" and data["lifecycles"]["main"]["stages"]
    a.put("tradeoffs", "main", {"question": "Mine", "scale": {"min": 1, "max": 5}})
    b.reload()
    b.put("tradeoffs", "main", {"question": "Theirs", "scale": {"min": 1, "max": 5}})
    before = path.read_bytes()
    try:
        a.put("tradeoffs", "main", {"question": "Mine again", "scale": {"min": 1, "max": 5}})
    except DataConflict as exc:
        assert [c.path for c in exc.conflicts] == [("question",)] and exc.theirs["question"] == "Theirs"
    else:
        raise AssertionError("a conflict was not detected")
    assert path.read_bytes() == before


def test_saves_from_threads_never_lose_an_entry(tmp_path):
    path = tmp_path / "0001-x.yaml"
    errors = []

    def writer(i):
        df = DataFile(path)
        try:
            df.put("tradeoffs", f"t{i}", {"question": f"Q{i}"})
        except Exception as exc:  # pragma: no cover - would fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and set(read_data(path)["tradeoffs"]) == {f"t{i}" for i in range(8)}
