//! The state of every model's fit aggregate: the customers' observations with weights, merged
//! into distinct ones when serialized or finalized (so that a fit's cost grows with distinct
//! observations, not customers), the parameters every row must agree on, and how many
//! customers were left out. One generic state, so that window frames, parallel plans and
//! serialization behave the same for every model.
//!
//! Its SQL type is `clv.fit_state`, not `internal`, so that Citus pushes fits down to the
//! shards (see [`crate::pg::expanded`]). On the wire (a parallel worker's or a shard's partial
//! state) it is the merged observations in [`sorted_rows`]' compact form: for 1M customers in
//! days, 3.4 MB as Citus ships it (base64) instead of 23 MB at 32 bytes an observation.
//!
//! The KPI and RFM-breaks aggregates use the same type and functions for their own states
//! ([`update`], [`read`], [`combine`]): any [`AggregateState`] with a [`FitKind`], whose flat
//! form starts with [`state_header`]. The kinds are listed once, in `stored_models!`.

use crate::pg::aggregate::{check_same_parameters, AggregateState};
use crate::pg::call::check_for_interrupts;
use crate::pg::datum::pg_newtype;
use crate::pg::errors::{
    check_fitted, raise, warn_not_converged, INVALID_BINARY_REPRESENTATION, INVALID_TEXT_REPRESENTATION,
};
use crate::pg::expanded;
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::pg::settings::fit_options;
use base64::Engine;
use clv_core::codec::{sorted_rows, DecodeError, Reader, Writer};
use clv_core::models::{StoredModel, WeightedObservation};
use pgrx::prelude::*;
use std::ffi::CStr;

pg_newtype!(
    /// A fit aggregate's state (`clv.fit_state`), as the datum PostgreSQL passes: an expanded
    /// object inside the aggregate, flat bytes outside it.
    datum FitStateDatum,
    "fit_state"
);

/// Which fit a state belongs to, so that one model's state is never read as another's: the
/// byte each model's entry in `stored_models!` (`src/models/mod.rs`) gives, which also lists
/// every kind for `clv.fit_state`'s input.
pub trait FitKind {
    const KIND: u8;
}

/// One customer's data for a model's fit, as the aggregate's state holds it.
pub trait FitObservation: WeightedObservation + FitKind + 'static {
    /// What every row of one aggregate call must agree on (as_of, time unit).
    type Parameters: Copy + PartialEq + 'static;
    /// For the error when rows disagree: "{AGGREGATE} needs the same {PARAMETERS} for every row".
    const AGGREGATE: &'static str;
    const PARAMETERS: &'static str;
    fn write_parameters(parameters: Self::Parameters, w: Writer) -> Writer;
    fn read_parameters(r: &mut Reader) -> Result<Self::Parameters, DecodeError>;
    /// The observation's numbers in the order [`WeightedObservation::order`] sorts them by
    /// (all finite and non-negative), and its weight.
    type Fields: AsRef<[f64]> + Default;
    fn fields(&self) -> (Self::Fields, f64);
    /// The observation of these numbers, if they make one (bytes from outside are checked).
    fn from_fields(fields: &[f64], weight: f64) -> Result<Self, DecodeError>;
}

pub struct FitState<O: FitObservation> {
    pub parameters: O::Parameters,
    observations: ContextVec<O>,
    /// Customers left out of the fit, counted in the model.
    pub excluded: f64,
}

/// The flat state's version. Never stored by pg_clv; version 2 is the compact form.
const STATE_VERSION: u8 = 2;

impl<O: FitObservation> FitState<O> {
    /// Lends the state of a transition call (NULL on the first row) to `change` and returns
    /// the datum the call returns; every row must pass the same parameters.
    pub fn update(
        datum: Option<FitStateDatum>,
        parameters: O::Parameters,
        fcinfo: pg_sys::FunctionCallInfo,
        change: impl FnOnce(&mut Self),
    ) -> FitStateDatum {
        let init = |alloc| Self::empty(parameters, alloc);
        FitStateDatum(expanded::update(datum.map(|d| d.0), fcinfo, init, |fit: &mut Self| {
            check_same_parameters(fit.parameters, parameters, O::AGGREGATE, O::PARAMETERS);
            change(fit)
        }))
    }

    fn empty(parameters: O::Parameters, alloc: ContextAllocator) -> Self {
        Self { parameters, observations: context_vec(alloc), excluded: 0.0 }
    }

    pub fn push(&mut self, observation: O) {
        self.observations.push(observation);
    }

    pub fn exclude(&mut self) {
        self.excluded += 1.0;
    }

    /// The observations with equal ones merged. Idempotent: a window aggregate finalizes the
    /// same state again after more rows.
    pub fn merged(&mut self) -> &[O] {
        let n = O::merge_all(&mut self.observations, &check_for_interrupts);
        self.observations.truncate(n);
        &self.observations
    }
}

impl<O: FitObservation> FitKind for FitState<O> {
    const KIND: u8 = O::KIND;
}

/// The first bytes of every flat state of type `clv.fit_state`: the format version and the
/// kind of state `T` is.
pub fn state_header<T: FitKind>() -> Writer {
    Writer::new(STATE_VERSION).u8(T::KIND)
}

/// A reader past [`state_header`], if `bytes` begin with `T`'s.
pub fn read_state_header<T: FitKind>(bytes: &[u8]) -> Result<Reader<'_>, DecodeError> {
    let mut r = Reader::new(bytes, STATE_VERSION)?;
    if r.u8()? != T::KIND {
        return Err(DecodeError::Invalid("the state of another aggregate"));
    }
    Ok(r)
}

/// Lends the `T` state of a transition call (NULL on the first row: made by `init`) to
/// `change`, and returns the datum the call returns.
pub fn update<T: AggregateState + FitKind + 'static>(
    datum: Option<FitStateDatum>,
    fcinfo: pg_sys::FunctionCallInfo,
    init: impl FnOnce(ContextAllocator) -> T,
    change: impl FnOnce(&mut T),
) -> FitStateDatum {
    FitStateDatum(expanded::update(datum.map(|d| d.0), fcinfo, init, change))
}

/// Lends the `T` state of a final call to `look`; `None` when no row was seen.
pub fn read<T: AggregateState + FitKind + 'static, R>(
    datum: Option<FitStateDatum>,
    look: impl FnOnce(&mut T) -> R,
) -> Option<R> {
    Some(expanded::read(datum?.0, look))
}

impl<O: FitObservation> AggregateState for FitState<O> {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self::empty(self.parameters, alloc)
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(self.parameters, other.parameters, O::AGGREGATE, O::PARAMETERS);
        self.observations.extend_from_slice(&other.observations);
        self.excluded += other.excluded;
    }

    fn serialize(&mut self) -> Vec<u8> {
        let header = O::write_parameters(self.parameters, state_header::<Self>()).f64(self.excluded);
        let rows: Vec<(O::Fields, f64)> = self.merged().iter().map(O::fields).collect();
        sorted_rows::write(header, rows.iter().map(|(fields, weight)| (fields.as_ref(), *weight))).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let mut fit = Self::empty(O::read_parameters(&mut r)?, alloc);
        fit.excluded = r.f64()?;
        if !(fit.excluded.is_finite() && fit.excluded >= 0.0) {
            return Err(DecodeError::Invalid("invalid count of excluded customers"));
        }
        sorted_rows::read(&mut r, O::Fields::default().as_ref().len(), |fields, weight| {
            fit.observations.push(O::from_fields(fields, weight)?);
            Ok(())
        })?;
        r.finish()?;
        Ok(fit)
    }
}

/// The combine function of the aggregates whose state is `T`: merges `from` into `into`.
pub fn combine<T: AggregateState + FitKind + 'static>(
    into: Option<FitStateDatum>,
    from: Option<FitStateDatum>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let Some(from) = from else { return into };
    // PostgreSQL never combines a state with itself; if it did, the two borrows would alias.
    if into.as_ref().is_some_and(|into| into.0 == from.0) {
        raise(INVALID_BINARY_REPRESENTATION, "cannot combine an aggregate state with itself");
    }
    expanded::read(from.0, |from: &mut T| {
        let init = |alloc| from.empty_like(alloc);
        Some(FitStateDatum(expanded::update(into.map(|d| d.0), fcinfo, init, |into| into.merge(from))))
    })
}

/// Defines the combine function of the aggregates whose state is `$state` (`FitState<O>` for a
/// fit over observations `O`).
macro_rules! combine_function {
    ($state:ty: $combine:ident) => {
        #[::pgrx::pg_extern(immutable, parallel_safe)]
        fn $combine(
            into: Option<crate::models::fit_state::FitStateDatum>,
            from: Option<crate::models::fit_state::FitStateDatum>,
            fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> Option<crate::models::fit_state::FitStateDatum> {
            crate::models::fit_state::combine::<$state>(into, from, fcinfo)
        }
    };
}
pub(crate) use combine_function;

/// The serialize and deserialize functions of an aggregate whose state was `internal` in an
/// older release (the fits in 0.1.0, the KPIs and RFM breaks in 0.2.0): the old catalog names
/// them, so the library keeps them until `ALTER EXTENSION pg_clv UPDATE` has run (the update
/// script moves the aggregates to `clv.fit_state`, and no SQL declares these functions any
/// more). The `internal` datum they get is this module's expanded `$state`, which the new
/// transition and combine functions make from the old catalog's calls too.
macro_rules! functions_of_internal_state {
    ($state:ty: $serialize:ident, $deserialize:ident) => {
        #[::pgrx::pg_extern(immutable, parallel_safe, strict, sql = false)]
        fn $serialize(state: crate::models::fit_state::FitStateDatum) -> Vec<u8> {
            use crate::pg::aggregate::AggregateState;
            crate::pg::expanded::read(state.0, |state: &mut $state| state.serialize())
        }

        #[::pgrx::pg_extern(immutable, parallel_safe, strict, sql = false)]
        fn $deserialize(
            bytes: &[u8],
            _unused: ::pgrx::datum::Internal,
            fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> crate::models::fit_state::FitStateDatum {
            let flat = crate::pg::datum::VarlenaBytes::build(bytes.len(), |out| out.copy_from_slice(bytes));
            crate::models::fit_state::FitStateDatum(crate::pg::expanded::update(
                Some(flat.into_datum()),
                fcinfo,
                |_| unreachable!("a flat state is read, not made"),
                |_: &mut $state| (),
            ))
        }
    };
}
pub(crate) use functions_of_internal_state;

/// Text input of `clv.fit_state`: base64 of the flat state, checked by reading it.
#[pg_extern(immutable, parallel_safe, strict)]
fn fit_state_in(input: &CStr) -> FitStateDatum {
    let bytes = base64::engine::general_purpose::STANDARD.decode(input.to_bytes()).unwrap_or_else(|e| {
        raise(INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type clv.fit_state: {e}"))
    });
    checked_flat(&bytes, INVALID_TEXT_REPRESENTATION)
}

/// A flat `clv.fit_state` of `bytes` once they read as one; else ERROR with `code`.
fn checked_flat(bytes: &[u8], code: pgrx::PgSqlErrorCode) -> FitStateDatum {
    if let Err(e) = crate::models::check_fit_state(bytes) {
        raise(code, format!("invalid clv.fit_state: {e}"));
    }
    let flat = crate::pg::datum::VarlenaBytes::build(bytes.len(), |out| out.copy_from_slice(bytes));
    FitStateDatum(flat.into_datum())
}

/// Text output of `clv.fit_state`: base64 of the flat state (what Citus sends a coordinator).
#[pg_extern(immutable, parallel_safe, strict)]
fn fit_state_out(state: FitStateDatum) -> &'static CStr {
    // SAFETY: a non-null datum of clv.fit_state; detoasting flattens an expanded state.
    let flat = unsafe { crate::pg::datum::VarlenaBytes::from_datum(state.0) };
    let text = base64::engine::general_purpose::STANDARD.encode(flat.bytes());
    let cstring = std::ffi::CString::new(text).expect("base64 has no NUL");
    // SAFETY: pstrdup copies the NUL-terminated string into the current memory context, which
    // outlives the call that returns it.
    unsafe { CStr::from_ptr(pg_sys::pstrdup(cstring.as_ptr())) }
}

/// Binary input of `clv.fit_state`: the flat state, checked by reading it.
#[pg_extern(immutable, parallel_safe, strict)]
fn fit_state_recv(mut buffer: pgrx::datum::Internal) -> FitStateDatum {
    checked_flat(
        // SAFETY: the argument of a receive function.
        unsafe { crate::pg::datum::VarlenaBytes::receive(&mut buffer) },
        INVALID_BINARY_REPRESENTATION,
    )
}

/// Binary output of `clv.fit_state`: the flat state.
#[pg_extern(immutable, parallel_safe, strict)]
fn fit_state_send(state: FitStateDatum) -> Vec<u8> {
    // SAFETY: a non-null datum of clv.fit_state (flattened by detoasting if expanded).
    unsafe { crate::pg::datum::VarlenaBytes::from_datum(state.0) }.bytes().to_vec()
}

/// Checks that `bytes` are a flat `T` state (for the text and binary input).
pub fn check_flat<T: AggregateState + FitKind>(bytes: &[u8]) -> Result<(), DecodeError> {
    // SAFETY: CurrentMemoryContext is always a valid context during a call.
    let context = unsafe { pg_sys::CurrentMemoryContext };
    T::deserialize(bytes, ContextAllocator::new(context)).map(|_| ())
}

/// The kind byte of a flat state.
pub fn flat_kind(bytes: &[u8]) -> Result<u8, DecodeError> {
    let mut r = Reader::new(bytes, STATE_VERSION)?;
    r.u8()
}

extension_sql_file!(
    "fit_state/fit_state_shell.sql",
    name = "fit_state_shell",
    creates = [Type(FitStateDatum)]
);
extension_sql_file!(
    "fit_state/fit_state_type.sql",
    name = "fit_state_type",
    requires = ["fit_state_shell", fit_state_in, fit_state_out, fit_state_recv, fit_state_send]
);

/// The final step of model `M`'s fit aggregate: `M` fitted on the merged observations, with
/// the setup made from the rows' parameters; NULL when no customer was fitted on. A fit that
/// does not converge is returned (it says `converged: false`) with a WARNING.
pub fn fit_final<M>(
    state: Option<FitStateDatum>,
    setup: impl FnOnce(<M::Observation as FitObservation>::Parameters) -> M::FitSetup,
) -> Option<M>
where
    M: StoredModel,
    M::Observation: FitObservation,
{
    expanded::read(state?.0, |fit: &mut FitState<M::Observation>| {
        let (setup, excluded) = (setup(fit.parameters), fit.excluded);
        let merged = fit.merged();
        (!merged.is_empty()).then(|| fitted(merged, excluded, setup))
    })
}

/// `M` fitted on merged, non-empty observations with the session's fit options; ERROR when
/// the fit found no finite parameters, a WARNING when it did not converge.
pub fn fitted<M: StoredModel>(merged: &[M::Observation], excluded: f64, setup: M::FitSetup) -> M {
    checked(M::fit(merged, excluded, setup, fit_options()))
}

/// A fitted model, if the fit found finite parameters (else ERROR), with a WARNING when it did
/// not converge.
pub fn checked<M: StoredModel>(model: M) -> M {
    check_fitted(model.name(), model.params());
    if model.fit_record().is_some_and(|f| !f.converged) {
        warn_not_converged(model.name());
    }
    model
}

/// `as_of` as written in a state: a presence byte and the day.
pub fn write_as_of(as_of: Option<i32>, w: Writer) -> Writer {
    w.u8(u8::from(as_of.is_some())).i32(as_of.unwrap_or(0))
}

pub fn read_as_of(r: &mut Reader) -> Result<Option<i32>, DecodeError> {
    let (present, day) = (r.u8()? == 1, r.i32()?);
    Ok(present.then_some(day))
}
