"""core.live.alert_groups: the kept order equals sorting every group afresh."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.live import Alert
from core.live.alert_groups import AlertGroup, AlertGroups
from core.trading_calendar import EXCHANGE_TZ

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=EXCHANGE_TZ)


def _fresh_order(groups: AlertGroups) -> list[str]:
    """The order by its definition: most open critical, most open, newest, then key."""

    def key(g: AlertGroup) -> tuple[int, int, float, str]:
        latest = g.latest.at.timestamp() if g.latest is not None else 0.0
        return (-g.critical, -g.open, -latest, g.key)

    every = [g for k in sorted({*groups._groups}) if (g := groups.group(k)) is not None]
    return [g.key for g in sorted(every, key=key)]


steps = st.lists(
    st.one_of(
        # raise alerts: (account index, critical?, seconds after T0)
        st.lists(
            st.tuples(st.integers(0, 12), st.booleans(), st.integers(0, 50)),
            min_size=1,
            max_size=6,
        ).map(lambda a: ("add", a)),
        # acknowledge some of the ids raised so far (by position)
        st.lists(st.integers(0, 200), min_size=1, max_size=5).map(lambda a: ("ack", a)),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_kept_order_is_the_fresh_sort_after_every_change(script: list[tuple[str, list]]) -> None:  # type: ignore[type-arg]
    groups = AlertGroups()
    raised: list[int] = []
    next_id = 1
    for kind, items in script:
        if kind == "add":
            batch = []
            for account, critical, seconds in items:
                batch.append(
                    Alert(
                        alert_id=next_id,
                        at=T0 + timedelta(seconds=seconds),
                        kind="risk_level",
                        severity="critical" if critical else "warning",
                        message="",
                        account=f"A{account:02d}",
                    )
                )
                raised.append(next_id)
                next_id += 1
            groups.add(batch)
        elif raised:
            groups.acknowledge(raised[i % len(raised)] for i in items)
        first = [g.key for g in groups.ordered()]
        assert first == _fresh_order(groups)
        assert [g.key for g in groups.ordered()] == first  # unchanged: the same order
    ordered = groups.ordered()
    ordered.clear()  # a caller's list is its own
    assert len(groups.ordered()) == len(groups)
