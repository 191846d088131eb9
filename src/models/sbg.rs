//! The shifted-beta-geometric model in SQL: the type `clv.sbg_model`, `clv.sbg_fit` over a
//! cohort's survivor counts, and its retention curve, survival, expected lifetime and DERL.

use crate::models::fit_state::fitted;
use crate::models::SbgModel;
use crate::pg::args;
use crate::pg::errors::{raise, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE};
use clv_core::models::sbg::{tenures, SbgModel as Model, TenureObservation, MAX_PERIODS};
use clv_core::models::WeightedObservation;
use pgrx::datum::Array;
use pgrx::prelude::*;

/// Fits on survivor counts `S(0), ..., S(n)` (a few periods: no interrupt checks needed beyond
/// the optimizer's own).
#[pg_extern(immutable, parallel_safe, strict)]
fn sbg_fit(survivors: Array<i64>) -> SbgModel {
    let counts: Vec<f64> = survivors
        .iter()
        .map(|s| {
            s.unwrap_or_else(|| raise(INVALID_PARAMETER_VALUE, "survivors must not contain NULL")) as f64
        })
        .collect();
    let mut obs = tenures(&counts).unwrap_or_else(|why| {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            why,
            Some("Pass the customers of one cohort still active at the start of periods 0, 1, ..., n."),
        )
    });
    let n = TenureObservation::merge_all(&mut obs, &crate::pg::call::check_for_interrupts);
    SbgModel::new(&fitted::<Model>(&obs[..n], 0.0, ()))
}

/// A period number, checked: 0 to [`MAX_PERIODS`] (`from` is the smallest allowed).
fn period(period: i32, from: u32) -> u32 {
    args::integer_between(period, "period", from, MAX_PERIODS as u32)
}

#[pg_extern(immutable, parallel_safe, strict)]
fn survival(model: SbgModel, period: i32, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    model.cached_value(fcinfo).survival(self::period(period, 0))
}

#[pg_extern(immutable, parallel_safe, strict)]
fn retention_rate(model: SbgModel, period: i32, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    model.cached_value(fcinfo).retention_rate(self::period(period, 1))
}

/// The projection a BI tool charts: survival and retention rate for periods 0..=`periods`.
#[pg_extern(immutable, parallel_safe, strict)]
fn retention_curve(
    model: SbgModel,
    periods: i32,
) -> TableIterator<'static, (name!(period, i32), name!(survival, f64), name!(retention_rate, Option<f64>))> {
    let (m, last) = (model.value(), period(periods, 0));
    TableIterator::new(
        (0..=last).map(move |t| (t as i32, m.survival(t), (t > 0).then(|| m.retention_rate(t)))),
    )
}

#[pg_extern(immutable, parallel_safe, strict)]
fn expected_lifetime(model: SbgModel) -> f64 {
    let m = model.value();
    m.expected_lifetime().unwrap_or_else(|| {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("the expected lifetime is infinite for alpha = {} (at most 1)", m.params[0]),
            Some("Lifetimes this heavy-tailed have no finite mean; use clv.derl with a discount rate."),
        )
    })
}

#[pg_extern(immutable, parallel_safe, strict)]
fn derl(
    model: SbgModel,
    discount_rate: f64,
    renewals: default!(i32, 0),
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let rate = args::discount_rate(discount_rate, "discount_rate");
    let renewals = args::integer_between(renewals, "renewals", 0, MAX_PERIODS as u32);
    args::computed(
        model.cached_value(fcinfo).derl(rate, renewals),
        "the discounted expected residual lifetime",
    )
}

extension_sql_file!(
    "sbg/sbg_comments.sql",
    name = "sbg_comments",
    requires =
        ["sbg_model_type", sbg_fit, survival, retention_rate, retention_curve, expected_lifetime, derl],
);
