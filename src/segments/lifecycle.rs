//! Lifecycle stages: the enum `clv.lifecycle` and `clv.lifecycle_stage`.

use crate::pg::call::with_call_site_state;
use crate::pg::dates::finite_day;
use crate::pg::datum::pg_newtype;
use crate::pg::errors::{raise, INVALID_PARAMETER_VALUE};
use crate::summary::CustomerSummary;
use clv_core::segments::lifecycle::{stage, Stage, Thresholds};
use pgrx::datum::Date;
use pgrx::prelude::*;
use std::ffi::CString;

pg_newtype!(
    /// A `clv.lifecycle` enum value.
    datum Lifecycle,
    "lifecycle"
);

extension_sql_file!("lifecycle/lifecycle_type.sql", name = "lifecycle_type", creates = [Type(Lifecycle)],);

const STAGES: [Stage; 5] = [Stage::Prospect, Stage::New, Stage::Active, Stage::AtRisk, Stage::Dormant];

/// The enum's label OIDs, looked up once per call site.
struct LabelOids([pg_sys::Datum; 5]);

/// The enum type is the calling function's declared result type, found by the function's OID
/// rather than by the name `clv.lifecycle`: a name lookup needs USAGE on schema clv, which a
/// role reading a view over `lifecycle_stage` (a BI login) does not need otherwise.
fn stage_datum(fcinfo: pg_sys::FunctionCallInfo, stage: Stage) -> Lifecycle {
    let lookup = || {
        // SAFETY: `fcinfo` is the live call PostgreSQL made to lifecycle_stage, so its `flinfo`
        // points to the function's lookup info, whose `fn_oid` names it in pg_proc.
        let enum_type = unsafe { pg_sys::get_func_rettype((*(*fcinfo).flinfo).fn_oid) };
        LabelOids(STAGES.map(|s| {
            let label = CString::new(s.label()).expect("stage labels have no NUL byte");
            // SAFETY: enum_in (the enum types' input function) reads the NUL-terminated label,
            // which outlives the call, and the enum's type OID; it returns the label's OID, or
            // raises an ERROR for a label the type lacks.
            unsafe {
                pg_sys::OidInputFunctionCall(
                    pg_sys::Oid::from(pg_sys::F_ENUM_IN),
                    label.as_ptr().cast_mut(),
                    enum_type,
                    -1,
                )
            }
        }))
    };
    let index = STAGES.iter().position(|&s| s == stage).expect("every stage is listed");
    Lifecycle(with_call_site_state(fcinfo, lookup, |labels| labels.0[index]))
}

/// NULL thresholds mean the defaults.
fn thresholds(
    new_within: Option<i32>,
    at_risk_after: Option<i32>,
    dormant_after: Option<i32>,
    at_risk_cycles: Option<f64>,
) -> Thresholds {
    let defaults = Thresholds::default();
    let t = Thresholds {
        new_within: new_within.unwrap_or(defaults.new_within),
        at_risk_after: at_risk_after.unwrap_or(defaults.at_risk_after),
        dormant_after: dormant_after.unwrap_or(defaults.dormant_after),
        at_risk_cycles,
    };
    t.check().unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    t
}

#[pg_extern(immutable, parallel_safe)]
fn lifecycle_stage(
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    new_within: default!(Option<i32>, 30),
    at_risk_after: default!(Option<i32>, 90),
    dormant_after: default!(Option<i32>, 365),
    at_risk_cycles: default!(Option<f64>, "NULL"),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Lifecycle> {
    let t = thresholds(new_within, at_risk_after, dormant_after, at_risk_cycles);
    let s = stage(&summary?.view(), finite_day(as_of?, "as_of"), &t)?;
    Some(stage_datum(fcinfo, s))
}

/// With the signup date: a customer who signed up by `as_of` but had not ordered is a prospect.
#[allow(clippy::too_many_arguments)] // one SQL argument per threshold
#[pg_extern(immutable, parallel_safe, name = "lifecycle_stage")]
fn lifecycle_stage_with_signup(
    signed_up_at: Option<Date>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    new_within: default!(Option<i32>, 30),
    at_risk_after: default!(Option<i32>, 90),
    dormant_after: default!(Option<i32>, 365),
    at_risk_cycles: default!(Option<f64>, "NULL"),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Lifecycle> {
    let t = thresholds(new_within, at_risk_after, dormant_after, at_risk_cycles);
    let as_of = finite_day(as_of?, "as_of");
    let ordered = summary.and_then(|s| stage(&s.view(), as_of, &t));
    let s = match ordered {
        Some(s) => s,
        None if finite_day(signed_up_at?, "signed_up_at") <= as_of => Stage::Prospect,
        None => return None,
    };
    Some(stage_datum(fcinfo, s))
}

extension_sql_file!(
    "lifecycle/lifecycle_comments.sql",
    name = "lifecycle_comments",
    requires = [lifecycle_stage, lifecycle_stage_with_signup],
);
