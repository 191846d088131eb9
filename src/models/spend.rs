//! Spend and customer value: the type `clv.spend_model`, the aggregate `clv.gamma_gamma_fit`,
//! `clv.expected_spend` and `clv.customer_value`.

use crate::models::btyd::predict::{continuous_rate, customer_model};
use crate::models::btyd::BtydModel;
use crate::models::covariates::{check_customer_parameters, check_lengths, CovariateFitState, CovariateRow};
use crate::models::fit_state::{
    combine_function, fit_final, functions_of_internal_state, read_as_of, write_as_of, FitObservation,
    FitState, FitStateDatum,
};
use crate::models::SpendModel;
use crate::pg::args;
use crate::pg::dates::finite_day;
use crate::pg::datum::JsonbArg;
use crate::pg::errors::{float8_text, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE};
use crate::pg::settings::fit_options;
use crate::summary::CustomerSummary;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::models::btyd::Customer;
use clv_core::models::gamma_gamma::{SpendModel as Model, SpendObservation, PROCESSES};
use clv_core::models::value::customer_value as discounted_value;
use pgrx::datum::{Array, Date};
use pgrx::prelude::*;

// ---- clv.gamma_gamma_fit -------------------------------------------------------------------

/// A Gamma-Gamma fit's rows: repeat buyers' (x, mean spend), at the same as_of.
impl FitObservation for SpendObservation {
    type Parameters = Option<i32>;
    const AGGREGATE: &'static str = "gamma_gamma_fit";
    const PARAMETERS: &'static str = "as_of";

    fn write_parameters(as_of: Self::Parameters, w: Writer) -> Writer {
        write_as_of(as_of, w)
    }

    fn read_parameters(r: &mut Reader) -> Result<Self::Parameters, DecodeError> {
        read_as_of(r)
    }

    type Fields = [f64; 2];

    fn fields(&self) -> ([f64; 2], f64) {
        ([self.x, self.mean_spend], self.weight)
    }

    fn from_fields(fields: &[f64], weight: f64) -> Result<Self, DecodeError> {
        let (x, mean_spend) = (fields[0], fields[1]);
        if !(x >= 1.0 && mean_spend > 0.0) {
            return Err(DecodeError::Invalid("a spend observation needs x >= 1 and a positive mean spend"));
        }
        Ok(SpendObservation { x, mean_spend, weight })
    }
}

type SpendState = FitState<SpendObservation>;

/// ERROR (22023) unless `x` repeat purchase days and their `mean_spend` passed as numbers are
/// a customer's history.
fn check_raw_spend(x: f64, mean_spend: f64) {
    args::non_negative(x, "x", "repeat purchases");
    args::finite(mean_spend, "mean_spend");
}

/// A customer's data: fitted on if a repeat buyer with positive mean spend, else excluded.
fn add_customer(spend: &mut SpendState, x: f64, mean_spend: f64) {
    if x >= 1.0 && mean_spend > 0.0 {
        spend.push(SpendObservation { x, mean_spend, weight: 1.0 });
    } else {
        spend.exclude();
    }
}

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_summary(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return state };
    let as_of = finite_day(as_of, "as_of");
    let seen = summary.view().until(as_of).map(|seen| (seen.frequency(), seen.repeat_spend_mean()));
    Some(SpendState::update(state, Some(as_of), fcinfo, |spend| {
        if let Some((x, mean)) = seen {
            add_customer(spend, x as f64, mean.unwrap_or(0.0));
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_raw(
    state: Option<FitStateDatum>,
    x: Option<f64>,
    mean_spend: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(x), Some(mean_spend)) = (x, mean_spend) else { return state };
    check_raw_spend(x, mean_spend);
    Some(SpendState::update(state, None, fcinfo, |spend| add_customer(spend, x, mean_spend)))
}

combine_function!(SpendState: gamma_gamma_combine);
functions_of_internal_state!(SpendState: gamma_gamma_serialize, gamma_gamma_deserialize);

/// NULL when no repeat buyer with positive spend was seen (see [`fit_final`]).
#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_fit_final(state: Option<FitStateDatum>) -> Option<SpendModel> {
    let model = fit_final::<Model>(state, |as_of| as_of)?;
    Some(SpendModel::new(&model))
}

// ---- with covariates (crate::models::covariates) ---------------------------------------------

/// The state of the spend fits with covariates: its kind byte is listed in `stored_models!`.
pub type CovariateState = CovariateFitState<SpendObservation>;

fn add_summary_with_covariates(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    spend_covariates: Option<Array<f64>>,
    options: Option<&JsonbArg>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return state };
    let as_of = finite_day(as_of, "as_of");
    let row = CovariateRow::read(vec![(spend_covariates, "spend_covariates")], options);
    let seen = summary.view().until(as_of).map(|seen| (seen.frequency() as f64, seen.repeat_spend_mean()));
    Some(CovariateState::update(state, Some(as_of), row, &PROCESSES, fcinfo, |fit| {
        let (x, mean_spend) = seen?;
        let mean_spend = mean_spend.unwrap_or(0.0);
        if x >= 1.0 && mean_spend > 0.0 {
            Some(SpendObservation { x, mean_spend, weight: 1.0 })
        } else {
            fit.exclude();
            None
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_summary_covariates(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    spend_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    add_summary_with_covariates(state, summary, as_of, spend_covariates, None, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_add_summary_covariates_options(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    spend_covariates: Option<Array<f64>>,
    options: Option<JsonbArg>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let options = args::required(options, "options");
    add_summary_with_covariates(state, summary, as_of, spend_covariates, Some(&options), fcinfo)
}

combine_function!(CovariateState: gamma_gamma_covariates_combine);

/// NULL when no repeat buyer with positive spend was seen.
#[pg_extern(immutable, parallel_safe)]
fn gamma_gamma_covariates_fit_final(state: Option<FitStateDatum>) -> Option<SpendModel> {
    let model = crate::models::fit_state::read(state, |fit: &mut CovariateState| {
        let (spec, as_of, excluded) = (fit.spec(&PROCESSES), fit.parameters(), fit.excluded());
        let (table, merged) = fit.merged();
        (!merged.is_empty()).then(|| {
            crate::models::fit_state::checked(Model::fit_with_covariates(
                as_of,
                spec,
                table,
                merged,
                excluded,
                fit_options(),
            ))
        })
    })??;
    Some(SpendModel::new(&model))
}

extension_sql_file!(
    "spend/gamma_gamma_aggregates.sql",
    name = "gamma_gamma_aggregates",
    requires = [
        "spend_model_type",
        "fit_state_type",
        gamma_gamma_add_summary,
        gamma_gamma_add_raw,
        gamma_gamma_combine,
        gamma_gamma_fit_final,
        gamma_gamma_add_summary_covariates,
        gamma_gamma_add_summary_covariates_options,
        gamma_gamma_covariates_combine,
        gamma_gamma_covariates_fit_final,
    ],
);

// ---- expected spend and customer value -----------------------------------------------------

/// Repeat purchase days and mean repeat spend at as_of (0 when not positive); `None` if the
/// customer had not ordered by then.
pub(crate) fn spend_history(summary: &CustomerSummary, as_of: i32) -> Option<(f64, f64)> {
    let seen = summary.view().until(as_of)?;
    Some((seen.frequency() as f64, seen.repeat_spend_mean().unwrap_or(0.0).max(0.0)))
}

/// Expected spend per purchase day; ERROR when the population mean p·v/(q − 1) is infinite.
fn expected(model: &Model, x: f64, mean_spend: f64) -> f64 {
    model.expected_spend(x, mean_spend).unwrap_or_else(|| {
        let [p, q, v] = model.params;
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!(
                "expected spend is infinite for the spend model with p = {}, q = {}, v = {}",
                float8_text(p),
                float8_text(q),
                float8_text(v)
            ),
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
    Some(expected(&customer_spend_model(model.cached_value(fcinfo), None), x, mean))
}

#[pg_extern(immutable, parallel_safe, strict, name = "expected_spend")]
fn expected_spend_raw(model: SpendModel, x: f64, mean_spend: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    check_raw_spend(x, mean_spend);
    expected(&customer_spend_model(model.cached_value(fcinfo), None), x, mean_spend.max(0.0))
}

/// COST as for the predictions (`btyd/predict.rs`): twelve monthly expectations in one pass.
#[pg_extern(immutable, parallel_safe, strict, cost = 40)]
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
    let months = args::integer_between(months, "months", 0, 1200);
    args::finite_above(monthly_discount_rate, "monthly_discount_rate", -1.0, "a finite rate above -1");
    let purchase_model = customer_model(purchases.cached_value(fcinfo), None);
    let customer = Customer::at(&s.view(), day, purchase_model.unit)?;
    let (x, mean) = spend_history(&s, day)?;
    let spend_per_purchase = expected(&customer_spend_model(spend.cached_value(fcinfo), None), x, mean);
    let value = discounted_value(
        &purchase_model,
        &customer,
        spend_per_purchase,
        months,
        monthly_discount_rate,
        &crate::pg::call::check_for_interrupts,
    );
    Some(args::computed(value, "the customer value"))
}

/// COST as for `clv.dert`, which it calls.
#[pg_extern(immutable, parallel_safe, strict, cost = 4000)]
fn residual_value(
    purchases: BtydModel,
    spend: SpendModel,
    s: CustomerSummary,
    as_of: Date,
    annual_discount_rate: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let day = finite_day(as_of, "as_of");
    let annual_discount_rate = args::discount_rate(annual_discount_rate, "annual_discount_rate");
    let purchase_model = customer_model(purchases.cached_value(fcinfo), None);
    let customer = Customer::at(&s.view(), day, purchase_model.unit)?;
    let (x, mean) = spend_history(&s, day)?;
    let spend_per_purchase = expected(&customer_spend_model(spend.cached_value(fcinfo), None), x, mean);
    let transactions = purchase_model.dert(
        &customer,
        continuous_rate(&purchase_model, annual_discount_rate),
        &crate::pg::call::check_for_interrupts,
    );
    Some(args::computed(transactions * spend_per_purchase, "the residual value"))
}

/// A customer's own spend model: with the customer's spend covariates, the model at their own
/// `v` (the vector checked against the model's covariates; a model without takes an empty
/// one); without, the model itself, which must then have no covariates.
fn customer_spend_model(model: Model, spend_covariates: Option<Option<Array<f64>>>) -> Model {
    let z = customer_spend_covariates(&model, spend_covariates);
    model.for_customer(&z)
}

/// The customer's spend covariates, checked as [`customer_spend_model`] checks them (empty for
/// a model without covariates), and their parameters checked to be finite.
pub(crate) fn customer_spend_covariates(
    model: &Model,
    spend_covariates: Option<Option<Array<f64>>>,
) -> Vec<f64> {
    let Some(vector) = spend_covariates else {
        if model.covariates.is_some() {
            raise_with_hint(
                INVALID_PARAMETER_VALUE,
                "this gamma_gamma model was fitted with covariates: a prediction needs the customer's",
                Some("Pass the customer's spend covariates after as_of, or the model of clv.for_customer(model, spend_covariates)."),
            );
        }
        return Vec::new();
    };
    let z = args::covariates(vector, "spend_covariates");
    let widths = model.covariates.as_ref().map_or(vec![0], |c| c.spec.widths());
    check_lengths(&widths, &[(&z, "spend_covariates")]);
    check_customer_parameters("gamma_gamma", &model.clone().for_customer(&z).params);
    z
}

/// A customer's own spend model (see [`customer_spend_model`]), for clv.customer_value and
/// clv.residual_value.
#[pg_extern(immutable, parallel_safe, name = "for_customer")]
fn spend_for_customer(
    model: Option<SpendModel>,
    spend_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<SpendModel> {
    Some(SpendModel::new(&customer_spend_model(model?.cached_value(fcinfo), Some(spend_covariates))))
}

#[pg_extern(immutable, parallel_safe, name = "expected_spend")]
fn expected_spend_with_covariates(
    model: Option<SpendModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    spend_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let m = customer_spend_model(model?.cached_value(fcinfo), Some(spend_covariates));
    let (x, mean) = spend_history(&s?, finite_day(as_of?, "as_of"))?;
    Some(expected(&m, x, mean))
}

extension_sql_file!(
    "spend/spend_comments.sql",
    name = "spend_comments",
    requires = [
        expected_spend,
        expected_spend_raw,
        customer_value,
        residual_value,
        spend_for_customer,
        expected_spend_with_covariates
    ],
);
