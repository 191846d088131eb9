//! Coverage of the covariate coefficients' 95% intervals (estimate ± 1.96 standard errors),
//! measured over 100 simulated worlds per model: customers with two binary covariates, simulated
//! with known effects ([`clv_core::simulate::Effects`]), fitted with those covariates. A share
//! near 95% says both that the fit is unbiased and that its standard errors are right.
//!
//! `cargo test --release --test covariate_coverage -- --nocapture` prints the shares.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::btyd::{Customer, Kind, Model, Observation, PROCESSES};
use clv_core::models::covariates::{CovariateModel, CovariateSpec, Grouped};
use clv_core::models::gamma_gamma::{self, SpendModel, SpendObservation};
use clv_core::models::WeightedObservation;
use clv_core::simulate::{Dropout, Effects, Population, SimulatedCustomer, Simulation};
use clv_core::time::TimeUnit;
use serde_json::json;

const WORLDS: u64 = 100;
const CUSTOMERS: u64 = 4_000;
/// Customers arrive over 12 weeks and are watched for 78, as in CDNOW.
const ACQUISITION_DAYS: f64 = 84.0;
const OBSERVED_DAYS: f64 = 546.0;

/// Two binary covariates; the group of a customer is their bits.
fn group(c: &SimulatedCustomer) -> u32 {
    (c.covariates[0] as u32) | ((c.covariates[1] as u32) << 1)
}

fn bits(g: u32) -> [f64; 2] {
    [f64::from(g & 1), f64::from(g >> 1)]
}

/// A world of `process` with these effects.
fn world(population: Population, process: Dropout, effects: &Effects, seed: u64) -> Vec<SimulatedCustomer> {
    let sim = Simulation::new(population, seed, ACQUISITION_DAYS, OBSERVED_DAYS)
        .and_then(|s| s.with(process, effects.clone()))
        .unwrap();
    (0..CUSTOMERS).map(|id| sim.customer(id).unwrap()).collect()
}

fn purchase_fit(kind: Kind, customers: &[SimulatedCustomer]) -> Model {
    let mut observations: Vec<Grouped<Observation>> = customers
        .iter()
        .map(|c| {
            let (first, last) = (c.orders[0].time, c.orders[c.orders.len() - 1].time);
            let customer =
                Customer { x: (c.orders.len() - 1) as f64, t_x: last - first, t: OBSERVED_DAYS - first };
            Grouped { group: group(c), observation: Observation { customer, weight: 1.0 } }
        })
        .collect();
    let n = Grouped::merge_all(&mut observations, &|| {});
    let spec =
        CovariateSpec::parse(&json!({"trans": ["z1", "z2"], "life": ["z1", "z2"]}), &PROCESSES, &[2, 2])
            .unwrap();
    let table: Vec<f64> = (0..4).flat_map(|g| bits(g).repeat(2)).collect();
    Model::fit_with_covariates(
        kind,
        TimeUnit::Days,
        None,
        spec,
        &table,
        &observations[..n],
        FitOptions::default(),
    )
}

fn spend_fit(customers: &[SimulatedCustomer]) -> SpendModel {
    let mut observations: Vec<Grouped<SpendObservation>> = customers
        .iter()
        .filter(|c| c.orders.len() > 1)
        .map(|c| {
            let x = (c.orders.len() - 1) as f64;
            let mean_spend = c.orders[1..].iter().map(|o| o.amount).sum::<f64>() / x;
            Grouped { group: group(c), observation: SpendObservation { x, mean_spend, weight: 1.0 } }
        })
        .collect();
    let excluded = (customers.len() - observations.len()) as f64;
    let n = Grouped::merge_all(&mut observations, &|| {});
    let spec = CovariateSpec::parse(&json!({"spend": ["z1", "z2"]}), &gamma_gamma::PROCESSES, &[2]).unwrap();
    let table: Vec<f64> = (0..4).flat_map(bits).collect();
    SpendModel::fit_with_covariates(None, spec, &table, &observations[..n], excluded, FitOptions::default())
}

/// Per coefficient, how many of the worlds' 95% intervals hold the truth; and the fits that
/// converged.
struct Coverage {
    names: Vec<String>,
    covered: Vec<u32>,
    converged: u32,
}

impl Coverage {
    fn add(&mut self, fit: &CovariateModel, converged: bool, truth: &[f64]) {
        self.names = fit.spec.coefficient_names();
        self.covered.resize(truth.len(), 0);
        let errors = fit.std_errors.as_ref().unwrap();
        for (i, want) in truth.iter().enumerate() {
            if (fit.coefficients[i] - want).abs() <= 1.96 * errors[i] {
                self.covered[i] += 1;
            }
        }
        self.converged += u32::from(converged);
    }

    /// Every share within about three binomial standard errors (2.2 points at 100 worlds) of
    /// 95%, every fit converged.
    fn check(&self, model: &str) {
        for (name, covered) in self.names.iter().zip(&self.covered) {
            let share = f64::from(*covered) / WORLDS as f64;
            println!(
                "{model} {name}: {covered} of {WORLDS} intervals hold the truth ({:.0}%)",
                share * 100.0
            );
            assert!((0.88..=1.0).contains(&share), "{model} {name}: coverage {share}");
        }
        assert_eq!(self.converged as u64, WORLDS, "{model}: fits that converged");
    }
}

fn coverage() -> Coverage {
    Coverage { names: Vec::new(), covered: Vec::new(), converged: 0 }
}

/// Effects in the order of the coefficients: trans.z1, trans.z2, life.z1, life.z2.
fn purchase_coverage(kind: Kind, population: Population, process: Dropout, effects: Effects) {
    let truth: Vec<f64> = [&effects.transaction, &effects.dropout].into_iter().flatten().copied().collect();
    let mut c = coverage();
    for w in 0..WORLDS {
        let fit = purchase_fit(kind, &world(population, process, &effects, 1000 + w));
        c.add(fit.covariates.as_ref().unwrap(), fit.fit.as_ref().unwrap().converged, &truth);
    }
    c.check(kind.name());
}

#[test]
fn pareto_nbd_intervals_cover_the_true_coefficients() {
    let population = Population { r: 0.55, alpha: 74.0, ..Population::CDNOW };
    let effects = Effects { transaction: vec![0.4, -0.3], dropout: vec![0.5, -0.4], spend: vec![] };
    purchase_coverage(Kind::ParetoNbd, population, Dropout::ParetoNbd { s: 0.6, beta: 80.0 }, effects);
}

#[test]
fn bgnbd_intervals_cover_the_true_coefficients() {
    let effects = Effects { transaction: vec![0.4, -0.3], dropout: vec![0.5, -0.4], spend: vec![] };
    purchase_coverage(Kind::BgNbd, Population::CDNOW, Dropout::BgNbd, effects);
}

#[test]
fn mbgnbd_intervals_cover_the_true_coefficients() {
    let effects = Effects { transaction: vec![0.4, -0.3], dropout: vec![0.5, -0.4], spend: vec![] };
    purchase_coverage(Kind::MbgNbd, Population::CDNOW, Dropout::MbgNbd, effects);
}

#[test]
fn gamma_gamma_intervals_cover_the_true_coefficients() {
    let effects = Effects { transaction: vec![], dropout: vec![], spend: vec![0.3, -0.2] };
    let mut c = coverage();
    for w in 0..WORLDS {
        let fit = spend_fit(&world(Population::CDNOW, Dropout::BgNbd, &effects, 2000 + w));
        c.add(fit.covariates.as_ref().unwrap(), fit.fit.as_ref().unwrap().converged, &effects.spend);
    }
    c.check("gamma_gamma");
}
