//! Static covariates against CLVTools' published fits on its apparel data (data/apparel): the
//! Pareto/NBD of the "advanced techniques" vignette (CLVTools 0.12.1), 104 weeks of
//! estimation to 2006-12-31, Gender and Channel in both processes; with Gender constrained
//! equal in both; and with L2 regularization.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::btyd::{Kind, Model, Observation, Patterns, PROCESSES};
use clv_core::models::covariates::{CovariateSpec, Grouped};
use clv_core::models::WeightedObservation;
use clv_core::time::TimeUnit;
use serde_json::json;
use std::collections::BTreeMap;

mod common;
use common::apparel;

/// Fits Pareto/NBD with Gender and Channel in both processes under `options`.
fn fit(options: serde_json::Value) -> Model {
    let customers = apparel();
    let spec = CovariateSpec::parse(&options, &PROCESSES, &[2, 2]).unwrap();
    // One group per (gender, channel): both vectors end to end.
    let table: Vec<f64> = (0..4).flat_map(|g| [f64::from(g & 1), f64::from(g >> 1)].repeat(2)).collect();
    let mut observations: Vec<Grouped<Observation>> = customers
        .iter()
        .map(|(customer, [gender, channel])| Grouped {
            group: (*gender as u32) | ((*channel as u32) << 1),
            observation: Observation { customer: *customer, weight: 1.0 },
        })
        .collect();
    let n = Grouped::merge_all(&mut observations, &|| {});
    Model::fit_with_covariates(
        Kind::ParetoNbd,
        TimeUnit::Weeks,
        None,
        spec,
        &table,
        &observations[..n],
        FitOptions::default(),
    )
}

fn assert_relative(got: f64, want: f64, relative: f64, what: &str) {
    assert!((got - want).abs() <= relative * want.abs(), "{what}: {got}, CLVTools {want}");
}

/// Parameters and coefficients by name.
fn estimates(model: &Model) -> BTreeMap<String, f64> {
    let c = model.covariates.as_ref().unwrap();
    let base = Kind::ParetoNbd.param_names().iter().map(|n| n.to_string()).zip(model.params);
    base.chain(c.spec.coefficient_names().into_iter().zip(c.coefficients.iter().copied())).collect()
}

#[test]
fn the_fit_without_covariates_matches_the_apparel_readme() {
    let mut observations: Vec<Observation> =
        apparel().into_iter().map(|(customer, _)| Observation { customer, weight: 1.0 }).collect();
    let n = Observation::merge_all(&mut observations, &|| {});
    let patterns = Patterns::new(&observations[..n], &|| {});
    let m = Model::fit_patterns(Kind::ParetoNbd, TimeUnit::Weeks, None, &patterns, FitOptions::default());
    for (got, want) in m.params.iter().zip([1.4489768, 48.6360845, 0.5612598, 46.8843633]) {
        assert_relative(*got, want, 1e-4, "parameter");
    }
}

#[test]
fn gender_and_channel_in_both_processes_match_clvtools() {
    let m = fit(json!({"trans": ["Gender", "Channel"], "life": ["Gender", "Channel"]}));
    let fit = m.fit.as_ref().unwrap();
    assert!(fit.converged);
    assert!((fit.log_likelihood - -5821.0627).abs() <= 1e-3, "log-likelihood {}", fit.log_likelihood);
    let published = [
        ("r", 1.8378, 0.3455),
        ("alpha", 92.9123, 16.9670),
        ("s", 0.5920, 0.2609),
        ("beta", 49.6227, 36.2509),
        ("life.Gender", -0.6430, 0.2955),
        ("life.Channel", 0.7907, 0.3059),
        ("trans.Gender", 0.2859, 0.1041),
        ("trans.Channel", 0.6241, 0.1050),
    ];
    let got = estimates(&m);
    let c = m.covariates.as_ref().unwrap();
    let names = c.spec.coefficient_names();
    for (name, estimate, std_error) in published {
        assert_relative(got[name], estimate, 1e-2, name);
        let se = match names.iter().position(|n| n == name) {
            Some(i) => c.std_errors.as_ref().unwrap()[i],
            None => fit.std_errors[Kind::ParetoNbd.param_names().iter().position(|n| *n == name).unwrap()],
        };
        assert_relative(se, std_error, 2e-2, &format!("standard error of {name}"));
    }
}

#[test]
fn gender_constrained_equal_in_both_processes_matches_clvtools() {
    let m = fit(
        json!({"trans": ["Gender", "Channel"], "life": ["Gender", "Channel"], "constrained": ["Gender"]}),
    );
    let fit = m.fit.as_ref().unwrap();
    assert!(fit.converged);
    assert!((fit.log_likelihood - -5826.5342).abs() <= 1e-3, "log-likelihood {}", fit.log_likelihood);
    let got = estimates(&m);
    assert_eq!(got.len(), 7);
    for (name, estimate) in [
        ("r", 1.7939),
        ("alpha", 94.7223),
        ("s", 0.4287),
        ("beta", 59.0743),
        ("life.Channel", 1.0228),
        ("trans.Channel", 0.6384),
        ("constr.Gender", 0.3283),
    ] {
        assert_relative(got[name], estimate, 1e-2, name);
    }
}

/// CLVTools reports the minimized objective `−ln L / n + Σ λ γ·γ` as "LL" (−9.7313).
#[test]
fn l2_regularization_matches_clvtools() {
    let m = fit(json!({
        "trans": ["Gender", "Channel"], "life": ["Gender", "Channel"],
        "lambda": {"trans": 0.1, "life": 0.2}
    }));
    let fit = m.fit.as_ref().unwrap();
    let got = estimates(&m);
    let penalty = 0.1 * (got["trans.Gender"].powi(2) + got["trans.Channel"].powi(2))
        + 0.2 * (got["life.Gender"].powi(2) + got["life.Channel"].powi(2));
    let objective = -fit.log_likelihood / 600.0 + penalty;
    assert!((objective - 9.7313).abs() <= 1e-4, "objective {objective}");
    for (name, estimate) in [
        ("life.Gender", -0.04437),
        ("life.Channel", 0.02465),
        ("trans.Gender", 0.17178),
        ("trans.Channel", 0.23676),
    ] {
        assert_relative(got[name], estimate, 1e-2, name);
    }
}
