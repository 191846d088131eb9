//! BG/BB on the donations data (11,104 donors, 6 opportunities): the fit against Fader, Hardie
//! and Shang (2010) and lifetimes, predictions against lifetimes 0.11.3
//! (data/donations/lifetimes_bgbb.json, from scripts/reference/lifetimes_donations_bgbb.py).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::bgbb::{BgbbModel, BgbbObservation, Opportunities};
use clv_core::models::{StoredModel, WeightedObservation};
use serde_json::Value;

fn donations() -> Vec<BgbbObservation> {
    let csv = include_str!("../../data/donations/donations.csv");
    let mut obs: Vec<BgbbObservation> = csv
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<u32> = line.split(',').map(|v| v.parse().unwrap()).collect();
            BgbbObservation {
                customer: Opportunities { x: f[0], t_x: f[1], n: f[2] },
                weight: f64::from(f[3]),
            }
        })
        .collect();
    let n = BgbbObservation::merge_all(&mut obs, &|| {});
    obs.truncate(n);
    obs
}

fn reference() -> Value {
    serde_json::from_str(include_str!("../../data/donations/lifetimes_bgbb.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn fit_matches_fader_hardie_shang_2010_and_lifetimes() {
    let obs = donations();
    assert_eq!(obs.len(), 22);
    assert_eq!(obs.iter().map(|o| o.weight).sum::<f64>(), 11_104.0);
    let model = BgbbModel::fit(&obs, 0.0, (), FitOptions::default());
    let fit = model.fit.as_ref().unwrap();
    assert!(fit.converged);
    // Published: 1.204, 0.750, 0.657, 2.783 (three decimals); log-likelihood −33,225.6.
    for (got, published) in model.params.iter().zip([1.204, 0.750, 0.657, 2.783]) {
        assert!((got - published).abs() <= 0.0006, "{:?}", model.params);
    }
    assert!((fit.log_likelihood + 33_225.6).abs() < 0.05, "{}", fit.log_likelihood);
    // lifetimes' optimum, to its optimizer's tolerance.
    let lifetimes = reference();
    for (got, want) in model.params.iter().zip(floats(&lifetimes["fit"]["params"])) {
        assert!((got / want - 1.0).abs() < 1e-4, "{got} vs lifetimes {want}");
    }
    assert!(fit.log_likelihood >= lifetimes["fit"]["log_likelihood"].as_f64().unwrap() - 1e-6);
}

#[test]
fn predictions_match_lifetimes() {
    let r = reference();
    let model = BgbbModel { params: floats(&r["published_params"]).try_into().unwrap(), fit: None };
    let patterns: Vec<Opportunities> = r["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let v: Vec<u32> = p.as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
            Opportunities { x: v[0], t_x: v[1], n: v[2] }
        })
        .collect();
    type Prediction<'a> = &'a dyn Fn(&Opportunities) -> f64;
    let columns: [(&str, Prediction); 4] = [
        ("p_alive_next", &|c| model.p_alive(c)),
        ("p_alive_11_ahead", &|c| model.p_alive_ahead(c, 10)),
        ("expected_5", &|c| model.expected_purchases(c, 5)),
        ("expected_10", &|c| model.expected_purchases(c, 10)),
    ];
    for (name, ours) in columns {
        for (c, want) in patterns.iter().zip(floats(&r[name])) {
            let got = ours(c);
            assert!((got - want).abs() <= 1e-9 * want.abs(), "{name} {c:?}: {got} vs lifetimes {want}");
        }
    }
}
