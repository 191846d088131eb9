//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987; likelihood as in Fader, Hardie & Lee
//! 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions"), parameters
//! `(r, α, s, β)`: purchase rate λ ~ Gamma(r, α), exponential lifetime with rate
//! μ ~ Gamma(s, β).
//!
//! The likelihood's hard part is `∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ = (F(t_x) − F(T)) / (r+s+x)`
//! with `F(t) = ₂F₁(r+s+x, b°; r+s+x+1; z_t) / (max(α,β) + t)^(r+s+x)`. After Euler's
//! transformation, with `G = ₂F₁(1, p; r+s+x+1; z_t) = Σₙ Πⱼ<ₙ (p+j)/(r+s+x+1+j) zₜⁿ`:
//!
//! - α ≥ β: `F(t) = (α+t)^-(r+x) (β+t)^-s G(t)`, `p = r+x`, `z_t = (α−β)/(α+t)`;
//! - α < β: `F(t) = (α+t)^(1−r−x) (β+t)^-(s+1) G(t)`, `p = s+1`, `z_t = (β−α)/(β+t)`.
//!
//! G's terms are positive and shrink at least like `zₜⁿ`, so it is accurate up to z close to
//! 1, and its parameter derivatives are summed in the same loop.

use super::{Customer, Patterns};
use crate::math::optimize::{parallel_blocks, parallel_total, FitOptions, LogLikelihood, WeightedTotal};
use crate::math::special::{digamma, integrate, laplace_of_power, ln_gamma, log_add_exp};
use std::collections::HashMap;
use std::ops::Range;

/// Enough for z up to ~0.9998 (|α−β| / max(α,β) < 0.9998 at t = 0): beyond, the data are
/// degenerate (no repeat purchases), and the likelihood counts as not computable.
const SERIES_LIMIT: usize = 200_000;

/// G and its derivatives with respect to p, to k1 = r+s+x+1 and to z.
#[derive(Debug, Clone, Copy)]
struct Series {
    g: f64,
    d_p: f64,
    d_k1: f64,
    d_z: f64,
}

/// `G = Σₙ Πⱼ<ₙ (p+j)/(k1+j) zⁿ` with derivatives; NaN when it does not converge.
fn series(p: f64, k1: f64, z: f64) -> Series {
    let (mut g, mut d_p, mut d_k1, mut d_z) = (1.0, 0.0, 0.0, 0.0);
    // coef = Πⱼ<ₙ (p+j)/(k1+j); sums of 1/(p+j) and 1/(k1+j) for the parameter derivatives.
    let (mut coef, mut z_pow_before, mut sum_p, mut sum_k1) = (1.0, 1.0, 0.0, 0.0);
    for n in 1..SERIES_LIMIT {
        let j = (n - 1) as f64;
        coef *= (p + j) / (k1 + j);
        sum_p += 1.0 / (p + j);
        sum_k1 += 1.0 / (k1 + j);
        let d_term_z = n as f64 * coef * z_pow_before; // d/dz of coef·zⁿ
        z_pow_before *= z;
        let term = coef * z_pow_before;
        g += term;
        d_p += term * sum_p;
        d_k1 -= term * sum_k1;
        d_z += d_term_z;
        // Terms shrink by at least z per step (times (n+1)/n for d/dz): bound the tails.
        let q = z * (n as f64 + 1.0) / n as f64;
        let tail_small =
            |t: f64, total: f64| t * (1.0 + sum_p + sum_k1) <= f64::EPSILON * total.abs() * (1.0 - q);
        if d_term_z == 0.0 || (q < 1.0 && tail_small(term, g) && tail_small(d_term_z, d_z)) {
            return Series { g, d_p, d_k1, d_z };
        }
    }
    Series { g: f64::NAN, d_p: f64::NAN, d_k1: f64::NAN, d_z: f64::NAN }
}

/// `ln F(t)` and its gradient with respect to (r, α, s, β), for `x` repeat purchases.
fn ln_f(params: &[f64; 4], x: f64, t: f64) -> (f64, [f64; 4]) {
    let [r, alpha, s, beta] = *params;
    let (ln_a, ln_b) = ((alpha + t).ln(), (beta + t).ln());
    let k1 = r + s + x + 1.0;
    // F = (α+t)^ea (β+t)^eb G: the exponents, their gradients, and G's p and z with theirs.
    let (ea, eb, d_ea, d_eb, p, dp_r, dp_s, z, dz_alpha, dz_beta) = if alpha >= beta {
        let m = alpha + t;
        (
            -(r + x),
            -s,
            [-1.0, 0.0],
            [0.0, -1.0],
            r + x,
            1.0,
            0.0,
            (alpha - beta) / m,
            (beta + t) / (m * m),
            -1.0 / m,
        )
    } else {
        let m = beta + t;
        (
            1.0 - r - x,
            -(s + 1.0),
            [-1.0, 0.0],
            [0.0, -1.0],
            s + 1.0,
            0.0,
            1.0,
            (beta - alpha) / m,
            -1.0 / m,
            (alpha + t) / (m * m),
        )
    };
    let g = series(p, k1, z);
    let value = ea * ln_a + eb * ln_b + g.g.ln();
    // d(ea)/d(r, s) and d(eb)/d(r, s) are d_ea, d_eb.
    let gradient = [
        d_ea[0] * ln_a + d_eb[0] * ln_b + (g.d_p * dp_r + g.d_k1) / g.g,
        ea / (alpha + t) + g.d_z * dz_alpha / g.g,
        d_ea[1] * ln_a + d_eb[1] * ln_b + (g.d_p * dp_s + g.d_k1) / g.g,
        eb / (beta + t) + g.d_z * dz_beta / g.g,
    ];
    (value, gradient)
}

/// ln of the likelihood's bracket `(α+T)^-(r+x) (β+T)^-s + s/(r+s+x) (F(t_x) − F(T))` and
/// P(alive), the share of its first term.
fn ln_bracket(params: &[f64; 4], c: &Customer) -> (f64, f64) {
    let [r, alpha, s, beta] = *params;
    let alive_term = -(r + c.x) * (alpha + c.t).ln() - s * (beta + c.t).ln();
    let ln_c = (s / (r + s + c.x)).ln();
    let (ln_f_tx, _) = ln_f(params, c.x, c.t_x);
    let (ln_f_t, _) = ln_f(params, c.x, c.t);
    let bracket = log_add_exp(alive_term, ln_c + log_sub_exp(ln_f_tx, ln_f_t));
    (bracket, (alive_term - bracket).exp())
}

/// `ln(exp(a) − exp(b))` for a ≥ b; −∞ when they are equal.
fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b >= a {
        f64::NEG_INFINITY
    } else {
        a + (-(b - a).exp()).ln_1p()
    }
}

pub fn p_alive(params: &[f64; 4], c: &Customer) -> f64 {
    ln_bracket(params, c).1
}

/// E[purchases in (T, T+t]] given the history (Hardie's note 009, eq. 41):
/// `(r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive)`, with the s → 1 limit.
pub fn expected_purchases(params: &[f64; 4], c: &Customer, horizon: f64) -> f64 {
    let [value] = expected_purchases_at(params, c, [horizon]);
    value
}

/// [`expected_purchases`] at several horizons, computing P(alive) once.
pub fn expected_purchases_at<const N: usize>(
    params: &[f64; 4],
    c: &Customer,
    horizons: [f64; N],
) -> [f64; N] {
    let [r, alpha, s, beta] = *params;
    let scale = (r + c.x) * (beta + c.t) / (alpha + c.t) * p_alive(params, c);
    horizons.map(|horizon| {
        if horizon <= 0.0 {
            return 0.0;
        }
        let ln_growth = (horizon / (beta + c.t)).ln_1p();
        // [1 − (1+u)^-(s−1)] / (s−1), which tends to ln(1+u) as s → 1.
        let lifetime_factor = if (s - 1.0).abs() < 1e-9 {
            ln_growth * (1.0 - (s - 1.0) * ln_growth / 2.0)
        } else {
            -(-(s - 1.0) * ln_growth).exp_m1() / (s - 1.0)
        };
        scale * lifetime_factor
    })
}

/// P(active at T + t) given the history, whatever happens in between: an active customer's
/// dropout rate is μ ~ Gamma(s, β+T), so they survive t more with probability
/// `((β+T)/(β+T+t))^s`.
pub fn p_alive_ahead(params: &[f64; 4], c: &Customer, horizon: f64) -> f64 {
    let [_, _, s, beta] = *params;
    p_alive(params, c) * (-s * (horizon / (beta + c.t)).ln_1p()).exp()
}

/// Discounted expected residual transactions at a continuous rate δ per time unit (FHL 2005,
/// "RFM and CLV", eq. 2): an active customer buys at rate E[λ] = (r+x)/(α+T) times the
/// survival `(1 + τ/(β+T))^(−s)`, so the discounted total is
/// `P(alive) (r+x)(β+T)/(α+T) · U(1, 2−s, δ(β+T))` ([`laplace_of_power`]). NaN when that
/// cannot be computed.
pub fn dert(params: &[f64; 4], c: &Customer, delta: f64) -> f64 {
    let [r, alpha, s, beta] = *params;
    let rate_and_span = (r + c.x) * (beta + c.t) / (alpha + c.t);
    match laplace_of_power(s, delta * (beta + c.t)) {
        Some(laplace) => p_alive(params, c) * rate_and_span * laplace,
        None => f64::NAN,
    }
}

/// P(n purchases in (T, T+t]] given the history: an inactive customer makes none; an active
/// one has λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T), and the count is negative binomial up
/// to the end of the lifetime or of the horizon, whichever comes first.
pub fn prob_purchases(params: &[f64; 4], c: &Customer, n: u32, horizon: f64) -> f64 {
    let [r, alpha, s, beta] = *params;
    let alive = p_alive(params, c);
    let inactive = if n == 0 { 1.0 - alive } else { 0.0 };
    if horizon <= 0.0 {
        return if n == 0 { 1.0 } else { 0.0 };
    }
    let (r1, alpha1, beta1) = (r + c.x, alpha + c.t, beta + c.t);
    let survives = s * (beta1 / (beta1 + horizon)).ln(); // ln P(lifetime > horizon)
    let active = if n == 0 {
        // No purchase before the lifetime or the horizon ends: the survival term plus
        // s β'^s α'^r' ∫₀^t (α'+τ)^-r' (β'+τ)^-(s+1) dτ, in closed form with F.
        let ends = [0.0, horizon].map(|t| ln_f(&[r1, alpha1, s, beta1], 0.0, t).0);
        let ln_integral = log_sub_exp(ends[0], ends[1]) - (r1 + s).ln();
        (r1 * (alpha1 / (alpha1 + horizon)).ln() + survives).exp()
            + (s.ln() + s * beta1.ln() + r1 * alpha1.ln() + ln_integral).exp()
    } else {
        let n = f64::from(n);
        let ln_nb_const = ln_gamma(r1 + n) - ln_gamma(r1) - ln_gamma(n + 1.0);
        // Negative binomial P(n purchases by τ) for λ ~ Gamma(r', α').
        let nb = |tau: f64| {
            (ln_nb_const + r1 * (alpha1 / (alpha1 + tau)).ln() + n * (tau / (alpha1 + tau)).ln()).exp()
        };
        let lifetime_density = |tau: f64| s / beta1 * (beta1 / (beta1 + tau)).powf(s + 1.0);
        let died_within =
            integrate(|tau| nb(tau) * lifetime_density(tau), 0.0, horizon, 1e-12, 4000).unwrap_or(f64::NAN);
        nb(horizon) * survives.exp() + died_within
    };
    inactive + alive * active
}

/// The log-likelihood of distinct patterns:
/// `ln L = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β + ln[(α+T)^-(r+x) (β+T)^-s + s/(r+s+x) (F(t_x) − F(T))]`.
pub struct Likelihood<'a> {
    patterns: &'a Patterns,
    /// Distinct (x index, time index) pairs that F is needed at.
    f_points: Vec<(u32, u32)>,
    /// For each row, the indices of its (x, t_x) and (x, T) points.
    row_points: Vec<(u32, u32)>,
    options: FitOptions<'a>,
}

impl<'a> Likelihood<'a> {
    /// The likelihood of `patterns`, summed as `options` say (threads, interrupt checks).
    pub fn new(patterns: &'a Patterns, options: FitOptions<'a>) -> Self {
        let mut index: HashMap<(u32, u32), u32> = HashMap::new();
        let mut f_points = Vec::new();
        let mut point = |key: (u32, u32)| {
            *index.entry(key).or_insert_with(|| {
                f_points.push(key);
                (f_points.len() - 1) as u32
            })
        };
        let mut row_points = Vec::with_capacity(patterns.rows.len());
        for chunk in patterns.rows.chunks(super::CHECK_EVERY) {
            (options.check_interrupts)();
            row_points.extend(chunk.iter().map(|row| (point((row.x, row.t_x)), point((row.x, row.t)))));
        }
        Self { patterns, f_points, row_points, options }
    }
}

impl LogLikelihood for Likelihood<'_> {
    fn value_and_gradient(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let params: [f64; 4] = p.try_into().expect("four parameters");
        let [r, alpha, s, beta] = params;
        let xs = &self.patterns.xs;
        let times = &self.patterns.times;
        let (ln_alpha, ln_beta, lg_r, dg_r) = (alpha.ln(), beta.ln(), ln_gamma(r), digamma(r));
        // Per x: ln Γ(r+x) − ln Γ(r) + r ln α + s ln β with its gradient, and ln(s/(r+s+x)).
        let shape: Vec<(f64, [f64; 4], f64, [f64; 4])> = xs
            .iter()
            .map(|&x| {
                let value = ln_gamma(r + x) - lg_r + r * ln_alpha + s * ln_beta;
                let grad = [digamma(r + x) - dg_r + ln_alpha, r / alpha, ln_beta, s / beta];
                let k = r + s + x;
                ((value), grad, (s / k).ln(), [-1.0 / k, 0.0, 1.0 / s - 1.0 / k, 0.0])
            })
            .collect();
        // The threads see the data, not `self` (whose options hold the calling thread's
        // interrupt check).
        let (f_points, row_points) = (&self.f_points, &self.row_points);
        // One series per point: with distinct times there are as many as rows, so they are
        // computed in blocks too.
        let f_values: Vec<(f64, [f64; 4])> = parallel_blocks(f_points.len(), self.options, |range| {
            f_points[range]
                .iter()
                .map(|&(xi, ti)| ln_f(&params, xs[xi as usize], times[ti as usize]))
                .collect::<Vec<_>>()
        })
        .concat();

        // Per time: ln(α+t), ln(β+t) and their reciprocals.
        let per_time: Vec<[f64; 4]> = times
            .iter()
            .map(|t| [(alpha + t).ln(), (beta + t).ln(), 1.0 / (alpha + t), 1.0 / (beta + t)])
            .collect();

        let rows = &self.patterns.rows;
        let sum_rows = |range: Range<usize>| {
            let mut total = WeightedTotal::default();
            for (row, &(at_tx, at_t)) in rows[range.clone()].iter().zip(&row_points[range]) {
                let x = xs[row.x as usize];
                let [ln_alpha_t, ln_beta_t, inv_alpha_t, inv_beta_t] = per_time[row.t as usize];
                let (shape_value, shape_grad, ln_c, ln_c_grad) = &shape[row.x as usize];
                let alive_term = -(r + x) * ln_alpha_t - s * ln_beta_t;
                let alive_grad = [-ln_alpha_t, -(r + x) * inv_alpha_t, -ln_beta_t, -s * inv_beta_t];
                let ((ln_f_tx, grad_tx), (ln_f_t, grad_t)) =
                    (&f_values[at_tx as usize], &f_values[at_t as usize]);
                let bracket = log_add_exp(alive_term, ln_c + log_sub_exp(*ln_f_tx, *ln_f_t));
                // Shares of the bracket: alive term, and c·F(t_x), c·F(T) (whose difference is the rest).
                let w_alive = (alive_term - bracket).exp();
                let (u, v) = ((ln_c + ln_f_tx - bracket).exp(), (ln_c + ln_f_t - bracket).exp());
                let gradient: [f64; 4] = std::array::from_fn(|i| {
                    shape_grad[i] + w_alive * alive_grad[i] + (u - v) * ln_c_grad[i] + u * grad_tx[i]
                        - v * grad_t[i]
                });
                total.add(row.weight, shape_value + bracket, gradient);
            }
            total
        };
        parallel_total(rows.len(), self.options, sum_rows).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_is_the_antiderivative_of_the_lifetime_integrand() {
        // ∫_{t1}^{t2} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ = (F(t1) − F(t2)) / (r+s+x), both α ≥ β and α < β.
        for params in [[0.55, 10.58, 0.61, 11.66], [0.8, 30.0, 1.3, 4.0], [2.0, 3.0, 0.4, 3.0]] {
            let [r, alpha, s, beta] = params;
            for (x, t1, t2) in [(0.0, 0.0, 39.0), (3.0, 12.5, 38.0), (26.0, 30.86, 31.0)] {
                let closed = (ln_f(&params, x, t1).0.exp() - ln_f(&params, x, t2).0.exp()) / (r + s + x);
                let f = |tau: f64| (alpha + tau).powf(-(r + x)) * (beta + tau).powf(-(s + 1.0));
                let numeric = integrate(f, t1, t2, 1e-13, 1000).unwrap();
                assert!(
                    (closed - numeric).abs() <= 1e-10 * numeric,
                    "{params:?} {x} {t1} {t2}: {closed} vs {numeric}"
                );
            }
        }
    }
}
