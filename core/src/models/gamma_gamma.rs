//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value
//! Curves for Customer Base Analysis"; Colombo & Jiang 1999), parameters `(p, q, v)`.
//!
//! A customer's spend per purchase day is Gamma(p, ν) around their own mean, with
//! ν ~ Gamma(q, v) across customers. It is fitted on repeat buyers' mean spend per repeat
//! purchase day (`m_x`, lifetimes' `monetary_value`) and number of repeat purchase days `x`.
//!
//! With covariates (none of the peers has them in a spend model), a customer's `v` is
//! `v₀ e^(γ·z)` ([`super::covariates`]): ν ~ Gamma(q, v_i), so `e^γ` multiplies the customer's
//! expected spend per purchase day, `p v_i / (q − 1)` before their own purchases are seen.

use super::covariates::{self, CovariateModel, CovariateSpec, Grouped, GroupedData, GroupedFit, Link};
use super::text::ModelText;
use super::uncertainty::{self, stored_tail, Covariance, Sensitivity};
use super::{FitRecord, StoredModel, WeightedObservation};
use crate::codec::{DecodeError, Reader, StoredValue, Writer};
use crate::math::optimize::{
    maximize, parallel_total, weighted_sample, FitOptions, Fitted, LogLikelihood, Start, WeightedTotal,
    WARM_START_SAMPLE,
};
use crate::math::special::{digamma, ln_gamma};
use std::ops::Range;

/// One repeat buyer's spend data, and how many customers share it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpendObservation {
    /// Repeat purchase days (at least 1).
    pub x: f64,
    /// Mean spend per repeat purchase day (positive).
    pub mean_spend: f64,
    pub weight: f64,
}

/// How a spend model was fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendFitInfo {
    pub log_likelihood: f64,
    pub std_errors: [f64; 3],
    /// Repeat buyers with positive mean spend, the customers fitted on.
    pub customers: f64,
    /// Customers left out: one-time buyers, and repeat buyers whose mean spend is not positive.
    pub excluded: f64,
    pub iterations: u64,
    pub converged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpendModel {
    /// `[p, q, v]`; with covariates, the population's (a customer's own are
    /// [`SpendModel::for_customer`]'s).
    pub params: [f64; 3],
    pub as_of: Option<i32>,
    pub fit: Option<SpendFitInfo>,
    pub covariates: Option<CovariateModel>,
    /// The covariance of the estimates, the parameters' then the coefficients' (see
    /// [`uncertainty`]); `None` for models entered by hand or fitted before 0.3.0.
    pub covariance: Option<Covariance>,
}

pub const PARAM_NAMES: [&str; 3] = ["p", "q", "v"];

/// The one process a spend model's covariates act on.
pub const PROCESSES: [&str; 1] = ["spend"];

/// `v_i = v₀ e^(γ·z)`.
const LINK: Link = &[None, None, Some((0, 1.0))];

/// Equal `(x, mean_spend)` merge.
impl WeightedObservation for SpendObservation {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.x.total_cmp(&other.x).then(self.mean_spend.total_cmp(&other.mean_spend))
    }

    fn weight_mut(&mut self) -> &mut f64 {
        &mut self.weight
    }
}

/// The name of the model in its text form.
const NAME: &str = "gamma_gamma";

impl StoredModel for SpendModel {
    type Observation = SpendObservation;
    /// as_of.
    type FitSetup = Option<i32>;

    /// Fitted on repeat buyers with positive spend; `excluded` counts the other customers.
    fn fit(merged: &[SpendObservation], excluded: f64, as_of: Option<i32>, options: FitOptions) -> Self {
        let total: f64 = merged.iter().map(|o| o.weight).sum();
        let start = Start::at(start(merged.iter().copied()));
        let sample = (merged.len() > WARM_START_SAMPLE).then(|| {
            weighted_sample(
                merged,
                WARM_START_SAMPLE,
                |o| o.weight,
                |o, weight| SpendObservation { weight, ..*o },
            )
        });
        // The warm-up sample is small enough for one thread.
        let warm_up = sample.as_deref().map(|s| Likelihood::new(s, FitOptions { threads: 1, ..options }));
        let likelihood = Likelihood::new(merged, options);
        let fitted = maximize(&likelihood, total, start, warm_up.as_ref(), options.check_interrupts);
        Self {
            params: fitted.params.clone().try_into().expect("three"),
            as_of,
            covariance: uncertainty::fitted_covariance(&fitted),
            fit: Some(SpendFitInfo::of(fitted, total, excluded)),
            covariates: None,
        }
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
        let f = self.fit.as_ref()?;
        Some(FitRecord {
            log_likelihood: f.log_likelihood,
            std_errors: &f.std_errors,
            coefficients: self.covariates.as_ref().map_or(0, |c| c.coefficients.len()),
            customers: f.customers,
            converged: f.converged,
        })
    }

    /// The common checks, and a finite, non-negative count of customers left out.
    fn check_input(&self) -> Result<(), String> {
        super::check_record(&self.params, self.fit_record())?;
        match self.fit.as_ref().map(|f| f.excluded) {
            Some(e) if !(e.is_finite() && e >= 0.0) => {
                Err(format!("excluded must be a non-negative finite number, not {e}"))
            }
            _ => Ok(()),
        }
    }

    fn to_text(&self) -> ModelText {
        let mut text = ModelText::new(NAME, self.as_of, &PARAM_NAMES, &self.params);
        if let Some(f) = &self.fit {
            text.set_fit(
                &PARAM_NAMES,
                f.log_likelihood,
                &f.std_errors,
                f.customers,
                f.iterations,
                f.converged,
            );
            text.excluded = Some(f.excluded);
        }
        if let Some(c) = &self.covariates {
            text.set_covariates(c);
        }
        text.set_covariance(self.covariance.as_ref());
        text
    }

    fn covariates(&self) -> Option<&CovariateModel> {
        self.covariates.as_ref()
    }

    fn from_text(t: &ModelText) -> Result<Self, String> {
        if t.model != NAME {
            return Err(format!("unknown model \"{}\" (gamma_gamma)", t.model));
        }
        if t.unit.is_some() || t.patterns.is_some() {
            return Err("a spend model has no unit or patterns".into());
        }
        let params = t.params(&PARAM_NAMES)?.try_into().expect("three names, three parameters");
        let fit = match t.fit(&PARAM_NAMES)? {
            None => None,
            Some(f) => Some(SpendFitInfo {
                log_likelihood: f.log_likelihood,
                std_errors: f.std_errors.try_into().expect("three names, three errors"),
                customers: f.customers,
                excluded: t.excluded.ok_or("excluded is missing")?,
                iterations: f.iterations,
                converged: f.converged,
            }),
        };
        let covariates = t.covariates(&PROCESSES)?;
        let covariance = t.covariance(3 + covariates.as_ref().map_or(0, |c| c.coefficients.len()))?;
        Ok(Self { params, as_of: t.as_of(), fit, covariates, covariance })
    }
}

/// Where a fit starts: p = 1, q = 2 and v the mean spend, so that the population mean
/// p·v/(q−1) is the observed one.
fn start(observations: impl Iterator<Item = SpendObservation>) -> Vec<f64> {
    let (total, spend) =
        observations.fold((0.0, 0.0), |(t, s), o| (t + o.weight, s + o.weight * o.mean_spend));
    vec![1.0, 2.0, spend / total]
}

impl SpendFitInfo {
    fn of(fitted: Fitted, customers: f64, excluded: f64) -> Self {
        Self {
            log_likelihood: fitted.log_likelihood,
            std_errors: fitted.std_errors.try_into().expect("three"),
            customers,
            excluded,
            iterations: fitted.iterations,
            converged: fitted.converged,
        }
    }
}

impl SpendModel {
    /// Fits with covariates: `merged` observations (see [`WeightedObservation::merge_all`])
    /// of customers whose vectors are row `group` of `table`; `excluded` customers were left
    /// out. Starts as a fit without covariates, every coefficient at 0.
    pub fn fit_with_covariates(
        as_of: Option<i32>,
        spec: CovariateSpec,
        table: &[f64],
        merged: &[Grouped<SpendObservation>],
        excluded: f64,
        options: FitOptions,
    ) -> Self {
        let width = spec.width();
        let all = GroupedData::new(merged, table, width, <[SpendObservation]>::to_vec);
        let drawn = covariates::warm_up_sample(merged);
        let sample =
            drawn.as_deref().map(|drawn| GroupedData::new(drawn, table, width, <[SpendObservation]>::to_vec));
        let start = start(merged.iter().map(|o| o.observation));
        let GroupedFit { fitted, covariates } = covariates::fit_grouped(
            spec,
            LINK,
            &all,
            sample.as_ref(),
            start,
            |observations: &Vec<SpendObservation>, o| Likelihood::new(observations, o),
            options,
        );
        Self {
            params: fitted.params.clone().try_into().expect("three"),
            as_of,
            covariance: uncertainty::fitted_covariance(&fitted),
            fit: Some(SpendFitInfo::of(fitted, all.total_weight, excluded)),
            covariates: Some(covariates),
        }
    }

    /// The expected spend per purchase day of the customer with these covariates (empty
    /// without) and its gradient over the estimates (see [`uncertainty::sensitivity`]); NaN
    /// where it cannot be computed.
    pub fn expected_spend_sensitivity(&self, z: &[f64], x: f64, mean_spend: f64) -> Sensitivity {
        let derivatives = self.covariates.as_ref().map_or(Vec::new(), |c| c.predictor_derivatives(z));
        let own = self.covariates.as_ref().map_or(self.params, |c| c.individual(&self.params, LINK, z));
        let at = |params: &[f64; 3]| {
            let m = Self { params: *params, as_of: None, fit: None, covariates: None, covariance: None };
            m.expected_spend(x, mean_spend).unwrap_or(f64::NAN)
        };
        uncertainty::sensitivity(&own, &self.params, LINK, &derivatives, at)
    }

    /// The model of one customer with these covariates: the model without covariates at the
    /// customer's own `v`, with no fit record. A model without covariates is itself.
    pub fn for_customer(self, z: &[f64]) -> Self {
        match &self.covariates {
            None => self,
            Some(c) => Self {
                params: c.individual(&self.params, LINK, z),
                fit: None,
                covariates: None,
                covariance: None,
                ..self
            },
        }
    }

    /// Expected spend per purchase day of a customer with `x` repeat purchase days of mean
    /// `mean_spend` (FHL 2005 eq. 5): `(p v + p x m) / (p x + q − 1)`, a weighted mean of the
    /// population mean `p v / (q − 1)` and the customer's own. For x = 0 it is the population
    /// mean. `None` when q ≤ 1 or the population mean overflows.
    ///
    /// Computed as the weighted mean itself, `(1 − w) · pv/(q−1) + w · m` with
    /// `w = px / (px + q − 1)`, which is finite whenever its two means are (the textbook form
    /// overflows to ∞/∞ for large p and x).
    pub fn expected_spend(&self, x: f64, mean_spend: f64) -> Option<f64> {
        let [p, q, v] = self.params;
        let population = p * v / (q - 1.0);
        if !(q > 1.0 && population.is_finite()) {
            return None;
        }
        if x <= 0.0 {
            return Some(population);
        }
        // w = 1 / (1 + (q − 1)/(p x)), with (q − 1)/(p x) = 0 when p x overflows.
        let own_weight = 1.0 / (1.0 + (q - 1.0) / p / x);
        Some((1.0 - own_weight) * population + own_weight * mean_spend)
    }
}

impl StoredValue for SpendModel {
    /// The 0.1.0 fields, then the covariates and covariance of [`uncertainty::stored_tail`].
    fn encode(&self) -> Vec<u8> {
        let (covariates, covariance) = (self.covariates.as_ref(), self.covariance.as_ref());
        let w = Writer::new(stored_tail::version(covariates, covariance))
            .u8(u8::from(self.as_of.is_some()))
            .i32(self.as_of.unwrap_or(0))
            .f64s(&self.params);
        let w = match &self.fit {
            None => w.u8(0),
            Some(f) => w
                .u8(1)
                .f64(f.log_likelihood)
                .f64s(&f.std_errors)
                .f64(f.customers)
                .f64(f.excluded)
                .u64(f.iterations)
                .u8(u8::from(f.converged)),
        };
        stored_tail::write(w, covariates, covariance).finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let version = stored_tail::version_of(bytes);
        let mut r = Reader::new(bytes, version)?;
        let has_as_of = r.u8()? == 1;
        let as_of = r.i32()?;
        let params: [f64; 3] = r.f64_array()?;
        crate::models::btyd::check_params(&params).map_err(DecodeError::Invalid)?;
        let fit = match r.u8()? {
            0 => None,
            _ => Some(SpendFitInfo {
                log_likelihood: r.f64()?,
                std_errors: r.f64_array()?,
                customers: r.f64()?,
                excluded: r.f64()?,
                iterations: r.u64()?,
                converged: r.u8()? == 1,
            }),
        };
        let (covariates, covariance) = stored_tail::read(&mut r, version, &PROCESSES, 3)?;
        r.finish()?;
        Ok(Self { params, as_of: has_as_of.then_some(as_of), fit, covariates, covariance })
    }
}

/// `ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm+v)`.
struct Likelihood<'a> {
    obs: &'a [SpendObservation],
    ln_mean: Vec<f64>,
    options: FitOptions<'a>,
}

impl<'a> Likelihood<'a> {
    fn new(obs: &'a [SpendObservation], options: FitOptions<'a>) -> Self {
        Self { obs, ln_mean: obs.iter().map(|o| o.mean_spend.ln()).collect(), options }
    }
}

impl LogLikelihood for Likelihood<'_> {
    fn value_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>) {
        let (p, q, v) = (params[0], params[1], params[2]);
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        // The threads see the data, not `self` (whose options hold the calling thread's
        // interrupt check).
        let (obs, ln_mean) = (self.obs, &self.ln_mean);
        let sum_rows = |range: Range<usize>| {
            let mut total = WeightedTotal::default();
            // Observations are sorted by x: per-x terms are recomputed only when x changes.
            let mut per_x = (f64::NAN, 0.0, 0.0, 0.0, 0.0);
            for (o, ln_m) in obs[range.clone()].iter().zip(&ln_mean[range]) {
                let x = o.x;
                if x != per_x.0 {
                    let (px, ln_x) = (p * x, x.ln());
                    per_x = (
                        x,
                        ln_gamma(px + q) - ln_gamma(px) - lg_q + px * ln_x,
                        digamma(px + q) - digamma(px),
                        digamma(px + q),
                        ln_x,
                    );
                }
                let (_, shape, dg_diff, dg_pxq, ln_x) = per_x;
                let px = p * x;
                let ln_total = (x * o.mean_spend + v).ln();
                let value = shape + q * ln_v + (px - 1.0) * ln_m - (px + q) * ln_total;
                let gradient = [
                    x * (dg_diff + ln_m + ln_x - ln_total),
                    dg_pxq - dg_q + ln_v - ln_total,
                    q / v - (px + q) / (x * o.mean_spend + v),
                ];
                total.add(o.weight, value, gradient);
            }
            total
        };
        parallel_total(self.obs.len(), self.options, sum_rows).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_is_the_derivative() {
        let mut obs: Vec<SpendObservation> = (1..200)
            .map(|i| SpendObservation {
                x: (i % 7 + 1) as f64,
                mean_spend: 5.0 + (i as f64 * 0.37).fract() * 40.0,
                weight: 1.0,
            })
            .collect();
        let n = SpendObservation::merge_all(&mut obs, &|| {});
        let l = Likelihood::new(&obs[..n], FitOptions::default());
        let params = [6.0, 3.7, 15.0];
        let (_, g) = l.value_and_gradient(&params);
        for i in 0..3 {
            let h = 1e-6 * params[i];
            let (mut up, mut down) = (params, params);
            up[i] += h;
            down[i] -= h;
            let numeric = (l.value_and_gradient(&up).0 - l.value_and_gradient(&down).0) / (2.0 * h);
            assert!((g[i] - numeric).abs() < 1e-5 * numeric.abs().max(1.0), "{i}: {} vs {numeric}", g[i]);
        }
    }

    #[test]
    fn expected_spend_shrinks_towards_the_population_mean() {
        let m = SpendModel {
            params: [6.25, 3.74, 15.44],
            as_of: None,
            fit: None,
            covariates: None,
            covariance: None,
        };
        let population = 6.25 * 15.44 / 2.74;
        assert!((m.expected_spend(0.0, 99.0).unwrap() - population).abs() < 1e-12);
        let one = m.expected_spend(1.0, 100.0).unwrap();
        let many = m.expected_spend(20.0, 100.0).unwrap();
        assert!(population < one && one < many && many < 100.0);
        assert_eq!(
            SpendModel {
                params: [1.0, 0.9, 1.0],
                as_of: None,
                fit: None,
                covariates: None,
                covariance: None
            }
            .expected_spend(1.0, 5.0),
            None
        );
        // The textbook form is ∞/∞ here; the weighted mean is the customer's own spend.
        let huge = SpendModel {
            params: [1e308, 3.0, 1.0],
            as_of: None,
            fit: None,
            covariates: None,
            covariance: None,
        };
        assert_eq!(huge.expected_spend(1e308, 42.0), Some(42.0));
        assert_eq!(
            SpendModel {
                params: [1e308, 1.5, 1e308],
                as_of: None,
                fit: None,
                covariates: None,
                covariance: None
            }
            .expected_spend(1.0, 1.0),
            None
        );
        let bytes = m.encode();
        assert_eq!(SpendModel::decode(&bytes), Ok(m));
    }
}
