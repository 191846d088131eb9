//! pg_clv's models against lifetimes 0.11.3 on the CDNOW calibration period in days
//! (data/cdnow/lifetimes_models_days.json, made by scripts/reference/lifetimes_cdnow_models.py):
//! the same predictions from the same parameters, and the same parameters from the same data.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::btyd::{Customer, Kind, Model, Observation, Patterns};
use clv_core::models::gamma_gamma::{SpendModel, SpendObservation};
use clv_core::models::value::customer_value;
use clv_core::models::{StoredModel, WeightedObservation};
use clv_core::time::TimeUnit;
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("../../data/cdnow/lifetimes_models_days.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn customers(r: &Value) -> Vec<(Customer, f64)> {
    r["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                Customer {
                    x: c["x"].as_f64().unwrap(),
                    t_x: c["t_x"].as_f64().unwrap(),
                    t: c["T"].as_f64().unwrap(),
                },
                c["monetary_value"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn lifetimes_model(r: &Value, kind: Kind) -> Model {
    let params: [f64; 4] = floats(&r["models"][kind.name()]["params"]).try_into().unwrap();
    Model { kind, params, unit: TimeUnit::Days, as_of: None, fit: None, covariates: None, covariance: None }
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-12)
}

/// data/cdnow/lifetimes_summary_1997-09-30.csv: id, frequency, recency, T (days), monetary_value.
fn summary_rows() -> Vec<[f64; 4]> {
    include_str!("../../data/cdnow/lifetimes_summary_1997-09-30.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').skip(1).map(|v| v.parse().unwrap()).collect();
            [f[0], f[1], f[2], f[3]]
        })
        .collect()
}

#[test]
fn same_predictions_from_the_same_parameters() {
    let r = reference();
    let horizon = r["horizon_days"].as_f64().unwrap();
    for kind in [Kind::BgNbd, Kind::MbgNbd, Kind::ParetoNbd] {
        let model = lifetimes_model(&r, kind);
        let want = &r["models"][kind.name()];
        for (i, (c, _)) in customers(&r).iter().enumerate() {
            let (alive, expected) = (floats(&want["p_alive"])[i], floats(&want["expected_purchases"])[i]);
            assert!(
                close(model.p_alive(c), alive, 1e-10),
                "{kind:?} customer {i}: P(alive) {} vs {alive}",
                model.p_alive(c)
            );
            let e = model.expected_purchases(c, horizon);
            assert!(close(e, expected, 1e-9), "{kind:?} customer {i}: E[Y] {e} vs {expected}");
        }
    }
}

#[test]
fn same_pareto_nbd_purchase_probabilities() {
    let r = reference();
    let model = lifetimes_model(&r, Kind::ParetoNbd);
    let horizon = r["horizon_days"].as_f64().unwrap();
    let want = r["models"]["pareto_nbd"]["prob_purchases"].as_array().unwrap();
    for (i, (c, _)) in customers(&r).iter().enumerate() {
        for (n, p) in floats(&want[i]).into_iter().enumerate() {
            let got = model.prob_purchases(c, n as u32, horizon);
            assert!(close(got, p, 1e-8), "customer {i}, n = {n}: {got} vs {p}");
        }
    }
}

#[test]
fn same_parameters_from_the_same_data() {
    let r = reference();
    let mut obs: Vec<Observation> = summary_rows()
        .iter()
        .map(|f| Observation { customer: Customer { x: f[0], t_x: f[1], t: f[2] }, weight: 1.0 })
        .collect();
    let n = Observation::merge_all(&mut obs, &|| {});
    let patterns = Patterns::new(&obs[..n], &|| {});
    for kind in [Kind::BgNbd, Kind::MbgNbd, Kind::ParetoNbd] {
        let ours = Model::fit_patterns(kind, TimeUnit::Days, None, &patterns, FitOptions::default());
        let theirs = lifetimes_model(&r, kind);
        for (got, want) in ours.params.iter().zip(theirs.params) {
            assert!(close(*got, want, 0.001), "{kind:?}: {:?} vs lifetimes {:?}", ours.params, theirs.params);
        }
        // Where they differ, ours is at least as likely.
        assert!(
            ours.fit.as_ref().unwrap().log_likelihood >= theirs.log_likelihood(&patterns) - 1e-6,
            "{kind:?}"
        );
    }
}

#[test]
fn gamma_gamma_and_customer_value_match() {
    let r = reference();
    let mut obs: Vec<SpendObservation> = summary_rows()
        .iter()
        .filter(|f| f[0] > 0.0 && f[3] > 0.0)
        .map(|f| SpendObservation { x: f[0], mean_spend: f[3], weight: 1.0 })
        .collect();
    assert_eq!(obs.len() as u64, r["gamma_gamma"]["customers"].as_u64().unwrap());
    let n = SpendObservation::merge_all(&mut obs, &|| {});
    let ours = SpendModel::fit(&obs[..n], 2357.0 - 946.0, None, FitOptions::default());
    let theirs = floats(&r["gamma_gamma"]["params"]);
    for ((got, lifetimes), published) in ours.params.iter().zip(&theirs).zip([6.25, 3.74, 15.44]) {
        assert!(close(*got, *lifetimes, 0.001), "{:?} vs lifetimes {theirs:?}", ours.params);
        assert!(close(*got, published, 0.005), "{:?} vs published (6.25, 3.74, 15.44)", ours.params);
    }
    let spend_model = SpendModel {
        params: theirs.try_into().unwrap(),
        as_of: None,
        fit: None,
        covariates: None,
        covariance: None,
    };
    let bgnbd = lifetimes_model(&r, Kind::BgNbd);
    let (spend, clv) = (floats(&r["gamma_gamma"]["expected_spend"]), floats(&r["clv_bgnbd_12_months_1pct"]));
    for (i, (c, mean)) in customers(&r).iter().enumerate() {
        let expected = spend_model.expected_spend(c.x, *mean).unwrap();
        assert!(close(expected, spend[i], 1e-12), "customer {i}: spend {expected} vs {}", spend[i]);
        let value = customer_value(&bgnbd, c, expected, 12, 0.01, &|| {});
        assert!(close(value, clv[i], 1e-9), "customer {i}: CLV {value} vs {}", clv[i]);
    }
}
