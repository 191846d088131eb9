//! The simulator and the fits agree: fitting BG/NBD and Gamma-Gamma to 100,000 simulated
//! customers recovers the parameters they were simulated with, within three standard errors.
//! This checks both sides at once: a biased simulator or a biased likelihood would fail it.
//! On the same data, fits that start from a sample's maximum (on several threads) end where
//! cold fits (on one thread) end.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::{maximize, FitOptions, Start};
use clv_core::models::btyd::{beta_geometric, pareto_nbd, Customer, Kind, Model, Observation, Patterns};
use clv_core::models::gamma_gamma::{SpendModel, SpendObservation};
use clv_core::models::{StoredModel, WeightedObservation};
use clv_core::simulate::{Population, Simulation};
use clv_core::time::TimeUnit;

const CUSTOMERS: u64 = 100_000;
/// CDNOW's shape: customers arrive over 12 weeks and are watched for 78.
const ACQUISITION_DAYS: f64 = 84.0;
const OBSERVED_DAYS: f64 = 546.0;

fn within_three_standard_errors(name: &str, got: f64, want: f64, std_error: f64) {
    assert!(std_error.is_finite() && std_error > 0.0, "{name}: standard error {std_error}");
    let z = (got - want) / std_error;
    assert!(z.abs() < 3.0, "{name}: fitted {got}, simulated with {want}, {z:.2} standard errors apart");
}

/// BTYD patterns (merged) and repeat buyers' spend (merged) of `customers` simulated customers.
fn simulate(customers: u64) -> (Patterns, Vec<SpendObservation>, f64) {
    let sim = Simulation::new(Population::CDNOW, 2026, ACQUISITION_DAYS, OBSERVED_DAYS)
        .expect("a valid population");
    let mut purchases = Vec::new();
    let mut spends = Vec::new();
    for id in 0..customers {
        let c = sim.customer(id).expect("CDNOW customers stay in range");
        let (first, last) = (c.orders[0].time, c.orders[c.orders.len() - 1].time);
        let x = (c.orders.len() - 1) as f64;
        let customer = Customer { x, t_x: last - first, t: OBSERVED_DAYS - first };
        purchases.push(Observation { customer, weight: 1.0 });
        if x > 0.0 {
            let mean_spend = c.orders[1..].iter().map(|o| o.amount).sum::<f64>() / x;
            spends.push(SpendObservation { x, mean_spend, weight: 1.0 });
        }
    }
    let one_time_buyers = (customers as usize - spends.len()) as f64;
    let n = Observation::merge_all(&mut purchases, &|| {});
    let m = SpendObservation::merge_all(&mut spends, &|| {});
    spends.truncate(m);
    (Patterns::new(&purchases[..n], &|| {}), spends, one_time_buyers)
}

#[test]
fn fits_recover_the_simulated_parameters() {
    let truth = Population::CDNOW;
    let (patterns, spends, one_time_buyers) = simulate(CUSTOMERS);
    let model = Model::fit_patterns(Kind::BgNbd, TimeUnit::Days, None, &patterns, FitOptions::default());
    let fit = model.fit.as_ref().unwrap();
    assert!(fit.converged);
    for (i, name) in Kind::BgNbd.param_names().iter().enumerate() {
        let want = [truth.r, truth.alpha, truth.a, truth.b][i];
        within_three_standard_errors(name, model.params[i], want, fit.std_errors[i]);
    }

    let spend = SpendModel::fit(&spends, one_time_buyers, None, FitOptions::default());
    let fit = spend.fit.as_ref().unwrap();
    assert!(fit.converged);
    for (i, name) in ["p", "q", "v"].iter().enumerate() {
        within_three_standard_errors(
            name,
            spend.params[i],
            [truth.p, truth.q, truth.v][i],
            fit.std_errors[i],
        );
    }
}

#[test]
fn warm_started_fits_find_the_cold_maximum() {
    let (patterns, _, _) = simulate(120_000);
    assert!(
        patterns.sample(clv_core::math::optimize::WARM_START_SAMPLE).is_some(),
        "enough patterns for a warm start"
    );
    let same = |kind: Kind, cold: Vec<f64>| {
        let options = FitOptions { threads: 3, ..FitOptions::default() };
        let warm = Model::fit_patterns(kind, TimeUnit::Days, None, &patterns, options);
        for (w, c) in warm.params.iter().zip(&cold) {
            assert!((w - c).abs() < 1e-6 * c, "{kind:?}: warm {:?}, cold {cold:?}", warm.params);
        }
    };
    let total = patterns.total_weight;
    let bg = beta_geometric::Likelihood::new(beta_geometric::Variant::Bg, &patterns, FitOptions::default());
    same(Kind::BgNbd, maximize(&bg, total, Start::at(patterns.start(Kind::BgNbd)), None, &|| ()).params);
    let pareto = pareto_nbd::Likelihood::new(&patterns, FitOptions::default());
    same(
        Kind::ParetoNbd,
        maximize(&pareto, total, Start::at(patterns.start(Kind::ParetoNbd)), None, &|| ()).params,
    );
}
