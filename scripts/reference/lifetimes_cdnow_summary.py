"""Regenerates data/cdnow/lifetimes_summary_1997-09-30.csv with lifetimes 0.11.3.

The per-customer summary that lifetimes computes from the CDNOW transactions for the
39-week calibration period (observation end 1997-09-30, freq='D'), including
monetary_value. tests/pg_regress/sql/cdnow_lifetimes.sql compares clv.customer_summary
with it for every customer.

    python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes==0.11.3
    /tmp/lt/bin/python scripts/reference/lifetimes_cdnow_summary.py
"""
import pathlib

import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

root = pathlib.Path(__file__).resolve().parents[2]
orders = pd.read_csv(
    root / "data/cdnow/CDNOW_sample.txt",
    sep=r"\s+",
    header=None,
    names=["original_id", "id", "date", "cds", "amount"],
    dtype={"date": str},
)
orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d")
summary = summary_data_from_transaction_data(
    orders, "id", "date", monetary_value_col="amount", observation_period_end="1997-09-30", freq="D"
)
summary.index.name = "id"
summary.sort_index().to_csv(root / "data/cdnow/lifetimes_summary_1997-09-30.csv", float_format="%.17g")
print(len(summary), "customers written")
