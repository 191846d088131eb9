//! How sure a prediction is, given that the parameters were estimated: the delta method.
//!
//! A fit keeps the covariance of its estimates (the inverse observed information, over the
//! parameters and then the covariate coefficients). A prediction `f` moves with them by its
//! gradient `∇f`; the variance of `f` is `∇fᵀ Σ ∇f`. The normal approximation is applied on a
//! scale where it holds better than on the prediction's own, and the bounds are mapped back:
//! the log of a positive quantity (purchases, DERT, a total) and the logit of a probability, so
//! that bounds stay positive, or inside (0, 1). `core/tests/prediction_intervals.rs` checks the
//! intervals against bootstrap refits and measures their coverage in simulated worlds.
//!
//! A total over customers (`Σ f_i`) has gradient `Σ ∇f_i`: every customer's prediction moves
//! with the same parameters, so the errors are correlated and the total's variance is not the
//! sum of the customers'. A total keeps that sum and nothing per customer ([`total_interval`]).

use crate::codec::{DecodeError, Reader, Writer};

/// A symmetric positive definite matrix, stored as its lower triangle row by row. Shared, not
/// copied, by clones: a prediction clones its model for every customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariance {
    dimension: usize,
    lower: std::sync::Arc<[f64]>,
}

impl Covariance {
    /// From full rows (the lower triangle is read); `Err` unless square, finite and positive
    /// definite.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self, String> {
        let dimension = rows.len();
        if rows.iter().any(|row| row.len() != dimension) {
            return Err(format!("covariance must be a square matrix of {dimension} rows"));
        }
        let lower: Vec<f64> = (0..dimension).flat_map(|i| (0..=i).map(move |j| rows[i][j])).collect();
        let c = Self { dimension, lower: lower.into() };
        c.check()?;
        Ok(c)
    }

    /// From [`Self::lower`]'s triangle of a `dimension` × `dimension` matrix, checked as
    /// [`Self::from_rows`] checks.
    pub fn from_lower(dimension: usize, lower: Vec<f64>) -> Result<Self, String> {
        if lower.len() != dimension * (dimension + 1) / 2 {
            return Err(format!(
                "a covariance of {dimension} rows has {} values",
                dimension * (dimension + 1) / 2
            ));
        }
        let c = Self { dimension, lower: lower.into() };
        c.check()?;
        Ok(c)
    }

    /// The lower triangle, row by row.
    pub fn lower(&self) -> &[f64] {
        &self.lower
    }

    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (i, j) = if i >= j { (i, j) } else { (j, i) };
        self.lower[i * (i + 1) / 2 + j]
    }

    /// Full rows, for the text form.
    pub fn rows(&self) -> Vec<Vec<f64>> {
        (0..self.dimension).map(|i| (0..self.dimension).map(|j| self.get(i, j)).collect()).collect()
    }

    /// `gᵀ Σ g`.
    pub fn quadratic_form(&self, g: &[f64]) -> f64 {
        let mut sum = 0.0;
        for i in 0..self.dimension {
            let row = &self.lower[i * (i + 1) / 2..];
            sum += g[i] * g[i] * row[i];
            for j in 0..i {
                sum += 2.0 * g[i] * g[j] * row[j];
            }
        }
        sum
    }

    /// Finite and positive definite (a Cholesky decomposition exists): every variance this
    /// gives is then positive.
    pub fn check(&self) -> Result<(), String> {
        if let Some(v) = self.lower.iter().find(|v| !v.is_finite()) {
            return Err(format!("covariance must be finite, not {v}"));
        }
        let n = self.dimension;
        let mut l = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let s = self.get(i, j) - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
                if i == j {
                    if !(s > 0.0) {
                        return Err("covariance must be positive definite".into());
                    }
                    l[i * n + i] = s.sqrt();
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        Ok(())
    }

    /// The covariance of two independent sets of estimates (two models fitted separately):
    /// `a`'s, then `b`'s, uncorrelated.
    pub fn block_diagonal(a: &Self, b: &Self) -> Self {
        let dimension = a.dimension + b.dimension;
        let lower: Vec<f64> = (0..dimension)
            .flat_map(|i| {
                (0..=i).map(move |j| match (i < a.dimension, j < a.dimension) {
                    (true, true) => a.get(i, j),
                    (false, false) => b.get(i - a.dimension, j - a.dimension),
                    _ => 0.0,
                })
            })
            .collect();
        Self { dimension, lower: lower.into() }
    }

    /// Appends the lower triangle (the dimension is the reader's to know).
    pub fn write(&self, w: Writer) -> Writer {
        w.f64s(&self.lower)
    }

    /// Reads [`Self::write`]'s form of a `dimension` × `dimension` matrix.
    pub fn read(r: &mut Reader, dimension: usize) -> Result<Self, DecodeError> {
        let lower = r.f64s(dimension * (dimension + 1) / 2)?;
        let c = Self { dimension, lower: lower.into() };
        c.check().map_err(|_| DecodeError::Invalid("covariance is not positive definite"))?;
        Ok(c)
    }
}

/// The end of a fitted model's stored form, the same for the purchase and the spend models:
/// version 1 has nothing after the fit; version 2 (0.3.0, a model with covariates) the
/// covariates; version 3 (0.3.0, a model with a covariance) a byte saying whether covariates
/// follow, the covariates, and the covariance of the `estimates` values. A model keeps the
/// lowest version that holds it, so values of older releases keep their bytes.
pub mod stored_tail {
    use super::Covariance;
    use crate::codec::{DecodeError, Reader, Writer};
    use crate::models::covariates::CovariateModel;

    pub const PLAIN: u8 = 1;
    pub const COVARIATES: u8 = 2;
    pub const COVARIANCE: u8 = 3;

    pub fn version(covariates: Option<&CovariateModel>, covariance: Option<&Covariance>) -> u8 {
        match (covariance, covariates) {
            (Some(_), _) => COVARIANCE,
            (None, Some(_)) => COVARIATES,
            (None, None) => PLAIN,
        }
    }

    /// The version of stored bytes (a version the tail does not know is read as 1's, whose
    /// reader refuses it).
    pub fn version_of(bytes: &[u8]) -> u8 {
        match bytes.first() {
            Some(&v @ (COVARIATES | COVARIANCE)) => v,
            _ => PLAIN,
        }
    }

    pub fn write(w: Writer, covariates: Option<&CovariateModel>, covariance: Option<&Covariance>) -> Writer {
        let w = match (covariance, covariates) {
            (Some(_), None) => w.u8(0),
            (Some(_), Some(c)) => c.write(w.u8(1)),
            (None, Some(c)) => c.write(w),
            (None, None) => w,
        };
        match covariance {
            Some(c) => c.write(w),
            None => w,
        }
    }

    /// Reads [`write`]'s tail of a model of `version` with `parameters` besides its
    /// coefficients, whose covariates act on `processes`.
    pub fn read(
        r: &mut Reader,
        version: u8,
        processes: &[&str],
        parameters: usize,
    ) -> Result<(Option<CovariateModel>, Option<Covariance>), DecodeError> {
        let with_covariates = match version {
            COVARIANCE => r.u8()? == 1,
            v => v == COVARIATES,
        };
        let covariates = if with_covariates { Some(CovariateModel::read(r, processes)?) } else { None };
        let estimates = parameters + covariates.as_ref().map_or(0, |c| c.coefficients.len());
        let covariance = if version == COVARIANCE { Some(Covariance::read(r, estimates)?) } else { None };
        Ok((covariates, covariance))
    }
}

/// The covariance of a fit's estimates, when it is one ([`Covariance::from_rows`]).
pub fn fitted_covariance(fitted: &crate::math::optimize::Fitted) -> Option<Covariance> {
    fitted.covariance.as_ref().and_then(|rows| Covariance::from_rows(rows).ok())
}

/// The scale on which a prediction's error is taken to be normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Positive quantities: purchases, DERT, values, totals.
    Log,
    /// Probabilities.
    Logit,
}

impl Scale {
    /// The derivative of the transform at `value`; infinite at the scale's ends (0, or 1 for a
    /// probability), where the prediction does not depend on the parameters.
    fn derivative(self, value: f64) -> f64 {
        match self {
            Self::Log => 1.0 / value,
            Self::Logit => 1.0 / (value * (1.0 - value)),
        }
    }

    /// `value` moved by `shift` on this scale.
    fn shifted(self, value: f64, shift: f64) -> f64 {
        match self {
            Self::Log => value * shift.exp(),
            // The odds times e^shift, as a probability.
            Self::Logit => value / (value + (1.0 - value) * (-shift).exp()),
        }
    }
}

/// A prediction with its bounds at some level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The standard normal quantile that leaves `(1 − level)/2` in each tail: 1.645 at 90%.
/// `level` must be in (0, 1).
pub fn two_sided_quantile(level: f64) -> f64 {
    std::f64::consts::SQRT_2 * statrs::function::erf::erf_inv(level)
}

/// A prediction and its gradient over a fit's estimates (in the covariance's order).
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub estimate: f64,
    pub gradient: Vec<f64>,
}

impl Sensitivity {
    /// The interval at `level` on `scale` (see the module's text). A prediction at an end of
    /// its scale (P(alive) = 1 for a customer who cannot have left, no purchases over no time)
    /// does not depend on the parameters: its bounds are itself.
    pub fn interval(&self, covariance: &Covariance, scale: Scale, level: f64) -> Interval {
        interval(self.estimate, self.standard_error(covariance, scale), scale, level)
    }

    /// The standard error of the prediction on `scale`: infinite at the scale's ends.
    pub fn standard_error(&self, covariance: &Covariance, scale: Scale) -> f64 {
        standard_error(self.estimate, covariance.quadratic_form(&self.gradient), scale)
    }
}

impl Sensitivity {
    /// The product of two predictions of independently fitted models (expected purchases and
    /// expected spend: a value), over both models' estimates, `a`'s first.
    pub fn product(a: &Self, b: &Self) -> Self {
        let gradient = a
            .gradient
            .iter()
            .map(|g| g * b.estimate)
            .chain(b.gradient.iter().map(|g| g * a.estimate))
            .collect();
        Self { estimate: a.estimate * b.estimate, gradient }
    }
}

fn standard_error(estimate: f64, variance: f64, scale: Scale) -> f64 {
    variance.max(0.0).sqrt() * scale.derivative(estimate).abs()
}

/// The interval at `level` around `estimate` with `standard_error` on `scale`.
fn interval(estimate: f64, standard_error: f64, scale: Scale, level: f64) -> Interval {
    let spread = two_sided_quantile(level) * standard_error;
    if !spread.is_finite() {
        return Interval { estimate, lower: estimate, upper: estimate };
    }
    Interval { estimate, lower: scale.shifted(estimate, -spread), upper: scale.shifted(estimate, spread) }
}

/// The interval at `level` of a total with this gradient, on the log scale (a total of
/// probabilities, the expected number of active customers, is positive too).
pub fn total_interval(estimate: f64, gradient: &[f64], covariance: &Covariance, level: f64) -> Interval {
    interval(estimate, total_standard_error(estimate, gradient, covariance), Scale::Log, level)
}

/// The standard error of the log of a total with this gradient.
pub fn total_standard_error(estimate: f64, gradient: &[f64], covariance: &Covariance) -> f64 {
    let variance = if gradient.is_empty() { 0.0 } else { covariance.quadratic_form(gradient) };
    standard_error(estimate, variance, Scale::Log)
}

/// The gradient of `predict` over a fit's estimates, by forward differences on the log of the
/// customer's own positive parameters: `own` are the customer's parameters, `estimates` the
/// fit's parameters (each of the customer's is the fit's times a factor that the coefficients
/// give), `predictor_derivatives[k][p]` how coefficient k moves the linear predictor of
/// process p, and `link[j]` which process moves parameter j and in which direction. One
/// prediction per parameter besides the estimate.
pub fn sensitivity<const N: usize>(
    own: &[f64; N],
    estimates: &[f64; N],
    link: &[Option<(usize, f64)>],
    predictor_derivatives: &[Vec<f64>],
    predict: impl Fn(&[f64; N]) -> f64,
) -> Sensitivity {
    // A relative step whose truncation error (~1e-5 of the derivative) and rounding error
    // (the prediction's relative accuracy, ~1e-10 at worst, over the step) are both far
    // below what an interval needs.
    const STEP: f64 = 1e-5;
    let estimate = predict(own);
    let by_log_param: [f64; N] = std::array::from_fn(|j| {
        let mut moved = *own;
        moved[j] *= STEP.exp();
        (predict(&moved) - estimate) / STEP
    });
    let base = (0..N).map(|j| by_log_param[j] / estimates[j]);
    let coefficients = predictor_derivatives.iter().map(|by_process| {
        (0..N)
            .filter_map(|j| link[j].map(|(process, sign)| by_log_param[j] * sign * by_process[process]))
            .sum::<f64>()
    });
    Sensitivity { estimate, gradient: base.chain(coefficients).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covariance_round_trips_and_refuses_what_is_not_positive_definite() {
        let rows = vec![vec![4.0, 1.0], vec![1.0, 2.0]];
        let c = Covariance::from_rows(&rows).unwrap();
        assert_eq!(c.rows(), rows);
        assert_eq!(c.quadratic_form(&[1.0, 1.0]), 8.0);
        let bytes = c.write(Writer::new(1)).finish();
        let mut r = Reader::new(&bytes, 1).unwrap();
        assert_eq!(Covariance::read(&mut r, 2).unwrap(), c);
        assert!(Covariance::from_rows(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_err());
        assert!(Covariance::from_rows(&[vec![f64::NAN]]).is_err());
        assert!(Covariance::from_rows(&[vec![1.0, 0.0]]).is_err());
    }

    #[test]
    fn quantiles_are_the_normal_ones() {
        assert!((two_sided_quantile(0.9) - 1.644_853_626_951_472).abs() < 1e-12);
        assert!((two_sided_quantile(0.95) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    /// A prediction linear in one parameter: the delta method is exact on the identity scale,
    /// and on the log scale the bounds are the estimate times e^(±z·se/estimate).
    #[test]
    fn intervals_follow_the_gradient() {
        let c = Covariance::from_rows(&[vec![0.04]]).unwrap();
        let s = sensitivity(&[2.0], &[2.0], &[None], &[], |p| 3.0 * p[0]);
        assert!((s.gradient[0] - 3.0).abs() < 1e-4);
        let i = s.interval(&c, Scale::Log, 0.9);
        let spread: f64 = 1.644_853_626_951_472 * 0.6 / 6.0;
        assert!(
            (i.lower - 6.0 * (-spread).exp()).abs() < 1e-4 && (i.upper - 6.0 * spread.exp()).abs() < 1e-4
        );
        // A probability at 1 does not move.
        let sure = Sensitivity { estimate: 1.0, gradient: vec![0.0] };
        assert_eq!(sure.interval(&c, Scale::Logit, 0.9), Interval { estimate: 1.0, lower: 1.0, upper: 1.0 });
        let p = Sensitivity { estimate: 0.5, gradient: vec![0.5] }.interval(&c, Scale::Logit, 0.9);
        assert!(p.lower > 0.0 && p.upper < 1.0 && ((p.lower + p.upper) - 1.0).abs() < 1e-12);
    }

    /// A coefficient moves the customer's parameter by e^(sign·z·g): its derivative is the
    /// parameter's (on the log scale) times sign·z.
    #[test]
    fn coefficients_move_through_the_link() {
        let own = [2.0 * (-0.5f64).exp()];
        let s = sensitivity(&own, &[2.0], &[Some((0, -1.0))], &[vec![0.5]], |p| p[0]);
        assert!((s.gradient[0] - own[0] / 2.0).abs() < 1e-5);
        assert!((s.gradient[1] - (-0.5 * own[0])).abs() < 1e-5);
    }

    /// A product's variance on the log scale is the sum of its factors'.
    #[test]
    fn products_of_independent_models_add_log_variances() {
        let (ca, cb) =
            (Covariance::from_rows(&[vec![0.04]]).unwrap(), Covariance::from_rows(&[vec![0.09]]).unwrap());
        let (a, b) = (
            Sensitivity { estimate: 2.0, gradient: vec![1.0] },
            Sensitivity { estimate: 3.0, gradient: vec![2.0] },
        );
        let both = Covariance::block_diagonal(&ca, &cb);
        assert_eq!(both.rows(), vec![vec![0.04, 0.0], vec![0.0, 0.09]]);
        let product = Sensitivity::product(&a, &b);
        let want =
            (a.standard_error(&ca, Scale::Log).powi(2) + b.standard_error(&cb, Scale::Log).powi(2)).sqrt();
        assert!((product.standard_error(&both, Scale::Log) - want).abs() < 1e-12);
    }

    #[test]
    fn totals_are_on_the_log_scale() {
        let c = Covariance::from_rows(&[vec![1.0, 0.0], vec![0.0, 1.0]]).unwrap();
        let i = total_interval(5.0, &[2.0, 1.0], &c, 0.9);
        let spread: f64 = 1.644_853_626_951_472 * 5f64.sqrt() / 5.0;
        assert!(
            (i.upper - 5.0 * spread.exp()).abs() < 1e-9 && (i.lower - 5.0 * (-spread).exp()).abs() < 1e-9
        );
    }
}
