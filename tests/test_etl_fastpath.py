"""The plain-number fast path for amounts agrees exactly with the general Rupiah parser."""

from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from etl import parse
from etl.validate import _plain_amounts

cents = st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1)


@given(st.lists(cents, min_size=1, max_size=50), st.booleans())
def test_fast_path_equals_general_parser(values, two_decimals):
    texts = [f"{Decimal(v) / 100:.2f}" if two_decimals else str(v // 100) for v in values]
    series = pl.Series("x", texts + [" ", None])
    fast = _plain_amounts(series)
    assert fast is not None
    general = series.to_frame().select(parse.amount(pl.col("x"))).to_series()
    assert fast.to_list() == general.to_list()


def test_any_other_shape_takes_the_general_parser():
    assert _plain_amounts(pl.Series("x", ["1234.50", "Rp 1.234,50"])) is None
    assert _plain_amounts(pl.Series("x", ["1.234.567"])) is None
    assert _plain_amounts(pl.Series("x", ["12.345"])) is None  # 3 decimals: thousands? general
    assert _plain_amounts(pl.Series("x", [None, " "], dtype=pl.String)) is None
