//! Maximum likelihood over positive parameters: BFGS with a Moré-Thuente line search
//! (argmin) in log-parameter space, and standard errors from the observed information.

use argmin::core::{CostFunction, Error, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::BFGS;
use std::cell::RefCell;

/// A log-likelihood to maximize: the weighted sum over the data and its gradient with
/// respect to the (positive, natural) parameters.
pub trait LogLikelihood {
    fn value_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>);
}

/// The result of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    /// NaN where the observed information is not positive definite.
    pub std_errors: Vec<f64>,
    pub iterations: u64,
    /// The optimizer met its tolerances at a point where the observed information is positive
    /// definite: an interior maximum. Data that cannot identify the model (no repeat purchases,
    /// a single customer) drive parameters to a boundary instead and are reported as not
    /// converged.
    pub converged: bool,
}

const MAX_ITERATIONS: u64 = 1000;
/// The objective is the mean negative log-likelihood per customer (of order 1).
const TOLERANCE_GRADIENT: f64 = 1e-10;
const TOLERANCE_COST: f64 = 1e-14;

/// The mean negative log-likelihood in log parameters, remembering the last evaluation because
/// argmin asks for the cost and the gradient of the same point separately.
struct Objective<'a, L> {
    likelihood: &'a L,
    /// Called before every evaluation; may stop the fit by panicking (e.g. a query cancel).
    check_interrupts: &'a dyn Fn(),
    total_weight: f64,
    last: RefCell<Option<(Vec<f64>, f64, Vec<f64>)>>,
    /// The lowest finite cost seen, kept for when the solver stops with an error.
    best: &'a RefCell<Option<(Vec<f64>, f64)>>,
}

impl<L: LogLikelihood> Objective<'_, L> {
    fn evaluate(&self, log_params: &[f64]) -> (f64, Vec<f64>) {
        if let Some((at, cost, gradient)) = self.last.borrow().as_ref() {
            if at == log_params {
                return (*cost, gradient.clone());
            }
        }
        (self.check_interrupts)();
        let params: Vec<f64> = log_params.iter().map(|p| p.exp()).collect();
        let (ll, gradient) = self.likelihood.value_and_gradient(&params);
        let scale = -1.0 / self.total_weight;
        // d/d(log p) = p d/dp
        let gradient: Vec<f64> = gradient.iter().zip(&params).map(|(g, p)| scale * g * p).collect();
        let cost = scale * ll;
        // Outside the region the likelihood can be evaluated: an infinitely bad point that the
        // line search steps back from.
        let (cost, gradient) = if cost.is_finite() && gradient.iter().all(|g| g.is_finite()) {
            (cost, gradient)
        } else {
            (f64::INFINITY, vec![0.0; params.len()])
        };
        *self.last.borrow_mut() = Some((log_params.to_vec(), cost, gradient.clone()));
        let mut best = self.best.borrow_mut();
        if cost.is_finite() && best.as_ref().is_none_or(|(_, b)| cost < *b) {
            *best = Some((log_params.to_vec(), cost));
        }
        (cost, gradient)
    }
}

impl<L: LogLikelihood> CostFunction for Objective<'_, L> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, log_params: &Self::Param) -> Result<f64, Error> {
        Ok(self.evaluate(log_params).0)
    }
}

impl<L: LogLikelihood> Gradient for Objective<'_, L> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, log_params: &Self::Param) -> Result<Vec<f64>, Error> {
        Ok(self.evaluate(log_params).1)
    }
}

/// Maximizes `likelihood` from `start` (all positive). `total_weight` is the number of
/// customers the likelihood sums over; `check_interrupts` runs before every evaluation.
pub fn maximize<L: LogLikelihood>(likelihood: &L, start: &[f64], total_weight: f64, check_interrupts: &dyn Fn()) -> Fitted {
    let best = RefCell::new(None);
    let objective = Objective { likelihood, check_interrupts, total_weight, last: RefCell::new(None), best: &best };
    let n = start.len();
    let identity: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let solver = BFGS::new(MoreThuenteLineSearch::new())
        .with_tolerance_grad(TOLERANCE_GRADIENT)
        .and_then(|s| s.with_tolerance_cost(TOLERANCE_COST))
        .expect("valid tolerances");
    let log_start: Vec<f64> = start.iter().map(|p| p.ln()).collect();
    let run = Executor::new(objective, solver)
        .configure(|state| state.param(log_start.clone()).inv_hessian(identity).max_iters(MAX_ITERATIONS))
        .timer(false)
        .run();
    let (log_params, iterations, solver_converged) = match run {
        Ok(result) => {
            let state = result.state();
            let converged = state.get_termination_reason() == Some(&TerminationReason::SolverConverged);
            let best = state.get_best_param().cloned().unwrap_or_else(|| log_start.clone());
            (best, state.get_iter(), converged)
        }
        // The line search found no acceptable step, which happens when the parameters run off
        // to a boundary: keep the best point seen, not converged.
        Err(_) => (best.into_inner().map(|(p, _)| p).unwrap_or(log_start), 0, false),
    };
    let params: Vec<f64> = log_params.iter().map(|p| p.exp()).collect();
    let (log_likelihood, _) = likelihood.value_and_gradient(&params);
    let std_errors = standard_errors(likelihood, &params);
    let interior = std_errors.iter().all(|s| s.is_finite()) && params.iter().all(|p| p.is_finite());
    let converged = solver_converged && interior && log_likelihood.is_finite();
    Fitted { params, log_likelihood, std_errors, iterations, converged }
}

/// Standard errors: square roots of the diagonal of the inverse observed information (minus
/// the Hessian of the log-likelihood, from central differences of the analytic gradient).
pub fn standard_errors<L: LogLikelihood>(likelihood: &L, params: &[f64]) -> Vec<f64> {
    let n = params.len();
    let mut information = vec![vec![0.0; n]; n];
    for j in 0..n {
        let h = 1e-5 * params[j];
        let mut up = params.to_vec();
        let mut down = params.to_vec();
        up[j] += h;
        down[j] -= h;
        let (_, g_up) = likelihood.value_and_gradient(&up);
        let (_, g_down) = likelihood.value_and_gradient(&down);
        for i in 0..n {
            information[i][j] = -(g_up[i] - g_down[i]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let mean = (information[i][j] + information[j][i]) / 2.0;
            information[i][j] = mean;
            information[j][i] = mean;
        }
    }
    match invert_positive_definite(&information) {
        Some(covariance) => (0..n).map(|i| covariance[i][i].sqrt()).collect(),
        None => vec![f64::NAN; n],
    }
}

/// Inverse of a symmetric positive definite matrix by Cholesky decomposition; `None` when the
/// matrix is not positive definite.
fn invert_positive_definite(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    // m = L Lᵀ
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s = m[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if !(s > 0.0) {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    // Columns of L⁻¹ by forward substitution, then m⁻¹ = L⁻ᵀ L⁻¹.
    let mut l_inv = vec![vec![0.0; n]; n];
    for col in 0..n {
        for i in col..n {
            let rhs = if i == col { 1.0 } else { 0.0 };
            let s = rhs - (col..i).map(|k| l[i][k] * l_inv[k][col]).sum::<f64>();
            l_inv[i][col] = s / l[i][i];
        }
    }
    Some((0..n).map(|i| (0..n).map(|j| (0..n).map(|k| l_inv[k][i] * l_inv[k][j]).sum()).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Gamma(shape k, rate θ) log-likelihood of a sample, whose maximum is known in closed
    /// form for the rate: θ = k / mean.
    struct GammaSample(Vec<f64>);

    impl LogLikelihood for GammaSample {
        fn value_and_gradient(&self, p: &[f64]) -> (f64, Vec<f64>) {
            let (k, rate) = (p[0], p[1]);
            let n = self.0.len() as f64;
            let (sum, sum_ln): (f64, f64) = (self.0.iter().sum(), self.0.iter().map(|x| x.ln()).sum());
            let ll = n * (k * rate.ln() - statrs::function::gamma::ln_gamma(k)) + (k - 1.0) * sum_ln - rate * sum;
            let dk = n * (rate.ln() - statrs::function::gamma::digamma(k)) + sum_ln;
            let drate = n * k / rate - sum;
            (ll, vec![dk, drate])
        }
    }

    #[test]
    fn finds_the_maximum_and_its_standard_errors() {
        let sample: Vec<f64> = (1..=200).map(|i| 0.5 + (i as f64 * 0.618).fract() * 3.0).collect();
        let fit = maximize(&GammaSample(sample.clone()), &[1.0, 1.0], 200.0, &|| {});
        assert!(fit.converged, "{fit:?}");
        let mean = sample.iter().sum::<f64>() / 200.0;
        assert!((fit.params[1] - fit.params[0] / mean).abs() < 1e-8 * fit.params[1]);
        let (_, g) = GammaSample(sample).value_and_gradient(&fit.params);
        assert!(g.iter().all(|g| g.abs() < 1e-6), "gradient at the maximum {g:?}");
        assert!(fit.std_errors.iter().all(|s| s.is_finite() && *s > 0.0));
    }

    #[test]
    fn inverse_of_a_known_matrix() {
        let m = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let inv = invert_positive_definite(&m).unwrap();
        let want = [[0.375, -0.25], [-0.25, 0.5]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-15);
            }
        }
        assert!(invert_positive_definite(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }
}
