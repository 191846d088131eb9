//! BG/BB (Fader, Hardie & Shang 2010, "Customer-Base Analysis in a Discrete-Time
//! Noncontractual Setting", *Marketing Science* 29(6)), parameters `(α, β, γ, δ)`: repeat
//! transactions at discrete opportunities (a yearly donation drive, a weekly class, a monthly
//! event).
//!
//! While alive, a customer transacts at each opportunity with probability p ~ Beta(α, β); at
//! the start of each opportunity a living customer drops out with probability θ ~ Beta(γ, δ).
//! A customer's history is `(x, t_x, n)`: `x` transactions in `n` opportunities, the last at
//! opportunity `t_x` (0 when `x` is 0).

use super::report::{decode_plain, encode_plain, plain_from_text, plain_to_text, FitReport};
use super::text::ModelText;
use super::{FitRecord, StoredModel, WeightedObservation};
use crate::codec::{DecodeError, StoredValue};
use crate::math::optimize::{maximize, parallel_total, FitOptions, LogLikelihood, Start, WeightedTotal};
use crate::math::special::ln_beta;
use crate::math::special::{digamma, ln_gamma, ln_hyp2f1, log_add_exp, through_removable_singularity};
use std::ops::Range;

/// The largest number of opportunities: a likelihood has a term per opportunity after the last
/// transaction, and every fit evaluation tabulates special functions up to it. 2,000 is 38
/// years of weekly opportunities.
pub const MAX_OPPORTUNITIES: u32 = 2_000;

/// A customer's history: `x` transactions in `n` opportunities, the last at `t_x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Opportunities {
    pub n: u32,
    pub x: u32,
    pub t_x: u32,
}

impl Opportunities {
    /// Why these are not a BG/BB history, if they are not.
    pub fn check(&self) -> Result<(), String> {
        let Self { x, t_x, n } = *self;
        if n > MAX_OPPORTUNITIES {
            return Err(format!("n must be at most {MAX_OPPORTUNITIES} opportunities, not {n}"));
        }
        if t_x > n || x > t_x || (x > 0) != (t_x > 0) {
            return Err(format!(
                "x = {x}, t_x = {t_x}, n = {n} is not a history: x transactions need x <= t_x <= n, and t_x = 0 when x = 0"
            ));
        }
        Ok(())
    }
}

/// A history and how many customers share it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgbbObservation {
    pub customer: Opportunities,
    pub weight: f64,
}

impl WeightedObservation for BgbbObservation {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.customer.cmp(&other.customer)
    }

    fn weight_mut(&mut self) -> &mut f64 {
        &mut self.weight
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BgbbModel {
    /// `[α, β, γ, δ]`.
    pub params: [f64; 4],
    pub fit: Option<FitReport<4>>,
}

pub const PARAM_NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
const NAME: &str = "bgbb";
const FORMAT_VERSION: u8 = 1;

impl StoredValue for BgbbModel {
    fn encode(&self) -> Vec<u8> {
        encode_plain(FORMAT_VERSION, &self.params, self.fit.as_ref())
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (params, fit) = decode_plain(FORMAT_VERSION, bytes)?;
        Ok(Self { params, fit })
    }
}

impl StoredModel for BgbbModel {
    type Observation = BgbbObservation;
    type FitSetup = ();

    /// Every customer is fitted on: `excluded` is always 0.
    fn fit(merged: &[BgbbObservation], _excluded: f64, _: (), options: FitOptions) -> Self {
        let total: f64 = merged.iter().map(|o| o.weight).sum();
        let likelihood = Likelihood { obs: merged, options };
        let fitted = maximize(&likelihood, total, Start::at(vec![1.0; 4]), None, options.check_interrupts);
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

/// `ln B(α+x, β+m) + ln B(γ+g, δ+l) − ln B(α, β) − ln B(γ, δ)`: the log-probability of a
/// path with `x` transactions and `m` misses while alive, then `g` = 1 for a dropout (0 for
/// still alive) after `l` opportunities survived.
fn ln_path(p: &[f64; 4], x: f64, m: f64, g: f64, l: f64) -> f64 {
    let [alpha, beta, gamma, delta] = *p;
    ln_beta(alpha + x, beta + m) + ln_beta(gamma + g, delta + l)
        - ln_beta(alpha, beta)
        - ln_beta(gamma, delta)
}

impl BgbbModel {
    /// ln L of one history (FHS 2010 eq. 5): alive through all n opportunities, or dropped
    /// out at the start of opportunity t_x + i + 1 for i = 0..n − t_x − 1.
    pub fn ln_likelihood(&self, c: &Opportunities) -> f64 {
        let (x, t_x, n) = (f64::from(c.x), f64::from(c.t_x), f64::from(c.n));
        (0..c.n - c.t_x).fold(ln_path(&self.params, x, n - x, 0.0, n), |total, i| {
            let i = f64::from(i);
            log_add_exp(total, ln_path(&self.params, x, t_x - x + i, 1.0, t_x + i))
        })
    }

    /// P(alive at opportunity n + 1 + `ahead`) given the history (FHS 2010 eq. 11 for
    /// `ahead` = 0): survival is independent of transactions, so whatever happens in between.
    pub fn p_alive_ahead(&self, c: &Opportunities, ahead: u32) -> f64 {
        let (x, n) = (f64::from(c.x), f64::from(c.n));
        (ln_path(&self.params, x, n - x, 0.0, n + 1.0 + f64::from(ahead)) - self.ln_likelihood(c)).exp()
    }

    /// P(alive at opportunity n + 1) given the history.
    pub fn p_alive(&self, c: &Opportunities) -> f64 {
        self.p_alive_ahead(c, 0)
    }

    /// Given no transaction in the next `ahead` opportunities: P(alive) of the history watched
    /// that much longer.
    pub fn p_alive_if_no_purchase(&self, c: &Opportunities, ahead: u32) -> f64 {
        self.p_alive(&Opportunities { n: c.n + ahead, ..*c })
    }

    /// ln of `E[p (1−θ)^t] / L` without the θ part: the transaction-probability factor
    /// `B(α+x+1, β+n−x) / B(α, β) / L` of every future opportunity.
    fn ln_future_rate(&self, c: &Opportunities) -> f64 {
        let [alpha, beta, _, _] = self.params;
        let (x, n) = (f64::from(c.x), f64::from(c.n));
        ln_beta(alpha + x + 1.0, beta + n - x) - ln_beta(alpha, beta) - self.ln_likelihood(c)
    }

    /// Expected transactions in the next `ahead` opportunities (FHS 2010 eq. 13), with
    /// `Σ_{t=n+1}^{n+ahead} B(γ, δ+t) = B(γ−1, δ+n+1) − B(γ−1, δ+n+ahead+1)` (telescoping
    /// `B(a, b) = B(a+1, b) + B(a, b+1)`), written so that it holds for γ < 1 too.
    pub fn expected_purchases(&self, c: &Opportunities, ahead: u32) -> f64 {
        if ahead == 0 {
            return 0.0;
        }
        let [_, _, gamma, delta] = self.params;
        let (b1, b2) = (delta + f64::from(c.n) + 1.0, delta + f64::from(c.n) + f64::from(ahead) + 1.0);
        // ln Σ B(γ, δ+t) / B(γ, δ) for γ = 1 + ε, ε ≠ 0.
        let ln_survival_sum = |eps: f64| {
            let ln_ratio = |b: f64| ln_gamma(b) - ln_gamma(b + eps);
            let gap = (ln_ratio(b2) - ln_ratio(b1)).exp_m1().abs();
            ln_gamma(eps + 1.0) - eps.abs().ln() + ln_ratio(b1) + gap.ln() - ln_beta(1.0 + eps, delta)
        };
        // The expression is 0/0 at γ = 1 and smooth through it.
        let sum = through_removable_singularity(
            gamma,
            1.0,
            |g| ln_survival_sum(g - 1.0).exp(),
            |below, above, share| below + (above - below) * share,
        );
        self.ln_future_rate(c).exp() * sum
    }

    /// P(exactly `purchases` transactions in the next `ahead` opportunities) given the history.
    /// A customer alive at opportunity n + 1 (P(alive)) has p ~ Beta(α+x, β+n−x) and
    /// θ ~ Beta(γ, δ+n+1); they are alive for j of the next opportunities, j < `ahead` with
    /// probability E[(1−θ)^(j−1) θ] = B(γ+1, δ+n+j)/B(γ, δ+n+1) and all of them with
    /// B(γ, δ+n+ahead)/B(γ, δ+n+1), and transact Binomial(j, p) times in them. One term per
    /// opportunity ahead.
    pub fn prob_purchases(&self, c: &Opportunities, ahead: u32, purchases: u32) -> f64 {
        let alive = self.p_alive(c);
        let none = if purchases == 0 { 1.0 - alive } else { 0.0 };
        if purchases > ahead {
            return none;
        }
        if ahead == 0 {
            return 1.0;
        }
        let [alpha, beta, gamma, delta] = self.params;
        let (x, n, k) = (f64::from(c.x), f64::from(c.n), f64::from(purchases));
        let (a1, b1, d1) = (alpha + x, beta + n - x, delta + n + 1.0);
        let ln_base = ln_beta(a1, b1) + ln_beta(gamma, d1);
        let given_alive: f64 = (purchases.max(1)..=ahead)
            .map(|j| {
                let j = f64::from(j);
                let ln_alive_for = if j < f64::from(ahead) {
                    ln_beta(gamma + 1.0, delta + n + j)
                } else {
                    ln_beta(gamma, delta + n + j)
                };
                let ln_choose = ln_gamma(j + 1.0) - ln_gamma(k + 1.0) - ln_gamma(j - k + 1.0);
                (ln_alive_for + ln_choose + ln_beta(a1 + k, b1 + j - k) - ln_base).exp()
            })
            .sum();
        none + alive * given_alive
    }

    /// The `q`-quantile of the transactions in the next `ahead` opportunities (see
    /// [`crate::models::btyd::discrete_quantile`]).
    pub fn purchases_quantile(
        &self,
        c: &Opportunities,
        ahead: u32,
        q: f64,
        check_interrupts: &dyn Fn(),
    ) -> Option<u32> {
        crate::models::btyd::discrete_quantile(|k| self.prob_purchases(c, ahead, k), q, check_interrupts)
    }

    /// Discounted expected residual transactions at `discount_rate` per opportunity (FHS 2010
    /// eq. 14): `Σ_{t>n} P(transaction at t) / (1+d)^(t−n)`, which is
    /// `B(γ, δ+n+1)/B(γ, δ) · ₂F₁(1, δ+n+1; γ+δ+n+1; 1/(1+d)) / (1+d)` times the future rate.
    /// NaN if the series cannot be summed.
    pub fn dert(&self, c: &Opportunities, discount_rate: f64) -> f64 {
        let [_, _, gamma, delta] = self.params;
        let b = delta + f64::from(c.n) + 1.0;
        let z = 1.0 / (1.0 + discount_rate);
        let Some((ln_series, _)) = ln_hyp2f1(1.0, b, gamma + b, z) else { return f64::NAN };
        (self.ln_future_rate(c) + ln_beta(gamma, b) - ln_beta(gamma, delta) + ln_series + z.ln()).exp()
    }
}

/// ln Γ and ψ of `shift + j` for j = 0..=len: every value a likelihood evaluation needs, once.
struct Table {
    ln_gamma: Vec<f64>,
    digamma: Vec<f64>,
}

impl Table {
    fn new(shift: f64, len: usize) -> Self {
        let values = (0..=len).map(|j| shift + j as f64);
        Self { ln_gamma: values.clone().map(ln_gamma).collect(), digamma: values.map(digamma).collect() }
    }
}

/// The log-likelihood of weighted histories: per history a sum over its paths (alive at n,
/// or dropped out after each opportunity since the last transaction), in log space, with the
/// gradient from ψ. Every ln Γ and ψ comes from tables built once per evaluation.
struct Likelihood<'a> {
    obs: &'a [BgbbObservation],
    options: FitOptions<'a>,
}

impl LogLikelihood for Likelihood<'_> {
    fn value_and_gradient(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let [alpha, beta, gamma, delta]: [f64; 4] = p.try_into().expect("four parameters");
        let len = self.obs.iter().map(|o| o.customer.n as usize).max().unwrap_or(0);
        let [a, b, ab, d, gd, g1d] = [alpha, beta, alpha + beta, delta, gamma + delta, gamma + 1.0 + delta]
            .map(|s| Table::new(s, len));
        let (lg_g, dg_g, lg_g1, dg_g1) =
            (ln_gamma(gamma), digamma(gamma), ln_gamma(gamma + 1.0), digamma(gamma + 1.0));
        // −ln B(α, β) − ln B(γ, δ), and its gradient.
        let constant = ab.ln_gamma[0] - a.ln_gamma[0] - b.ln_gamma[0] + gd.ln_gamma[0] - lg_g - d.ln_gamma[0];
        let d_constant = [
            ab.digamma[0] - a.digamma[0],
            ab.digamma[0] - b.digamma[0],
            gd.digamma[0] - dg_g,
            gd.digamma[0] - d.digamma[0],
        ];
        // A path's log-probability and gradient (without the constant): x transactions, m
        // misses, survived l, then alive (g = 0) or dropped out (g = 1).
        let path = |x: usize, m: usize, dropped: bool, l: usize| {
            let (lg, dg, gdl) = if dropped { (lg_g1, dg_g1, &g1d) } else { (lg_g, dg_g, &gd) };
            let value =
                a.ln_gamma[x] + b.ln_gamma[m] - ab.ln_gamma[x + m] + lg + d.ln_gamma[l] - gdl.ln_gamma[l];
            let gradient = [
                a.digamma[x] - ab.digamma[x + m],
                b.digamma[m] - ab.digamma[x + m],
                dg - gdl.digamma[l],
                d.digamma[l] - gdl.digamma[l],
            ];
            (value, gradient)
        };
        let obs = self.obs;
        let sum_rows = |range: Range<usize>| {
            let mut total = WeightedTotal::default();
            for o in &obs[range] {
                let (x, t_x, n) = (o.customer.x as usize, o.customer.t_x as usize, o.customer.n as usize);
                let paths = std::iter::once(path(x, n - x, false, n))
                    .chain((0..n - t_x).map(|i| path(x, t_x - x + i, true, t_x + i)));
                // Log-sum-exp of the paths, with their gradients weighted by probability.
                let (mut largest, mut sum, mut gradient) = (f64::NEG_INFINITY, 0.0, [0.0; 4]);
                for (value, g) in paths {
                    if value > largest {
                        let rescale = (largest - value).exp();
                        sum *= rescale;
                        gradient.iter_mut().for_each(|v| *v *= rescale);
                        largest = value;
                    }
                    let weight = (value - largest).exp();
                    sum += weight;
                    for (total, gi) in gradient.iter_mut().zip(g) {
                        *total += weight * gi;
                    }
                }
                let gradient: [f64; 4] = std::array::from_fn(|i| gradient[i] / sum + d_constant[i]);
                total.add(o.weight, constant + largest + sum.ln(), gradient);
            }
            total
        };
        parallel_total(obs.len(), self.options, sum_rows).finish()
    }
}

#[cfg(test)]
mod tests {
    /// The distribution of future transactions sums to 1 and its mean is the expected
    /// transactions (FHS 2010 eq. 13, checked against the paper elsewhere).
    #[test]
    fn the_predictive_distribution_is_one_with_the_expected_mean() {
        use super::*;
        let m = BgbbModel { params: [1.204, 0.750, 0.657, 2.783], fit: None };
        for c in [
            Opportunities { x: 0, t_x: 0, n: 6 },
            Opportunities { x: 3, t_x: 5, n: 6 },
            Opportunities { x: 6, t_x: 6, n: 6 },
        ] {
            for ahead in [0, 1, 5, 30] {
                let pmf: Vec<f64> = (0..=ahead).map(|k| m.prob_purchases(&c, ahead, k)).collect();
                let total: f64 = pmf.iter().sum();
                let mean: f64 = pmf.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
                assert!((total - 1.0).abs() < 1e-12, "{c:?} {ahead}: total {total}");
                assert!((mean - m.expected_purchases(&c, ahead)).abs() < 1e-10, "{c:?} {ahead}: mean {mean}");
                assert_eq!(m.prob_purchases(&c, ahead, ahead + 1), 0.0);
            }
        }
    }

    use super::*;

    fn observations() -> Vec<BgbbObservation> {
        [
            (0, 0, 6, 3464.0),
            (1, 1, 6, 1091.0),
            (2, 5, 6, 99.0),
            (3, 3, 4, 10.0),
            (6, 6, 6, 1203.0),
            (2, 9, 12, 5.0),
        ]
        .map(|(x, t_x, n, weight)| BgbbObservation { customer: Opportunities { x, t_x, n }, weight })
        .to_vec()
    }

    #[test]
    fn gradient_is_the_derivative() {
        let obs = observations();
        let l = Likelihood { obs: &obs, options: FitOptions::default() };
        let params = [1.2, 0.75, 0.66, 2.78];
        let (_, g) = l.value_and_gradient(&params);
        for i in 0..4 {
            let h = 1e-6 * params[i];
            let (mut up, mut down) = (params, params);
            up[i] += h;
            down[i] -= h;
            let numeric = (l.value_and_gradient(&up).0 - l.value_and_gradient(&down).0) / (2.0 * h);
            assert!((g[i] - numeric).abs() <= 1e-6 * numeric.abs().max(1.0), "{i}: {} vs {numeric}", g[i]);
        }
    }

    /// The tabulated likelihood is the sum of the individual ones.
    #[test]
    fn likelihood_is_the_sum_of_the_histories() {
        let obs = observations();
        let model = BgbbModel { params: [1.2, 0.75, 0.66, 2.78], fit: None };
        let l = Likelihood { obs: &obs, options: FitOptions::default() };
        let by_hand: f64 = obs.iter().map(|o| o.weight * model.ln_likelihood(&o.customer)).sum();
        let (tabulated, _) = l.value_and_gradient(&model.params);
        assert!((tabulated - by_hand).abs() <= 1e-9 * by_hand.abs(), "{tabulated} vs {by_hand}");
    }

    /// Expected transactions and DERT are the sums they stand for, term by term; γ near 1
    /// takes the two-sided average.
    #[test]
    fn closed_forms_are_their_sums() {
        for gamma in [0.66, 1.0 + 3e-6, 2.5] {
            let model = BgbbModel { params: [1.2, 0.75, gamma, 2.78], fit: None };
            for c in observations().iter().map(|o| o.customer) {
                let rate = model.ln_future_rate(&c).exp();
                let [_, _, g, d] = model.params;
                let alive_at = |t: u32| (ln_beta(g, d + f64::from(t)) - ln_beta(g, d)).exp();
                let sum: f64 = (c.n + 1..=c.n + 10).map(|t| rate * alive_at(t)).sum();
                let got = model.expected_purchases(&c, 10);
                assert!((got - sum).abs() <= 1e-7 * sum, "γ {gamma} {c:?}: {got} vs {sum}");
                let discounted: f64 =
                    (c.n + 1..c.n + 20_000).map(|t| rate * alive_at(t) / 1.1f64.powi((t - c.n) as i32)).sum();
                let got = model.dert(&c, 0.1);
                assert!(
                    (got - discounted).abs() <= 1e-9 * discounted,
                    "γ {gamma} {c:?}: {got} vs {discounted}"
                );
            }
        }
    }

    #[test]
    fn histories_are_checked() {
        let bad = [(1, 0, 6), (3, 2, 6), (0, 2, 6), (1, 7, 6), (1, 1, MAX_OPPORTUNITIES + 1)];
        for (x, t_x, n) in bad {
            assert!(Opportunities { x, t_x, n }.check().is_err(), "{x} {t_x} {n}");
        }
        assert!(Opportunities { x: 0, t_x: 0, n: 0 }.check().is_ok());
    }
}
