//! The simulator and the fits agree: fitting BG/NBD and Gamma-Gamma to 100,000 simulated
//! customers recovers the parameters they were simulated with, within three standard errors.
//! This checks both sides at once: a biased simulator or a biased likelihood would fail it.

use clv_core::btyd::{merge_patterns, Customer, Kind, Model, Observation, Patterns};
use clv_core::simulate::{Population, Simulation};
use clv_core::spend::{merge_observations, SpendModel, SpendObservation};
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

#[test]
fn fits_recover_the_simulated_parameters() {
    let truth = Population::CDNOW;
    let sim = Simulation::new(truth, 2026, ACQUISITION_DAYS, OBSERVED_DAYS).unwrap();
    let mut purchases = Vec::new();
    let mut spends = Vec::new();
    for id in 0..CUSTOMERS {
        let c = sim.customer(id);
        let (first, last) = (c.orders[0].time, c.orders[c.orders.len() - 1].time);
        let x = (c.orders.len() - 1) as f64;
        let customer = Customer { x, t_x: last - first, t: OBSERVED_DAYS - first };
        purchases.push(Observation { customer, weight: 1.0 });
        if x > 0.0 {
            let mean_spend = c.orders[1..].iter().map(|o| o.amount).sum::<f64>() / x;
            spends.push(SpendObservation { x, mean_spend, weight: 1.0 });
        }
    }

    let n = merge_patterns(&mut purchases);
    let model = Model::fit(Kind::BgNbd, TimeUnit::Days, None, &Patterns::new(&purchases[..n]), &|| ());
    let fit = model.fit.as_ref().unwrap();
    assert!(fit.converged);
    for (i, name) in Kind::BgNbd.param_names().iter().enumerate() {
        let want = [truth.r, truth.alpha, truth.a, truth.b][i];
        within_three_standard_errors(name, model.params[i], want, fit.std_errors[i]);
    }

    let repeat_buyers = spends.len() as f64;
    let n = merge_observations(&mut spends);
    let spend = SpendModel::fit(&spends[..n], CUSTOMERS as f64 - repeat_buyers, None, &|| ());
    let fit = spend.fit.as_ref().unwrap();
    assert!(fit.converged);
    for (i, name) in ["p", "q", "v"].iter().enumerate() {
        within_three_standard_errors(name, spend.params[i], [truth.p, truth.q, truth.v][i], fit.std_errors[i]);
    }
}
