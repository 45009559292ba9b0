"""Properties of ranking and sensitivity, checked on generated tables (hypothesis)."""
from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adrkit.core.tradeoff import Criterion, Option, Tradeoff


@st.composite
def tables(draw, weights=st.integers(0, 10)):
    n_crit = draw(st.integers(1, 6))
    n_opt = draw(st.integers(2, 6))
    crit = [f"c{j}" for j in range(n_crit)]
    ws = draw(st.lists(weights, min_size=n_crit, max_size=n_crit))
    assume(sum(ws) > 0)
    options = [Option(f"o{i}", scores={c: draw(st.integers(1, 5)) for c in crit}) for i in range(n_opt)]
    return Tradeoff(criteria=[Criterion(c, w) for c, w in zip(crit, ws)], options=options)


def _ranks(t: Tradeoff) -> list[tuple[str, int]]:
    return [(e.name, e.rank) for e in t.ranking()]


@settings(max_examples=300, deadline=None)
@given(tables(), st.floats(min_value=1e-3, max_value=1e4))
def test_scaling_all_weights_leaves_the_ranking_unchanged(t, factor):
    before = _ranks(t)
    for c in t.criteria:
        c.weight *= factor
    assert _ranks(t) == before


@settings(max_examples=300, deadline=None)
@given(tables())
def test_the_reported_flip_really_flips_and_a_smaller_change_does_not(t):
    sens = t.sensitivity()
    assume(sens.winner is not None)
    win = sens.winner
    for w in sens.weights:
        flip = w.flip
        if flip is None:
            # nothing flips it: try the weight from 0 to a thousand times its size
            for weight in (0, w.weight / 2, w.weight * 2 + 1, w.weight * 1000 + 1000):
                if weight == 0 and sum(c.weight for c in t.criteria) == w.weight:
                    continue  # every weight 0 is not a table
                assert win in t.with_weight(w.criterion, weight).ranking().winners
            continue
        target = w.weight + flip.change * (1 + 1e-6)
        if target < 0:  # past the root but not below 0
            target = (w.weight + flip.change) / 2
        beyond = t.with_weight(w.criterion, target).ranking()
        assert win not in beyond.winners
        assert beyond.of(flip.challenger).total > beyond.of(win).total
        at = t.with_weight(w.criterion, w.weight + flip.change).ranking()
        assert at.winner != win  # level: a tie, no sole winner
        # every smaller change, in either direction, leaves the winner alone
        for step in range(1, 21):
            size = abs(flip.change) * (1 - 1e-6) * step / 20
            for d in (size, -size):
                if w.weight + d < 0:
                    continue
                assert t.with_weight(w.criterion, w.weight + d).ranking().winner == win
        total = sum(c.weight for c in t.criteria)
        if w.percent is not None:
            assert abs(w.percent - flip.change / w.weight * 100) < 1e-9
            assert w.share is None and w.size == abs(w.percent)
        else:  # a zero weight, only ever raised: judged by its new share of the total
            assert w.weight == 0 and flip.change > 0
            assert abs(w.share - flip.change / (total + flip.change) * 100) < 1e-9
            assert w.size == w.share
    flipping = [w for w in sens.weights if w.flip is not None]
    if flipping:
        assert sens.most_sensitive.size == min(w.size for w in flipping)
    else:
        assert sens.most_sensitive is None


@settings(max_examples=200, deadline=None)
@given(tables(weights=st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=100))))
def test_flip_holds_for_fractional_and_zero_weights(t):
    sens = t.sensitivity()
    assume(sens.winner is not None and sens.margin > 1e-4)
    # Totals closer than 1e-9 count as a tie, so overshoot and fall short by 0.1 %.
    for w in sens.weights:
        if w.flip is None:
            continue
        target = w.weight + w.flip.change * (1 + 1e-3)
        if target < 0:  # past the root but not below 0
            target = (w.weight + w.flip.change) / 2
        beyond = t.with_weight(w.criterion, target).ranking()
        assert sens.winner not in beyond.winners
        short = t.with_weight(w.criterion, w.weight + w.flip.change * (1 - 1e-3)).ranking()
        assert short.winner == sens.winner


@settings(max_examples=200, deadline=None)
@given(tables())
def test_round_trip_through_the_dict_shape(t):
    assert Tradeoff.from_dict(t.to_dict()) == t
