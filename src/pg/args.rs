//! Every check of a numeric SQL argument, one function per kind of check, so that each kind of
//! failure has one message and one HINT style: `<argument> must be <what>, not <value>`, with
//! SQLSTATE 22023 (`invalid_parameter_value`) and the value as PostgreSQL prints it. Dates and
//! units are read (and checked) by [`crate::pg::dates`]; a result that could not be computed
//! is refused by [`computed`].

use crate::pg::errors::{
    float8_text, raise, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE,
};

/// The value of an argument that must not be NULL (in functions that are not STRICT because
/// other arguments may be).
pub fn required<T>(value: Option<T>, argument: &str) -> T {
    value.unwrap_or_else(|| raise(INVALID_PARAMETER_VALUE, format!("{argument} must not be NULL")))
}

/// An integer argument from `low` (at least 0) to `high`.
pub fn integer_between(value: i32, argument: &str, low: u32, high: u32) -> u32 {
    u32::try_from(value).ok().filter(|v| (low..=high).contains(v)).unwrap_or_else(|| {
        raise(INVALID_PARAMETER_VALUE, format!("{argument} must be between {low} and {high}, not {value}"))
    })
}

/// A count that may be any integer from 0 (purchases, transactions, opportunities seen).
pub fn not_negative(value: i32, argument: &str) -> u32 {
    u32::try_from(value).unwrap_or_else(|_| {
        raise(INVALID_PARAMETER_VALUE, format!("{argument} must not be negative, not {value}"))
    })
}

/// A finite number.
pub fn finite(value: f64, argument: &str) -> f64 {
    if !value.is_finite() {
        raise(INVALID_PARAMETER_VALUE, format!("{argument} must be finite, not {}", float8_text(value)));
    }
    value
}

/// A finite number above `low`, described as `what` ("a finite rate above -1").
pub fn finite_above(value: f64, argument: &str, low: f64, what: &str) -> f64 {
    if !(value.is_finite() && value > low) {
        raise(INVALID_PARAMETER_VALUE, format!("{argument} must be {what}, not {}", float8_text(value)));
    }
    value
}

/// A finite, non-negative number of `what` ("time units", "repeat purchases").
pub fn non_negative(value: f64, argument: &str, what: &str) -> f64 {
    if !(value.is_finite() && value >= 0.0) {
        raise(
            INVALID_PARAMETER_VALUE,
            format!("{argument} must be a finite, non-negative number of {what}, not {}", float8_text(value)),
        );
    }
    value
}

/// A span of time in a model's unit: finite and not negative.
pub fn time_span(value: f64, argument: &str) -> f64 {
    non_negative(value, argument, "time units")
}

/// The weight of a row of a weighted fit (how many customers share it): finite, not negative.
pub fn weight(value: f64) -> f64 {
    non_negative(value, "weight", "customers")
}

/// A probability strictly between 0 and 1: a level of confidence, a quantile's.
pub fn open_probability(value: f64, argument: &str, hint: &str) -> f64 {
    if !(value > 0.0 && value < 1.0) {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("{argument} must be between 0 and 1 (exclusive), not {}", float8_text(value)),
            Some(hint),
        );
    }
    value
}

/// The largest discount rate: 100,000% a period, beyond any real use.
pub const MAX_DISCOUNT_RATE: f64 = 1000.0;

/// A discount rate per period: above 0 and at most [`MAX_DISCOUNT_RATE`].
pub fn discount_rate(value: f64, argument: &str) -> f64 {
    if !(value > 0.0 && value <= MAX_DISCOUNT_RATE) {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("{argument} must be above 0 and at most {MAX_DISCOUNT_RATE}, not {}", float8_text(value)),
            Some("0.1 discounts a purchase one period (a year, for an annual rate) from now by 10%."),
        );
    }
    value
}

/// A prediction, or an ERROR (22003) when it could not be computed in float8 (series that do
/// not converge, values beyond its range, which need extreme parameters): never NaN or ±∞.
pub fn computed(value: f64, what: &str) -> f64 {
    if !value.is_finite() {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("could not compute {what} for these inputs"),
            Some("The model's parameters or the customer's history are too extreme to compute this in double precision."),
        );
    }
    value
}

/// The largest magnitude of a covariate value: `e^(γ·z)` must stay finite for coefficients
/// of sensible size. Larger measurements are better standardized first (docs/models/covariates.md).
pub const MAX_COVARIATE: f64 = 1e6;

/// A customer's covariate vector: not NULL, at most
/// [`clv_core::models::covariates::MAX_COVARIATES`] values, none NULL, each finite with a
/// magnitude of at most [`MAX_COVARIATE`].
pub fn covariates(values: Option<pgrx::datum::Array<f64>>, argument: &str) -> Vec<f64> {
    const HINT: &str = "A customer's covariates are an array of numbers, the same length on every row, e.g. ARRAY[gender, channel]; fill missing values before the call.";
    let invalid = |why: String| -> ! { raise_with_hint(INVALID_PARAMETER_VALUE, why, Some(HINT)) };
    let Some(values) = values else { invalid(format!("{argument} must not be NULL")) };
    let max = clv_core::models::covariates::MAX_COVARIATES;
    if values.len() > max {
        invalid(format!("{argument} must have at most {max} values, not {}", values.len()));
    }
    values
        .iter()
        .map(|v| match v {
            None => invalid(format!("{argument} must not contain NULL")),
            Some(v) if !(v.abs() <= MAX_COVARIATE) => invalid(format!(
                "{argument} must hold finite values of magnitude at most {}, not {}",
                float8_text(MAX_COVARIATE),
                float8_text(v)
            )),
            Some(v) => v,
        })
        .collect()
}
