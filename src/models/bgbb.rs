//! The BG/BB model in SQL: the type `clv.bgbb_model`, the aggregate `clv.bgbb_fit` over
//! `(x, t_x, n)` histories (optionally weighted), and its predictions.

use crate::models::btyd::predict::{checked_discount_rate, computed};
use crate::models::fit_state::{fit_final, FitObservation, FitState};
use crate::models::stored_model;
use crate::pg::aggregate::parallel_functions;
use crate::pg::errors::{float8_text, raise, INVALID_PARAMETER_VALUE};
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::bgbb::{BgbbModel as Model, BgbbObservation, Opportunities, MAX_OPPORTUNITIES};
use pgrx::datum::Internal;
use pgrx::prelude::*;

stored_model!(
    /// A `clv.bgbb_model` value.
    BgbbModel,
    "bgbb_model",
    Model,
    io: bgbb_model_in, bgbb_model_out, bgbb_model_recv, bgbb_model_send,
    accessors: bgbb_model_parameters, bgbb_model_kind, bgbb_model_converged, bgbb_model_log_likelihood,
        bgbb_fit_statistics,
);

extension_sql_file!("bgbb/bgbb_model_shell.sql", name = "bgbb_model_shell", creates = [Type(BgbbModel)]);

extension_sql_file!(
    "bgbb/bgbb_model_type.sql",
    name = "bgbb_model_type",
    requires = ["bgbb_model_shell", bgbb_model_in, bgbb_model_out, bgbb_model_recv, bgbb_model_send],
);

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

    fn write(&self, w: Writer) -> Writer {
        let c = self.customer;
        w.u64(u64::from(c.x)).u64(u64::from(c.t_x)).u64(u64::from(c.n)).f64(self.weight)
    }

    fn read(r: &mut Reader) -> Result<Self, DecodeError> {
        let count = |v: u64| u32::try_from(v).map_err(|_| DecodeError::Invalid("count out of range"));
        let (x, t_x, n) = (count(r.u64()?)?, count(r.u64()?)?, count(r.u64()?)?);
        Ok(Self { customer: Opportunities { x, t_x, n }, weight: r.f64()? })
    }
}

type BgbbState = FitState<BgbbObservation>;

/// `(x, t_x, n)` from SQL integers, checked.
fn history(x: i32, t_x: i32, n: i32) -> Opportunities {
    let count = |v: i32, name: &str| {
        u32::try_from(v).unwrap_or_else(|_| {
            raise(INVALID_PARAMETER_VALUE, format!("{name} must not be negative, not {v}"))
        })
    };
    let c = Opportunities { x: count(x, "x"), t_x: count(t_x, "t_x"), n: count(n, "n") };
    c.check().unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    c
}

/// A number of future opportunities, checked: 0 to [`MAX_OPPORTUNITIES`].
fn opportunities_ahead(opportunities: i32) -> u32 {
    u32::try_from(opportunities).ok().filter(|&o| o <= MAX_OPPORTUNITIES).unwrap_or_else(|| {
        raise(
            INVALID_PARAMETER_VALUE,
            format!("opportunities must be between 0 and {MAX_OPPORTUNITIES}, not {opportunities}"),
        )
    })
}

fn add(state: &mut Internal, c: Opportunities, weight: f64, fcinfo: pg_sys::FunctionCallInfo) {
    if !(weight.is_finite() && weight >= 0.0) {
        raise(
            INVALID_PARAMETER_VALUE,
            format!("weight must be finite and not negative, not {}", float8_text(weight)),
        );
    }
    if weight > 0.0 {
        BgbbState::of(state, (), fcinfo).push(BgbbObservation { customer: c, weight });
    }
}

#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_add(
    mut state: Internal,
    x: Option<i32>,
    t_x: Option<i32>,
    n: Option<i32>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let (Some(x), Some(t_x), Some(n)) = (x, t_x, n) {
        add(&mut state, history(x, t_x, n), 1.0, fcinfo);
    }
    state
}

#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_add_weighted(
    mut state: Internal,
    x: Option<i32>,
    t_x: Option<i32>,
    n: Option<i32>,
    weight: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let (Some(x), Some(t_x), Some(n), Some(weight)) = (x, t_x, n, weight) {
        add(&mut state, history(x, t_x, n), weight, fcinfo);
    }
    state
}

parallel_functions!(BgbbState: bgbb_fit_combine, bgbb_fit_serialize, bgbb_fit_deserialize);

/// NULL when no customer was seen (see [`fit_final`]).
#[pg_extern(immutable, parallel_safe)]
fn bgbb_fit_final(mut internal: Internal) -> Option<BgbbModel> {
    fit_final::<Model>(&mut internal, |()| ()).map(|model| BgbbModel::new(&model))
}

extension_sql_file!(
    "bgbb/bgbb_fit_aggregates.sql",
    name = "bgbb_fit_aggregates",
    requires = [
        "bgbb_model_type",
        bgbb_fit_add,
        bgbb_fit_add_weighted,
        bgbb_fit_combine,
        bgbb_fit_serialize,
        bgbb_fit_deserialize,
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
    let (c, rate) = (history(x, t_x, n), checked_discount_rate("discount_rate", discount_rate));
    computed(model.cached_value(fcinfo).dert(&c, rate), "the discounted expected residual transactions")
}

extension_sql_file!(
    "bgbb/bgbb_comments.sql",
    name = "bgbb_comments",
    requires = [
        bgbb_p_alive,
        bgbb_p_alive_ahead,
        bgbb_expected_purchases,
        bgbb_dert,
        bgbb_model_parameters,
        bgbb_model_kind,
        bgbb_model_converged,
        bgbb_model_log_likelihood,
        bgbb_fit_statistics
    ],
);
