"""What changed between two trade-offs: the comparison, its properties on generated
tables, and `adrkit diff` as a user runs it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adrkit.core.tradeoff import Criterion, Option, Tradeoff
from adrkit.core.tradeoff.compare import compare, pair_tables

from test_tradeoff_properties import tables

EXAMPLE = Path(__file__).resolve().parents[1] / "notebooks" / "orders-service" / "decisions"


def broker(weights: dict[str, float], kafka_ops: float = 2, options=("RabbitMQ", "Kafka", "SNS + SQS")) -> Tradeoff:
    scores = {"RabbitMQ": {"Ops": 4, "Replay": 1, "Routing": 5},
              "Kafka": {"Ops": kafka_ops, "Replay": 5, "Routing": 3},
              "SNS + SQS": {"Ops": 5, "Replay": 1, "Routing": 2}}
    return Tradeoff(criteria=[Criterion(n, w) for n, w in weights.items()],
                    options=[Option(o, scores={c: scores[o][c] for c in weights}) for o in options])


def test_new_weights_alone_flip_the_winner():
    old = broker({"Ops": 5, "Replay": 1, "Routing": 3})
    new = broker({"Ops": 3, "Replay": 5, "Routing": 2}, kafka_ops=4)
    d = compare(old, new)
    assert d.old.winner == "RabbitMQ" and d.new.winner == "Kafka"
    assert d.still_wins is False
    assert d.rescored.winner == "Kafka"   # the old scores, the new weights
    assert [(w.criterion, w.old, w.new) for w in d.weights] == [("Ops", 5, 3), ("Replay", 1, 5), ("Routing", 3, 2)]
    assert [(s.option, s.criterion, s.old, s.new) for s in d.scores] == [("Kafka", "Ops", 2, 4)]
    assert 'would no longer win: "Kafka" would' in d.verdict()
    assert d.in_new_table() == 'In the new table "RabbitMQ" ranks 2nd; "Kafka" wins.'


def test_scores_alone_change_the_winner_while_the_weights_would_not():
    old = broker({"Ops": 5, "Replay": 1, "Routing": 3})
    new = broker({"Ops": 5, "Replay": 1, "Routing": 3}, kafka_ops=5)
    d = compare(old, new)
    assert d.weights == () and d.still_wins is True
    assert "would still win" in d.verdict()


def test_options_and_criteria_added_and_dropped():
    old = broker({"Ops": 5, "Replay": 1, "Routing": 3}, options=("RabbitMQ", "Kafka"))
    new = broker({"Ops": 2, "Replay": 4}, options=("Kafka", "SNS + SQS"))
    d = compare(old, new)
    assert d.options_added == ("SNS + SQS",) and d.options_dropped == ("RabbitMQ",)
    assert d.criteria_dropped == ("Routing",) and d.criteria_added == ()
    assert d.in_new_table() == '"RabbitMQ" is not an option in the new table.'
    # the old table, Routing weighing 0 now: Kafka 0.2*... wins
    assert d.rescored.winner == "Kafka" and d.still_wins is False
    text = "\n".join(d.describe())
    assert "Options added: \"SNS + SQS\"." in text and "Criteria dropped: \"Routing\"." in text


def test_no_criterion_in_common_cannot_be_judged():
    old = broker({"Ops": 1})
    new = broker({"Replay": 1})
    d = compare(old, new)
    assert d.still_wins is None
    assert "no criterion in common" in d.verdict()


def test_a_tie_in_the_old_table_has_no_winner_to_test():
    old = Tradeoff(criteria=[Criterion("c", 1)], options=[Option("a", scores={"c": 3}), Option("b", scores={"c": 3})])
    new = Tradeoff(criteria=[Criterion("c", 2)], options=[Option("a", scores={"c": 4}), Option("b", scores={"c": 3})])
    d = compare(old, new)
    assert d.old.winners == ("a", "b") and d.still_wins is None
    assert "no single old winner" in d.verdict()
    json.dumps(d.to_dict())


def test_tables_are_paired_by_name_then_the_one_left():
    assert pair_tables({"main": 1, "db": 2}, {"db": 3, "main": 4}) == [("db", "db"), ("main", "main")]
    assert pair_tables({"old": 1}, {"new": 2}) == [("old", "new")]
    assert pair_tables({"a": 1, "b": 2}, {"c": 3, "d": 4}) == []


@settings(max_examples=200, deadline=None)
@given(tables())
def test_a_table_compared_with_itself_changes_nothing(t):
    d = compare(t, t.copy())
    assert not d.changed and d.weights == () and d.scores == ()
    if t.ranking().winner is not None:
        assert d.still_wins is True
    json.dumps(d.to_dict())


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_the_verdict_is_the_old_table_under_the_new_weights(t, data):
    new = t.copy()
    for c in new.criteria:
        c.weight = data.draw(st.integers(0, 10))
    assume(sum(c.weight for c in new.criteria) > 0)
    d = compare(t, new)
    old_winner = t.ranking().winner
    if old_winner is None:
        assert d.still_wins is None
        return
    assert d.still_wins == (new.ranking().winner == old_winner)   # scores unchanged: same table
    assert {w.criterion for w in d.weights} <= {c.name for c in t.criteria}


# --- the command ---------------------------------------------------------------------------

@pytest.fixture
def example_log(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "decisions")
    (tmp_path / ".adrkit.yaml").write_text("decisions: decisions\n", encoding="utf-8")
    return tmp_path


def test_diff_prints_what_changed(cli, example_log):
    res = cli("diff", "4", "kafka", cwd=example_log)
    assert res.code == 0, res.err
    assert res.out.splitlines()[0] == ("0004 Publish order events through RabbitMQ → "
                                       "0006 Publish order events through Kafka")
    assert '  Under the new weights, with the old scores, "RabbitMQ" would no longer win: "Kafka" would.' in res.out
    assert "    Replay: weight 1 (6 %) → 5 (31 %)" in res.out
    assert "    Kafka, Operational effort: 2 → 4" in res.out
    assert res.err == ""


def test_diff_json(cli, example_log):
    res = cli("diff", "4", "6", "--json", cwd=example_log)
    assert res.code == 0, res.err
    data = json.loads(res.out)
    table = data["tradeoffs"][0]
    assert data["old"] == "0004-publish-order-events-through-rabbitmq"
    assert table["old_winner_still_wins"] is False
    assert table["outcome"]["old"]["winners"] == ["RabbitMQ"] and table["outcome"]["new"]["winners"] == ["Kafka"]
    assert {"criterion": "Replay", "old": 1, "new": 5, "old_share": 6.25, "new_share": 31.25} in table["weights"]


@pytest.mark.parametrize("args, code, words", [
    (("4", "7"), 1, "0007 has no trade-off table"),
    (("4", "99"), 1, "no decision matches '99'"),
    (("4", "6", "--table", "nope"), 2, "has no trade-off table 'nope'"),
    (("4",), 2, "the following arguments are required"),
])
def test_diff_errors_are_one_line(cli, example_log, args, code, words):
    res = cli("diff", *args, cwd=example_log)
    assert res.code == code, res.err
    assert words in res.err and res.out == ""
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err


def test_diff_names_a_broken_table(cli, example_log):
    path = example_log / "decisions" / "0006-publish-order-events-through-kafka.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 4", "weight: -4"), encoding="utf-8")
    res = cli("diff", "4", "6", cwd=example_log)
    assert res.code == 1
    assert "0006-publish-order-events-through-kafka.yaml" in res.err and "weight of 0 or more" in res.err
