//! The BTYD models against published values on the CDNOW sample (2,357 customers, 39-week
//! calibration, weeks), and properties every model must have.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::{FitOptions, LogLikelihood};
use clv_core::models::btyd::{Customer, Kind, Model, Observation, Patterns};
use clv_core::models::WeightedObservation;
use clv_core::time::TimeUnit;

/// data/cdnow/cdnow_customers_summary.csv: ID, frequency (x), recency (t_x), T, in weeks.
fn cdnow_patterns() -> Patterns {
    let csv = include_str!("../../data/cdnow/cdnow_customers_summary.csv");
    let mut obs: Vec<Observation> = csv
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().expect("a number")).collect();
            Observation { customer: Customer { x: f[1], t_x: f[2], t: f[3] }, weight: 1.0 }
        })
        .collect();
    assert_eq!(obs.len(), 2357);
    let n = Observation::merge_all(&mut obs, &|| {});
    Patterns::new(&obs[..n], &|| {})
}

fn assert_within(got: f64, want: f64, relative: f64, what: &str) {
    assert!(
        (got - want).abs() <= relative * want.abs(),
        "{what}: {got}, published {want} (±{}%)",
        relative * 100.0
    );
}

fn model(kind: Kind, params: [f64; 4]) -> Model {
    Model { kind, params, unit: TimeUnit::Weeks, as_of: None, fit: None, covariates: None, covariance: None }
}

#[test]
fn bgnbd_fit_matches_fader_hardie_lee_2005() {
    let m = Model::fit_patterns(Kind::BgNbd, TimeUnit::Weeks, None, &cdnow_patterns(), FitOptions::default());
    let fit = m.fit.as_ref().unwrap();
    assert!(fit.converged);
    for (got, want, name) in m
        .params
        .iter()
        .zip([0.2425945, 4.4136019, 0.7929199, 2.4258881])
        .zip(["r", "alpha", "a", "b"])
        .map(|((g, w), n)| (*g, w, n))
    {
        assert_within(got, want, 0.001, name);
    }
    assert!((fit.log_likelihood - -9582.43).abs() <= 0.01, "log-likelihood {}", fit.log_likelihood);
    for (got, want) in fit.std_errors.iter().zip([0.01256, 0.3782, 0.1857, 0.7053]) {
        assert_within(*got, want, 0.02, "standard error");
    }
    assert_eq!(fit.customers, 2357.0);
}

#[test]
fn bgnbd_predictions_match_the_paper() {
    let m = model(Kind::BgNbd, [0.2425945, 4.4136019, 0.7929199, 2.4258881]);
    let c = Customer { x: 2.0, t_x: 30.43, t: 38.86 };
    assert_within(m.expected_purchases(&c, 39.0), 1.226, 0.0005, "E[Y(39)]");
    assert_within(m.p_alive(&c), 0.7266, 0.0001, "P(alive)");
}

#[test]
fn pareto_nbd_fit_matches_the_literature() {
    let m =
        Model::fit_patterns(Kind::ParetoNbd, TimeUnit::Weeks, None, &cdnow_patterns(), FitOptions::default());
    let fit = m.fit.as_ref().unwrap();
    assert!(fit.converged);
    assert!((fit.log_likelihood - -9594.98).abs() <= 0.01, "log-likelihood {}", fit.log_likelihood);
    for (got, want) in m.params.iter().zip([0.5532, 10.576, 0.6062, 11.672]) {
        assert_within(*got, want, 0.005, "parameter");
    }
}

#[test]
fn pareto_nbd_predictions_match_the_literature() {
    let m = model(Kind::ParetoNbd, [0.5534, 10.5802, 0.6061, 11.6562]);
    let c = Customer { x: 26.0, t_x: 30.86, t: 31.0 };
    assert_within(m.p_alive(&c), 0.9979, 0.0001, "P(alive)");
    assert_within(m.expected_purchases(&c, 52.0), 25.46, 0.0005, "E[Y(52)]");
}

#[test]
fn mbgnbd_fit_matches_btydplus() {
    let m =
        Model::fit_patterns(Kind::MbgNbd, TimeUnit::Weeks, None, &cdnow_patterns(), FitOptions::default());
    assert!(m.fit.as_ref().unwrap().converged);
    for (got, want) in m.params.iter().zip([0.525, 6.183, 0.891, 1.614]) {
        assert_within(*got, want, 0.005, "parameter");
    }
}

/// Analytic gradients equal central finite differences.
#[test]
fn gradients_are_the_derivatives_of_the_likelihoods() {
    let patterns = cdnow_patterns();
    for (kind, params) in [
        (Kind::BgNbd, [0.3, 5.0, 0.7, 2.5]),
        (Kind::MbgNbd, [0.5, 6.0, 0.9, 1.6]),
        (Kind::ParetoNbd, [0.55, 10.6, 0.6, 11.7]),
        (Kind::ParetoNbd, [0.8, 9.0, 1.4, 4.0]),
    ] {
        let ll = |p: [f64; 4]| model(kind, p).log_likelihood(&patterns);
        let (_, gradient) = match kind {
            Kind::ParetoNbd => {
                clv_core::models::btyd::pareto_nbd::Likelihood::new(&patterns, FitOptions::default())
                    .value_and_gradient(&params)
            }
            _ => {
                let variant = if kind == Kind::BgNbd {
                    clv_core::models::btyd::beta_geometric::Variant::Bg
                } else {
                    clv_core::models::btyd::beta_geometric::Variant::Mbg
                };
                clv_core::models::btyd::beta_geometric::Likelihood::new(
                    variant,
                    &patterns,
                    FitOptions::default(),
                )
                .value_and_gradient(&params)
            }
        };
        for i in 0..4 {
            let h = 1e-6 * params[i];
            let (mut up, mut down) = (params, params);
            up[i] += h;
            down[i] -= h;
            let numeric = (ll(up) - ll(down)) / (2.0 * h);
            assert!(
                (gradient[i] - numeric).abs() <= 1e-5 * numeric.abs().max(1.0),
                "{kind:?} d/d{i}: {} vs {numeric}",
                gradient[i]
            );
        }
    }
}

/// The distribution of future purchases sums to one, and its mean is the expected number of
/// purchases: two independent derivations (incomplete beta or quadrature vs ₂F₁) agree.
#[test]
fn purchase_distributions_are_consistent_with_expectations() {
    let models = [
        model(Kind::BgNbd, [0.2425945, 4.4136019, 0.7929199, 2.4258881]),
        model(Kind::MbgNbd, [0.525, 6.183, 0.891, 1.614]),
        model(Kind::ParetoNbd, [0.5534, 10.5802, 0.6061, 11.6562]),
    ];
    let customers = [
        Customer { x: 0.0, t_x: 0.0, t: 38.86 },
        Customer { x: 2.0, t_x: 30.43, t: 38.86 },
        Customer { x: 7.0, t_x: 35.0, t: 36.0 },
    ];
    for m in &models {
        for c in &customers {
            let horizon = 26.0;
            let probabilities: Vec<f64> = (0..400).map(|n| m.prob_purchases(c, n, horizon)).collect();
            let total: f64 = probabilities.iter().sum();
            let mean: f64 = probabilities.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
            assert!((total - 1.0).abs() < 1e-9, "{:?} {c:?}: probabilities sum to {total}", m.kind);
            let expected = m.expected_purchases(c, horizon);
            assert!(
                (mean - expected).abs() < 1e-8 * expected.max(1e-3),
                "{:?} {c:?}: mean {mean} vs {expected}",
                m.kind
            );
        }
    }
}

#[test]
fn extreme_inputs_give_finite_sensible_values() {
    let models = [
        model(Kind::BgNbd, [0.2425945, 4.4136019, 0.7929199, 2.4258881]),
        model(Kind::MbgNbd, [0.525, 6.183, 0.891, 1.614]),
        model(Kind::ParetoNbd, [0.5534, 10.5802, 0.6061, 11.6562]),
        // a = 1 exactly (a removable singularity of the BG/NBD expectation) and α < β.
        model(Kind::BgNbd, [0.5, 3.0, 1.0, 2.0]),
        model(Kind::ParetoNbd, [0.5, 3.0, 0.8, 40.0]),
    ];
    let customers = [
        Customer { x: 1000.0, t_x: 38.0, t: 39.0 },
        Customer { x: 0.0, t_x: 0.0, t: 1e-6 },
        Customer { x: 5.0, t_x: 20.0, t: 20.0 },
        Customer { x: 0.0, t_x: 0.0, t: 0.0 },
        Customer { x: 3.0, t_x: 0.5, t: 5000.0 },
    ];
    for m in &models {
        for c in &customers {
            let alive = m.p_alive(c);
            assert!((0.0..=1.0).contains(&alive), "{:?} {c:?}: P(alive) {alive}", m.kind);
            for horizon in [1e-6, 1.0, 52.0, 5200.0] {
                let e = m.expected_purchases(c, horizon);
                let p0 = m.prob_purchases(c, 0, horizon);
                assert!(e.is_finite() && e >= 0.0, "{:?} {c:?} t={horizon}: E = {e}", m.kind);
                assert!((0.0..=1.0 + 1e-12).contains(&p0), "{:?} {c:?} t={horizon}: P0 = {p0}", m.kind);
            }
        }
    }
    // A customer who bought on 1000 days and just bought again is almost surely alive and
    // keeps buying at their pace; the same customer silent for a week (at ~26 purchases a
    // week) is almost surely gone.
    let just_bought = Customer { x: 1000.0, t_x: 39.0, t: 39.0 };
    let silent = Customer { x: 1000.0, t_x: 38.0, t: 39.0 };
    for m in &models[..3] {
        assert!(m.p_alive(&just_bought) > 0.99, "{:?}", m.kind);
        assert!(m.expected_purchases(&just_bought, 1.0) > 10.0, "{:?}", m.kind);
        assert!(m.p_alive(&silent) < 0.01, "{:?}", m.kind);
    }
}

#[test]
fn median_time_to_next_purchase() {
    let m = model(Kind::BgNbd, [0.2425945, 4.4136019, 0.7929199, 2.4258881]);
    let c = Customer { x: 7.0, t_x: 35.0, t: 36.0 };
    let t = m.median_time_to_next_purchase(&c, &|| {}).unwrap();
    assert!((m.prob_purchases(&c, 0, t) - 0.5).abs() < 1e-9);
    // Under BG/NBD a one-time buyer is never lost (P(alive) = 1), so a median exists however
    // far; under Pareto/NBD one who has been silent since week 0 is more likely never to return.
    let one_time = Customer { x: 0.0, t_x: 0.0, t: 38.86 };
    assert!(m.median_time_to_next_purchase(&one_time, &|| {}).unwrap() > 500.0);
    let pareto = model(Kind::ParetoNbd, [0.5534, 10.5802, 0.6061, 11.6562]);
    assert!(pareto.p_alive(&one_time) < 0.5);
    assert_eq!(pareto.median_time_to_next_purchase(&one_time, &|| {}), None);
}

/// Data that cannot identify a model are reported as not converged, never as a fit.
#[test]
fn degenerate_data_do_not_converge() {
    let patterns = |rows: &[(f64, f64, f64)]| {
        let mut obs: Vec<Observation> = rows
            .iter()
            .map(|&(x, t_x, t)| Observation { customer: Customer { x, t_x, t }, weight: 1.0 })
            .collect();
        let n = Observation::merge_all(&mut obs, &|| {});
        Patterns::new(&obs[..n], &|| {})
    };
    let one_time_buyers: Vec<_> = (1..=100).map(|t| (0.0, 0.0, f64::from(t))).collect();
    let single = [(3.0, 10.0, 20.0)];
    for kind in [Kind::BgNbd, Kind::MbgNbd, Kind::ParetoNbd] {
        for data in [&one_time_buyers[..], &single[..]] {
            let m = Model::fit_patterns(kind, TimeUnit::Days, None, &patterns(data), FitOptions::default());
            let fit = m.fit.unwrap();
            assert!(!fit.converged, "{kind:?} on {} customers: {:?}", data.len(), m.params);
            assert!(m.params.iter().all(|p| p.is_finite() && *p > 0.0) && fit.log_likelihood.is_finite());
        }
    }
}
