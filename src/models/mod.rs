//! The stored models in SQL: purchase models (`clv.btyd_model`, [`btyd`]) and the spend model
//! (`clv.spend_model`) with expected spend and customer value ([`spend`]).
//!
//! Each model is one implementation of [`clv_core::models::StoredModel`] (its math file) and
//! one [`stored_model!`] declaration here, which makes its SQL type's value, text and binary
//! I/O and the `clv.model_*` accessors; the type's `CREATE TYPE` and comments are in the
//! `.sql` files next to the declaration.

pub mod bgbb;
pub mod btyd;
pub mod fit_state;
pub mod sbg;
pub mod spend;

use crate::pg::errors::invalid_text;
use clv_core::models::StoredModel;
use std::ffi::{CStr, CString};

/// Text input of a stored model (its JSON form), checked as the binary input checks it.
pub fn from_text<M: StoredModel>(input: &CStr, type_name: &str) -> M {
    let text = input.to_str().unwrap_or_else(|_| invalid_text(type_name, "not UTF-8"));
    clv_core::models::text::ModelText::parse(text)
        .and_then(|t| M::from_text(&t))
        .and_then(|model| model.check_input().map(|()| model))
        .unwrap_or_else(|why| invalid_text(type_name, why))
}

/// The check of a model come in through binary input: [`StoredModel::check_input`].
pub fn check_received<M: StoredModel>(model: &M) -> Result<(), String> {
    model.check_input()
}

/// Text output of a stored model.
pub fn to_text<M: StoredModel>(model: &M) -> CString {
    CString::new(model.to_text().to_json()).expect("JSON has no NUL")
}

/// The rows of `clv.model_parameters`: name, estimate, standard error (NULL when not
/// estimable or entered by hand).
pub fn parameter_rows<M: StoredModel>(model: &M) -> Vec<(String, f64, Option<f64>)> {
    let errors = model.fit_record().map(|f| f.std_errors);
    let error = |i: usize| errors.map(|e| e[i]).filter(|e| e.is_finite());
    model
        .param_names()
        .iter()
        .zip(model.params())
        .enumerate()
        .map(|(i, (n, p))| (n.to_string(), *p, error(i)))
        .collect()
}

/// The row of `clv.fit_statistics`: model, parameters, then the fit's customers,
/// log-likelihood, AIC, BIC and convergence (NULL for a model entered by hand).
#[allow(clippy::type_complexity)]
pub fn fit_statistics<M: StoredModel>(
    model: &M,
) -> (String, i32, Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<bool>) {
    let fit = model.fit_record();
    (
        model.name().to_string(),
        model.params().len() as i32,
        fit.map(|f| f.customers),
        fit.map(|f| f.log_likelihood),
        fit.map(|f| f.aic()),
        fit.map(|f| f.bic()),
        fit.map(|f| f.converged),
    )
}

/// Declares the SQL side of a stored model `$model` (a [`StoredModel`]) as SQL type `$sql`:
/// the value newtype `$rust` with its binary receive and send functions (see
/// [`crate::pg::datum::stored_type`]), text input and output, and the accessors
/// `clv.model_parameters`, `clv.model_kind`, `clv.model_converged`,
/// `clv.model_log_likelihood` and `clv.fit_statistics` for it. The idents name the generated functions.
macro_rules! stored_model {
    (
        $(#[$doc:meta])* $rust:ident, $sql:literal, $model:ty,
        io: $in_fn:ident, $out_fn:ident, $recv:ident, $send:ident,
        accessors: $parameters:ident, $kind:ident, $converged:ident, $log_likelihood:ident, $statistics:ident $(,)?
    ) => {
        crate::pg::datum::stored_type!(
            $(#[$doc])* $rust, $sql, $model, $recv, $send, check: crate::models::check_received::<$model>
        );

        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $in_fn(input: &::std::ffi::CStr) -> $rust {
            $rust::new(&crate::models::from_text::<$model>(input, $sql))
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $out_fn(model: $rust) -> ::std::ffi::CString {
            crate::models::to_text(&model.value())
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_parameters")]
        fn $parameters(
            model: $rust,
        ) -> ::pgrx::iter::TableIterator<
            'static,
            (
                ::pgrx::name!(parameter, String),
                ::pgrx::name!(estimate, f64),
                ::pgrx::name!(std_error, Option<f64>),
            ),
        > {
            ::pgrx::iter::TableIterator::new(crate::models::parameter_rows(&model.value()))
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_kind")]
        fn $kind(model: $rust) -> &'static str {
            clv_core::models::StoredModel::name(&model.value())
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_converged")]
        fn $converged(model: $rust) -> Option<bool> {
            clv_core::models::StoredModel::fit_record(&model.value()).map(|f| f.converged)
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_log_likelihood")]
        fn $log_likelihood(model: $rust) -> Option<f64> {
            clv_core::models::StoredModel::fit_record(&model.value()).map(|f| f.log_likelihood)
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "fit_statistics")]
        fn $statistics(
            model: $rust,
        ) -> ::pgrx::iter::TableIterator<
            'static,
            (
                ::pgrx::name!(model, String),
                ::pgrx::name!(parameters, i32),
                ::pgrx::name!(customers, Option<f64>),
                ::pgrx::name!(log_likelihood, Option<f64>),
                ::pgrx::name!(aic, Option<f64>),
                ::pgrx::name!(bic, Option<f64>),
                ::pgrx::name!(converged, Option<bool>),
            ),
        > {
            ::pgrx::iter::TableIterator::once(crate::models::fit_statistics(&model.value()))
        }
    };
}
pub(crate) use stored_model;

/// Checks that `bytes` are the flat state of one of the fits (`clv.fit_state`'s text input).
pub fn check_fit_state(bytes: &[u8]) -> Result<(), clv_core::codec::DecodeError> {
    use clv_core::models::{bgbb::BgbbObservation, btyd::Observation, gamma_gamma::SpendObservation};
    use fit_state::{check_flat, flat_kind, FitObservation};
    match flat_kind(bytes)? {
        Observation::KIND => check_flat::<Observation>(bytes),
        SpendObservation::KIND => check_flat::<SpendObservation>(bytes),
        BgbbObservation::KIND => check_flat::<BgbbObservation>(bytes),
        _ => Err(clv_core::codec::DecodeError::Invalid("unknown kind of fit")),
    }
}
