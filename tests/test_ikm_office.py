"""The office view's IKM: the ratings up to the end of a week, this week's beside the last."""

from __future__ import annotations

import datetime as dt

from lentera.core import config
from lentera.services import ikm
from lentera.store import umpan_balik


def test_an_office_ikm_counts_only_its_ratings_up_to_the_day(store):
    today = dt.datetime.now(config.local_zone()).date()
    n = config.MIN_CASES_FOR_RANKING
    for i in range(n):
        umpan_balik.rate_service("pengaduan", "-", "1.03.01", 3 + (i % 2))
    umpan_balik.rate_service("pengaduan", "-", "2.07.01", 1)  # another office
    umpan_balik.rate_service("perizinan", "KTP-el", "1.03.01", 1)  # a service, not a complaint
    row = ikm.office_until("1.03.01", today)
    assert row["responden"] == n
    expected = sum(3 + (i % 2) for i in range(n)) / n * 25  # overall question only: × 25
    assert abs(row["nilai_ikm"] - expected) < 1e-9 and row["indikatif"]
    assert row["mutu"] == ikm.mutu(expected)
    assert ikm.office_until("1.03.01", today - dt.timedelta(days=1)) is None
    assert ikm.office_until("9.99.99", today) is None
