//! The state of every model's fit aggregate: the customers' observations with weights, merged
//! into distinct ones when serialized or finalized (so that a fit's cost grows with distinct
//! observations, not customers), the parameters every row must agree on, and how many
//! customers were left out. One generic state, so that window frames, parallel plans and
//! serialization behave the same for every model.

use crate::pg::aggregate::{check_same_parameters, existing, state, AggregateState};
use crate::pg::call::check_for_interrupts;
use crate::pg::errors::{check_fitted, warn_not_converged};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::pg::settings::fit_options;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::{StoredModel, WeightedObservation};
use pgrx::datum::Internal;
use pgrx::pg_sys;

/// One customer's data for a model's fit, as the aggregate's state holds it.
pub trait FitObservation: WeightedObservation {
    /// What every row of one aggregate call must agree on (as_of, time unit).
    type Parameters: Copy + PartialEq;
    /// For the error when rows disagree: "{AGGREGATE} needs the same {PARAMETERS} for every row".
    const AGGREGATE: &'static str;
    const PARAMETERS: &'static str;
    fn write_parameters(parameters: Self::Parameters, w: Writer) -> Writer;
    fn read_parameters(r: &mut Reader) -> Result<Self::Parameters, DecodeError>;
    fn write(&self, w: Writer) -> Writer;
    fn read(r: &mut Reader) -> Result<Self, DecodeError>;
}

pub struct FitState<O: FitObservation> {
    pub parameters: O::Parameters,
    observations: ContextVec<O>,
    /// Customers left out of the fit, counted in the model.
    pub excluded: f64,
}

/// The serialized state's version (parallel query only; never stored).
const STATE_VERSION: u8 = 1;

impl<O: FitObservation> FitState<O> {
    /// The state behind `internal`; every row must pass the same parameters.
    pub fn of(
        internal: &mut Internal,
        parameters: O::Parameters,
        fcinfo: pg_sys::FunctionCallInfo,
    ) -> &mut Self {
        let fit = state(internal, fcinfo, |alloc| Self::empty(parameters, alloc));
        check_same_parameters(fit.parameters, parameters, O::AGGREGATE, O::PARAMETERS);
        fit
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
        let header = O::write_parameters(self.parameters, Writer::new(STATE_VERSION)).f64(self.excluded);
        let merged = self.merged();
        merged.iter().fold(header.u64(merged.len() as u64), |w, o| o.write(w)).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, STATE_VERSION)?;
        let mut fit = Self::empty(O::read_parameters(&mut r)?, alloc);
        fit.excluded = r.f64()?;
        for _ in 0..r.u64()? {
            fit.observations.push(O::read(&mut r)?);
        }
        r.finish()?;
        Ok(fit)
    }
}

/// The final step of model `M`'s fit aggregate: `M` fitted on the merged observations, with
/// the setup made from the rows' parameters; NULL when no customer was fitted on. A fit that
/// does not converge is returned (it says `converged: false`) with a WARNING.
pub fn fit_final<M>(
    internal: &mut Internal,
    setup: impl FnOnce(<M::Observation as FitObservation>::Parameters) -> M::FitSetup,
) -> Option<M>
where
    M: StoredModel,
    M::Observation: FitObservation,
{
    let fit = existing::<FitState<M::Observation>>(internal)?;
    let (setup, excluded) = (setup(fit.parameters), fit.excluded);
    let merged = fit.merged();
    if merged.is_empty() {
        return None;
    }
    Some(fitted(merged, excluded, setup))
}

/// `M` fitted on merged, non-empty observations with the session's fit options; ERROR when
/// the fit found no finite parameters, a WARNING when it did not converge.
pub fn fitted<M: StoredModel>(merged: &[M::Observation], excluded: f64, setup: M::FitSetup) -> M {
    let model = M::fit(merged, excluded, setup, fit_options());
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
