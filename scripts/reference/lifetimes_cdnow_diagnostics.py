"""Regenerates data/cdnow/lifetimes_tracking.csv, data/cdnow/lifetimes_calibration_holdout.csv
and the model they use, data/cdnow/lifetimes_diagnostics_model.csv, with lifetimes 0.11.3
(which needs pandas < 2 for calibration_and_holdout_data).

A BG/NBD model fitted in days on the 39-week calibration (to 1997-09-30), then lifetimes'
diagnostics over the CDNOW transactions to 1998-06-30: the daily cumulative tracking
(`expected_cumulative_transactions`, freq='D') and the calibration/holdout table by number of
calibration repeat purchases (`calibration_and_holdout_data` with the model's conditional
expectations, as `plot_calibration_purchases_vs_holdout_purchases` averages them).
tests/pg_regress/sql/diagnostics.sql compares clv.purchase_tracking and pg_clv's predictions
with them, with the same parameters.

    python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes==0.11.3 "pandas==1.5.3" "numpy<2"
    /tmp/lt/bin/python scripts/reference/lifetimes_cdnow_diagnostics.py
"""
import pathlib

import pandas as pd
from lifetimes import BetaGeoFitter
from lifetimes.utils import calibration_and_holdout_data, expected_cumulative_transactions

root = pathlib.Path(__file__).resolve().parents[2]
orders = pd.read_csv(root / "data/cdnow/CDNOW_sample.txt", sep=r"\s+", header=None,
                     names=["original_id", "id", "date", "cds", "amount"], dtype={"date": str})
orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d")

summary = calibration_and_holdout_data(orders, "id", "date", calibration_period_end="1997-09-30",
                                       observation_period_end="1998-06-30", freq="D")
model = BetaGeoFitter().fit(summary["frequency_cal"], summary["recency_cal"], summary["T_cal"])
params = ",".join(f"{model.params_[k]:.17g}" for k in ["r", "alpha", "a", "b"])
(root / "data/cdnow/lifetimes_diagnostics_model.csv").write_text(f"r,alpha,a,b\n{params}\n")

days = (pd.Timestamp("1998-06-30") - orders["date"].min()).days
tracking = expected_cumulative_transactions(model, orders, "date", "id", days, freq="D", set_index_date=True)
with open(root / "data/cdnow/lifetimes_tracking.csv", "w") as f:
    f.write("day,actual_cumulative,predicted_cumulative\n")
    for day, row in tracking.iterrows():
        f.write(f"{day.strftime('%Y-%m-%d')},{int(row['actual'])},{row['predicted']:.17g}\n")

summary["predicted_holdout"] = model.conditional_expected_number_of_purchases_up_to_time(
    summary["duration_holdout"], summary["frequency_cal"], summary["recency_cal"], summary["T_cal"])
summary["x"] = summary["frequency_cal"].clip(upper=7).astype(int)
by_x = summary.groupby("x").agg(customers=("x", "size"), actual_holdout=("frequency_holdout", "mean"),
                                predicted_holdout=("predicted_holdout", "mean"))
with open(root / "data/cdnow/lifetimes_calibration_holdout.csv", "w") as f:
    f.write("x,customers,actual_holdout,predicted_holdout\n")
    for x, row in by_x.iterrows():
        f.write(f"{x},{int(row['customers'])},{row['actual_holdout']:.17g},{row['predicted_holdout']:.17g}\n")
print("written", len(tracking), "tracking days and", len(by_x), "calibration/holdout rows")
