"""Review dates: `review-by` / `review-after` in the front matter, the periods they are
written in, reviews recorded in the status history, and `adrkit review` / `adrkit due`."""
from __future__ import annotations

import calendar
import datetime as dt
import json

import pytest
from hypothesis import given, strategies as st

from adrkit.core.decision import Decision, StatusChange
from adrkit.core.errors import UsageError, ValidationError
from adrkit.core.reviews import (Period, acceptance_date, parse_date, parse_period, record_review,
                                 review_plan, reviews_of, set_review)
from adrkit.formats.notebook import front_matter_cell, cell_text
from adrkit.formats.yamlio import parse_front_matter

dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2999, 12, 31))
periods = st.builds(Period, st.integers(0, 30), st.integers(0, 40), st.integers(0, 60), st.integers(0, 400))


def decision(**front) -> Decision:
    data = {"title": "T", "status": "accepted", "date": "2025-03-10", **front}
    return Decision.from_front_matter(data, number=7, slug="t")


# --- periods ------------------------------------------------------------------------

@pytest.mark.parametrize("text, period", [
    ("6 months", Period(months=6)), ("6 month", Period(months=6)), ("6mo", Period(months=6)),
    ("1 year", Period(years=1)), ("2y", Period(years=2)), ("2 weeks", Period(weeks=2)),
    ("90 days", Period(days=90)), ("30d", Period(days=30)), ("1 year 6 months", Period(1, 6)),
    ("1 year and 2 weeks", Period(years=1, weeks=2)), ("P6M", Period(months=6)),
    ("p1y2m3w4d", Period(1, 2, 3, 4)), ("  3   Months ", Period(months=3)), ("0d", Period()),
])
def test_periods_people_write(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["", "soon", "six months", "-6 months", "6", "6 fortnights", "months 6",
                                  "6 months ago", "P", "1.5 years", "99999 years", "P99999Y"])
def test_what_is_not_a_period_is_a_usage_error_with_the_forms(text):
    with pytest.raises(UsageError) as err:
        parse_period(text)
    assert err.value.fix and ("6 months" in err.value.fix or "1000 years" in err.value.fix)


@given(periods)
def test_a_period_reads_back_from_its_text(period):
    assert parse_period(str(period)) == period


@given(dates, st.integers(0, 120))
def test_months_keep_the_day_or_take_the_last_of_a_shorter_month(day, months):
    try:
        moved = Period(months=months).after(day)
    except OverflowError:
        return
    total = day.month - 1 + months
    assert (moved.year, moved.month) == (day.year + total // 12, total % 12 + 1)
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


@given(dates, periods, periods)
def test_a_longer_period_never_ends_earlier(day, a, b):
    longer = Period(a.years + b.years, a.months + b.months, a.weeks + b.weeks, a.days + b.days)
    try:
        assert longer.after(day) >= a.after(day) >= day
    except OverflowError:
        pass


def test_leap_days_and_month_ends():
    assert Period(years=1).after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Period(months=1).after(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert Period(months=6).after(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    assert Period(weeks=1, days=1).after(dt.date(2025, 12, 28)) == dt.date(2026, 1, 5)


@pytest.mark.parametrize("text, day", [("2027-06-01", dt.date(2027, 6, 1)), ("2027-02-30", None),
                                       ("2027-6-1", None), ("tomorrow", None), (20270601, None)])
def test_dates(text, day):
    assert parse_date(text) == day


# --- the plan -------------------------------------------------------------------------

def test_review_by_is_the_due_date():
    plan = review_plan(decision(**{"review-by": "2027-06-01"}))
    assert plan.due == dt.date(2027, 6, 1) and plan.basis == "review-by 2027-06-01"
    assert plan.days_left(dt.date(2027, 6, 3)) == -2


def test_review_after_counts_from_acceptance_then_from_the_last_review():
    history = [{"status": "proposed", "date": "2025-03-10"}, {"status": "accepted", "date": "2025-03-17"}]
    d = decision(**{"review-after": "6 months", "status-history": history})
    assert acceptance_date(d) == dt.date(2025, 3, 17)
    plan = review_plan(d)
    assert plan.due == dt.date(2025, 9, 17) and "after acceptance on 2025-03-17" in plan.basis
    record_review(d, "2025-10-02", "Priya Nair", "still holds")
    plan = review_plan(d)
    assert plan.due == dt.date(2026, 4, 2) and plan.basis == "6 months after the review of 2025-10-02"
    assert plan.last_review.date == "2025-10-02"
    # a review does not move the acceptance date
    assert acceptance_date(d) == dt.date(2025, 3, 17)


def test_with_both_keys_the_earlier_date_counts():
    d = decision(**{"review-after": "1 year", "review-by": "2025-06-01"})
    assert review_plan(d).due == dt.date(2025, 6, 1)
    d = decision(**{"review-after": "1 month", "review-by": "2027-06-01"})
    assert review_plan(d).due == dt.date(2025, 4, 10)


def test_review_after_waits_for_acceptance():
    d = decision(status="proposed", **{"review-after": "6 months"})
    plan = review_plan(d)
    assert plan.due is None and "not accepted yet" in plan.basis


def test_unreadable_review_values_are_named_not_ignored():
    plan = review_plan(decision(**{"review-by": "next spring", "review-after": "6 months"}))
    assert plan.due == dt.date(2025, 9, 10)
    assert "review-by 'next spring' is not a date" in plan.problem
    plan = review_plan(decision(**{"review-after": "0 days"}))
    assert plan.due is None and "review-after '0 days'" in plan.problem
    assert review_plan(decision()) is None


def test_record_review_keeps_the_status_and_meets_a_one_off_date():
    d = decision(**{"review-by": "2026-01-01"})
    change = record_review(d, "2025-12-20", "  Hannah   Becker ", "  fine\n as is ")
    assert d.status == "accepted"
    assert [c.to_dict() for c in d.status_history] == [
        {"status": "accepted", "date": "2025-03-10"},
        {"status": "accepted", "date": "2025-12-20", "reviewed-by": "Hannah Becker", "note": "fine as is"}]
    assert reviews_of(d) == [change]
    assert "review-by" not in d.extra and review_plan(d) is None
    with pytest.raises(UsageError):
        record_review(d, "2025-12-21", "   ")
    with pytest.raises(ValidationError):
        record_review(decision(status="superseded"), "2025-12-21", "x")


def test_set_review_takes_a_date_or_a_period():
    d = decision()
    assert set_review(d, "2027-06-01", "2026-01-01") == "review-by"
    assert set_review(d, "6 MONTHS", "2026-01-01") == "review-after"
    assert d.extra == {"review-by": "2027-06-01", "review-after": "6 months"}
    for bad in ("2027-02-30", "0 days", "whenever"):
        with pytest.raises(UsageError):
            set_review(d, bad, "2026-01-01")


@given(st.text(max_size=30))
def test_any_text_is_a_date_a_period_or_a_usage_error(text):
    d = decision()
    try:
        key = set_review(d, text, "2026-01-01")
    except UsageError:
        return
    plan = review_plan(d)
    assert plan is not None and plan.problem is None and key in d.extra


# --- the commands -------------------------------------------------------------------

def _front(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return parse_front_matter(cell_text(front_matter_cell(nb)))


def test_review_and_due_on_the_command_line(log_dir, cli):
    assert cli("new", "Use PostgreSQL", "--status", "accepted").code == 0   # dated 2026-01-01
    assert cli("new", "Cache sessions", "--status", "accepted").code == 0
    assert cli("new", "Old one", "--status", "accepted").code == 0
    first = log_dir / "0001-use-postgresql.ipynb"
    before = json.loads(first.read_text())["cells"][1:]

    res = cli("review", "1", "6 months")
    assert res.code == 0, res.err
    assert "review due in 181 days: 2026-07-01 (6 months after acceptance on 2026-01-01)" in res.err
    assert _front(first)["review-after"] == "6 months"
    assert json.loads(first.read_text())["cells"][1:] == before  # only the front matter changes
    assert cli("review", "2", "2025-12-01").code == 0
    res = cli("review", "2")
    assert res.code == 0 and res.out.startswith("0002 review overdue by 31 days: 2025-12-01")

    res = cli("due")
    assert res.code == 1
    assert res.out.splitlines()[0].startswith("0002  2025-12-01  overdue by 31 days")
    assert "0001" not in res.out  # due in 181 days: outside the 30-day window
    res = cli("due", "--within", "7mo", "--json")
    assert res.code == 1
    data = json.loads(res.out)
    assert [d["decision"] for d in data] == ["0002-cache-sessions", "0001-use-postgresql"]
    assert data[0]["overdue"] is True and data[1]["days-left"] == 181

    res = cli("review", "2", "--done", "--by", "Priya Nair", "--note", "still right", "--next", "1 year")
    assert res.code == 0, res.err
    front = _front(log_dir / "0002-cache-sessions.ipynb")
    assert front["status-history"][-1] == {"status": "accepted", "date": "2026-01-01",
                                           "reviewed-by": "Priya Nair", "note": "still right"}
    assert "review-by" not in front and front["review-after"] == "1 year"
    assert cli("due").code == 0

    res = cli("review", "3", "--done", env={"GIT_CONFIG_GLOBAL": "/dev/null", "USER": "ci-bot",
                                            "LOGNAME": "ci-bot", "HOME": str(log_dir.parent)})
    assert res.code == 0, res.err
    assert _front(log_dir / "0003-old-one.ipynb")["status-history"][-1]["reviewed-by"]

    assert cli("review", "1", "--clear").code == 0
    assert "review-after" not in _front(first)
    assert cli("review", "1", "--clear").code == 2  # nothing to clear


@pytest.mark.parametrize("args", [["1", "soonish"], ["1", "2026-02-30"], ["1", "2026-06-01", "--done"],
                                  ["1", "--note", "x"], ["1", "--clear", "6 months"]])
def test_review_usage_errors_change_nothing(log_dir, cli, args):
    assert cli("new", "Use PostgreSQL", "--status", "accepted").code == 0
    path = log_dir / "0001-use-postgresql.ipynb"
    raw = path.read_bytes()
    res = cli("review", *args)
    assert res.code == 2 and "Traceback" not in res.err and res.err.count("\n") == 1
    assert path.read_bytes() == raw


def test_a_bad_review_date_makes_due_fail_loudly(log_dir, cli):
    assert cli("new", "Use PostgreSQL", "--status", "accepted").code == 0
    path = log_dir / "0001-use-postgresql.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]).replace("---\ntitle", "---\nreview-by: someday\ntitle")
    path.write_text(json.dumps(nb))
    res = cli("due")
    assert res.code == 1 and "review-by 'someday' is not a date" in res.out
    assert cli("review", "1", "2027-01-01").code == 0
    assert cli("due").code == 0
