//! The fit aggregates `clv.bgnbd_fit`, `clv.mbgnbd_fit` and `clv.pareto_nbd_fit`, over customer
//! summaries (at `as_of`, in days or weeks) or over raw `(x, t_x, T)` numbers.
//!
//! All share one state (`clv.fit_state`): the customers' `(x, t_x, T)` with weights, merged
//! into distinct patterns when serialized or finalized, so that the fit's cost grows with the
//! number of distinct patterns, not of customers.

use super::BtydModel;
use crate::models::covariates::{CovariateFitState, CovariateRow};
use crate::models::fit_state::{
    self, combine_function, read_as_of, write_as_of, FitObservation, FitStateDatum,
};
use crate::pg::args::required;
use crate::pg::dates::{finite_day, time_unit};
use crate::pg::datum::JsonbArg;
use crate::pg::settings::fit_options;
use crate::summary::CustomerSummary;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::btyd::{Customer, Kind, Model, Observation, PROCESSES};
use clv_core::time::TimeUnit;
use pgrx::datum::{Array, Date};
use pgrx::prelude::*;

/// A BTYD fit's rows: `(x, t_x, T)` in the unit of the fit, at the same as_of.
impl FitObservation for Observation {
    type Parameters = (TimeUnit, Option<i32>);
    const AGGREGATE: &'static str = "a fit";
    const PARAMETERS: &'static str = "as_of and unit";

    fn write_parameters((unit, as_of): Self::Parameters, w: Writer) -> Writer {
        write_as_of(as_of, w.u8(unit.code()))
    }

    fn read_parameters(r: &mut Reader) -> Result<Self::Parameters, DecodeError> {
        let unit = TimeUnit::from_code(r.u8()?).ok_or(DecodeError::Invalid("unknown unit"))?;
        Ok((unit, read_as_of(r)?))
    }

    type Fields = [f64; 3];

    fn fields(&self) -> ([f64; 3], f64) {
        let Customer { x, t_x, t } = self.customer;
        ([x, t_x, t], self.weight)
    }

    fn from_fields(fields: &[f64], weight: f64) -> Result<Self, DecodeError> {
        let customer = Customer { x: fields[0], t_x: fields[1], t: fields[2] };
        customer.check().map_err(DecodeError::Invalid)?;
        Ok(Observation { customer, weight })
    }
}

type FitState = fit_state::FitState<Observation>;

fn add_summary(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: TimeUnit,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return state };
    let as_of = finite_day(as_of, "as_of");
    // Customers who had not ordered by as_of are not in the calibration period.
    let customer = Customer::at(&summary.view(), as_of, unit);
    Some(FitState::update(state, (unit, Some(as_of)), fcinfo, |fit| {
        if let Some(customer) = customer {
            fit.push(Observation { customer, weight: 1.0 });
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_summary(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    add_summary(state, summary, as_of, TimeUnit::Days, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_summary_in_unit(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let unit = time_unit(required(unit, "unit"));
    add_summary(state, summary, as_of, unit, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_raw(
    state: Option<FitStateDatum>,
    x: Option<f64>,
    t_x: Option<f64>,
    t: Option<f64>,
    unit: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let unit = time_unit(required(unit, "unit"));
    let (Some(x), Some(t_x), Some(t)) = (x, t_x, t) else { return state };
    let customer = super::predict::checked_customer(x, t_x, t);
    Some(FitState::update(state, (unit, None), fcinfo, |fit| fit.push(Observation { customer, weight: 1.0 })))
}

combine_function!(FitState: btyd_fit_combine);
fit_state::functions_of_internal_state!(FitState: btyd_fit_serialize, btyd_fit_deserialize);

/// Fits `kind` (see [`fit_state::fit_final`]).
fn finish(state: Option<FitStateDatum>, kind: Kind) -> Option<BtydModel> {
    let model = fit_state::fit_final::<Model>(state, |(unit, as_of)| (kind, unit, as_of))?;
    Some(BtydModel::new(&model))
}

#[pg_extern(immutable, parallel_safe)]
fn bgnbd_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish(state, Kind::BgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn mbgnbd_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish(state, Kind::MbgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn pareto_nbd_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish(state, Kind::ParetoNbd)
}

// ---- with covariates (crate::models::covariates) ---------------------------------------------

/// The state of the fits with covariates: its kind byte is listed in `stored_models!`.
pub type CovariateState = CovariateFitState<Observation>;

/// A customer of a fit with covariates: their vectors are read and checked on every row, also
/// when they had not ordered by as_of (then they are not fitted on).
#[allow(clippy::too_many_arguments)]
fn add_summary_with_covariates(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: Option<&str>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    options: Option<&JsonbArg>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let unit = time_unit(required(unit, "unit"));
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return state };
    let as_of = finite_day(as_of, "as_of");
    let vectors =
        vec![(transaction_covariates, "transaction_covariates"), (dropout_covariates, "dropout_covariates")];
    let row = CovariateRow::read(vectors, options);
    let customer = Customer::at(&summary.view(), as_of, unit);
    Some(CovariateState::update(state, (unit, Some(as_of)), row, &PROCESSES, fcinfo, |_| {
        customer.map(|customer| Observation { customer, weight: 1.0 })
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_summary_covariates(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: Option<&str>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (trans, life) = (transaction_covariates, dropout_covariates);
    add_summary_with_covariates(state, summary, as_of, unit, trans, life, None, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn btyd_fit_add_summary_covariates_options(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: Option<&str>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    options: Option<JsonbArg>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let options = required(options, "options");
    let (trans, life) = (transaction_covariates, dropout_covariates);
    add_summary_with_covariates(state, summary, as_of, unit, trans, life, Some(&options), fcinfo)
}

combine_function!(CovariateState: btyd_covariates_fit_combine);

/// Fits `kind` with covariates; NULL when no customer was fitted on.
fn finish_with_covariates(state: Option<FitStateDatum>, kind: Kind) -> Option<BtydModel> {
    let model = fit_state::read(state, |fit: &mut CovariateState| {
        let (spec, (unit, as_of)) = (fit.spec(&PROCESSES), fit.parameters());
        let (table, merged) = fit.merged();
        (!merged.is_empty()).then(|| {
            fit_state::checked(Model::fit_with_covariates(
                kind,
                unit,
                as_of,
                spec,
                table,
                merged,
                fit_options(),
            ))
        })
    })??;
    Some(BtydModel::new(&model))
}

#[pg_extern(immutable, parallel_safe)]
fn bgnbd_covariates_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish_with_covariates(state, Kind::BgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn mbgnbd_covariates_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish_with_covariates(state, Kind::MbgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn pareto_nbd_covariates_fit_final(state: Option<FitStateDatum>) -> Option<BtydModel> {
    finish_with_covariates(state, Kind::ParetoNbd)
}

extension_sql_file!(
    "fit/btyd_fit_aggregates.sql",
    name = "btyd_fit_aggregates",
    requires = [
        "btyd_model_type",
        "fit_state_type",
        btyd_fit_add_summary,
        btyd_fit_add_summary_in_unit,
        btyd_fit_add_raw,
        btyd_fit_combine,
        bgnbd_fit_final,
        mbgnbd_fit_final,
        pareto_nbd_fit_final,
        btyd_fit_add_summary_covariates,
        btyd_fit_add_summary_covariates_options,
        btyd_covariates_fit_combine,
        bgnbd_covariates_fit_final,
        mbgnbd_covariates_fit_final,
        pareto_nbd_covariates_fit_final,
    ],
);
