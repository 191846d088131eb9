//! Internal-state aggregates: the plumbing every pg_clv aggregate shares, written once.
//!
//! A state lives in the aggregate memory context (see [`crate::pg::memory`]); the transition
//! function creates it on the first row. For parallel query, PostgreSQL serializes worker
//! states, deserializes them in the leader and combines them. `CREATE AGGREGATE` is written by
//! hand in each module because pgrx 0.18's `#[pg_aggregate]` generates a wrong deserialize
//! signature for internal states (pgrx issue #2351).

use crate::pg::errors::{raise, INVALID_BINARY_REPRESENTATION};
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
    // SAFETY: an `internal` state of the aggregates declared with `T` as their state (their
    // support functions are all made by `parallel_functions!` for the same `T`).
    unsafe { internal.get_mut::<T>() }
}

/// Combine function: merges `from` into `into` (created in the aggregate context if NULL).
pub fn combine<T: AggregateState>(
    mut into: Internal,
    mut from: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let Some(from) = existing::<T>(&mut from) {
        state(&mut into, fcinfo, |alloc| from.empty_like(alloc)).merge(from);
    }
    into
}

/// Serialize function (strict: the state exists).
pub fn serialize<T: AggregateState>(mut state: Internal) -> Vec<u8> {
    existing::<T>(&mut state).expect("strict: state is not NULL").serialize()
}

/// Deserialize function: a state in the current memory context, which the combine function
/// merges into the aggregate context.
pub fn deserialize<T: AggregateState>(bytes: &[u8]) -> Internal {
    // SAFETY: CurrentMemoryContext is always a valid context during a call.
    let context = unsafe { pg_sys::CurrentMemoryContext };
    let state = T::deserialize(bytes, ContextAllocator::new(context))
        .unwrap_or_else(|e| raise(INVALID_BINARY_REPRESENTATION, format!("invalid aggregate state: {e}")));
    Internal::from(Some(pg_sys::Datum::from(leak_into(context, state).as_ptr())))
}

/// Defines the combine, serialize and deserialize functions (for parallel query) of the
/// aggregates whose state is `$state`, under the given SQL names.
macro_rules! parallel_functions {
    ($state:ty: $combine:ident, $serialize:ident, $deserialize:ident) => {
        #[::pgrx::pg_extern(immutable, parallel_safe)]
        fn $combine(
            into: ::pgrx::datum::Internal,
            from: ::pgrx::datum::Internal,
            fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::datum::Internal {
            crate::pg::aggregate::combine::<$state>(into, from, fcinfo)
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $serialize(state: ::pgrx::datum::Internal) -> Vec<u8> {
            crate::pg::aggregate::serialize::<$state>(state)
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $deserialize(bytes: &[u8], _unused: ::pgrx::datum::Internal) -> ::pgrx::datum::Internal {
            crate::pg::aggregate::deserialize::<$state>(bytes)
        }
    };
}
pub(crate) use parallel_functions;

/// ERROR unless every row of one aggregate call passes the same parameters.
pub fn check_same_parameters<P: PartialEq>(ours: P, theirs: P, aggregate: &str, parameters: &str) {
    if ours != theirs {
        raise(
            crate::pg::errors::INVALID_PARAMETER_VALUE,
            format!("{aggregate} needs the same {parameters} for every row"),
        );
    }
}
