//! The stored models in SQL: purchase models (`clv.btyd_model`, [`btyd`]) and the spend model
//! (`clv.spend_model`) with expected spend and customer value ([`spend`]).
//!
//! Each model is one implementation of [`clv_core::models::StoredModel`] (its math file) and
//! one entry of the `stored_models!` declaration below (crate `pg_clv_macros`), which makes
//! its SQL type (`BtydModel` for `clv.btyd_model`), the type's text and binary I/O, the
//! `clv.model_*` and `clv.fit_statistics` overloads, all their SQL and comments, and the
//! registry of fit kinds ([`check_fit_state`]). Its module holds its fit aggregates and its
//! predictions.

pub mod bgbb;
pub mod btyd;
pub mod covariates;
pub mod fit_state;
pub mod sbg;
pub mod spend;
pub mod uncertainty;

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
/// estimable or entered by hand); then a model's covariate coefficients (`trans.gender`).
pub fn parameter_rows<M: StoredModel>(model: &M) -> Vec<(String, f64, Option<f64>)> {
    let errors = model.fit_record().map(|f| f.std_errors);
    let error = |i: usize| errors.map(|e| e[i]).filter(|e| e.is_finite());
    let mut rows: Vec<_> = model
        .param_names()
        .iter()
        .zip(model.params())
        .enumerate()
        .map(|(i, (n, p))| (n.to_string(), *p, error(i)))
        .collect();
    if let Some(c) = model.covariates() {
        let error = |i: usize| c.std_errors.as_ref().map(|e| e[i]).filter(|e| e.is_finite());
        let names = c.spec.coefficient_names().into_iter();
        rows.extend(names.zip(&c.coefficients).enumerate().map(|(i, (n, g))| (n, *g, error(i))));
    }
    rows
}

/// The row of `clv.fit_statistics`: model, parameters, then the fit's customers,
/// log-likelihood, AIC, BIC and convergence (NULL for a model entered by hand; AIC and BIC
/// NULL too where they overflow, from a stored log-likelihood near f64's limit).
#[allow(clippy::type_complexity)]
pub fn fit_statistics<M: StoredModel>(
    model: &M,
) -> (String, i32, Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<bool>) {
    let fit = model.fit_record();
    (
        model.name().to_string(),
        (model.params().len() + model.covariates().map_or(0, |c| c.coefficients.len())) as i32,
        fit.map(|f| f.customers),
        fit.map(|f| f.log_likelihood),
        fit.map(|f| f.aic()).filter(|aic| aic.is_finite()),
        fit.map(|f| f.bic()).filter(|bic| bic.is_finite()),
        fit.map(|f| f.converged),
    )
}

pg_clv_macros::stored_models! {
    /// A `clv.btyd_model` value.
    btyd_model: clv_core::models::btyd::Model {
        fit_kind: 1 for clv_core::models::btyd::Observation,
        comment: "A Buy-Till-You-Die purchase model (bgnbd, mbgnbd or pareto_nbd): parameters, time unit, and how it was fitted (log-likelihood, standard errors, customers, convergence). Prints as JSON; published parameters can be entered as JSON.",
        text_fields: "version, model, unit, params",
        parameters: "The parameters of a purchase model with their standard errors (NULL when not estimable or entered by hand), one row each.",
        kind: "bgnbd, mbgnbd or pareto_nbd.",
    },
    /// A `clv.spend_model` value.
    spend_model: clv_core::models::gamma_gamma::SpendModel {
        fit_kind: 2 for clv_core::models::gamma_gamma::SpendObservation,
        comment: "A Gamma-Gamma spend model (p, q, v) and how it was fitted (customers used and excluded, log-likelihood, standard errors, convergence). Prints as JSON.",
        text_fields: "version, model, params",
        parameters: "The parameters p, q, v of a spend model with their standard errors, one row each.",
        kind: "gamma_gamma.",
    },
    /// A `clv.bgbb_model` value.
    bgbb_model: clv_core::models::bgbb::BgbbModel {
        fit_kind: 3 for clv_core::models::bgbb::BgbbObservation,
        comment: "A BG/BB model (Fader, Hardie & Shang 2010) of repeat transactions at discrete opportunities: parameters alpha, beta (transaction probability) and gamma, delta (dropout probability), and how it was fitted. Prints as JSON; published parameters can be entered as JSON.",
        text_fields: "version, model, params",
        parameters: "The parameters of a BG/BB model with their standard errors (NULL when not estimable or entered by hand), one row each.",
        kind: "bgbb.",
    },
    /// A `clv.sbg_model` value (fitted from an array: no fit kind).
    sbg_model: clv_core::models::sbg::SbgModel {
        comment: "A shifted-beta-geometric model of contractual retention (Fader & Hardie 2007): parameters alpha, beta of the Beta-distributed cancellation probability, and how it was fitted. Prints as JSON; published parameters can be entered as JSON.",
        text_fields: "version, model, params",
        parameters: "The parameters of an sBG model with their standard errors (NULL when not estimable or entered by hand), one row each.",
        kind: "sbg.",
    },
    // The other aggregates whose states travel as clv.fit_state, so that Citus combines them
    // on the workers.
    states {
        16 for crate::kpi::RepeatRateState,
        17 for crate::kpi::ChurnRateState,
        18 for crate::kpi::TopShareState,
        19 for crate::kpi::ProfileState,
        20 for crate::segments::rfm::BreaksState,
        21 for crate::models::uncertainty::TotalState,
        // Fits with covariates.
        4 for crate::models::btyd::fit::CovariateState,
        5 for crate::models::spend::CovariateState,
    }
}
