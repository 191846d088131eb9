"""The Python side of the benchmark: lifetimes 0.11.3 doing what pg_clv does, timed.
Run by scripts/bench.py with the private virtual environment's python; prints one JSON
object. Loading the CSV files is not timed (only the work the libraries do).

    python bench_lifetimes.py fit bgnbd|pareto_nbd|gamma_gamma CSV
    python bench_lifetimes.py pipeline ORDERS_CSV AS_OF OUTPUT_CSV
"""
import json
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data

FITTERS = {"bgnbd": BetaGeoFitter, "pareto_nbd": ParetoNBDFitter}


def fit(kind, path):
    """CSV columns frequency, recency, T (days) or, for gamma_gamma, frequency, monetary_value."""
    data = pd.read_csv(path)
    start = time.perf_counter()
    if kind == "gamma_gamma":
        fitter = GammaGammaFitter()
        fitter.fit(data["frequency"], data["monetary_value"])
    else:
        fitter = FITTERS[kind]()
        fitter.fit(data["frequency"], data["recency"], data["T"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "params": {k: float(v) for k, v in fitter.params_.items()}}


def pipeline(orders_path, as_of, output_path):
    """Orders to a scored table, the way the lifetimes documentation does it: summary, BG/NBD
    and Gamma-Gamma fits, P(alive), expected purchases in 90 days, expected spend, 12-month
    CLV, written to CSV."""
    orders = pd.read_csv(orders_path, parse_dates=["ordered_at"])
    steps = {}
    start = time.perf_counter()
    summary = summary_data_from_transaction_data(
        orders, "customer_id", "ordered_at", monetary_value_col="amount", observation_period_end=as_of, freq="D"
    )
    steps["summary"] = time.perf_counter() - start
    bgf = BetaGeoFitter()
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter()
    ggf.fit(repeat["frequency"], repeat["monetary_value"])
    steps["fit"] = time.perf_counter() - start - steps["summary"]
    summary["p_alive"] = bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    summary["expected_purchases_90d"] = bgf.conditional_expected_number_of_purchases_up_to_time(
        90, summary["frequency"], summary["recency"], summary["T"]
    )
    summary["expected_spend"] = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    summary["clv_12m"] = ggf.customer_lifetime_value(
        bgf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
        time=12, discount_rate=0.01, freq="D",
    )
    summary.to_csv(output_path)
    steps["score_and_write"] = time.perf_counter() - start - steps["summary"] - steps["fit"]
    return {"seconds": time.perf_counter() - start, "steps": steps, "customers": len(summary)}


if __name__ == "__main__":
    task = sys.argv[1]
    result = fit(*sys.argv[2:4]) if task == "fit" else pipeline(*sys.argv[2:5])
    print(json.dumps(result))
