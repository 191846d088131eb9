//! Spend and customer value: the type `clv.spend_model`, the aggregate `clv.gamma_gamma_fit`,
//! `clv.expected_spend` and `clv.customer_value`.

use crate::models::btyd::BtydModel;
use crate::models::stored_model;
use crate::pg::aggregate::{check_same_parameters, existing, parallel_functions, state, AggregateState};
use crate::pg::call::check_for_interrupts;
use crate::pg::dates::finite_day;
use crate::pg::errors::{raise, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::summary::CustomerSummary;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::btyd::Customer;
use clv_core::models::gamma_gamma::{merge_observations, SpendModel as Model, SpendObservation};
use clv_core::models::value::customer_value as discounted_value;
use pgrx::datum::{Date, Internal};
use pgrx::prelude::*;

stored_model!(
    /// A `clv.spend_model` value.
    SpendModel,
    "spend_model",
    Model,
    io: spend_model_in, spend_model_out, spend_model_recv, spend_model_send,
    accessors: spend_model_parameters, spend_model_kind, spend_model_converged, spend_model_log_likelihood,
);

extension_sql_file!("spend/spend_model_shell.sql", name = "spend_model_shell", creates = [Type(SpendModel)]);

/// The model's name, as the WARNING of a fit that does not converge says it.
const KIND: &str = "gamma_gamma";

extension_sql_file!(
    "spend/spend_model_type.sql",
    name = "spend_model_type",
    requires = ["spend_model_shell", spend_model_in, spend_model_out, spend_model_recv, spend_model_send],
);

// ---- clv.gamma_gamma_fit -------------------------------------------------------------------

/// Repeat buyers' (x, mean spend), and how many customers were left out.
struct SpendState {
    as_of: Option<i32>,
    observations: ContextVec<SpendObservation>,
    excluded: f64,
}

impl SpendState {
    fn of(internal: &mut Internal, as_of: Option<i32>, fcinfo: pg_sys::FunctionCallInfo) -> &mut Self {
        let spend =
            state(internal, fcinfo, |alloc| Self { as_of, observations: context_vec(alloc), excluded: 0.0 });
        check_same_parameters(spend.as_of, as_of, "gamma_gamma_fit", "as_of");
        spend
    }

    /// The observations with equal ones merged (idempotent: a window aggregate finalizes the
    /// same state again after more rows).
    fn merged(&mut self) -> &[SpendObservation] {
        let n = merge_observations(&mut self.observations, &check_for_interrupts);
        self.observations.truncate(n);
        &self.observations
    }

    /// A customer's data: fitted on if a repeat buyer with positive mean spend, else excluded.
    fn add(&mut self, x: f64, mean_spend: f64) {
        if x >= 1.0 && mean_spend > 0.0 {
            self.observations.push(SpendObservation { x, mean_spend, weight: 1.0 });
        } else {
            self.excluded += 1.0;
        }
    }
}

impl AggregateState for SpendState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self { as_of: self.as_of, observations: context_vec(alloc), excluded: 0.0 }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(self.as_of, other.as_of, "gamma_gamma_fit", "as_of");
        self.observations.extend_from_slice(&other.observations);
        self.excluded += other.excluded;
    }

    fn serialize(&mut self) -> Vec<u8> {
        let (as_of, excluded) = (self.as_of, self.excluded);
        let merged = self.merged();
        let header = Writer::new(STATE_VERSION)
            .u8(u8::from(as_of.is_some()))
            .i32(as_of.unwrap_or(0))
            .f64(excluded)
            .u64(merged.len() as u64);
        merged.iter().fold(header, |w, o| w.f64s(&[o.x, o.mean_spend, o.weight])).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, STATE_VERSION)?;
        let (has_as_of, as_of, excluded) = (r.u8()? == 1, r.i32()?, r.f64()?);
        let mut spend =
            Self { as_of: has_as_of.then_some(as_of), observations: context_vec(alloc), excluded };
        for _ in 0..r.u64()? {
            let v: [f64; 3] = r.f64_array()?;
            spend.observations.push(SpendObservation { x: v[0], mean_spend: v[1], weight: v[2] });
        }
        r.finish()?;
        Ok(spend)
    }
}

const STATE_VERSION: u8 = 1;

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_summary(
    mut internal: Internal,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return internal };
    let as_of = finite_day(as_of, "as_of");
    let spend = SpendState::of(&mut internal, Some(as_of), fcinfo);
    if let Some(seen) = summary.view().until(as_of) {
        spend.add(seen.frequency() as f64, seen.repeat_spend_mean().unwrap_or(0.0));
    }
    internal
}

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_raw(
    mut internal: Internal,
    x: Option<f64>,
    mean_spend: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let (Some(x), Some(mean_spend)) = (x, mean_spend) else { return internal };
    if !(x.is_finite() && x >= 0.0 && mean_spend.is_finite()) {
        raise(INVALID_PARAMETER_VALUE, "x must be a finite number of repeat purchases and mean_spend finite");
    }
    SpendState::of(&mut internal, None, fcinfo).add(x, mean_spend);
    internal
}

parallel_functions!(SpendState: gamma_gamma_combine, gamma_gamma_serialize, gamma_gamma_deserialize);

/// NULL when no repeat buyer with positive spend was seen.
#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_fit_final(mut internal: Internal) -> Option<SpendModel> {
    let spend = existing::<SpendState>(&mut internal)?;
    let (as_of, excluded) = (spend.as_of, spend.excluded);
    let merged = spend.merged();
    if merged.is_empty() {
        return None;
    }
    let model = Model::fit(merged, excluded, as_of, crate::pg::settings::fit_options());
    crate::pg::errors::check_fitted(KIND, &model.params);
    if model.fit.as_ref().is_some_and(|f| !f.converged) {
        crate::pg::errors::warn_not_converged(KIND);
    }
    Some(SpendModel::new(&model))
}

extension_sql_file!(
    "spend/gamma_gamma_aggregates.sql",
    name = "gamma_gamma_aggregates",
    requires = [
        "spend_model_type",
        gamma_gamma_add_summary,
        gamma_gamma_add_raw,
        gamma_gamma_combine,
        gamma_gamma_serialize,
        gamma_gamma_deserialize,
        gamma_gamma_fit_final
    ],
);

// ---- expected spend and customer value -----------------------------------------------------

/// Repeat purchase days and mean repeat spend at as_of (0 when not positive); `None` if the
/// customer had not ordered by then.
fn spend_history(summary: &CustomerSummary, as_of: i32) -> Option<(f64, f64)> {
    let seen = summary.view().until(as_of)?;
    Some((seen.frequency() as f64, seen.repeat_spend_mean().unwrap_or(0.0).max(0.0)))
}

/// Expected spend per purchase day; ERROR when the population mean p·v/(q − 1) is infinite.
fn expected(model: &Model, x: f64, mean_spend: f64) -> f64 {
    model.expected_spend(x, mean_spend).unwrap_or_else(|| {
        let [p, q, v] = model.params;
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("expected spend is infinite for the spend model with p = {p:?}, q = {q:?}, v = {v:?}"),
            Some("The population mean spend p·v/(q − 1) must be finite: q above 1 and p·v not too large."),
        )
    })
}

#[pg_extern(immutable, parallel_safe, strict)]
fn expected_spend(
    model: SpendModel,
    s: CustomerSummary,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let (x, mean) = spend_history(&s, finite_day(as_of, "as_of"))?;
    Some(expected(&model.cached_value(fcinfo), x, mean))
}

#[pg_extern(immutable, parallel_safe, strict, name = "expected_spend")]
fn expected_spend_raw(model: SpendModel, x: f64, mean_spend: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    if !(x.is_finite() && x >= 0.0 && mean_spend.is_finite()) {
        raise(INVALID_PARAMETER_VALUE, "x must be a finite number of repeat purchases and mean_spend finite");
    }
    expected(&model.cached_value(fcinfo), x, mean_spend.max(0.0))
}

/// COST as for the predictions (`btyd/predict.rs`): twelve monthly expectations.
#[pg_extern(immutable, parallel_safe, strict, cost = 250)]
fn customer_value(
    purchases: BtydModel,
    spend: SpendModel,
    s: CustomerSummary,
    as_of: Date,
    months: default!(i32, 12),
    monthly_discount_rate: default!(f64, 0.01),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let day = finite_day(as_of, "as_of");
    if !(0..=1200).contains(&months) {
        raise(INVALID_PARAMETER_VALUE, "months must be between 0 and 1200");
    }
    if !(monthly_discount_rate.is_finite() && monthly_discount_rate > -1.0) {
        raise(INVALID_PARAMETER_VALUE, "monthly_discount_rate must be a finite rate above -1");
    }
    let purchase_model = purchases.cached_value(fcinfo);
    let customer = Customer::at(&s.view(), day, purchase_model.unit)?;
    let (x, mean) = spend_history(&s, day)?;
    let spend_per_purchase = expected(&spend.cached_value(fcinfo), x, mean);
    let value = discounted_value(
        &purchase_model,
        &customer,
        spend_per_purchase,
        months as u32,
        monthly_discount_rate,
        &crate::pg::call::check_for_interrupts,
    );
    if !value.is_finite() {
        raise(NUMERIC_VALUE_OUT_OF_RANGE, "could not compute the customer value for these inputs");
    }
    Some(value)
}

extension_sql_file!(
    "spend/spend_comments.sql",
    name = "spend_comments",
    requires = [
        expected_spend,
        expected_spend_raw,
        customer_value,
        spend_model_parameters,
        spend_model_kind,
        spend_model_converged,
        spend_model_log_likelihood
    ],
);
