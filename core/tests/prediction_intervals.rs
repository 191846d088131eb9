//! The delta-method intervals of predictions ([`clv_core::models::uncertainty`]) against the
//! outside world: the standard errors agree with a nonparametric bootstrap over customers
//! (refits) on CDNOW and on the apparel data with covariates, and the 90% interval of a
//! holdout total holds the true expected total in 90% of simulated worlds.
//!
//! `cargo test --release --test prediction_intervals -- --nocapture` prints the measurements.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::btyd::{Customer, Kind, Model, Observation, Patterns, PROCESSES};
use clv_core::models::covariates::{CovariateSpec, Grouped};
use clv_core::models::uncertainty::{total_interval, total_standard_error, Scale, Sensitivity};
use clv_core::models::WeightedObservation;
use clv_core::simulate::{Dropout, Population, Simulation};
use clv_core::time::TimeUnit;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

mod common;
use common::apparel;

/// Bootstrap refits per comparison: the bootstrap's own standard deviation is then off by
/// about 1/sqrt(2·200) = 5% of itself.
const REFITS: usize = 200;

/// CDNOW's 2,357 customers in weeks (data/cdnow/cdnow_customers_summary.csv).
fn cdnow() -> Vec<(Customer, [f64; 2])> {
    include_str!("../../data/cdnow/cdnow_customers_summary.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            (Customer { x: f[1], t_x: f[2], t: f[3] }, [0.0, 0.0])
        })
        .collect()
}

/// Fits `kind` to customers with these weights (how often the bootstrap drew each), with
/// Gender and Channel in both processes when `with_covariates`.
fn fit(kind: Kind, customers: &[(Customer, [f64; 2])], weights: &[f64], with_covariates: bool) -> Model {
    let drawn = customers.iter().zip(weights).filter(|(_, w)| **w > 0.0);
    if !with_covariates {
        let mut o: Vec<Observation> =
            drawn.map(|((c, _), w)| Observation { customer: *c, weight: *w }).collect();
        let n = Observation::merge_all(&mut o, &|| {});
        let patterns = Patterns::new(&o[..n], &|| {});
        return Model::fit_patterns(kind, TimeUnit::Weeks, None, &patterns, FitOptions::default());
    }
    let options = serde_json::json!({"trans": ["gender", "channel"], "life": ["gender", "channel"]});
    let spec = CovariateSpec::parse(&options, &PROCESSES, &[2, 2]).unwrap();
    let table: Vec<f64> = (0..4).flat_map(|g| [f64::from(g & 1), f64::from(g >> 1)].repeat(2)).collect();
    let mut o: Vec<Grouped<Observation>> = drawn
        .map(|((c, [gender, channel]), w)| Grouped {
            group: (*gender as u32) | ((*channel as u32) << 1),
            observation: Observation { customer: *c, weight: *w },
        })
        .collect();
    let n = Grouped::merge_all(&mut o, &|| {});
    Model::fit_with_covariates(kind, TimeUnit::Weeks, None, spec, &table, &o[..n], FitOptions::default())
}

/// `n` customers drawn with replacement: how often each was drawn.
fn bootstrap_weights(n: usize, rng: &mut Xoshiro256PlusPlus) -> Vec<f64> {
    let mut w = vec![0.0; n];
    for _ in 0..n {
        w[((rng.random::<f64>() * n as f64) as usize).min(n - 1)] += 1.0;
    }
    w
}

/// A prediction the comparison covers: its name, scale and how it is computed.
type Prediction = (&'static str, Scale, fn(&Model, &Customer) -> f64);

const PREDICTIONS: [Prediction; 3] = [
    ("P(alive)", Scale::Logit, |m, c| m.p_alive(c)),
    ("purchases in 52 weeks", Scale::Log, |m, c| m.expected_purchases(c, 52.0)),
    ("P(alive) in 26 weeks", Scale::Logit, |m, c| m.p_alive_ahead(c, 26.0, false)),
];

fn transformed(scale: Scale, v: f64) -> f64 {
    match scale {
        Scale::Log => v.ln(),
        Scale::Logit => (v / (1.0 - v)).ln(),
    }
}

fn standard_deviation(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

/// The width of the bootstrap's 90% percentile interval.
fn percentile_width(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((q * (sorted.len() - 1) as f64).round()) as usize];
    at(0.95) - at(0.05)
}

/// For a few customers' predictions and the 52-week total of all, the delta method's standard
/// error (on the prediction's scale) over the bootstrap's standard deviation of refits'
/// predictions. Returns the ratios.
fn compare_with_bootstrap(
    data: &str,
    kind: Kind,
    customers: &[(Customer, [f64; 2])],
    with_covariates: bool,
    refits: usize,
) -> Vec<f64> {
    let z_of = |c: &[f64; 2]| if with_covariates { c.repeat(2) } else { Vec::new() };
    let chosen: Vec<usize> = {
        // The customers with the fewest, a middling and the most repeat purchases, and one who
        // bought often but not lately.
        let mut by_x: Vec<usize> = (0..customers.len()).collect();
        by_x.sort_by(|&i, &j| customers[i].0.x.total_cmp(&customers[j].0.x));
        let lapsed = (0..customers.len())
            .filter(|&i| customers[i].0.x >= 3.0)
            .min_by(|&i, &j| {
                let gap = |k: usize| customers[k].0.t_x - customers[k].0.t;
                gap(i).total_cmp(&gap(j))
            })
            .unwrap();
        vec![by_x[0], by_x[by_x.len() * 3 / 4], by_x[by_x.len() - 1], lapsed]
    };
    let total_of = |m: &Model| -> f64 {
        customers.iter().map(|(c, z)| m.clone().for_customer(&z_of(z)).expected_purchases(c, 52.0)).sum()
    };
    let model = fit(kind, customers, &vec![1.0; customers.len()], with_covariates);
    let covariance = model.covariance.clone().unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20261207);
    let refitted: Vec<Model> = (0..refits)
        .map(|_| fit(kind, customers, &bootstrap_weights(customers.len(), &mut rng), with_covariates))
        .filter(|m| m.fit.as_ref().unwrap().converged)
        .collect();
    println!("{data} {}: {} of {refits} refits converged", kind.name(), refitted.len());
    assert!(refitted.len() * 100 >= refits * 98, "{data}: refits that converged");
    let mut ratios = Vec::new();
    // The delta method's interval width on the prediction's scale over the bootstrap's
    // percentile interval's; and the standard errors', printed.
    let z = clv_core::models::uncertainty::two_sided_quantile(0.9);
    let mut report = |what: String, delta: f64, boot: &[f64]| {
        let (sd, width) = (standard_deviation(boot), percentile_width(boot));
        println!(
            "{data} {}: {what}: standard error {delta:.4}, bootstrap's {sd:.4} ({:.3}); 90% width {:.4}, bootstrap's {width:.4} ({:.3})",
            kind.name(),
            delta / sd,
            2.0 * z * delta,
            2.0 * z * delta / width
        );
        ratios.push(2.0 * z * delta / width);
    };
    for &i in &chosen {
        let (c, z) = &customers[i];
        for (name, scale, predict) in PREDICTIONS {
            let s = model.sensitivity(&z_of(z), |m| predict(m, c));
            if s.estimate == 1.0 {
                // A BG/NBD customer without repeat purchases is alive, whatever the parameters.
                assert!(refitted.iter().all(|m| predict(m, c) == 1.0), "{name} of {c:?}");
                continue;
            }
            let boot: Vec<f64> = refitted
                .iter()
                .map(|m| transformed(scale, predict(&m.clone().for_customer(&z_of(z)), c)))
                .collect();
            report(format!("{name} of {c:?}"), s.standard_error(&covariance, scale), &boot);
        }
    }
    let total =
        sum(customers.iter().map(|(c, z)| model.sensitivity(&z_of(z), |m| m.expected_purchases(c, 52.0))));
    let boot: Vec<f64> = refitted.iter().map(|m| total_of(m).ln()).collect();
    report(
        "the total of purchases in 52 weeks".into(),
        total_standard_error(total.estimate, &total.gradient, &covariance),
        &boot,
    );
    ratios
}

/// The total of customers' predictions and of their gradients.
fn sum(customers: impl Iterator<Item = Sensitivity>) -> Sensitivity {
    customers
        .reduce(|mut total, s| {
            total.estimate += s.estimate;
            total.gradient.iter_mut().zip(&s.gradient).for_each(|(sum, g)| *sum += g);
            total
        })
        .unwrap()
}

/// The bootstrap's percentile interval is itself uncertain: each 5% or 95% quantile of `n`
/// refits has a standard error of `sqrt(0.05·0.95/n)/φ(1.645)` standard deviations, 0.15 at
/// 200, so the width (3.29 of them) is off by about 6.4% of itself. A ratio within three of
/// those errors of 1 agrees.
fn assert_agree(ratios: &[f64], refits: usize) {
    let quantile_error = (0.05f64 * 0.95 / refits as f64).sqrt() / 0.103_135_4;
    let tolerance = 3.0 * std::f64::consts::SQRT_2 * quantile_error / 3.289_707_253_902_945;
    for r in ratios {
        assert!((r - 1.0).abs() <= tolerance, "delta over bootstrap {r}, tolerance {tolerance}");
    }
}

#[test]
fn cdnow_bgnbd_errors_agree_with_the_bootstrap() {
    assert_agree(&compare_with_bootstrap("CDNOW", Kind::BgNbd, &cdnow(), false, REFITS), REFITS);
}

#[test]
fn cdnow_pareto_nbd_errors_agree_with_the_bootstrap() {
    assert_agree(&compare_with_bootstrap("CDNOW", Kind::ParetoNbd, &cdnow(), false, REFITS), REFITS);
}

#[test]
fn apparel_covariate_errors_agree_with_the_bootstrap() {
    assert_agree(&compare_with_bootstrap("apparel", Kind::ParetoNbd, &apparel(), true, REFITS), REFITS);
}

/// Simulated worlds of 2,000 customers, watched as CDNOW was, then 52 weeks ahead.
const WORLDS: u64 = 1000;
const CUSTOMERS: u64 = 2_000;
const ACQUISITION_DAYS: f64 = 84.0;
const OBSERVED_DAYS: f64 = 273.0;
const HOLDOUT_DAYS: f64 = 364.0;

/// In how many of the worlds the 90% interval of the customers' expected holdout total, from
/// the fitted model, holds the total under the true parameters.
fn total_coverage(kind: Kind, population: Population, dropout: Dropout, truth: [f64; 4]) -> f64 {
    let (mut covered, mut without_covariance) = (0, 0);
    for w in 0..WORLDS {
        let sim = Simulation::new(population, 5000 + w, ACQUISITION_DAYS, OBSERVED_DAYS)
            .and_then(|s| s.with(dropout, Default::default()))
            .unwrap();
        let customers: Vec<(Customer, [f64; 2])> = (0..CUSTOMERS)
            .map(|id| {
                let c = sim.customer(id).unwrap();
                let (first, last) = (c.orders[0].time, c.orders[c.orders.len() - 1].time);
                (
                    Customer { x: (c.orders.len() - 1) as f64, t_x: last - first, t: OBSERVED_DAYS - first },
                    [0.0; 2],
                )
            })
            .collect();
        let mut o: Vec<Observation> =
            customers.iter().map(|(c, _)| Observation { customer: *c, weight: 1.0 }).collect();
        let n = Observation::merge_all(&mut o, &|| {});
        let model = Model::fit_patterns(
            kind,
            TimeUnit::Days,
            None,
            &Patterns::new(&o[..n], &|| {}),
            FitOptions::default(),
        );
        let true_model = Model { params: truth, fit: None, covariance: None, ..model.clone() };
        let total = sum(customers
            .iter()
            .map(|(c, _)| model.sensitivity(&[], |m| m.expected_purchases(c, HOLDOUT_DAYS))));
        let true_total: f64 =
            customers.iter().map(|(c, _)| true_model.expected_purchases(c, HOLDOUT_DAYS)).sum();
        let Some(covariance) = model.covariance.as_ref() else {
            without_covariance += 1;
            continue;
        };
        let interval = total_interval(total.estimate, &total.gradient, covariance, 0.9);
        covered += u32::from(interval.lower <= true_total && true_total <= interval.upper);
    }
    let with = WORLDS as u32 - without_covariance;
    println!(
        "{}: the 90% interval of the holdout total held the truth in {covered} of {with} worlds ({without_covariance} fits had no covariance)",
        kind.name()
    );
    assert!(without_covariance * 100 <= WORLDS as u32, "fits without a covariance");
    f64::from(covered) / f64::from(with)
}

/// 1,000 worlds: a share's binomial standard error is 0.95 points at 90%.
#[test]
fn bgnbd_total_intervals_cover_the_truth() {
    let p = Population::CDNOW;
    let share = total_coverage(Kind::BgNbd, p, Dropout::BgNbd, [p.r, p.alpha, p.a, p.b]);
    assert!((0.88..=0.92).contains(&share), "coverage {share}");
}

#[test]
fn pareto_nbd_total_intervals_cover_the_truth() {
    let p = Population { r: 0.55, alpha: 74.0, ..Population::CDNOW };
    let (s, beta) = (0.6, 80.0);
    let share = total_coverage(Kind::ParetoNbd, p, Dropout::ParetoNbd { s, beta }, [p.r, p.alpha, s, beta]);
    assert!((0.88..=0.92).contains(&share), "coverage {share}");
}

/// Values: CDNOW in days (data/cdnow/lifetimes_summary_1997-09-30.csv, with each customer's
/// mean repeat spend), BG/NBD and Gamma-Gamma refitted on the same bootstrap draws. The delta
/// method takes the two fits as independent; the bootstrap does not need to, so agreement
/// also checks that assumption. Expected spend and 12-month value (1% a month) of three
/// customers, and the total value of all.
#[test]
fn cdnow_value_errors_agree_with_the_bootstrap() {
    use clv_core::models::gamma_gamma::{SpendModel, SpendObservation};
    use clv_core::models::uncertainty::Covariance;
    use clv_core::models::value::customer_value;
    use clv_core::models::StoredModel;
    let rows: Vec<(Customer, f64)> = include_str!("../../data/cdnow/lifetimes_summary_1997-09-30.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            (Customer { x: f[1], t_x: f[2], t: f[3] }, f[4])
        })
        .collect();
    let fit = |weights: &[f64]| {
        let mut o: Vec<Observation> = rows
            .iter()
            .zip(weights)
            .filter(|(_, w)| **w > 0.0)
            .map(|((c, _), w)| Observation { customer: *c, weight: *w })
            .collect();
        let n = Observation::merge_all(&mut o, &|| {});
        let purchases = Model::fit_patterns(
            Kind::BgNbd,
            TimeUnit::Days,
            None,
            &Patterns::new(&o[..n], &|| {}),
            FitOptions::default(),
        );
        let mut spend: Vec<SpendObservation> = rows
            .iter()
            .zip(weights)
            .filter(|((c, m), w)| **w > 0.0 && c.x > 0.0 && *m > 0.0)
            .map(|((c, m), w)| SpendObservation { x: c.x, mean_spend: *m, weight: *w })
            .collect();
        let n = SpendObservation::merge_all(&mut spend, &|| {});
        (purchases, SpendModel::fit(&spend[..n], 0.0, None, FitOptions::default()))
    };
    let value_of = |(p, s): &(Model, SpendModel), (c, m): &(Customer, f64)| {
        customer_value(p, c, s.expected_spend(c.x, *m).unwrap(), 12, 0.01, &|| {})
    };
    let models = fit(&vec![1.0; rows.len()]);
    let (purchases, spend) = &models;
    let both = Covariance::block_diagonal(
        purchases.covariance.as_ref().unwrap(),
        spend.covariance.as_ref().unwrap(),
    );
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20261208);
    let refitted: Vec<_> = (0..REFITS).map(|_| fit(&bootstrap_weights(rows.len(), &mut rng))).collect();
    assert!(refitted
        .iter()
        .all(|(p, s)| p.fit.as_ref().unwrap().converged && s.fit.as_ref().unwrap().converged));
    let z = clv_core::models::uncertainty::two_sided_quantile(0.9);
    let mut ratios = Vec::new();
    let mut report = |what: String, delta: f64, boot: &[f64]| {
        let width = percentile_width(boot);
        println!(
            "CDNOW value: {what}: standard error {delta:.4}, bootstrap's {:.4}; 90% width {:.4}, bootstrap's {width:.4} ({:.3})",
            standard_deviation(boot),
            2.0 * z * delta,
            2.0 * z * delta / width
        );
        ratios.push(2.0 * z * delta / width);
    };
    let value_sensitivity = |row: &(Customer, f64)| {
        let (c, m) = row;
        let a = purchases.sensitivity(&[], |own| customer_value(own, c, 1.0, 12, 0.01, &|| {}));
        Sensitivity::product(&a, &spend.expected_spend_sensitivity(&[], c.x, *m))
    };
    // The first repeat buyers with at least 1, 8 and 20 repeat purchases.
    let chosen = [1.0, 8.0, 20.0].map(|x| rows.iter().position(|(c, _)| c.x >= x).unwrap());
    for i in chosen {
        let (c, m) = &rows[i];
        let s = spend.expected_spend_sensitivity(&[], c.x, *m);
        let boot: Vec<f64> =
            refitted.iter().map(|(_, sp)| sp.expected_spend(c.x, *m).unwrap().ln()).collect();
        report(
            format!("expected spend of {c:?}"),
            s.standard_error(spend.covariance.as_ref().unwrap(), Scale::Log),
            &boot,
        );
        let v = value_sensitivity(&rows[i]);
        let boot: Vec<f64> = refitted.iter().map(|ms| value_of(ms, &rows[i]).ln()).collect();
        report(format!("12-month value of {c:?}"), v.standard_error(&both, Scale::Log), &boot);
    }
    let total = sum(rows.iter().map(value_sensitivity));
    let boot: Vec<f64> =
        refitted.iter().map(|ms| rows.iter().map(|r| value_of(ms, r)).sum::<f64>().ln()).collect();
    report(
        "the total 12-month value".into(),
        total_standard_error(total.estimate, &total.gradient, &both),
        &boot,
    );
    assert_agree(&ratios, REFITS);
}
