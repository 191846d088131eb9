//! Maximum likelihood: BFGS with a Moré-Thuente line search (argmin), positive parameters in
//! log space and real ones (covariate coefficients) as they are, and standard errors from the
//! observed information.

use argmin::core::{CostFunction, Error, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::BFGS;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};

/// A log-likelihood to maximize: the weighted sum over the data and its gradient with
/// respect to the natural parameters.
pub trait LogLikelihood {
    fn value_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>);

    /// The parameters from this index on are real numbers (covariate coefficients); those
    /// before it are positive. All are positive unless said otherwise.
    fn real_from(&self) -> usize {
        usize::MAX
    }
}

/// Where the optimizer works: `ln p` for a positive parameter, `p` itself for a real one.
#[derive(Debug, Clone, Copy)]
struct Scale {
    real_from: usize,
}

impl Scale {
    fn of(likelihood: &impl LogLikelihood) -> Self {
        Self { real_from: likelihood.real_from() }
    }

    fn to_natural(self, search: &[f64]) -> Vec<f64> {
        search.iter().enumerate().map(|(i, v)| if i < self.real_from { v.exp() } else { *v }).collect()
    }

    fn to_search(self, params: &[f64]) -> Vec<f64> {
        params.iter().enumerate().map(|(i, p)| if i < self.real_from { p.ln() } else { *p }).collect()
    }

    /// `d(natural parameter i) / d(search coordinate i)`.
    fn derivative(self, i: usize, param: f64) -> f64 {
        if i < self.real_from {
            param
        } else {
            1.0
        }
    }

    fn admissible(self, i: usize, param: f64) -> bool {
        i >= self.real_from || param > 0.0
    }

    /// The step of a finite difference at parameter `i`: relative to its size, at least 1e-7
    /// for a real one (which may be 0).
    fn step(self, i: usize, param: f64) -> f64 {
        if i < self.real_from {
            1e-7 * param
        } else {
            1e-7 * param.abs().max(1.0)
        }
    }
}

/// The weighted sum of per-customer log-likelihoods and of their gradients with respect to
/// `P` parameters. Summed with compensation: over a million customers a plain sum carries
/// rounding noise of about 1e-12 of the mean, enough to stall the line search near the maximum.
#[derive(Debug, Clone, Copy)]
pub struct WeightedTotal<const P: usize> {
    value: CompensatedSum,
    gradient: [CompensatedSum; P],
}

impl<const P: usize> Default for WeightedTotal<P> {
    fn default() -> Self {
        Self { value: CompensatedSum::default(), gradient: [CompensatedSum::default(); P] }
    }
}

impl<const P: usize> WeightedTotal<P> {
    /// Adds `weight` customers with this log-likelihood and gradient.
    pub fn add(&mut self, weight: f64, value: f64, gradient: [f64; P]) {
        self.value.add(weight * value);
        for (total, g) in self.gradient.iter_mut().zip(gradient) {
            total.add(weight * g);
        }
    }

    /// Adds the customers another total summed.
    pub fn merge(&mut self, other: &Self) {
        self.value.add(other.value.total());
        for (total, g) in self.gradient.iter_mut().zip(&other.gradient) {
            total.add(g.total());
        }
    }

    /// The log-likelihood and its gradient.
    pub fn finish(&self) -> (f64, Vec<f64>) {
        (self.value.total(), self.gradient.iter().map(CompensatedSum::total).collect())
    }
}

/// Fewer rows than this per thread are summed on the calling thread alone: starting a thread
/// costs about as much as summing a few thousand rows.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// Rows in one block of [`parallel_blocks`]: threads take blocks one at a time, and the calling
/// thread checks for interrupts between its blocks. A block takes at most a few milliseconds
/// even where every row needs its own hypergeometric series (Pareto/NBD with distinct times).
const BLOCK_ROWS: usize = 1024;

/// `work(range)` for the consecutive blocks of [`BLOCK_ROWS`] rows of `0..rows`, in block order,
/// on up to `options.threads` threads (the calling one included; each takes at least
/// [`MIN_ROWS_PER_THREAD`] rows' worth of blocks). The calling thread runs
/// `options.check_interrupts` before each of its blocks; when that stops the work by panicking
/// (a query cancel), the other threads stop after their current block, are joined, and the
/// panic goes on. The threads only compute: they touch no database state, and blocks a thread
/// could not be started for are taken by the others.
pub fn parallel_blocks<R: Send>(
    rows: usize,
    options: FitOptions,
    work: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let blocks = rows.div_ceil(BLOCK_ROWS);
    let block = |b: usize| b * BLOCK_ROWS..((b + 1) * BLOCK_ROWS).min(rows);
    let threads = options.threads.clamp(1, rows / MIN_ROWS_PER_THREAD + 1);
    if threads == 1 {
        return (0..blocks)
            .map(|b| {
                (options.check_interrupts)();
                work(block(b))
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let take = || {
        let b = next.fetch_add(1, AtomicOrdering::Relaxed);
        (b < blocks && !stop.load(AtomicOrdering::Relaxed)).then_some(b)
    };
    let worker = || {
        let mut done = Vec::new();
        while let Some(b) = take() {
            done.push((b, work(block(b))));
        }
        done
    };
    /// Tells the helper threads to stop when the calling thread unwinds.
    struct StopOnUnwind<'a>(&'a AtomicBool);
    impl Drop for StopOnUnwind<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, AtomicOrdering::Relaxed);
            }
        }
    }
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, worker).ok())
            .collect();
        let _stop = StopOnUnwind(&stop);
        let mut done = Vec::new();
        while let Some(b) = {
            (options.check_interrupts)();
            take()
        } {
            done.push((b, work(block(b))));
        }
        for helper in helpers {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    done.sort_unstable_by_key(|(b, _)| *b);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `total(range)` over `0..rows` by [`parallel_blocks`], added up in block order: the same
/// result on any number of threads.
pub fn parallel_total<const P: usize>(
    rows: usize,
    options: FitOptions,
    total: impl Fn(Range<usize>) -> WeightedTotal<P> + Sync,
) -> WeightedTotal<P> {
    parallel_blocks(rows, options, total).iter().fold(WeightedTotal::default(), |mut sum, part| {
        sum.merge(part);
        sum
    })
}

/// How a fit runs: threads for the likelihood sums, and a hook called before every
/// evaluation that may stop the fit by panicking (e.g. on a query cancel).
#[derive(Clone, Copy)]
pub struct FitOptions<'a> {
    pub threads: usize,
    pub check_interrupts: &'a dyn Fn(),
}

impl Default for FitOptions<'static> {
    /// One thread, never interrupted.
    fn default() -> Self {
        fn never() {}
        Self { threads: 1, check_interrupts: &never }
    }
}

/// Neumaier's compensated summation: a total that hardly depends on the order of its terms
/// (a parallel plan's partial sums give the serial total to the last digit or so).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompensatedSum {
    sum: f64,
    /// The low-order bits the additions lost.
    compensation: f64,
}

impl CompensatedSum {
    pub fn add(&mut self, term: f64) {
        let sum = self.sum + term;
        self.compensation +=
            if self.sum.abs() >= term.abs() { (self.sum - sum) + term } else { (term - sum) + self.sum };
        self.sum = sum;
    }

    pub fn total(&self) -> f64 {
        self.sum + self.compensation
    }

    /// Adds another sum, keeping its low-order bits.
    pub fn merge(&mut self, other: &Self) {
        self.add(other.sum);
        self.add(other.compensation);
    }

    /// The two parts, to serialize.
    pub fn parts(&self) -> [f64; 2] {
        [self.sum, self.compensation]
    }

    pub fn from_parts([sum, compensation]: [f64; 2]) -> Self {
        Self { sum, compensation }
    }
}

/// The result of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    /// NaN where the observed information is not positive definite.
    pub std_errors: Vec<f64>,
    /// The inverse observed information, when positive definite.
    pub covariance: Option<Vec<Vec<f64>>>,
    pub iterations: u64,
    /// The optimizer met its tolerances at a point where the observed information is positive
    /// definite: an interior maximum. Data that cannot identify the model (no repeat purchases,
    /// a single customer) drive parameters to a boundary instead and are reported as not
    /// converged.
    pub converged: bool,
}

const MAX_ITERATIONS: u64 = 1000;
/// The objective is the mean negative log-likelihood per customer (of order 10), whose
/// rounding noise on large data is about 1e-13 (terms of ±300 cancel in every customer's
/// log-likelihood): the line search cannot resolve gradients much below 1e-7. BFGS stops at
/// 1e-6 and a Newton step with the observed information finishes the job.
const TOLERANCE_GRADIENT: f64 = 1e-6;
const TOLERANCE_COST: f64 = 1e-14;

/// A point in log parameters with its cost and gradient.
type Evaluation = (Vec<f64>, f64, Vec<f64>);

/// The mean negative log-likelihood in log parameters, remembering the last evaluation because
/// argmin asks for the cost and the gradient of the same point separately.
struct Objective<'a, L> {
    likelihood: &'a L,
    scale: Scale,
    /// Called before every evaluation; may stop the fit by panicking (e.g. a query cancel).
    check_interrupts: &'a dyn Fn(),
    total_weight: f64,
    last: RefCell<Option<Evaluation>>,
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
        let params = self.scale.to_natural(log_params);
        let (ll, gradient) = self.likelihood.value_and_gradient(&params);
        let scale = -1.0 / self.total_weight;
        // d/d(log p) = p d/dp; a real parameter is searched as it is.
        let gradient: Vec<f64> =
            (0..params.len()).map(|i| scale * gradient[i] * self.scale.derivative(i, params[i])).collect();
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

/// A point to start from: positive parameters and optionally an inverse Hessian of the mean
/// cost in log parameters (the identity when absent).
#[derive(Debug, Clone)]
pub struct Start {
    pub params: Vec<f64>,
    pub inv_hessian: Option<Vec<Vec<f64>>>,
}

impl Start {
    pub fn at(params: Vec<f64>) -> Self {
        Self { params, inv_hessian: None }
    }

    /// Where a converged fit ended, with the curvature it measured there, for data of
    /// `total_weight` customers like its own.
    fn after(fit: &Fitted, total_weight: f64, scale: Scale) -> Self {
        // The Hessian of the mean cost in log parameters at a maximum is diag(p) I diag(p) / n
        // (I the information), so its inverse is n Cov_ij / (p_i p_j); a real parameter's
        // factor is 1.
        let inv_hessian = fit.covariance.as_ref().map(|cov| {
            let d: Vec<f64> = fit.params.iter().enumerate().map(|(i, p)| scale.derivative(i, *p)).collect();
            (0..d.len())
                .map(|i| (0..d.len()).map(|j| total_weight * cov[i][j] / (d[i] * d[j])).collect())
                .collect()
        });
        Self { params: fit.params.clone(), inv_hessian }
    }
}

/// Data with more customer patterns than this are first fitted on a weighted sample of this
/// size: the fit on all data then starts next to the maximum with a good inverse Hessian and
/// needs a few iterations instead of dozens. The answer is the full data's maximum either way.
pub const WARM_START_SAMPLE: usize = 20_000;

/// A systematic sample of `n` draws from weighted items in their order, probability
/// proportional to weight: every item gets its share of draws, each draw weighing
/// `total / n`, so heavy items (many customers with one pattern) are kept exactly.
pub fn weighted_sample<T: Clone>(
    items: &[T],
    n: usize,
    weight: impl Fn(&T) -> f64,
    with_weight: impl Fn(&T, f64) -> T,
) -> Vec<T> {
    let total: f64 = items.iter().map(&weight).sum();
    let step = total / n as f64;
    let mut drawn_before = 0.0;
    let mut cumulative = 0.0;
    let mut sample = Vec::with_capacity(n + 1);
    for item in items {
        cumulative += weight(item);
        let drawn = (cumulative / step + 0.5).floor();
        if drawn > drawn_before {
            sample.push(with_weight(item, (drawn - drawn_before) * step));
            drawn_before = drawn;
        }
    }
    sample
}

/// Maximizes `likelihood` (summing over `total_weight` customers) from `start`, first on
/// `warm_up` when given: the likelihood of a weighted sample of the same data with the same
/// total weight (see [`weighted_sample`]). `check_interrupts` runs before every evaluation.
pub fn maximize<L: LogLikelihood>(
    likelihood: &L,
    total_weight: f64,
    start: Start,
    warm_up: Option<&L>,
    check_interrupts: &dyn Fn(),
) -> Fitted {
    if let Some(sample) = warm_up {
        let first = maximize(sample, total_weight, start.clone(), None, check_interrupts);
        if first.converged {
            let fitted = maximize(
                likelihood,
                total_weight,
                Start::after(&first, total_weight, Scale::of(likelihood)),
                None,
                check_interrupts,
            );
            if fitted.converged {
                return fitted;
            }
        }
    }
    let (log_params, iterations, solver_converged) =
        run_bfgs(likelihood, total_weight, start, check_interrupts);
    let params = Scale::of(likelihood).to_natural(&log_params);
    let (log_likelihood, gradient) = likelihood.value_and_gradient(&params);
    let covariance = covariance(likelihood, &params, &gradient);
    let (params, log_likelihood) = match &covariance {
        Some(cov) => newton_step(likelihood, params, log_likelihood, &gradient, cov),
        None => (params, log_likelihood),
    };
    let std_errors = match &covariance {
        Some(cov) => (0..params.len()).map(|i| cov[i][i].sqrt()).collect(),
        None => vec![f64::NAN; params.len()],
    };
    let interior = covariance.is_some() && params.iter().all(|p| p.is_finite());
    let converged = solver_converged && interior && log_likelihood.is_finite();
    Fitted { params, log_likelihood, std_errors, covariance, iterations, converged }
}

/// BFGS in log parameters: the best log parameters, iterations, and whether the solver met its
/// tolerances.
fn run_bfgs<L: LogLikelihood>(
    likelihood: &L,
    total_weight: f64,
    start: Start,
    check_interrupts: &dyn Fn(),
) -> (Vec<f64>, u64, bool) {
    let best = RefCell::new(None);
    let scale = Scale::of(likelihood);
    let objective = Objective {
        likelihood,
        scale,
        check_interrupts,
        total_weight,
        last: RefCell::new(None),
        best: &best,
    };
    let n = start.params.len();
    let identity = || (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let solver = BFGS::new(MoreThuenteLineSearch::new())
        .with_tolerance_grad(TOLERANCE_GRADIENT)
        .and_then(|s| s.with_tolerance_cost(TOLERANCE_COST))
        .expect("valid tolerances");
    let log_start = scale.to_search(&start.params);
    let inv_hessian = start.inv_hessian.unwrap_or_else(identity);
    let run = Executor::new(objective, solver)
        .configure(|state| state.param(log_start.clone()).inv_hessian(inv_hessian).max_iters(MAX_ITERATIONS))
        .timer(false)
        .run();
    match run {
        Ok(result) => {
            let state = result.state();
            let converged = state.get_termination_reason() == Some(&TerminationReason::SolverConverged);
            let best = state.get_best_param().cloned().unwrap_or_else(|| log_start.clone());
            (best, state.get_iter(), converged)
        }
        // The line search found no acceptable step, which happens when the parameters run off
        // to a boundary: keep the best point seen, not converged.
        Err(_) => (best.into_inner().map(|(p, _)| p).unwrap_or(log_start), 0, false),
    }
}

/// One Newton step from `params` (log-likelihood `ll`, gradient `gradient`) with the inverse
/// observed information `cov`, taken when it stays within a standard error (where the
/// likelihood is quadratic) and does not make the likelihood worse beyond rounding.
fn newton_step<L: LogLikelihood>(
    likelihood: &L,
    params: Vec<f64>,
    ll: f64,
    gradient: &[f64],
    cov: &[Vec<f64>],
) -> (Vec<f64>, f64) {
    let n = params.len();
    let step: Vec<f64> = (0..n).map(|i| (0..n).map(|j| cov[i][j] * gradient[j]).sum()).collect();
    let next: Vec<f64> = params.iter().zip(&step).map(|(p, s)| p + s).collect();
    let scale = Scale::of(likelihood);
    let small = (0..n).all(|i| step[i].abs() <= cov[i][i].sqrt() && scale.admissible(i, next[i]));
    if small {
        let (next_ll, _) = likelihood.value_and_gradient(&next);
        if next_ll.is_finite() && next_ll >= ll - 1e-12 * ll.abs() {
            return (next, next_ll);
        }
    }
    (params, ll)
}

/// The inverse observed information (minus the Hessian of the log-likelihood, from forward
/// differences of the analytic gradient, whose value at `params` is `gradient`), whose
/// diagonal holds the squared standard errors; `None` unless it is positive definite.
/// Forward differences cost one likelihood evaluation per parameter instead of two, and are
/// accurate to about 1e-4 of a standard error, far below its own sampling uncertainty.
fn covariance<L: LogLikelihood>(likelihood: &L, params: &[f64], gradient: &[f64]) -> Option<Vec<Vec<f64>>> {
    let n = params.len();
    let mut information = vec![vec![0.0; n]; n];
    for j in 0..n {
        let h = Scale::of(likelihood).step(j, params[j]);
        let mut up = params.to_vec();
        up[j] += h;
        let (_, g_up) = likelihood.value_and_gradient(&up);
        for i in 0..n {
            information[i][j] = -(g_up[i] - gradient[i]) / h;
        }
    }
    for i in 0..n {
        for j in 0..i {
            let mean = (information[i][j] + information[j][i]) / 2.0;
            information[i][j] = mean;
            information[j][i] = mean;
        }
    }
    invert_positive_definite(&information)
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
            let ll =
                n * (k * rate.ln() - statrs::function::gamma::ln_gamma(k)) + (k - 1.0) * sum_ln - rate * sum;
            let dk = n * (rate.ln() - statrs::function::gamma::digamma(k)) + sum_ln;
            let drate = n * k / rate - sum;
            (ll, vec![dk, drate])
        }
    }

    #[test]
    fn finds_the_maximum_and_its_standard_errors() {
        let sample: Vec<f64> = (1..=200).map(|i| 0.5 + (i as f64 * 0.618).fract() * 3.0).collect();
        let fit = maximize(&GammaSample(sample.clone()), 200.0, Start::at(vec![1.0, 1.0]), None, &|| {});
        assert!(fit.converged, "{fit:?}");
        let mean = sample.iter().sum::<f64>() / 200.0;
        assert!((fit.params[1] - fit.params[0] / mean).abs() < 1e-8 * fit.params[1]);
        let (_, g) = GammaSample(sample).value_and_gradient(&fit.params);
        assert!(g.iter().all(|g| g.abs() < 1e-6), "gradient at the maximum {g:?}");
        assert!(fit.std_errors.iter().all(|s| s.is_finite() && *s > 0.0));
    }

    #[test]
    fn weighted_samples_keep_the_total_and_the_heavy_items() {
        // One heavy item (half the weight) among a thousand light ones.
        let items: Vec<(u32, f64)> =
            std::iter::once((0, 1000.0)).chain((1..=1000).map(|i| (i, 1.0))).collect();
        let sample = weighted_sample(&items, 100, |i| i.1, |i, w| (i.0, w));
        assert_eq!(sample.len(), 51);
        assert_eq!(sample[0], (0, 1000.0));
        assert!((sample.iter().map(|i| i.1).sum::<f64>() - 2000.0).abs() < 1e-9);
        // The light items are drawn evenly: every 20th.
        assert!(sample[1..].windows(2).all(|w| w[1].0 - w[0].0 == 20));
    }

    #[test]
    fn totals_are_compensated_and_the_same_on_any_number_of_threads() {
        // A plain sum of 1, 1e16, -1e16 gives 0.
        let mut total = WeightedTotal::<1>::default();
        for v in [1.0, 1e16, -1e16] {
            total.add(1.0, v, [v]);
        }
        assert_eq!(total.finish(), (1.0, vec![1.0]));
        let rows: Vec<f64> = (0..300_000).map(|i| (i as f64 * 0.37).sin()).collect();
        let sum = |threads| {
            parallel_total(rows.len(), FitOptions { threads, ..FitOptions::default() }, |range| {
                let mut t = WeightedTotal::<1>::default();
                rows[range].iter().for_each(|&v| t.add(2.0, v, [v * v]));
                t
            })
            .finish()
        };
        let (one, three) = (sum(1), sum(3));
        assert_eq!(one, three);
    }

    /// A check that stops the work (as a query cancel does) stops every thread within a block.
    #[test]
    fn a_panicking_check_stops_all_threads() {
        let rows = 1_000_000;
        let blocks_done = AtomicUsize::new(0);
        let checks = AtomicUsize::new(0);
        let check = || {
            if checks.fetch_add(1, AtomicOrdering::Relaxed) == 20 {
                panic!("cancel");
            }
        };
        let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            parallel_blocks(rows, FitOptions { threads: 3, check_interrupts: &check }, |_| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                blocks_done.fetch_add(1, AtomicOrdering::Relaxed);
            })
        }));
        assert!(stopped.is_err());
        // The calling thread did 20 blocks; the two others at most as many, and one more each.
        let done = blocks_done.load(AtomicOrdering::Relaxed);
        assert!(done < rows / BLOCK_ROWS / 2, "{done} blocks");
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
