//! What pg_clv's aggregate states share: [`AggregateState`] (empty, merge, serialize,
//! deserialize), which the states of `clv.fit_state` implement (fits, KPIs, RFM breaks; see
//! [`crate::pg::expanded`]), and the `internal` state of the summary aggregates
//! ([`state`], [`existing`]), which stay `internal` because a customer's orders are grouped on
//! one node anyway and their partial state is the stored summary format itself
//! (`src/summary/aggregate.rs`). A state lives in the aggregate memory context (see
//! [`crate::pg::memory`]). `CREATE AGGREGATE` is written by hand in each module because pgrx
//! 0.18's `#[pg_aggregate]` generates a wrong deserialize signature for internal states (pgrx
//! issue #2351).

use crate::pg::errors::raise;
use crate::pg::memory::{aggregate_context, leak_into, ContextAllocator};
use clv_core::codec::DecodeError;
use pgrx::datum::Internal;
use pgrx::pg_sys;

/// A partial aggregate.
pub trait AggregateState: Sized {
    /// A state with no rows and the same parameters as `self`, its collections in `alloc`.
    fn empty_like(&self, alloc: ContextAllocator) -> Self;
    /// Adds another partial state of the same aggregate call (ERROR if parameters differ).
    fn merge(&mut self, other: &Self);
    /// The state as bytes for the parallel leader; may compact the state first.
    fn serialize(&mut self) -> Vec<u8>;
    /// Reads what [`AggregateState::serialize`] wrote, collections in `alloc`.
    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError>;
}

/// The state behind `internal`, created with `init` in the aggregate context on first use.
pub fn state<T>(
    internal: &mut Internal,
    fcinfo: pg_sys::FunctionCallInfo,
    init: impl FnOnce(ContextAllocator) -> T,
) -> &mut T {
    if !internal.initialized() {
        let context = aggregate_context(fcinfo);
        let state = leak_into(context, init(ContextAllocator::new(context)));
        *internal = Internal::from(Some(pg_sys::Datum::from(state.as_ptr())));
    }
    // SAFETY: the pointer was set above or by an earlier call of the same aggregate, to a `T`
    // in the aggregate context; the borrow of `internal` bounds the reference to this call.
    unsafe { internal.get_mut::<T>() }.expect("initialized above")
}

/// The state behind `internal`, if any rows were seen.
pub fn existing<T>(internal: &mut Internal) -> Option<&mut T> {
    // SAFETY: an `internal` state of the aggregates declared with `T` as their state (the
    // summary aggregates: every support function of theirs reads and writes the same `T`).
    unsafe { internal.get_mut::<T>() }
}

/// ERROR unless every row of one aggregate call passes the same parameters.
pub fn check_same_parameters<P: PartialEq>(ours: P, theirs: P, aggregate: &str, parameters: &str) {
    if ours != theirs {
        raise(
            crate::pg::errors::INVALID_PARAMETER_VALUE,
            format!("{aggregate} needs the same {parameters} for every row"),
        );
    }
}
