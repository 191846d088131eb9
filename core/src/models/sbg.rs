//! The shifted-beta-geometric model of contractual retention (Fader & Hardie 2007, "How to
//! Project Customer Retention", *Journal of Interactive Marketing* 21(1)), parameters `(α, β)`.
//!
//! Each subscriber renews at the end of every period with probability 1 − θ until they cancel;
//! θ ~ Beta(α, β) across subscribers. A cohort's survivor counts (active at the start of
//! periods 0, 1, ..., n) identify it; the heterogeneity makes retention rates rise with tenure.

use super::report::{decode_plain, encode_plain, plain_from_text, plain_to_text, FitReport};
use super::text::ModelText;
use super::{FitRecord, StoredModel, WeightedObservation};
use crate::codec::{DecodeError, StoredValue};
use crate::math::optimize::{maximize, FitOptions, LogLikelihood, Start, WeightedTotal};
use crate::math::special::ln_beta;
use crate::math::special::{digamma, ln_hyp2f1};

/// The most periods a cohort can span: a century of monthly periods, far beyond any data.
pub const MAX_PERIODS: usize = 1_200;

/// A subscriber's tenure: cancelled in period `periods` (paid `periods` periods), or still
/// active after `periods` periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenure {
    pub periods: u32,
    pub churned: bool,
}

/// A tenure and how many subscribers share it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TenureObservation {
    pub tenure: Tenure,
    pub weight: f64,
}

impl WeightedObservation for TenureObservation {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.tenure.cmp(&other.tenure)
    }

    fn weight_mut(&mut self) -> &mut f64 {
        &mut self.weight
    }
}

/// The tenures of a cohort from its survivor counts `S(0), ..., S(n)` (active at the start of
/// each period): `S(t−1) − S(t)` cancelled in period t, `S(n)` still active after n. `Err`
/// says why the counts are no cohort.
pub fn tenures(survivors: &[f64]) -> Result<Vec<TenureObservation>, String> {
    if survivors.len() < 2 || survivors.len() > MAX_PERIODS + 1 {
        return Err(format!(
            "survivors needs the counts of periods 0 to n, 2 to {} of them, not {}",
            MAX_PERIODS + 1,
            survivors.len()
        ));
    }
    if !survivors.iter().all(|s| s.is_finite() && *s >= 0.0) || survivors[0] <= 0.0 {
        return Err("survivor counts must be finite and not negative, and the cohort not empty".into());
    }
    if let Some(t) = survivors.windows(2).position(|w| w[1] > w[0]) {
        return Err(format!(
            "survivor counts must not increase: {} in period {} after {}",
            survivors[t + 1],
            t + 1,
            survivors[t]
        ));
    }
    let n = survivors.len() - 1;
    let churned = survivors.windows(2).enumerate().map(|(t, w)| TenureObservation {
        tenure: Tenure { periods: t as u32 + 1, churned: true },
        weight: w[0] - w[1],
    });
    let active =
        TenureObservation { tenure: Tenure { periods: n as u32, churned: false }, weight: survivors[n] };
    Ok(churned.chain(std::iter::once(active)).filter(|o| o.weight > 0.0).collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct SbgModel {
    /// `[α, β]`.
    pub params: [f64; 2],
    pub fit: Option<FitReport<2>>,
}

pub const PARAM_NAMES: [&str; 2] = ["alpha", "beta"];
const NAME: &str = "sbg";
const FORMAT_VERSION: u8 = 1;

impl StoredValue for SbgModel {
    fn encode(&self) -> Vec<u8> {
        encode_plain(FORMAT_VERSION, &self.params, self.fit.as_ref())
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (params, fit) = decode_plain(FORMAT_VERSION, bytes)?;
        Ok(Self { params, fit })
    }
}

impl StoredModel for SbgModel {
    type Observation = TenureObservation;
    type FitSetup = ();

    /// Every subscriber is fitted on: `excluded` is always 0.
    fn fit(merged: &[TenureObservation], _excluded: f64, _: (), options: FitOptions) -> Self {
        let total: f64 = merged.iter().map(|o| o.weight).sum();
        let likelihood = Likelihood(merged);
        let fitted = maximize(&likelihood, total, Start::at(vec![1.0, 1.0]), None, options.check_interrupts);
        let (params, report) = FitReport::of(fitted, total, merged.len() as u64);
        Self { params, fit: Some(report) }
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn param_names(&self) -> &'static [&'static str] {
        &PARAM_NAMES
    }

    fn params(&self) -> &[f64] {
        &self.params
    }

    fn fit_record(&self) -> Option<FitRecord<'_>> {
        self.fit.as_ref().map(FitReport::record)
    }

    fn to_text(&self) -> ModelText {
        plain_to_text(NAME, &PARAM_NAMES, &self.params, self.fit.as_ref())
    }

    fn from_text(t: &ModelText) -> Result<Self, String> {
        let (params, fit) = plain_from_text(t, NAME, &PARAM_NAMES)?;
        Ok(Self { params, fit })
    }
}

impl SbgModel {
    /// P(still active after `t` periods) = `B(α, β+t) / B(α, β)`.
    pub fn survival(&self, t: u32) -> f64 {
        // The product of the retention rates up to t, summed in logs: B(α, β+t)/B(α, β) as a
        // difference of ln B is ∞ − ∞ for parameters near f64's limits.
        (1..=t).map(|period| self.ln_retention_rate(period)).sum::<f64>().exp()
    }

    /// `ln` of [`Self::retention_rate`], as `−ln(1 + α/(β + t − 1))`, finite or −∞ for any
    /// positive parameters.
    fn ln_retention_rate(&self, t: u32) -> f64 {
        let [alpha, beta] = self.params;
        -(alpha / (beta + f64::from(t.max(1)) - 1.0)).ln_1p()
    }

    /// The share of the subscribers active in period t − 1 who renew into period t (t ≥ 1):
    /// `(β + t − 1) / (α + β + t − 1)`, rising with t.
    pub fn retention_rate(&self, t: u32) -> f64 {
        self.ln_retention_rate(t).exp()
    }

    /// The mean number of periods a new subscriber pays, `E[1/θ] = (α+β−1)/(α−1)`; `None` when
    /// α ≤ 1, where lifetimes are so heavy-tailed that the mean is infinite.
    pub fn expected_lifetime(&self) -> Option<f64> {
        let [alpha, beta] = self.params;
        (alpha > 1.0).then(|| (alpha + beta - 1.0) / (alpha - 1.0))
    }

    /// Discounted expected residual lifetime of a subscriber who has renewed `renewals` times
    /// (Fader & Hardie 2010, "Customer-Base Valuation in a Contractual Setting", eq. 6): the
    /// expected number of their future payments, the next one undiscounted and each later one
    /// discounted by `1 + discount_rate` a period,
    /// `(β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d))` with n − 1 = `renewals`. NaN if the
    /// series cannot be summed.
    pub fn derl(&self, discount_rate: f64, renewals: u32) -> f64 {
        let [alpha, beta] = self.params;
        let n = f64::from(renewals) + 1.0;
        match ln_hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount_rate)) {
            Some((ln_series, _)) => (beta + n - 1.0) / (alpha + beta + n - 1.0) * ln_series.exp(),
            None => f64::NAN,
        }
    }
}

/// `Σ w ln P(tenure)`: `ln B(α+1, β+t−1) − ln B(α, β)` for a cancellation in period t,
/// `ln B(α, β+n) − ln B(α, β)` for still active after n.
struct Likelihood<'a>(&'a [TenureObservation]);

impl LogLikelihood for Likelihood<'_> {
    fn value_and_gradient(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let (alpha, beta) = (p[0], p[1]);
        let (dg_a, dg_b, dg_ab) = (digamma(alpha), digamma(beta), digamma(alpha + beta));
        let ln_b = ln_beta(alpha, beta);
        let mut total = WeightedTotal::<2>::default();
        for o in self.0 {
            let t = f64::from(o.tenure.periods);
            let (value, gradient) = if o.tenure.churned {
                let last = digamma(alpha + beta + t);
                (
                    ln_beta(alpha + 1.0, beta + t - 1.0) - ln_b,
                    [
                        digamma(alpha + 1.0) - last - dg_a + dg_ab,
                        digamma(beta + t - 1.0) - last - dg_b + dg_ab,
                    ],
                )
            } else {
                let last = digamma(alpha + beta + t);
                (ln_beta(alpha, beta + t) - ln_b, [dg_ab - last, digamma(beta + t) - last - dg_b + dg_ab])
            };
            total.add(o.weight, value, gradient);
        }
        total.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_is_the_derivative() {
        let obs = tenures(&[1000.0, 631.0, 468.0, 382.0, 326.0]).unwrap();
        let l = Likelihood(&obs);
        let params = [0.7, 1.2];
        let (_, g) = l.value_and_gradient(&params);
        for i in 0..2 {
            let h = 1e-6 * params[i];
            let (mut up, mut down) = (params, params);
            up[i] += h;
            down[i] -= h;
            let numeric = (l.value_and_gradient(&up).0 - l.value_and_gradient(&down).0) / (2.0 * h);
            assert!((g[i] - numeric).abs() <= 1e-6 * numeric.abs().max(1.0), "{i}: {} vs {numeric}", g[i]);
        }
    }

    /// Survival is the product of the retention rates; DERL is its discounted sum; the
    /// expected lifetime is the undiscounted sum.
    #[test]
    fn curves_agree_with_their_definitions() {
        for params in [[0.704, 1.182], [0.668, 3.806], [2.5, 4.0]] {
            let m = SbgModel { params, fit: None };
            let mut product = 1.0;
            for t in 1..=50 {
                product *= m.retention_rate(t);
                assert!((m.survival(t) - product).abs() <= 1e-12, "{params:?} {t}");
            }
            // The definitions' sums over long horizons, with survival as a running product of
            // retention rates (survival(t) itself costs t terms).
            for renewals in [0, 3, 10] {
                let n = renewals + 1;
                let mut survival_since = 1.0; // S(t)/S(n−1)
                let sum: f64 = (n..n + 100_000)
                    .map(|t| {
                        survival_since *= m.retention_rate(t);
                        survival_since / 1.1f64.powi((t - n) as i32)
                    })
                    .sum();
                let got = m.derl(0.1, renewals);
                assert!((got - sum).abs() <= 1e-9 * sum, "{params:?} {renewals}: {got} vs {sum}");
            }
        }
        let m = SbgModel { params: [2.5, 4.0], fit: None };
        let mut survival = 1.0;
        let sum: f64 = 1.0
            + (1..200_000)
                .map(|t| {
                    survival *= m.retention_rate(t);
                    survival
                })
                .sum::<f64>();
        assert!((m.expected_lifetime().unwrap() - sum).abs() < 1e-3, "{sum}");
        assert_eq!(SbgModel { params: [0.7, 1.2], fit: None }.expected_lifetime(), None);
    }

    #[test]
    fn survivor_counts_are_checked() {
        assert!(tenures(&[100.0]).is_err());
        assert!(tenures(&[100.0, 120.0]).is_err());
        assert!(tenures(&[0.0, 0.0]).is_err());
        assert!(tenures(&[100.0, -1.0]).is_err());
        assert!(tenures(&[100.0, f64::NAN]).is_err());
        assert_eq!(tenures(&[100.0, 100.0]).unwrap().len(), 1);
    }
}
