//! The BG/BB model in SQL: the aggregate `clv.bgbb_fit` over `(x, t_x, n)` histories
//! (optionally weighted), and the predictions of `clv.bgbb_model` ([`BgbbModel`], declared in
//! `src/models/mod.rs`).

use crate::models::fit_state::{combine_function, fit_final, FitObservation, FitState, FitStateDatum};
use crate::models::BgbbModel;
use crate::pg::args::{self, computed};
use crate::pg::errors::{raise, INVALID_PARAMETER_VALUE};
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::bgbb::{BgbbModel as Model, BgbbObservation, Opportunities, MAX_OPPORTUNITIES};
use pgrx::prelude::*;

// ---- clv.bgbb_fit --------------------------------------------------------------------------

/// A BG/BB fit's rows: weighted histories; nothing else that rows must agree on.
impl FitObservation for BgbbObservation {
    type Parameters = ();
    const AGGREGATE: &'static str = "bgbb_fit";
    const PARAMETERS: &'static str = "parameters";

    fn write_parameters(_: (), w: Writer) -> Writer {
        w
    }

    fn read_parameters(_: &mut Reader) -> Result<(), DecodeError> {
        Ok(())
    }

    type Fields = [f64; 3];

    fn fields(&self) -> ([f64; 3], f64) {
        let Opportunities { x, t_x, n } = self.customer;
        ([x, t_x, n].map(f64::from), self.weight)
    }

    fn from_fields(fields: &[f64], weight: f64) -> Result<Self, DecodeError> {
        let count = |v: f64| {
            (v.fract() == 0.0 && v <= f64::from(u32::MAX))
                .then_some(v as u32)
                .ok_or(DecodeError::Invalid("count out of range"))
        };
        let customer = Opportunities { x: count(fields[0])?, t_x: count(fields[1])?, n: count(fields[2])? };
        customer.check().map_err(|_| DecodeError::Invalid("not a history"))?;
        Ok(Self { customer, weight })
    }
}

type BgbbState = FitState<BgbbObservation>;

/// `(x, t_x, n)` from SQL integers, checked.
pub(crate) fn history(x: i32, t_x: i32, n: i32) -> Opportunities {
    let count = args::not_negative;
    let c = Opportunities { x: count(x, "x"), t_x: count(t_x, "t_x"), n: count(n, "n") };
    c.check().unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    c
}

/// A number of future opportunities, checked: 0 to [`MAX_OPPORTUNITIES`].
pub(crate) fn opportunities_ahead(opportunities: i32) -> u32 {
    args::integer_between(opportunities, "opportunities", 0, MAX_OPPORTUNITIES)
}

fn add(
    state: Option<FitStateDatum>,
    c: Opportunities,
    weight: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    if args::weight(weight) == 0.0 {
        return state;
    }
    Some(BgbbState::update(state, (), fcinfo, |fit| fit.push(BgbbObservation { customer: c, weight })))
}

#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_add(
    state: Option<FitStateDatum>,
    x: Option<i32>,
    t_x: Option<i32>,
    n: Option<i32>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(x), Some(t_x), Some(n)) = (x, t_x, n) else { return state };
    add(state, history(x, t_x, n), 1.0, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_add_weighted(
    state: Option<FitStateDatum>,
    x: Option<i32>,
    t_x: Option<i32>,
    n: Option<i32>,
    weight: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(x), Some(t_x), Some(n), Some(weight)) = (x, t_x, n, weight) else { return state };
    add(state, history(x, t_x, n), weight, fcinfo)
}

combine_function!(BgbbState: bgbb_fit_combine);

/// NULL when no customer was seen (see [`fit_final`]).
#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_final(state: Option<FitStateDatum>) -> Option<BgbbModel> {
    fit_final::<Model>(state, |()| ()).map(|model| BgbbModel::new(&model))
}

extension_sql_file!(
    "bgbb/bgbb_fit_aggregates.sql",
    name = "bgbb_fit_aggregates",
    requires = [
        "bgbb_model_type",
        "fit_state_type",
        bgbb_fit_add,
        bgbb_fit_add_weighted,
        bgbb_fit_combine,
        bgbb_fit_final
    ],
);

// ---- predictions ---------------------------------------------------------------------------

#[pg_extern(immutable, parallel_safe, strict, cost = 20, name = "p_alive")]
fn bgbb_p_alive(model: BgbbModel, x: i32, t_x: i32, n: i32, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    computed(model.cached_value(fcinfo).p_alive(&history(x, t_x, n)), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20, name = "p_alive_ahead")]
fn bgbb_p_alive_ahead(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    opportunities: i32,
    assume_no_purchase: default!(bool, false),
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let (c, ahead, m) = (history(x, t_x, n), opportunities_ahead(opportunities), model.cached_value(fcinfo));
    let p = if assume_no_purchase { m.p_alive_if_no_purchase(&c, ahead) } else { m.p_alive_ahead(&c, ahead) };
    computed(p, "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20, name = "expected_purchases")]
fn bgbb_expected_purchases(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    opportunities: i32,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let (c, ahead) = (history(x, t_x, n), opportunities_ahead(opportunities));
    computed(model.cached_value(fcinfo).expected_purchases(&c, ahead), "expected purchases")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 50, name = "dert")]
fn bgbb_dert(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    discount_rate: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let (c, rate) = (history(x, t_x, n), args::discount_rate(discount_rate, "discount_rate"));
    computed(model.cached_value(fcinfo).dert(&c, rate), "the discounted expected residual transactions")
}

extension_sql_file!(
    "bgbb/bgbb_comments.sql",
    name = "bgbb_comments",
    requires = [bgbb_p_alive, bgbb_p_alive_ahead, bgbb_expected_purchases, bgbb_dert],
);
