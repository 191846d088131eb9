//! Every error pg_clv raises, with its SQLSTATE, in one place so the documented codes and the
//! code agree.

use clv_core::kpi::{RetentionError, MAX_RETENTION_PERIODS};
use clv_core::money::AmountError;
use clv_core::summary::SummaryError;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::{PgLogLevel, PgSqlErrorCode};

pub use PgSqlErrorCode::{
    ERRCODE_DATA_CORRUPTED as DATA_CORRUPTED, ERRCODE_DATETIME_FIELD_OVERFLOW as DATETIME_FIELD_OVERFLOW,
    ERRCODE_INVALID_BINARY_REPRESENTATION as INVALID_BINARY_REPRESENTATION,
    ERRCODE_INVALID_PARAMETER_VALUE as INVALID_PARAMETER_VALUE,
    ERRCODE_INVALID_TEXT_REPRESENTATION as INVALID_TEXT_REPRESENTATION,
    ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE as NUMERIC_VALUE_OUT_OF_RANGE,
    ERRCODE_PROGRAM_LIMIT_EXCEEDED as PROGRAM_LIMIT_EXCEEDED,
};

/// Raises an ERROR; never returns.
pub fn raise(code: PgSqlErrorCode, message: impl Into<String>) -> ! {
    raise_with_hint(code, message, None)
}

/// Raises an ERROR with a HINT line; never returns.
pub fn raise_with_hint(code: PgSqlErrorCode, message: impl Into<String>, hint: Option<&str>) -> ! {
    let mut report = ErrorReport::new(code, message.into(), "pg_clv");
    if let Some(hint) = hint {
        report = report.set_hint(hint);
    }
    report.report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

/// A float8 as PostgreSQL prints it, for messages: `NaN`, `Infinity`, `1e+300` (Rust's own
/// forms are `inf` and three hundred digits).
pub fn float8_text(v: f64) -> String {
    match v {
        v if v.is_nan() => "NaN".into(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        v if v.abs() >= 1e15 || (v != 0.0 && v.abs() < 1e-4) => {
            format!("{v:e}").replace('e', "e+").replace("e+-", "e-")
        }
        v => v.to_string(),
    }
}

/// ERROR 22P02 for text input that is not a value of `type_name`, saying why.
pub fn invalid_text(type_name: &str, why: impl std::fmt::Display) -> ! {
    raise(INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type {type_name}: {why}"))
}

/// An order amount that cannot be aggregated.
pub fn bad_amount(error: AmountError) -> ! {
    match error {
        AmountError::NotFinite => raise_with_hint(
            INVALID_PARAMETER_VALUE,
            "order amount must be a finite number",
            Some("NaN and ±Infinity are rejected; filter them out or COALESCE them to a real amount."),
        ),
        AmountError::OutOfRange | AmountError::Malformed => raise(
            NUMERIC_VALUE_OUT_OF_RANGE,
            "order amount is out of range (at most ±9,223,372,036,854.775807)",
        ),
    }
}

/// A summary that cannot be built or read. `code` is the SQLSTATE for malformed input on the
/// channel it came from (text input, binary receive, or stored data).
pub fn bad_summary(error: SummaryError, code: PgSqlErrorCode) -> ! {
    match error {
        SummaryError::AmountOverflow { .. } | SummaryError::OrderCountOverflow { .. } => {
            raise(NUMERIC_VALUE_OUT_OF_RANGE, error.to_string())
        }
        SummaryError::Corrupt(_) | SummaryError::UnknownVersion(_) => raise(code, error.to_string()),
    }
}

/// Calendar periods that cannot be listed for one customer (`function` names the caller).
pub fn bad_periods(error: RetentionError, function: &str) -> ! {
    match error {
        RetentionError::OutOfCalendar => {
            raise(DATETIME_FIELD_OVERFLOW, "date out of range for calendar periods (years beyond 262000)")
        }
        RetentionError::TooManyPeriods(periods) => raise_with_hint(
            PROGRAM_LIMIT_EXCEEDED,
            format!("{function} would return {periods} periods for one customer, more than the limit of {MAX_RETENTION_PERIODS}"),
            Some("Use a coarser unit ('month' or 'year') or a date closer to the customer's orders."),
        ),
    }
}

/// ERROR (22003) unless a fit found positive finite parameters: data at the edge of float8's
/// range (mean spends near 1e308, say) can overflow the likelihood.
pub fn check_fitted(model: &str, params: &[f64]) {
    if clv_core::models::btyd::check_params(params).is_err() {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("{model} fit found no finite parameters for these data"),
            Some("Some inputs are too extreme for the likelihood (values near the float8 range); filter or rescale them."),
        );
    }
}

/// The WARNING of a fit that found no interior maximum (the model says so too).
pub fn warn_not_converged(model: &str) {
    ErrorReport::new(PgSqlErrorCode::ERRCODE_WARNING, format!("{model} fit did not converge"), "pg_clv")
        .set_detail("The likelihood has no interior maximum on these data (for example no repeat purchases, a cohort without cancellations, or too few customers): parameters ran to a boundary.")
        .set_hint("The model records \"converged\": false; do not use its predictions.")
        .report(PgLogLevel::WARNING);
}
