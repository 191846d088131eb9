//! The distribution of a customer's future purchases (`prob_purchases`, `purchases_quantile`)
//! against the outside world: in simulated worlds of the true model, a customer's holdout
//! purchases fall inside their 90% predictive interval as often as the interval says; on
//! CDNOW's holdout, each model's share and the histogram of the probability integral transform
//! (PIT) show how well it is calibrated on real data.
//!
//! A count is discrete: the interval from the 5% to the 95% quantile holds the count with
//! probability at least 90%, usually more (a customer who will most likely not buy has the
//! interval [0, 0], which holds them with their P(no purchase), often 95% or more). The
//! calibration itself is measured with the randomized PIT, `F(y − 1) + V·P(y)` with V uniform:
//! uniform on (0, 1) exactly when the distribution is right, so that 90% of customers have it
//! within (0.05, 0.95).
//!
//! `cargo test --release --test predictive_distribution -- --nocapture` prints the numbers.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::bgbb::{BgbbModel, Opportunities};
use clv_core::models::btyd::{Customer, Kind, Model, Observation, Patterns};
use clv_core::models::WeightedObservation;
use clv_core::simulate::{Dropout, Population, SimulatedOrder, Simulation};
use clv_core::time::TimeUnit;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use statrs::distribution::Beta;

/// How a count `y` sits in its predicted distribution `pmf`.
struct Calibration {
    customers: u32,
    /// Inside the interval from the 5% to the 95% quantile.
    inside: u32,
    /// Randomized PIT within (0.05, 0.95).
    pit_inside: u32,
    /// Randomized PIT by tenths.
    histogram: [u32; 10],
}

impl Calibration {
    fn new() -> Self {
        Self { customers: 0, inside: 0, pit_inside: 0, histogram: [0; 10] }
    }

    fn add(
        &mut self,
        pmf: impl Fn(u32) -> f64,
        quantile: impl Fn(f64) -> u32,
        y: u32,
        rng: &mut Xoshiro256PlusPlus,
    ) {
        let below: f64 = (0..y).map(&pmf).sum();
        let pit = (below + rng.random::<f64>() * pmf(y)).clamp(0.0, 1.0 - 1e-12);
        self.customers += 1;
        self.inside += u32::from(quantile(0.05) <= y && y <= quantile(0.95));
        self.pit_inside += u32::from((0.05..0.95).contains(&pit));
        self.histogram[(pit * 10.0) as usize] += 1;
    }

    fn shares(&self, what: &str) -> (f64, f64) {
        let share = |n: u32| f64::from(n) / f64::from(self.customers);
        let histogram: Vec<String> = self.histogram.iter().map(|n| format!("{:.3}", share(*n))).collect();
        println!(
            "{what}: {} customers; inside the 90% interval {:.1}%; randomized PIT within (0.05, 0.95) {:.1}%; PIT by tenths [{}]",
            self.customers,
            100.0 * share(self.inside),
            100.0 * share(self.pit_inside),
            histogram.join(", ")
        );
        (share(self.inside), share(self.pit_inside))
    }
}

const CUSTOMERS: u64 = 20_000;
const CALIBRATION_DAYS: f64 = 273.0;
const OBSERVED_DAYS: f64 = 546.0;

/// Customers of a simulated world of the true model, watched for 39 weeks and then 39 more:
/// their calibration history and holdout purchases, scored by the true model.
fn simulated_world(kind: Kind, population: Population, dropout: Dropout, params: [f64; 4]) -> (f64, f64) {
    let sim = Simulation::new(population, 77, 84.0, OBSERVED_DAYS)
        .and_then(|s| s.with(dropout, Default::default()))
        .unwrap();
    let model = Model {
        kind,
        params,
        unit: TimeUnit::Days,
        as_of: None,
        fit: None,
        covariates: None,
        covariance: None,
    };
    let horizon = OBSERVED_DAYS - CALIBRATION_DAYS;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut calibration = Calibration::new();
    for id in 0..CUSTOMERS {
        let orders = sim.customer(id).unwrap().orders;
        let (seen, later): (Vec<&SimulatedOrder>, Vec<&SimulatedOrder>) =
            orders.iter().partition(|o| o.time <= CALIBRATION_DAYS);
        let (first, last) = (seen[0].time, seen[seen.len() - 1].time);
        let c = Customer { x: (seen.len() - 1) as f64, t_x: last - first, t: CALIBRATION_DAYS - first };
        calibration.add(
            |n| model.prob_purchases(&c, n, horizon),
            |q| model.purchases_quantile(&c, horizon, q, &|| {}).unwrap(),
            later.len() as u32,
            &mut rng,
        );
    }
    calibration.shares(&format!("simulated {}", kind.name()))
}

/// The true model's 90% interval holds at least 90% of the customers (a discrete interval
/// holds more), and the randomized PIT puts 90% within (0.05, 0.95), within 2 points (its
/// binomial standard error at 20,000 customers is 0.2 points).
fn assert_calibrated((inside, pit_inside): (f64, f64)) {
    assert!(inside >= 0.9, "inside the interval: {inside}");
    assert!((pit_inside - 0.9).abs() <= 0.02, "randomized PIT within (0.05, 0.95): {pit_inside}");
}

#[test]
fn bgnbd_is_calibrated_in_its_own_world() {
    let p = Population::CDNOW;
    assert_calibrated(simulated_world(Kind::BgNbd, p, Dropout::BgNbd, [p.r, p.alpha, p.a, p.b]));
}

#[test]
fn mbgnbd_is_calibrated_in_its_own_world() {
    let p = Population::CDNOW;
    assert_calibrated(simulated_world(Kind::MbgNbd, p, Dropout::MbgNbd, [p.r, p.alpha, p.a, p.b]));
}

#[test]
fn pareto_nbd_is_calibrated_in_its_own_world() {
    let p = Population { r: 0.55, alpha: 74.0, ..Population::CDNOW };
    let (s, beta) = (0.6, 80.0);
    assert_calibrated(simulated_world(
        Kind::ParetoNbd,
        p,
        Dropout::ParetoNbd { s, beta },
        [p.r, p.alpha, s, beta],
    ));
}

/// BG/BB: customers who transact at each of 6 opportunities with p ~ Beta(α, β) while alive,
/// and drop out at the start of each with θ ~ Beta(γ, δ); 6 opportunities seen, 5 ahead.
#[test]
fn bgbb_is_calibrated_in_its_own_world() {
    let params = [1.204, 0.750, 0.657, 2.783];
    let model = BgbbModel { params, fit: None };
    let (transact, drop) =
        (Beta::new(params[0], params[1]).unwrap(), Beta::new(params[2], params[3]).unwrap());
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let mut calibration = Calibration::new();
    let (seen, ahead) = (6, 5);
    for _ in 0..CUSTOMERS {
        let (p, theta) = (rng.sample(transact), rng.sample(drop));
        let (mut alive, mut x, mut t_x, mut later) = (true, 0, 0, 0);
        for t in 1..=seen + ahead {
            alive = alive && rng.random::<f64>() >= theta;
            if alive && rng.random::<f64>() < p {
                if t <= seen {
                    x += 1;
                    t_x = t;
                } else {
                    later += 1;
                }
            }
        }
        let c = Opportunities { x, t_x, n: seen };
        calibration.add(
            |k| model.prob_purchases(&c, ahead, k),
            |q| model.purchases_quantile(&c, ahead, q, &|| {}).unwrap(),
            later,
            &mut rng,
        );
    }
    assert_calibrated(calibration.shares("simulated bgbb"));
}

/// CDNOW: each model fitted on the 39 calibration weeks (data/cdnow/CDNOW_sample.txt, purchase
/// days as in the summary file), scored on the 39 holdout weeks. Real customers are not the
/// model's: the shares are reported, and only checked to be sensible.
#[test]
fn cdnow_holdout_calibration() {
    use std::collections::BTreeMap;
    let day = |yyyymmdd: &str| {
        let iso = format!("{}-{}-{}", &yyyymmdd[..4], &yyyymmdd[4..6], &yyyymmdd[6..]);
        clv_core::time::civil::parse_iso_day(&iso).unwrap()
    };
    let mut days: BTreeMap<u32, Vec<i32>> = BTreeMap::new();
    for line in include_str!("../../data/cdnow/CDNOW_sample.txt").lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        days.entry(f[0].parse().unwrap()).or_default().push(day(f[2]));
    }
    let end_of_calibration = day("19970930");
    let weeks = |d: i32| f64::from(d) / 7.0;
    let customers: Vec<(Customer, u32)> = days
        .into_values()
        .map(|mut d| {
            d.sort_unstable();
            d.dedup();
            let (seen, later): (Vec<i32>, Vec<i32>) = d.iter().partition(|&&x| x <= end_of_calibration);
            let first = seen[0];
            let c = Customer {
                x: (seen.len() - 1) as f64,
                t_x: weeks(seen[seen.len() - 1] - first),
                t: weeks(end_of_calibration - first),
            };
            (c, later.len() as u32)
        })
        .collect();
    assert_eq!(customers.len(), 2357);
    let mut o: Vec<Observation> =
        customers.iter().map(|(c, _)| Observation { customer: *c, weight: 1.0 }).collect();
    let n = Observation::merge_all(&mut o, &|| {});
    let patterns = Patterns::new(&o[..n], &|| {});
    let horizon = 39.0;
    for kind in [Kind::BgNbd, Kind::MbgNbd, Kind::ParetoNbd] {
        let model = Model::fit_patterns(kind, TimeUnit::Weeks, None, &patterns, FitOptions::default());
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut calibration = Calibration::new();
        for (c, y) in &customers {
            calibration.add(
                |k| model.prob_purchases(c, k, horizon),
                |q| model.purchases_quantile(c, horizon, q, &|| {}).unwrap(),
                *y,
                &mut rng,
            );
        }
        let (inside, pit_inside) = calibration.shares(&format!("CDNOW holdout, {}", kind.name()));
        assert!(inside >= 0.85 && (0.8..=0.97).contains(&pit_inside), "{kind:?}: {inside}, {pit_inside}");
    }
}
