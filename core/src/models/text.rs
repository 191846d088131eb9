//! The JSON text form every stored model shares (see [`super::StoredModel`]):
//! `{"version", "model", "unit"?, "as_of"?, "params", and the fit fields}`. Standard errors
//! that cannot be estimated print as null.

use super::covariates::{self, CovariateModel, CovariateSpec};
use super::uncertainty::Covariance;
use crate::time::civil::IsoDay;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Named values (parameters, standard errors) in the model's order; NaN prints as null.
#[derive(Deserialize)]
#[serde(from = "BTreeMap<String, Option<f64>>")]
pub struct Named(Vec<(String, Option<f64>)>);

impl From<BTreeMap<String, Option<f64>>> for Named {
    fn from(map: BTreeMap<String, Option<f64>>) -> Self {
        Self(map.into_iter().collect())
    }
}

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Named {
    fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).and_then(|(_, v)| *v)
    }
}

/// The values of `names`; `None` if one is missing or null.
fn from_named(map: &Named, names: &[&str]) -> Option<Vec<f64>> {
    names.iter().map(|n| map.get(n)).collect()
}

const FORMAT_VERSION: u8 = 1;

/// The fit fields come all together (a fitted model) or not at all (entered by hand).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelText {
    version: u8,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    as_of: Option<IsoDay>,
    pub params: Named,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    std_errors: Option<Named>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<f64>,
    /// Purchase models: distinct (x, t_x, T) patterns fitted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patterns: Option<u64>,
    /// Spend models: customers left out (one-time buyers, no positive repeat spend).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iterations: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    converged: Option<bool>,
    /// Models with covariates: the options they were fitted with (their coefficients are in
    /// `params` and `std_errors`, named `trans.gender`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    covariates: Option<serde_json::Value>,
    /// Fitted models (0.3.0 on): the covariance of the estimates, rows in the order of the
    /// parameters and then the coefficients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    covariance: Option<Vec<Vec<f64>>>,
}

impl ModelText {
    pub fn new(model: &str, as_of: Option<i32>, names: &[&str], params: &[f64]) -> Self {
        Self {
            version: FORMAT_VERSION,
            model: model.into(),
            unit: None,
            as_of: as_of.map(IsoDay),
            params: named(names, params),
            std_errors: None,
            log_likelihood: None,
            customers: None,
            patterns: None,
            excluded: None,
            iterations: None,
            converged: None,
            covariates: None,
            covariance: None,
        }
    }

    pub fn set_covariance(&mut self, covariance: Option<&Covariance>) {
        self.covariance = covariance.map(Covariance::rows);
    }

    /// The covariance, if given: square with a row per estimate, finite, positive definite.
    pub fn covariance(&self, estimates: usize) -> Result<Option<Covariance>, String> {
        let Some(rows) = self.covariance.as_deref() else { return Ok(None) };
        if rows.len() != estimates {
            return Err(format!("covariance must have {estimates} rows, one per estimate"));
        }
        Covariance::from_rows(rows).map(Some)
    }

    /// Adds the covariates: their options, and their coefficients and standard errors among
    /// the parameters'.
    pub fn set_covariates(&mut self, c: &CovariateModel) {
        let names = c.spec.coefficient_names();
        for (name, value) in names.iter().zip(&c.coefficients) {
            self.params.0.push((name.clone(), Some(*value)));
        }
        if let (Some(se), Some(errors)) = (self.std_errors.as_mut(), &c.std_errors) {
            se.0.extend(names.iter().zip(errors).map(|(n, e)| (n.clone(), e.is_finite().then_some(*e))));
        }
        self.covariates = Some(c.spec.to_json());
    }

    /// The covariates of a model whose processes are `processes`, if the text has them: every
    /// coefficient its options name must be given, finite (a fitted model's standard errors
    /// may be null).
    pub fn covariates(&self, processes: &[&str]) -> Result<Option<CovariateModel>, String> {
        let Some(options) = &self.covariates else { return Ok(None) };
        let widths = covariates::widths_of(options, processes);
        let spec = CovariateSpec::parse(options, processes, &widths)?;
        let names = spec.coefficient_names();
        let coefficients = names
            .iter()
            .map(|n| self.params.get(n).ok_or_else(|| format!("params needs {n}")))
            .collect::<Result<Vec<_>, _>>()?;
        let errors =
            self.std_errors.as_ref().map(|se| names.iter().map(|n| se.get(n).unwrap_or(f64::NAN)).collect());
        CovariateModel::new(spec, coefficients, errors).map(Some)
    }

    pub fn set_fit(
        &mut self,
        names: &[&str],
        log_likelihood: f64,
        std_errors: &[f64],
        customers: f64,
        iterations: u64,
        converged: bool,
    ) {
        self.std_errors = Some(named(names, std_errors));
        self.log_likelihood = Some(log_likelihood);
        self.customers = Some(customers);
        self.iterations = Some(iterations);
        self.converged = Some(converged);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model's text form is serializable")
    }

    /// Parses the text form; `Err` says why the text is not one.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if t.version != FORMAT_VERSION {
            return Err(format!("unsupported version {}", t.version));
        }
        Ok(t)
    }

    /// The parameters `names`, all given, positive and finite.
    pub fn params(&self, names: &[&str]) -> Result<Vec<f64>, String> {
        let params =
            from_named(&self.params, names).ok_or_else(|| format!("params needs {}", names.join(", ")))?;
        super::btyd::check_params(&params).map_err(String::from)?;
        Ok(params)
    }

    pub fn as_of(&self) -> Option<i32> {
        self.as_of.map(|d| d.0)
    }

    /// The fit fields when they are given; missing standard errors are NaN.
    pub fn fit(&self, names: &[&str]) -> Result<Option<FitFields>, String> {
        match (self.log_likelihood, &self.std_errors, self.customers, self.iterations, self.converged) {
            (None, None, None, None, None) => Ok(None),
            (Some(log_likelihood), Some(se), Some(customers), Some(iterations), Some(converged)) => {
                let std_errors = names.iter().map(|n| se.get(n).unwrap_or(f64::NAN)).collect();
                Ok(Some(FitFields { log_likelihood, std_errors, customers, iterations, converged }))
            }
            _ => Err(
                "the fit fields (log_likelihood, std_errors, customers, iterations, converged) go together"
                    .into(),
            ),
        }
    }
}

/// The fit fields every model's text form has, with standard errors in the order of the
/// parameters.
pub struct FitFields {
    pub log_likelihood: f64,
    pub std_errors: Vec<f64>,
    pub customers: f64,
    pub iterations: u64,
    pub converged: bool,
}

fn named(names: &[&str], values: &[f64]) -> Named {
    Named(names.iter().zip(values).map(|(n, v)| (n.to_string(), v.is_finite().then_some(*v))).collect())
}
