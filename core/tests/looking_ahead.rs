//! P(alive) ahead and discounted expected residual transactions (DERT), each against a second,
//! independent derivation: FHL 2005's closed form for the Pareto/NBD DERT, direct quadrature
//! of the definitions, and Bayes' rule with the models' own purchase probabilities.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test
#![allow(clippy::disallowed_methods)] // statrs as an independent reference, inside its domain

use clv_core::math::special::{integrate, ln_gamma};
use clv_core::models::btyd::{Customer, Kind, Model, Observation, Patterns};
use clv_core::time::TimeUnit;
use statrs::function::beta::ln_beta;
use statrs::function::gamma::{gamma, gamma_ur};

/// The published CDNOW fits (weeks).
const MODELS: [(Kind, [f64; 4]); 3] = [
    (Kind::BgNbd, [0.2426, 4.4136, 0.7929, 2.4259]),
    (Kind::MbgNbd, [0.525, 6.183, 0.891, 1.614]),
    (Kind::ParetoNbd, [0.5532, 10.576, 0.6062, 11.672]),
];

const CUSTOMERS: [Customer; 5] = [
    Customer { x: 0.0, t_x: 0.0, t: 38.86 },
    Customer { x: 2.0, t_x: 30.43, t: 38.86 },
    Customer { x: 1.0, t_x: 2.0, t: 30.0 },
    Customer { x: 26.0, t_x: 30.86, t: 31.0 },
    Customer { x: 7.0, t_x: 5.0, t: 36.0 },
];

/// 15% a year, continuously compounded per week (FHL 2005 use δ = 0.0027).
fn weekly_delta() -> f64 {
    1.15f64.ln() / 52.0
}

fn model(kind: Kind, params: [f64; 4]) -> Model {
    Model { kind, params, unit: TimeUnit::Weeks, as_of: None, fit: None, covariates: None, covariance: None }
}

fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!((got - want).abs() <= rel * want.abs(), "{what}: {got} vs {want}");
}

/// FHL 2005 eq. 2: `α^r β^s δ^(s−1) Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^(r+x+1) L)`, with
/// `Ψ(s, s; z) = e^z Γ(1−s, z)` from statrs and the individual likelihood L from the model's
/// own likelihood of the one customer.
#[test]
fn pareto_dert_is_fader_hardie_lee_equation_2() {
    let [r, alpha, s, beta] = MODELS[2].1;
    let m = model(Kind::ParetoNbd, MODELS[2].1);
    let delta = weekly_delta();
    for c in CUSTOMERS {
        let patterns = Patterns::new(&[Observation { customer: c, weight: 1.0 }], &|| {});
        let ln_l = m.log_likelihood(&patterns);
        let z = delta * (beta + c.t);
        let psi = z.exp() * gamma(1.0 - s) * gamma_ur(1.0 - s, z);
        let ln_published = r * alpha.ln() + s * beta.ln() + (s - 1.0) * delta.ln() + ln_gamma(r + c.x + 1.0)
            - ln_gamma(r)
            - (r + c.x + 1.0) * (alpha + c.t).ln()
            - ln_l;
        close(m.dert(&c, delta, &|| {}), ln_published.exp() * psi, 1e-9, &format!("{c:?}"));
    }
}

/// Every model: DERT is `∫₀^∞ e^(−δτ) dE(τ) = ∫₀^∞ e^(−v) E(v/δ) dv` (by parts) over the
/// model's validated expected purchases.
#[test]
fn dert_is_the_discounted_expected_purchases() {
    // Besides CDNOW's: the Beta density with poles at both ends (a, b' < 1), a peaked one
    // (a, b > 1), and an integer r, where the Laplace transform of a power has a removable pole.
    let harsh = [
        (Kind::BgNbd, [0.8, 20.0, 0.3, 0.6]),
        (Kind::MbgNbd, [1.7, 3.0, 4.2, 15.0]),
        (Kind::BgNbd, [1.0, 8.0, 1.3, 3.0]),
        (Kind::MbgNbd, [2.0, 30.0, 0.05, 0.9]),
    ];
    for (kind, params) in MODELS.into_iter().chain(harsh) {
        let m = model(kind, params);
        for delta in [weekly_delta(), 0.05, 2e-4, 2.0] {
            for c in CUSTOMERS {
                let by_parts =
                    integrate(|v| (-v).exp() * m.expected_purchases(&c, v / delta), 0.0, 60.0, 1e-11, 2000)
                        .unwrap_or_else(|| panic!("reference {kind:?} {params:?} δ {delta} {c:?}"));
                close(m.dert(&c, delta, &|| {}), by_parts, 1e-8, &format!("{kind:?} δ {delta} {c:?}"));
            }
        }
    }
}

/// Unconditional P(alive) ahead, BG/NBD family: E[e^(−λpt)] by quadrature over p of the
/// Gamma's Laplace transform, `∫ Beta(p; a, b') ((α+T)/(α+T+pt))^(r+x) dp`.
#[test]
fn beta_geometric_p_alive_ahead_is_the_survival_expectation() {
    for (kind, params) in &MODELS[..2] {
        let [r, alpha, a, b] = *params;
        let m = model(*kind, *params);
        for c in CUSTOMERS {
            let b_active = b + c.x + if *kind == Kind::MbgNbd { 1.0 } else { 0.0 };
            for horizon in [1.0, 13.0, 52.0, 520.0] {
                let density = |p: f64| {
                    ((a - 1.0) * p.ln() + (b_active - 1.0) * (-p).ln_1p() - ln_beta(a, b_active)).exp()
                };
                // p = w^(1/a) removes the density's singularity at 0.
                let survival = integrate(
                    |w: f64| {
                        let p = w.powf(1.0 / a);
                        let jacobian = if p > 0.0 { p / (a * w) } else { 0.0 };
                        density(p) * jacobian * ((alpha + c.t) / (alpha + c.t + p * horizon)).powf(r + c.x)
                    },
                    0.0,
                    1.0,
                    1e-12,
                    4000,
                )
                .unwrap();
                let want = m.p_alive(&c) * survival;
                close(m.p_alive_ahead(&c, horizon, false), want, 1e-8, &format!("{kind:?} {c:?} {horizon}"));
            }
        }
    }
}

/// Pareto/NBD: λ and μ are independent, so dE/dt = E[λ | active] · P(active at T+t): the
/// unconditional P(alive) ahead is the slope of the expected purchases over (r+x)/(α+T).
#[test]
fn pareto_p_alive_ahead_is_the_slope_of_expected_purchases() {
    let [r, alpha, _, _] = MODELS[2].1;
    let m = model(Kind::ParetoNbd, MODELS[2].1);
    for c in CUSTOMERS {
        for horizon in [1.0, 13.0, 52.0, 520.0] {
            let h = 1e-4 * horizon;
            let slope =
                (m.expected_purchases(&c, horizon + h) - m.expected_purchases(&c, horizon - h)) / (2.0 * h);
            close(
                m.p_alive_ahead(&c, horizon, false),
                slope * (alpha + c.t) / (r + c.x),
                1e-6,
                &format!("{c:?}"),
            );
        }
    }
}

/// Given no purchase in between, Bayes: P(active at T+t and no purchase) / P(no purchase),
/// with the numerator from the active customer's Poisson process (e^(−λt), and for Pareto/NBD
/// e^(−μt)) and the denominator from the model's own `prob_purchases(0)`.
#[test]
fn p_alive_ahead_without_purchases_is_bayes_rule() {
    for (kind, params) in MODELS {
        let m = model(kind, params);
        for c in CUSTOMERS {
            for horizon in [1.0, 13.0, 52.0] {
                let [r, alpha, s, beta] = params;
                let no_purchase_while_active = ((alpha + c.t) / (alpha + c.t + horizon)).powf(r + c.x);
                let survives = if kind == Kind::ParetoNbd {
                    ((beta + c.t) / (beta + c.t + horizon)).powf(s)
                } else {
                    1.0
                };
                let joint = m.p_alive(&c) * no_purchase_while_active * survives;
                let want = joint / m.prob_purchases(&c, 0, horizon);
                close(m.p_alive_ahead(&c, horizon, true), want, 1e-9, &format!("{kind:?} {c:?} {horizon}"));
            }
        }
    }
}

/// Looking ahead by 0 is P(alive); P(alive) ahead only falls with the horizon; DERT falls
/// with the discount rate.
#[test]
fn limits_and_monotonicity() {
    for (kind, params) in MODELS {
        let m = model(kind, params);
        for c in CUSTOMERS {
            for no_purchase in [false, true] {
                close(m.p_alive_ahead(&c, 0.0, no_purchase), m.p_alive(&c), 1e-12, "horizon 0");
                let ahead: Vec<f64> =
                    [1.0, 10.0, 100.0, 1e4].iter().map(|&t| m.p_alive_ahead(&c, t, no_purchase)).collect();
                assert!(ahead.windows(2).all(|w| w[1] <= w[0] + 1e-15), "{kind:?} {c:?} {ahead:?}");
            }
            let derts: Vec<f64> = [0.001, 0.01, 0.1, 1.0].iter().map(|&d| m.dert(&c, d, &|| {})).collect();
            assert!(derts.windows(2).all(|w| w[1] < w[0]), "{kind:?} {c:?} {derts:?}");
        }
    }
}
