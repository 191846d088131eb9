//! The aggregates that build summaries: `clv.customer_summary(ordered_at, amount)` over orders
//! and `clv.rollup(customer_summary)` over summaries.
//!
//! Both share one internal state: the purchase days seen so far, in arrival order, in the
//! aggregate memory context. Sorting and merging happen once, when the state is serialized for
//! a parallel leader or finalized. The serialized state is the stored summary format itself,
//! and the leader decodes it straight into the group's state (see [`PartialSummary`]): with
//! ~10 orders per customer in random order every process meets nearly every customer, so the
//! leader combines about two partial states per customer, alone, and that step sets how much
//! a parallel plan gains (docs/performance.md).
//! `CREATE AGGREGATE` is written by hand because pgrx 0.18's `#[pg_aggregate]` generates a
//! wrong deserialize signature for internal states (pgrx issue #2351).

use super::CustomerSummary;
use crate::pg::aggregate::{existing, state};
use crate::pg::amounts::{float8_micros, numeric_micros, NumericArg};
use crate::pg::errors::{bad_summary, raise, INVALID_BINARY_REPRESENTATION};
use crate::pg::memory::{context_vec, leak_into, ContextAllocator, ContextVec};
use clv_core::summary::{encode, encoded_len, normalize, PurchaseDay, SummaryView};
use pgrx::datum::{Date, Internal, Timestamp, TimestampWithTimeZone};
use pgrx::prelude::*;

/// Purchase days seen so far: one entry per order or per summary day, unsorted, possibly
/// repeating a day.
struct SummaryState {
    days: ContextVec<PurchaseDay>,
}

impl SummaryState {
    fn new(alloc: ContextAllocator) -> Self {
        Self { days: context_vec(alloc) }
    }

    /// Sorts and merges in place; the logical content is unchanged, so finalizing twice (as
    /// PostgreSQL may when aggregates share a state) gives the same result.
    fn normalized(&mut self) -> &[PurchaseDay] {
        let n = normalize(&mut self.days).unwrap_or_else(|e| bad_summary(e, INVALID_BINARY_REPRESENTATION));
        self.days.truncate(n);
        &self.days
    }
}

/// A parallel worker's partial state as the leader receives it: the serialized bytes (the
/// stored summary format), read where they lie, in the input row that carries them, which
/// stays valid while PostgreSQL hands the deserialized value to the combine function. The
/// combine function decodes the days straight into the group's state, so a partial state costs
/// one pass and no allocation of its own.
struct PartialSummary {
    bytes: *const u8,
    len: usize,
}

impl PartialSummary {
    fn view(&self) -> SummaryView<'_> {
        // SAFETY: the deserialize function's bytea argument, which PostgreSQL keeps until the
        // combine function that reads this partial state has returned (see PartialSummary).
        let bytes = unsafe { std::slice::from_raw_parts(self.bytes, self.len) };
        SummaryView::new(bytes).expect("checked by customer_summary_deserialize")
    }
}

/// Serialize function (parallel query): the state as the stored summary format.
#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_serialize(mut state: Internal) -> Vec<u8> {
    let days = existing::<SummaryState>(&mut state).expect("strict: state is not NULL").normalized();
    let mut bytes = vec![0; encoded_len(days.len())];
    encode(days, &mut bytes);
    bytes
}

/// Deserialize function (parallel query): checks the header (the bytes are a worker's, written
/// by the function above) and keeps a view of them for the combine function.
#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_deserialize(bytes: &[u8], _unused: Internal) -> Internal {
    if let Err(e) = SummaryView::new(bytes) {
        let e = clv_core::codec::DecodeError::from(e);
        raise(INVALID_BINARY_REPRESENTATION, format!("invalid aggregate state: {e}"));
    }
    // The bytes outlive this call until the combine function has read them (see PartialSummary).
    let partial = PartialSummary { bytes: bytes.as_ptr(), len: bytes.len() };
    // SAFETY: CurrentMemoryContext is always a valid context during a call.
    let context = unsafe { pg_sys::CurrentMemoryContext };
    Internal::from(Some(pg_sys::Datum::from(leak_into(context, partial).as_ptr())))
}

/// Combine function (parallel query): a worker's days added to the group's state.
#[pg_extern(immutable, parallel_safe)]
fn customer_summary_combine(
    mut into: Internal,
    mut from: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let Some(partial) = existing::<PartialSummary>(&mut from) {
        let days = &mut state(&mut into, fcinfo, SummaryState::new).days;
        days.extend(partial.view().iter());
    }
    into
}

/// Adds one order (NULL time or amount: skipped).
fn add_order(
    mut internal: Internal,
    day: Option<i32>,
    amount: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let (Some(day), Some(amount)) = (day, amount) {
        // Append only: `normalize` merges days later. Reading the previous entry to merge in
        // place would cost a cache miss per row in large hash aggregations.
        state(&mut internal, fcinfo, SummaryState::new).days.push(PurchaseDay { day, orders: 1, amount });
    }
    internal
}

/// One transition function per (order time type, amount type) pair.
macro_rules! order_transition {
    ($name:ident, $time:ty, $day:path, $amount:ty, $micros:path) => {
        #[pg_extern(immutable, parallel_safe)]
        fn $name(
            state: Internal,
            ordered_at: Option<$time>,
            amount: Option<$amount>,
            fcinfo: pg_sys::FunctionCallInfo,
        ) -> Internal {
            let day = ordered_at.map(|t| $day(t, "order time"));
            add_order(state, day, amount.map($micros), fcinfo)
        }
    };
}

order_transition!(customer_summary_add_date_float8, Date, crate::pg::dates::finite_day, f64, float8_micros);
order_transition!(
    customer_summary_add_date_numeric,
    Date,
    crate::pg::dates::finite_day,
    NumericArg,
    numeric_micros
);
order_transition!(
    customer_summary_add_timestamptz_float8,
    TimestampWithTimeZone,
    crate::pg::dates::timestamptz_day,
    f64,
    float8_micros
);
order_transition!(
    customer_summary_add_timestamptz_numeric,
    TimestampWithTimeZone,
    crate::pg::dates::timestamptz_day,
    NumericArg,
    numeric_micros
);
order_transition!(
    customer_summary_add_timestamp_float8,
    Timestamp,
    crate::pg::dates::timestamp_day,
    f64,
    float8_micros
);
order_transition!(
    customer_summary_add_timestamp_numeric,
    Timestamp,
    crate::pg::dates::timestamp_day,
    NumericArg,
    numeric_micros
);

/// Transition of `clv.rollup`: adds every purchase day of a summary (NULL: skipped).
#[pg_extern(immutable, parallel_safe)]
fn customer_summary_add_summary(
    mut internal: Internal,
    summary: Option<CustomerSummary>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let Some(summary) = summary {
        state(&mut internal, fcinfo, SummaryState::new).days.extend(summary.view().iter());
    }
    internal
}

#[pg_extern(immutable, parallel_safe)]
fn customer_summary_final(mut internal: Internal) -> Option<CustomerSummary> {
    let days = existing::<SummaryState>(&mut internal)?.normalized();
    (!days.is_empty()).then(|| CustomerSummary::from_days(days))
}

extension_sql_file!(
    "aggregate/customer_summary_aggregates.sql",
    name = "customer_summary_aggregates",
    requires = [
        "customer_summary_type",
        customer_summary_add_date_float8,
        customer_summary_add_date_numeric,
        customer_summary_add_timestamptz_float8,
        customer_summary_add_timestamptz_numeric,
        customer_summary_add_timestamp_float8,
        customer_summary_add_timestamp_numeric,
        customer_summary_add_summary,
        customer_summary_combine,
        customer_summary_serialize,
        customer_summary_deserialize,
        customer_summary_final,
    ],
);

#[cfg(any(test, feature = "pg_test"))]
#[pg_schema]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod tests {
    use pgrx::datum::Internal;
    use pgrx::prelude::*;

    /// A parallel worker's state that is not a summary is an ERROR, not a crash.
    #[pg_test(error = "invalid aggregate state: length does not match the number of days")]
    fn corrupt_partial_state_is_an_error() {
        // A header claiming 5 purchase days followed by room for one.
        let mut bytes = vec![0u8; 48];
        bytes[0] = 1;
        bytes[4] = 5;
        super::customer_summary_deserialize(&bytes, Internal::default());
    }

    #[pg_test(error = "invalid aggregate state: format version 9 is not supported")]
    fn unknown_partial_state_version_is_an_error() {
        let mut bytes = vec![0u8; 48];
        bytes[0] = 9;
        super::customer_summary_deserialize(&bytes, Internal::default());
    }

    /// The serialized partial state is the stored format: the deserialized state reads back
    /// the same purchase days, which encode to the same bytes.
    #[pg_test]
    fn partial_state_is_the_stored_format() {
        let stored = Spi::get_one::<Vec<u8>>(
            "SELECT clv.customer_summary_send(clv.customer_summary(d, 2.5))
             FROM (VALUES (DATE '2024-03-01'), ('2024-01-01'), ('2024-03-01')) v(d)",
        )
        .unwrap()
        .unwrap();
        let mut partial = super::customer_summary_deserialize(&stored, Internal::default());
        let partial = crate::pg::aggregate::existing::<super::PartialSummary>(&mut partial).unwrap();
        let days: Vec<_> = partial.view().iter().collect();
        assert_eq!(clv_core::summary::encode_to_vec(days).unwrap(), stored);
    }
}
