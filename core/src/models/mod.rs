//! The stored models: Buy-Till-You-Die purchase models ([`btyd`]), the Gamma-Gamma spend
//! model ([`gamma_gamma`]), and customer lifetime value from the two ([`value`]).

pub mod bgbb;
pub mod btyd;
pub mod covariates;
pub mod gamma_gamma;
pub mod report;
pub mod sbg;
pub mod text;
pub mod uncertainty;
pub mod value;

use crate::codec::StoredValue;
use crate::math::optimize::FitOptions;
use text::ModelText;

/// One customer's data for a fit, with a weight: how many customers share it.
pub trait WeightedObservation: Copy {
    /// The order observations are merged in; equal ones are one observation.
    fn order(&self, other: &Self) -> std::cmp::Ordering;
    fn weight_mut(&mut self) -> &mut f64;
    /// How many customers share the observation.
    fn weight(&self) -> f64 {
        *{ *self }.weight_mut()
    }

    /// Sorts observations and merges equal ones (adding their weights); returns how many are
    /// left in front. `check` runs between pieces of the work and may stop it by panicking (a
    /// query cancel).
    fn merge_all(observations: &mut [Self], check: &dyn Fn()) -> usize {
        let merged = crate::math::sorted::sort_and_merge(
            observations,
            Self::order,
            |into, next| -> Result<(), std::convert::Infallible> {
                let mut next = *next;
                *into.weight_mut() += *next.weight_mut();
                Ok(())
            },
            check,
        );
        match merged {
            Ok(n) => n,
        }
    }
}

/// What every stored model is: named positive parameters, a fit on weighted observations and
/// how it went, a versioned binary form ([`StoredValue`]) and a JSON text form. One
/// implementation per model here; the extension makes the SQL type, its I/O functions, the
/// `model_*` accessors and the fit aggregate's final step from it with one declaration
/// (an entry of `stored_models!` in `src/models/mod.rs`).
pub trait StoredModel: StoredValue + Clone {
    /// One customer's data for the fit.
    type Observation: WeightedObservation;
    /// What a fit needs besides the observations: the model's variant, time unit, as_of.
    type FitSetup: Copy;
    /// Fits on merged (see [`WeightedObservation::merge_all`]), non-empty observations;
    /// `excluded` customers were left out of them, which some models record.
    fn fit(merged: &[Self::Observation], excluded: f64, setup: Self::FitSetup, options: FitOptions) -> Self;

    /// The name of the model in its text form and in `clv.model_kind`: `bgnbd`, `gamma_gamma`.
    fn name(&self) -> &'static str;
    /// The parameters' names, in the order of [`StoredModel::params`].
    fn param_names(&self) -> &'static [&'static str];
    fn params(&self) -> &[f64];
    /// How the model was fitted; `None` for a model entered by hand.
    fn fit_record(&self) -> Option<FitRecord<'_>>;
    /// The covariate coefficients of a model with covariates (see [`covariates`]).
    fn covariates(&self) -> Option<&covariates::CovariateModel> {
        None
    }
    fn to_text(&self) -> ModelText;
    /// The model a text form describes; `Err` says why it describes none.
    fn from_text(text: &ModelText) -> Result<Self, String>;

    /// Why this value, come in through a text or binary input function, would break a promise
    /// of the functions that read it (a NaN BIC, a prediction that cannot be computed), if it
    /// would: the one check every input path of every model runs (`src/models/mod.rs`).
    /// Values already stored are read as they are: a stored value never becomes unreadable.
    fn check_input(&self) -> Result<(), String> {
        check_record(self.params(), self.fit_record())
    }
}

/// Parameters positive and finite; a fit record with a finite log-likelihood, standard errors
/// non-negative and finite or not estimable (NaN), and a positive, finite customer count (a
/// weighted fit's may be fractional: weights are numbers of customers).
pub fn check_record(params: &[f64], fit: Option<FitRecord<'_>>) -> Result<(), String> {
    btyd::check_params(params)?;
    let Some(fit) = fit else { return Ok(()) };
    if !fit.log_likelihood.is_finite() {
        return Err(format!("log_likelihood must be finite, not {}", fit.log_likelihood));
    }
    if !(fit.customers.is_finite() && fit.customers > 0.0) {
        return Err(format!("customers must be a positive finite number, not {}", fit.customers));
    }
    if let Some(e) = fit.std_errors.iter().find(|e| !(e.is_nan() || (e.is_finite() && **e >= 0.0))) {
        return Err(format!("std_errors must be non-negative and finite (or null), not {e}"));
    }
    Ok(())
}

/// What every fit records, whatever the model.
#[derive(Debug, Clone, Copy)]
pub struct FitRecord<'a> {
    pub log_likelihood: f64,
    /// In the order of the parameters; NaN where not estimable.
    pub std_errors: &'a [f64],
    /// Covariate coefficients estimated besides the parameters.
    pub coefficients: usize,
    /// Customers fitted on (the sum of the weights).
    pub customers: f64,
    pub converged: bool,
}

impl FitRecord<'_> {
    /// Akaike's information criterion, `2k − 2 ln L`: lower is better, for models fitted on
    /// the same data.
    pub fn aic(&self) -> f64 {
        2.0 * self.estimated() as f64 - 2.0 * self.log_likelihood
    }

    /// Parameters and coefficients estimated.
    pub fn estimated(&self) -> usize {
        self.std_errors.len() + self.coefficients
    }

    /// The Bayesian information criterion, `k ln n − 2 ln L` with n the customers: it
    /// penalizes parameters more than AIC once there are more than seven customers.
    pub fn bic(&self) -> f64 {
        self.estimated() as f64 * self.customers.ln() - 2.0 * self.log_likelihood
    }
}

/// The likelihood-ratio test of a `restricted` model against a `full` one fitted on the same
/// customers: the statistic `2 (ln L_full − ln L_restricted)`, its degrees of freedom (the
/// difference in estimated parameters) and its p-value under the chi-square distribution.
/// `Err` says why the two fits cannot be compared.
pub fn likelihood_ratio_test(restricted: FitRecord, full: FitRecord) -> Result<(f64, u32, f64), String> {
    if restricted.customers != full.customers {
        return Err(format!(
            "the models were fitted on different customers ({} and {})",
            restricted.customers, full.customers
        ));
    }
    let (k_restricted, k_full) = (restricted.estimated(), full.estimated());
    if k_full <= k_restricted {
        return Err(format!(
            "the full model must have more parameters than the restricted one ({k_full}, not more than {k_restricted})"
        ));
    }
    let df = (k_full - k_restricted) as u32;
    // A restricted model is never better at its maximum; rounding can make it a hair better.
    let statistic = (2.0 * (full.log_likelihood - restricted.log_likelihood)).max(0.0);
    let p_value = statrs::function::gamma::checked_gamma_ur(f64::from(df) / 2.0, statistic / 2.0)
        .map_err(|e| format!("the p-value cannot be computed: {e}"))?;
    Ok((statistic, df, p_value))
}

#[cfg(test)]
mod tests {
    use super::btyd::{FitInfo, Kind, Model};
    use super::gamma_gamma::{SpendFitInfo, SpendModel};
    use super::*;
    use crate::time::TimeUnit;

    fn diagonal(variances: &[f64]) -> uncertainty::Covariance {
        let n = variances.len();
        let rows: Vec<Vec<f64>> =
            (0..n).map(|i| (0..n).map(|j| if i == j { variances[i] } else { 0.0 }).collect()).collect();
        uncertainty::Covariance::from_rows(&rows).unwrap()
    }

    /// A model's text form reads back as the same model, byte for byte.
    fn reads_back<M: StoredModel>(model: M) {
        let text = model.to_text().to_json();
        let back = M::from_text(&ModelText::parse(&text).unwrap()).unwrap();
        assert_eq!(back.encode(), model.encode(), "{text}");
    }

    /// Input that would make `fit_statistics` or a prediction non-finite is refused.
    #[test]
    fn input_checks_refuse_broken_fit_records() {
        let ok = |customers: f64, log_likelihood: f64, se: f64| {
            let record = FitRecord {
                log_likelihood,
                std_errors: &[se, se],
                coefficients: 0,
                customers,
                converged: true,
            };
            check_record(&[1.0, 2.0], Some(record)).is_ok()
        };
        assert!(ok(2357.0, -9582.4, 0.1) && ok(0.5, 3.0, f64::NAN));
        assert!(!ok(-3.0, -1.0, 0.1) && !ok(0.0, -1.0, 0.1) && !ok(f64::INFINITY, -1.0, 0.1));
        assert!(!ok(10.0, f64::NAN, 0.1) && !ok(10.0, -1.0, -0.1) && !ok(10.0, -1.0, f64::INFINITY));
        assert!(check_record(&[1.4e-140, 1.0], None).is_ok(), "tiny but positive: the predictions refuse it");
        assert!(check_record(&[0.0, 1.0], None).is_err());
    }

    /// CLVTools' vignette: Gender constrained (7 parameters, −5826.5342) against free (8,
    /// −5821.0627): statistic 10.943, p 0.0009396.
    #[test]
    fn likelihood_ratio_tests_match_clvtools() {
        let record = |ll: f64, k: usize| FitRecord {
            log_likelihood: ll,
            std_errors: &[0.0; 4],
            coefficients: k - 4,
            customers: 600.0,
            converged: true,
        };
        let (statistic, df, p) = likelihood_ratio_test(record(-5826.5342, 7), record(-5821.0627, 8)).unwrap();
        assert_eq!(df, 1);
        assert!((statistic - 10.943).abs() < 1e-3 && (p - 0.0009396).abs() < 1e-7, "{statistic} {p}");
        assert!(likelihood_ratio_test(record(-1.0, 8), record(-1.0, 7)).is_err());
        let other = FitRecord { customers: 599.0, ..record(-1.0, 8) };
        assert!(likelihood_ratio_test(record(-1.0, 7), other).is_err());
    }

    #[test]
    fn text_forms_read_back() {
        let fit = FitInfo {
            log_likelihood: -9582.43,
            std_errors: [0.01, f64::NAN, 0.3, 0.4],
            customers: 2357.0,
            patterns: 1200,
            iterations: 20,
            converged: true,
        };
        let bgnbd = Model {
            kind: Kind::BgNbd,
            params: [0.2426, 4.4136, 0.7929, 2.4259],
            unit: TimeUnit::Weeks,
            as_of: Some(-823),
            fit: Some(fit),
            covariates: None,
            covariance: Some(diagonal(&[1e-3, 0.1, 2e-3, 0.05])),
        };
        reads_back(bgnbd.clone());
        reads_back(Model {
            kind: Kind::ParetoNbd,
            fit: None,
            as_of: None,
            covariates: None,
            covariance: None,
            ..bgnbd.clone()
        });
        // A covariance that is not one, or does not fit the estimates, is refused.
        let mut text = bgnbd.to_text();
        text.set_covariance(Some(&diagonal(&[1.0, 2.0])));
        assert!(Model::from_text(&text).unwrap_err().contains("covariance must have 4 rows"));
        let json = bgnbd.to_text().to_json().replace("[0.001,0.0,0.0,0.0]", "[-0.001,0.0,0.0,0.0]");
        assert!(Model::from_text(&ModelText::parse(&json).unwrap())
            .unwrap_err()
            .contains("positive definite"));
        let spend_fit = SpendFitInfo {
            log_likelihood: -4000.5,
            std_errors: [1.1, 0.5, 2.25],
            customers: 946.0,
            excluded: 1411.0,
            iterations: 12,
            converged: false,
        };
        reads_back(SpendModel {
            params: [6.25, 3.74, 15.44],
            as_of: Some(-550),
            fit: Some(spend_fit),
            covariates: None,
            covariance: Some(diagonal(&[1.0, 0.25, 5.0])),
        });
        // The text names the model; a spend model's text is no purchase model.
        let spend_text = SpendModel {
            params: [1.0, 2.0, 3.0],
            as_of: None,
            fit: None,
            covariates: None,
            covariance: None,
        }
        .to_text();
        assert!(Model::from_text(&spend_text).is_err());
        assert!(SpendModel::from_text(&bgnbd.to_text()).is_err());
        let report = super::report::FitReport {
            log_likelihood: -33225.6,
            std_errors: [0.07, f64::NAN, 0.05, 0.3],
            customers: 11104.0,
            patterns: 22,
            iterations: 17,
            converged: true,
        };
        reads_back(super::bgbb::BgbbModel { params: [1.2, 0.75, 0.66, 2.78], fit: Some(report) });
        reads_back(super::sbg::SbgModel { params: [0.704, 1.182], fit: None });
        assert!(super::sbg::SbgModel::from_text(&bgnbd.to_text()).is_err());
    }
}
