"""Regenerates data/cdnow/lifetimes_models_days.json with lifetimes 0.11.3.

Fits BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter and GammaGammaFitter on the CDNOW
calibration summary in days (data/cdnow/lifetimes_summary_1997-09-30.csv) and records their
parameters and predictions for customers 1..25. core/tests/lifetimes_reference.rs checks
pg_clv's predictions against them, with the same parameters.

    /tmp/lt/bin/python scripts/reference/lifetimes_cdnow_models.py
"""
import json
import pathlib

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
from lifetimes.utils import _customer_lifetime_value

root = pathlib.Path(__file__).resolve().parents[2]
summary = pd.read_csv(root / "data/cdnow/lifetimes_summary_1997-09-30.csv", index_col="id")
x, t_x, T = summary["frequency"], summary["recency"], summary["T"]
sample = summary.loc[1:25]

out = {"horizon_days": 90, "customers": [], "models": {}}
fitters = {"bgnbd": BetaGeoFitter(), "mbgnbd": ModifiedBetaGeoFitter(), "pareto_nbd": ParetoNBDFitter()}
for name, fitter in fitters.items():
    fitter.fit(x, t_x, T)
    params = [float(v) for v in fitter.params_.values]
    predictions = {
        "p_alive": [float(v) for v in fitter.conditional_probability_alive(sample["frequency"], sample["recency"], sample["T"])],
        "expected_purchases": [
            float(v)
            for v in fitter.conditional_expected_number_of_purchases_up_to_time(90, sample["frequency"], sample["recency"], sample["T"])
        ],
    }
    if name == "pareto_nbd":
        predictions["prob_purchases"] = [
            [float(fitter.conditional_probability_of_n_purchases_up_to_time(n, 90, f, r, t)) for n in range(4)]
            for f, r, t in zip(sample["frequency"], sample["recency"], sample["T"])
        ]
    out["models"][name] = {"params": params, **predictions}

repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
out["gamma_gamma"] = {
    "params": [float(v) for v in gg.params_.values],
    "customers": int(len(repeat)),
    "expected_spend": [float(v) for v in gg.conditional_expected_average_profit(sample["frequency"], sample["monetary_value"])],
}
clv = _customer_lifetime_value(
    fitters["bgnbd"], sample["frequency"], sample["recency"], sample["T"],
    gg.conditional_expected_average_profit(sample["frequency"], sample["monetary_value"]),
    time=12, discount_rate=0.01, freq="D",
)
out["clv_bgnbd_12_months_1pct"] = [float(v) for v in clv]
out["customers"] = [
    {"id": int(i), "x": float(r.frequency), "t_x": float(r.recency), "T": float(r["T"]), "monetary_value": float(r.monetary_value)}
    for i, r in sample.iterrows()
]
(root / "data/cdnow/lifetimes_models_days.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps({k: v["params"] for k, v in out["models"].items()}), out["gamma_gamma"]["params"])
