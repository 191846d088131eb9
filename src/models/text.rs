//! The JSON text form shared by the model types (`clv.btyd_model`, `clv.spend_model`):
//! `{"version", "model", "unit"?, "as_of"?, "params", and the fit fields}`. Standard errors
//! that cannot be estimated print as null.

use crate::pg::dates::IsoDay;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::{CStr, CString};

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
}

pub use crate::pg::errors::invalid_text as bad;

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
        }
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

    pub fn to_cstring(&self) -> CString {
        CString::new(serde_json::to_string(self).expect("serializable")).expect("JSON has no NUL")
    }

    /// Parses the text input of `type_name`; ERROR 22P02 when it is not this form.
    pub fn parse(input: &CStr, type_name: &str) -> Self {
        let text = input.to_str().unwrap_or_else(|_| bad(type_name, "not UTF-8"));
        let t: Self = serde_json::from_str(text).unwrap_or_else(|e| bad(type_name, e));
        if t.version != FORMAT_VERSION {
            bad(type_name, format_args!("unsupported version {}", t.version));
        }
        t
    }

    /// The parameters `names`, all given, positive and finite.
    pub fn params(&self, names: &[&str], type_name: &str) -> Vec<f64> {
        let params = from_named(&self.params, names)
            .unwrap_or_else(|| bad(type_name, format_args!("params needs {}", names.join(", "))));
        clv_core::models::btyd::check_params(&params).unwrap_or_else(|why| bad(type_name, why));
        params
    }

    pub fn as_of(&self) -> Option<i32> {
        self.as_of.map(|d| d.0)
    }

    /// `(log_likelihood, std_errors, customers, iterations, converged)` when the fit fields are
    /// given; missing standard errors are NaN.
    pub fn fit(&self, names: &[&str], type_name: &str) -> Option<(f64, Vec<f64>, f64, u64, bool)> {
        match (self.log_likelihood, &self.std_errors, self.customers, self.iterations, self.converged) {
            (None, None, None, None, None) => None,
            (Some(ll), Some(se), Some(customers), Some(iterations), Some(converged)) => {
                let errors = names.iter().map(|n| se.get(n).unwrap_or(f64::NAN)).collect();
                Some((ll, errors, customers, iterations, converged))
            }
            _ => bad(
                type_name,
                "the fit fields (log_likelihood, std_errors, customers, iterations, converged) go together",
            ),
        }
    }
}

fn named(names: &[&str], values: &[f64]) -> Named {
    Named(names.iter().zip(values).map(|(n, v)| (n.to_string(), v.is_finite().then_some(*v))).collect())
}
