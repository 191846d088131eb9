//! The fit aggregates `clv.bgnbd_fit`, `clv.mbgnbd_fit` and `clv.pareto_nbd_fit`, over customer
//! summaries (at `as_of`, in days or weeks) or over raw `(x, t_x, T)` numbers.
//!
//! All share one internal state: the customers' `(x, t_x, T)` with weights, merged into
//! distinct patterns when serialized or finalized, so that the fit's cost grows with the number
//! of distinct patterns, not of customers.

use super::BtydModel;
use crate::pg::aggregate::{check_same_parameters, existing, parallel_functions, state, AggregateState};
use crate::pg::call::check_for_interrupts;
use crate::pg::dates::{finite_day, time_unit};
use crate::pg::errors::required;
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::summary::CustomerSummary;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::btyd::{merge_patterns, Customer, Kind, Model, Observation, Patterns};
use clv_core::time::TimeUnit;
use pgrx::datum::{Date, Internal};
use pgrx::prelude::*;

struct FitState {
    unit: TimeUnit,
    as_of: Option<i32>,
    observations: ContextVec<Observation>,
}

impl FitState {
    /// The state behind `internal`; every row must agree on unit and as_of.
    fn of(
        internal: &mut Internal,
        unit: TimeUnit,
        as_of: Option<i32>,
        fcinfo: pg_sys::FunctionCallInfo,
    ) -> &mut Self {
        let fit = state(internal, fcinfo, |alloc| Self { unit, as_of, observations: context_vec(alloc) });
        check_same_parameters((fit.unit, fit.as_of), (unit, as_of), "a fit", "as_of and unit");
        fit
    }

    fn merged(&mut self) -> &[Observation] {
        let n = merge_patterns(&mut self.observations, &check_for_interrupts);
        self.observations.truncate(n);
        &self.observations
    }
}

impl AggregateState for FitState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self { unit: self.unit, as_of: self.as_of, observations: context_vec(alloc) }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters((self.unit, self.as_of), (other.unit, other.as_of), "a fit", "as_of and unit");
        self.observations.extend_from_slice(&other.observations);
    }

    fn serialize(&mut self) -> Vec<u8> {
        let (unit, as_of) = (self.unit, self.as_of);
        let merged = self.merged();
        let header = Writer::new(STATE_VERSION)
            .u8(unit.code())
            .u8(u8::from(as_of.is_some()))
            .i32(as_of.unwrap_or(0))
            .u64(merged.len() as u64);
        merged
            .iter()
            .fold(header, |w, o| w.f64s(&[o.customer.x, o.customer.t_x, o.customer.t, o.weight]))
            .finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, STATE_VERSION)?;
        let unit = TimeUnit::from_code(r.u8()?).ok_or(DecodeError::Invalid("unknown unit"))?;
        let (has_as_of, as_of) = (r.u8()? == 1, r.i32()?);
        let mut fit = Self { unit, as_of: has_as_of.then_some(as_of), observations: context_vec(alloc) };
        for _ in 0..r.u64()? {
            let v: [f64; 4] = r.f64_array()?;
            fit.observations
                .push(Observation { customer: Customer { x: v[0], t_x: v[1], t: v[2] }, weight: v[3] });
        }
        r.finish()?;
        Ok(fit)
    }
}

const STATE_VERSION: u8 = 1;

fn add_summary(
    mut internal: Internal,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: TimeUnit,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return internal };
    let as_of = finite_day(as_of, "as_of");
    let fit = FitState::of(&mut internal, unit, Some(as_of), fcinfo);
    // Customers who had not ordered by as_of are not in the calibration period.
    if let Some(customer) = Customer::at(&summary.view(), as_of, unit) {
        fit.observations.push(Observation { customer, weight: 1.0 });
    }
    internal
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_summary(
    state: Internal,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    add_summary(state, summary, as_of, TimeUnit::Days, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_summary_in_unit(
    state: Internal,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    unit: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let unit = time_unit(required(unit, "unit"));
    add_summary(state, summary, as_of, unit, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn btyd_fit_add_raw(
    mut state: Internal,
    x: Option<f64>,
    t_x: Option<f64>,
    t: Option<f64>,
    unit: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let unit = time_unit(required(unit, "unit"));
    let (Some(x), Some(t_x), Some(t)) = (x, t_x, t) else { return state };
    let customer = super::predict::checked_customer(x, t_x, t);
    FitState::of(&mut state, unit, None, fcinfo).observations.push(Observation { customer, weight: 1.0 });
    state
}

parallel_functions!(FitState: btyd_fit_combine, btyd_fit_serialize, btyd_fit_deserialize);

/// Fits `kind`; NULL when no customer was seen. A fit that does not converge is returned
/// with `converged: false` and a WARNING.
fn finish(mut internal: Internal, kind: Kind) -> Option<BtydModel> {
    let fit = existing::<FitState>(&mut internal)?;
    let (unit, as_of) = (fit.unit, fit.as_of);
    let merged = fit.merged();
    if merged.is_empty() {
        return None;
    }
    let patterns = Patterns::new(merged, &check_for_interrupts);
    let model = Model::fit(kind, unit, as_of, &patterns, crate::pg::settings::fit_options());
    crate::pg::errors::check_fitted(kind.name(), &model.params);
    if model.fit.as_ref().is_some_and(|f| !f.converged) {
        crate::pg::errors::warn_not_converged(kind.name());
    }
    Some(BtydModel::new(&model))
}

#[pg_extern(immutable, parallel_safe)]
fn bgnbd_fit_final(state: Internal) -> Option<BtydModel> {
    finish(state, Kind::BgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn mbgnbd_fit_final(state: Internal) -> Option<BtydModel> {
    finish(state, Kind::MbgNbd)
}

#[pg_extern(immutable, parallel_safe)]
fn pareto_nbd_fit_final(state: Internal) -> Option<BtydModel> {
    finish(state, Kind::ParetoNbd)
}

extension_sql_file!(
    "fit/btyd_fit_aggregates.sql",
    name = "btyd_fit_aggregates",
    requires = [
        "btyd_model_type",
        btyd_fit_add_summary,
        btyd_fit_add_summary_in_unit,
        btyd_fit_add_raw,
        btyd_fit_combine,
        btyd_fit_serialize,
        btyd_fit_deserialize,
        bgnbd_fit_final,
        mbgnbd_fit_final,
        pareto_nbd_fit_final,
    ],
);
