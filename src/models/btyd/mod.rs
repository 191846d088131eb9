//! Buy-Till-You-Die purchase models in SQL: the type `clv.btyd_model`, the fit aggregates
//! ([`fit`]) and the predictions ([`predict`]).

mod fit;
mod predict;

use crate::models::text::{bad, ModelText};
use crate::pg::dates::time_unit;
use crate::pg::datum::stored_type;
use clv_core::models::btyd::{FitInfo, Kind, Model};
use pgrx::prelude::*;
use std::ffi::{CStr, CString};

stored_type!(
    /// A `clv.btyd_model` value.
    BtydModel,
    "btyd_model",
    Model,
    btyd_model_recv,
    btyd_model_send
);

extension_sql_file!("btyd_model_shell.sql", name = "btyd_model_shell", creates = [Type(BtydModel)]);

#[pg_extern(immutable, parallel_safe, strict)]
fn btyd_model_in(input: &CStr) -> BtydModel {
    const TYPE: &str = "btyd_model";
    let t = ModelText::parse(input, TYPE);
    let kind = Kind::parse(&t.model).unwrap_or_else(|| {
        bad(TYPE, format_args!("unknown model \"{}\" (bgnbd, mbgnbd or pareto_nbd)", t.model))
    });
    let names = kind.param_names();
    let params: [f64; 4] = t.params(&names, TYPE).try_into().expect("four");
    let unit = time_unit(t.unit.as_deref().unwrap_or_else(|| bad(TYPE, "unit is missing")));
    let fit =
        t.fit(&names, TYPE).map(|(log_likelihood, std_errors, customers, iterations, converged)| FitInfo {
            log_likelihood,
            std_errors: std_errors.try_into().expect("four"),
            customers,
            patterns: t.patterns.unwrap_or_else(|| bad(TYPE, "patterns is missing")),
            iterations,
            converged,
        });
    BtydModel::new(&Model { kind, params, unit, as_of: t.as_of(), fit })
}

#[pg_extern(immutable, parallel_safe, strict)]
fn btyd_model_out(model: BtydModel) -> CString {
    let m = model.value();
    let names = m.kind.param_names();
    let fit = m.fit.as_ref();
    let mut text = ModelText::new(m.kind.name(), m.as_of, &names, &m.params);
    text.unit = Some(m.unit.name().into());
    if let Some(f) = fit {
        text.set_fit(&names, f.log_likelihood, &f.std_errors, f.customers, f.iterations, f.converged);
        text.patterns = Some(f.patterns);
    }
    text.to_cstring()
}

extension_sql_file!(
    "btyd_model_type.sql",
    name = "btyd_model_type",
    requires = ["btyd_model_shell", btyd_model_in, btyd_model_out, btyd_model_recv, btyd_model_send],
);

// ---- accessors for BI tools ---------------------------------------------------------------

#[pg_extern(immutable, parallel_safe, strict, name = "model_parameters")]
fn btyd_model_parameters(
    model: BtydModel,
) -> TableIterator<'static, (name!(parameter, String), name!(estimate, f64), name!(std_error, Option<f64>))> {
    let m = model.value();
    let errors = m.fit.as_ref().map(|f| f.std_errors);
    let rows: Vec<_> = (0..4)
        .map(|i| {
            (m.kind.param_names()[i].to_string(), m.params[i], errors.map(|e| e[i]).filter(|e| e.is_finite()))
        })
        .collect();
    TableIterator::new(rows)
}

#[pg_extern(immutable, parallel_safe, strict, name = "model_kind")]
fn btyd_model_kind(model: BtydModel) -> String {
    model.value().kind.name().into()
}

#[pg_extern(immutable, parallel_safe, strict, name = "model_converged")]
fn btyd_model_converged(model: BtydModel) -> Option<bool> {
    model.value().fit.map(|f| f.converged)
}

#[pg_extern(immutable, parallel_safe, strict, name = "model_log_likelihood")]
fn btyd_model_log_likelihood(model: BtydModel) -> Option<f64> {
    model.value().fit.map(|f| f.log_likelihood)
}

extension_sql_file!(
    "btyd_model_accessor_comments.sql",
    name = "btyd_model_accessor_comments",
    requires = [btyd_model_parameters, btyd_model_kind, btyd_model_converged, btyd_model_log_likelihood],
);
