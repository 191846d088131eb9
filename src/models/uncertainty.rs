//! How sure a prediction is: `clv.<prediction>_interval` gives a customer's prediction with
//! bounds at a level, and the aggregates `clv.<prediction>_total` a total over any group of
//! customers with its bounds, from the covariance of the model's estimates by the delta method
//! (`clv_core::models::uncertainty`; docs/models/uncertainty.md).

use crate::models::bgbb::{history, opportunities_ahead};
use crate::models::btyd::predict::{
    checked_horizon, continuous_rate, customer_at, customer_covariates, CovariateArgs,
};
use crate::models::btyd::BtydModel;
use crate::models::fit_state::{self, combine_function, read_state_header, state_header, FitStateDatum};
use crate::models::spend::{customer_spend_covariates, spend_history};
use crate::models::BgbbModel;
use crate::models::SpendModel as SpendModelDatum;
use crate::pg::aggregate::{check_same_parameters, AggregateState};
use crate::pg::args;
use crate::pg::call::{check_for_interrupts, composite_result};
use crate::pg::dates::finite_day;
use crate::pg::datum::pg_newtype;
use crate::pg::errors::{
    float8_text, raise, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE,
};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::summary::CustomerSummary;
use clv_core::codec::DecodeError;
use clv_core::math::optimize::CompensatedSum;
use clv_core::models::btyd::{Customer, Model, MAX_QUANTILE};
use clv_core::models::gamma_gamma::SpendModel;
use clv_core::models::uncertainty::{total_interval, Covariance, Interval, Scale, Sensitivity};
use clv_core::models::value::customer_value as discounted_value;
use pgrx::datum::{Array, Date, IntoDatum};
use pgrx::prelude::*;

pg_newtype!(
    /// A `clv.prediction_interval` composite value.
    datum PredictionInterval,
    "prediction_interval"
);

extension_sql_file!(
    "uncertainty/prediction_interval_type.sql",
    name = "prediction_interval_type",
    creates = [Type(PredictionInterval)],
);

/// The composite row of an interval; ERROR (22003) when a bound is beyond double precision (a
/// huge variance in a model's covariance puts the log scale's upper bound at infinity).
fn interval_row(fcinfo: pg_sys::FunctionCallInfo, i: Interval) -> PredictionInterval {
    if !(i.lower.is_finite() && i.upper.is_finite()) {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!(
                "could not compute the bounds around {} for these inputs",
                float8_text(i.estimate)
            ),
            Some("A bound is beyond double precision: the model's covariance is too large for this level. Check the covariance, or choose a lower level."),
        );
    }
    let datums = [i.estimate, i.lower, i.upper].map(|v| v.into_datum().expect("a float8 datum"));
    PredictionInterval(composite_result(fcinfo, &datums, &[false; 3]))
}

/// A level of confidence: strictly between 0 and 1.
fn level(value: f64) -> f64 {
    args::open_probability(value, "level", "0.9 gives bounds that hold the value with 90% confidence.")
}

/// A quantile's probability: strictly between 0 and 1.
fn quantile_probability(value: f64) -> f64 {
    args::open_probability(
        value,
        "q",
        "0.5 gives the median, 0.95 a number of purchases exceeded with probability 5% at most.",
    )
}

/// The covariance of a model's estimates, or an ERROR saying why there is none.
fn covariance_of<'a>(covariance: Option<&'a Covariance>, model: &str) -> &'a Covariance {
    covariance.unwrap_or_else(|| {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("this {model} model has no covariance of its estimates"),
            Some("Models fitted by pg_clv 0.3.0 or later carry one when the fit's information matrix is positive definite; refit the model. A model entered by hand has none."),
        )
    })
}

/// A prediction's sensitivity, or an ERROR (22003) when it or its gradient is not finite.
fn checked(sensitivity: Sensitivity, what: &str) -> Sensitivity {
    args::computed(sensitivity.estimate, what);
    if !sensitivity.gradient.iter().all(|g| g.is_finite()) {
        args::computed(f64::NAN, &format!("the uncertainty of {what}"));
    }
    sensitivity
}

/// The predictions that have intervals and totals: what each computes, on which scale, and how
/// the error messages name it. The values also need a spend model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Prediction {
    PAlive,
    ExpectedPurchases { horizon: f64 },
    Dert { annual_discount_rate: f64 },
    PAliveAhead { horizon: f64, assume_no_purchase: bool },
    CustomerValue { months: u32, monthly_discount_rate: f64 },
    ResidualValue { annual_discount_rate: f64 },
}

impl Prediction {
    fn code(self) -> (u8, [f64; 2]) {
        match self {
            Self::PAlive => (1, [0.0; 2]),
            Self::ExpectedPurchases { horizon } => (2, [horizon, 0.0]),
            Self::Dert { annual_discount_rate } => (3, [annual_discount_rate, 0.0]),
            Self::PAliveAhead { horizon, assume_no_purchase } => {
                (4, [horizon, f64::from(u8::from(assume_no_purchase))])
            }
            Self::CustomerValue { months, monthly_discount_rate } => {
                (5, [f64::from(months), monthly_discount_rate])
            }
            Self::ResidualValue { annual_discount_rate } => (6, [annual_discount_rate, 0.0]),
        }
    }

    fn from_code(code: u8, [first, second]: [f64; 2]) -> Result<Self, DecodeError> {
        match code {
            1 => Ok(Self::PAlive),
            2 => Ok(Self::ExpectedPurchases { horizon: first }),
            3 => Ok(Self::Dert { annual_discount_rate: first }),
            4 => Ok(Self::PAliveAhead { horizon: first, assume_no_purchase: second != 0.0 }),
            5 if (0.0..=1200.0).contains(&first) => {
                Ok(Self::CustomerValue { months: first as u32, monthly_discount_rate: second })
            }
            6 => Ok(Self::ResidualValue { annual_discount_rate: first }),
            _ => Err(DecodeError::Invalid("unknown prediction")),
        }
    }

    fn scale(self) -> Scale {
        match self {
            Self::PAlive | Self::PAliveAhead { .. } => Scale::Logit,
            _ => Scale::Log,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::PAlive | Self::PAliveAhead { .. } => "P(alive)",
            Self::ExpectedPurchases { .. } => "expected purchases",
            Self::Dert { .. } => "the discounted expected residual transactions",
            Self::CustomerValue { .. } => "the customer value",
            Self::ResidualValue { .. } => "the residual value",
        }
    }

    /// The aggregate of the prediction's totals, for its error messages.
    fn total_name(self) -> &'static str {
        match self {
            Self::PAlive => "p_alive_total",
            Self::ExpectedPurchases { .. } => "expected_purchases_total",
            Self::Dert { .. } => "dert_total",
            Self::PAliveAhead { .. } => "p_alive_ahead_total",
            Self::CustomerValue { .. } => "customer_value_total",
            Self::ResidualValue { .. } => "residual_value_total",
        }
    }

    /// The purchase model's part: the prediction itself, or for a value the discounted
    /// purchases that the expected spend multiplies.
    fn predict(self, m: &Model, c: &Customer) -> f64 {
        match self {
            Self::PAlive => m.p_alive(c),
            Self::ExpectedPurchases { horizon } => m.expected_purchases(c, horizon),
            Self::Dert { annual_discount_rate } | Self::ResidualValue { annual_discount_rate } => {
                m.dert(c, continuous_rate(m, annual_discount_rate), &check_for_interrupts)
            }
            Self::PAliveAhead { horizon, assume_no_purchase } => {
                m.p_alive_ahead(c, horizon, assume_no_purchase)
            }
            Self::CustomerValue { months, monthly_discount_rate } => {
                discounted_value(m, c, 1.0, months, monthly_discount_rate, &check_for_interrupts)
            }
        }
    }

    /// The customer's prediction with its gradient over the estimates, and their covariance
    /// (both models', for a value); `None` when the customer had not ordered by `as_of`.
    fn sensitivity(
        self,
        (purchases, spend): (&Model, Option<&SpendModel>),
        s: &CustomerSummary,
        as_of: Date,
        covariates: Option<CovariateArgs>,
    ) -> Option<(Sensitivity, Covariance)> {
        let z = customer_covariates(purchases, covariates);
        let purchase_covariance = covariance_of(purchases.covariance.as_ref(), purchases.kind.name());
        let c = customer_at(purchases, s, as_of)?;
        let purchase_part = purchases.sensitivity(&z, |own| self.predict(own, &c));
        let Some(spend) = spend else {
            return Some((checked(purchase_part, self.what()), purchase_covariance.clone()));
        };
        let spend_covariance = covariance_of(spend.covariance.as_ref(), "gamma_gamma");
        let z_spend = customer_spend_covariates(spend, None);
        let (x, mean) = spend_history(s, finite_day(as_of, "as_of"))?;
        let spend_part = spend.expected_spend_sensitivity(&z_spend, x, mean);
        let value = checked(Sensitivity::product(&purchase_part, &spend_part), self.what());
        Some((value, Covariance::block_diagonal(purchase_covariance, spend_covariance)))
    }
}

fn horizon(value: f64) -> Prediction {
    Prediction::ExpectedPurchases { horizon: checked_horizon(value) }
}

fn dert_rate(value: f64) -> Prediction {
    Prediction::Dert { annual_discount_rate: args::discount_rate(value, "annual_discount_rate") }
}

fn ahead(horizon: f64, assume_no_purchase: bool) -> Prediction {
    Prediction::PAliveAhead { horizon: checked_horizon(horizon), assume_no_purchase }
}

fn customer_value_of(months: i32, monthly_discount_rate: f64) -> Prediction {
    let months = args::integer_between(months, "months", 0, 1200);
    args::finite_above(monthly_discount_rate, "monthly_discount_rate", -1.0, "a finite rate above -1");
    Prediction::CustomerValue { months, monthly_discount_rate }
}

fn residual_value_of(annual_discount_rate: f64) -> Prediction {
    Prediction::ResidualValue {
        annual_discount_rate: args::discount_rate(annual_discount_rate, "annual_discount_rate"),
    }
}

/// The interval of `prediction` for one customer (NULL if they had not ordered by `as_of`).
#[allow(clippy::too_many_arguments)]
fn interval(
    model: &BtydModel,
    spend: Option<&SpendModelDatum>,
    s: &CustomerSummary,
    as_of: Date,
    covariates: Option<CovariateArgs>,
    prediction: Prediction,
    at_level: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let at_level = level(at_level);
    let (m, spend) = (model.cached_value(fcinfo), spend.map(|sm| sm.cached_value(fcinfo)));
    let (sensitivity, cov) = prediction.sensitivity((&m, spend.as_ref()), s, as_of, covariates)?;
    Some(interval_row(fcinfo, sensitivity.interval(&cov, prediction.scale(), at_level)))
}

// Five predictions each (the estimate, and one per parameter moved): five times the cost.
#[pg_extern(immutable, parallel_safe, strict, cost = 50)]
fn p_alive_interval(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    interval(&model, None, &s, as_of, None, Prediction::PAlive, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 100)]
fn expected_purchases_interval(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    interval(&model, None, &s, as_of, None, self::horizon(horizon), level, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20000)]
fn dert_interval(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    annual_discount_rate: f64,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    interval(&model, None, &s, as_of, None, dert_rate(annual_discount_rate), level, fcinfo)
}

// With covariates: not STRICT, as the other predictions with covariates (a NULL vector is an
// ERROR, any other NULL argument gives NULL).

#[pg_extern(immutable, parallel_safe, cost = 50, name = "p_alive_interval")]
fn p_alive_interval_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    level: default!(Option<f64>, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    interval(&model?, None, &s?, as_of?, covariates, Prediction::PAlive, level?, fcinfo)
}

#[pg_extern(immutable, parallel_safe, cost = 100, name = "expected_purchases_interval")]
#[allow(clippy::too_many_arguments)]
fn expected_purchases_interval_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    horizon: Option<f64>,
    level: default!(Option<f64>, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    interval(&model?, None, &s?, as_of?, covariates, self::horizon(horizon?), level?, fcinfo)
}

#[pg_extern(immutable, parallel_safe, cost = 20000, name = "dert_interval")]
#[allow(clippy::too_many_arguments)]
fn dert_interval_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    annual_discount_rate: Option<f64>,
    level: default!(Option<f64>, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    interval(&model?, None, &s?, as_of?, covariates, dert_rate(annual_discount_rate?), level?, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 100)]
fn p_alive_ahead_interval(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    assume_no_purchase: default!(bool, false),
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    interval(&model, None, &s, as_of, None, ahead(horizon, assume_no_purchase), level, fcinfo)
}

#[pg_extern(immutable, parallel_safe, cost = 100, name = "p_alive_ahead_interval")]
#[allow(clippy::too_many_arguments)]
fn p_alive_ahead_interval_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    horizon: Option<f64>,
    assume_no_purchase: default!(Option<bool>, false),
    level: default!(Option<f64>, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    let prediction = ahead(horizon?, assume_no_purchase?);
    interval(&model?, None, &s?, as_of?, covariates, prediction, level?, fcinfo)
}

// customer_value's cost, five times, and the spend model's.
#[pg_extern(immutable, parallel_safe, strict, cost = 250)]
#[allow(clippy::too_many_arguments)]
fn customer_value_interval(
    purchases: BtydModel,
    spend: SpendModelDatum,
    s: CustomerSummary,
    as_of: Date,
    months: default!(i32, 12),
    monthly_discount_rate: default!(f64, 0.01),
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let prediction = customer_value_of(months, monthly_discount_rate);
    interval(&purchases, Some(&spend), &s, as_of, None, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20000)]
fn residual_value_interval(
    purchases: BtydModel,
    spend: SpendModelDatum,
    s: CustomerSummary,
    as_of: Date,
    annual_discount_rate: f64,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let prediction = residual_value_of(annual_discount_rate);
    interval(&purchases, Some(&spend), &s, as_of, None, prediction, level, fcinfo)
}

/// Expected spend per purchase day with bounds (a prediction of the spend model alone).
fn expected_spend_bounds(
    model: &SpendModelDatum,
    s: &CustomerSummary,
    as_of: Date,
    spend_covariates: Option<Option<Array<f64>>>,
    at_level: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let at_level = level(at_level);
    let m = model.cached_value(fcinfo);
    let z = customer_spend_covariates(&m, spend_covariates);
    let cov = covariance_of(m.covariance.as_ref(), "gamma_gamma");
    let (x, mean) = spend_history(s, finite_day(as_of, "as_of"))?;
    let sensitivity = checked(m.expected_spend_sensitivity(&z, x, mean), "the expected spend");
    Some(interval_row(fcinfo, sensitivity.interval(cov, Scale::Log, at_level)))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn expected_spend_interval(
    model: SpendModelDatum,
    s: CustomerSummary,
    as_of: Date,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    expected_spend_bounds(&model, &s, as_of, None, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe, cost = 20, name = "expected_spend_interval")]
fn expected_spend_interval_with_covariates(
    model: Option<SpendModelDatum>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    spend_covariates: Option<Array<f64>>,
    level: default!(Option<f64>, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    expected_spend_bounds(&model?, &s?, as_of?, Some(spend_covariates), level?, fcinfo)
}

// ---- totals ------------------------------------------------------------------------------------

/// The state of `clv.<prediction>_total`: the sum of the customers' predictions and of their
/// gradients, and the covariance of the one model every row must pass.
pub(crate) struct TotalState {
    /// What every row must agree on: the prediction and its argument, and the level.
    question: (Prediction, f64),
    // Compensated, so that a parallel plan's total equals the serial one to the last digits.
    estimate: CompensatedSum,
    gradient: ContextVec<CompensatedSum>,
    /// The lower triangle of the model's covariance (empty until a row has a customer).
    covariance: ContextVec<f64>,
}

const TOTAL_PARAMETERS: &str = "model, prediction argument and level";

impl TotalState {
    fn add(&mut self, cov: &Covariance, s: &Sensitivity) {
        if self.covariance.is_empty() {
            self.covariance.extend_from_slice(cov.lower());
            self.gradient.resize(s.gradient.len(), CompensatedSum::default());
        }
        check_same_parameters(self.covariance.as_slice(), cov.lower(), self.aggregate(), TOTAL_PARAMETERS);
        self.estimate.add(s.estimate);
        self.gradient.iter_mut().zip(&s.gradient).for_each(|(sum, g)| sum.add(*g));
    }

    fn aggregate(&self) -> &'static str {
        self.question.0.total_name()
    }
}

impl AggregateState for TotalState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        empty_total(self.question, alloc)
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(self.question, other.question, self.aggregate(), TOTAL_PARAMETERS);
        if other.covariance.is_empty() {
            return;
        }
        if self.covariance.is_empty() {
            self.covariance.extend_from_slice(&other.covariance);
            self.gradient.resize(other.gradient.len(), CompensatedSum::default());
        }
        check_same_parameters(
            self.covariance.as_slice(),
            other.covariance.as_slice(),
            self.aggregate(),
            TOTAL_PARAMETERS,
        );
        self.estimate.merge(&other.estimate);
        self.gradient.iter_mut().zip(other.gradient.iter()).for_each(|(sum, g)| sum.merge(g));
    }

    fn serialize(&mut self) -> Vec<u8> {
        let (code, arguments) = self.question.0.code();
        state_header::<Self>()
            .u8(code)
            .f64s(&arguments)
            .f64(self.question.1)
            .f64s(&self.estimate.parts())
            .varint(self.gradient.len() as u64)
            .f64s(&self.gradient.iter().flat_map(CompensatedSum::parts).collect::<Vec<_>>())
            .f64s(&self.covariance)
            .finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let prediction = Prediction::from_code(r.u8()?, r.f64_array()?)?;
        let mut state = empty_total((prediction, r.f64()?), alloc);
        state.estimate = CompensatedSum::from_parts(r.f64_array()?);
        let n = usize::try_from(r.varint()?).map_err(|_| DecodeError::Truncated)?;
        if n > r.remaining() / 16 {
            return Err(DecodeError::Truncated);
        }
        for _ in 0..n {
            state.gradient.push(CompensatedSum::from_parts(r.f64_array()?));
        }
        let lower = if n == 0 { Vec::new() } else { Covariance::read(&mut r, n)?.lower().to_vec() };
        state.covariance.extend_from_slice(&lower);
        r.finish()?;
        Ok(state)
    }
}

fn empty_total(question: (Prediction, f64), alloc: ContextAllocator) -> TotalState {
    TotalState {
        question,
        estimate: CompensatedSum::default(),
        gradient: context_vec(alloc),
        covariance: context_vec(alloc),
    }
}

/// A transition: adds the customer of `s` (if they had ordered by `as_of`; a NULL model or
/// summary is no customer) to the total.
#[allow(clippy::too_many_arguments)]
fn total_add(
    state: Option<FitStateDatum>,
    (model, s, as_of): (Option<BtydModel>, Option<CustomerSummary>, Option<Date>),
    spend: Option<Option<SpendModelDatum>>,
    covariates: Option<CovariateArgs>,
    prediction: Prediction,
    at_level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let question = (prediction, level(args::required(at_level, "level")));
    let as_of = args::required(as_of, "as_of");
    let model = model.map(|m| m.cached_value(fcinfo));
    // A value's row without a spend model is no customer, as one without a purchase model.
    let (spend, has_spend) = match spend {
        None => (None, true),
        Some(datum) => (datum.as_ref().map(|d| d.cached_value(fcinfo)), datum.is_some()),
    };
    let init = |alloc| empty_total(question, alloc);
    Some(fit_state::update(state, fcinfo, init, |total: &mut TotalState| {
        check_same_parameters(total.question, question, total.aggregate(), TOTAL_PARAMETERS);
        let (Some(m), Some(s), true) = (model, s, has_spend) else { return };
        if let Some((sensitivity, cov)) = prediction.sensitivity((&m, spend.as_ref()), &s, as_of, covariates)
        {
            total.add(&cov, &sensitivity);
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn p_alive_total_add(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    total_add(state, (model, s, as_of), None, None, Prediction::PAlive, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn expected_purchases_total_add(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    horizon: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = self::horizon(args::required(horizon, "horizon"));
    total_add(state, (model, s, as_of), None, None, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn dert_total_add(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    annual_discount_rate: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = dert_rate(args::required(annual_discount_rate, "annual_discount_rate"));
    total_add(state, (model, s, as_of), None, None, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn p_alive_total_add_with_covariates(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    total_add(state, (model, s, as_of), None, covariates, Prediction::PAlive, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn expected_purchases_total_add_with_covariates(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    horizon: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = self::horizon(args::required(horizon, "horizon"));
    let covariates = Some((transaction_covariates, dropout_covariates));
    total_add(state, (model, s, as_of), None, covariates, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn dert_total_add_with_covariates(
    state: Option<FitStateDatum>,
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    annual_discount_rate: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = dert_rate(args::required(annual_discount_rate, "annual_discount_rate"));
    let covariates = Some((transaction_covariates, dropout_covariates));
    total_add(state, (model, s, as_of), None, covariates, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn customer_value_total_add(
    state: Option<FitStateDatum>,
    purchases: Option<BtydModel>,
    spend: Option<SpendModelDatum>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    months: Option<i32>,
    monthly_discount_rate: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = customer_value_of(
        args::required(months, "months"),
        args::required(monthly_discount_rate, "monthly_discount_rate"),
    );
    total_add(state, (purchases, s, as_of), Some(spend), None, prediction, level, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn residual_value_total_add(
    state: Option<FitStateDatum>,
    purchases: Option<BtydModel>,
    spend: Option<SpendModelDatum>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    annual_discount_rate: Option<f64>,
    level: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let prediction = residual_value_of(args::required(annual_discount_rate, "annual_discount_rate"));
    total_add(state, (purchases, s, as_of), Some(spend), None, prediction, level, fcinfo)
}

/// The total and its bounds; NULL when no row had a customer.
#[pg_extern(immutable, parallel_safe)]
fn prediction_total_final(
    state: Option<FitStateDatum>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let interval = fit_state::read(state, |total: &mut TotalState| {
        if total.covariance.is_empty() {
            return None;
        }
        let cov = Covariance::from_lower(total.gradient.len(), total.covariance.to_vec())
            .unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
        let gradient: Vec<f64> = total.gradient.iter().map(CompensatedSum::total).collect();
        Some(total_interval(total.estimate.total(), &gradient, &cov, total.question.1))
    })??;
    Some(interval_row(fcinfo, interval))
}

combine_function!(TotalState: prediction_total_combine);

// ---- the predictive distribution ------------------------------------------------------------
// Where a customer's actual purchases will fall (`clv.prob_purchases` gives each count's
// probability): quantiles, and the interval between two of them.

/// A quantile of purchases as SQL's integer, or an ERROR when it cannot be computed.
fn purchases_quantile_of(quantile: Option<u32>) -> i32 {
    quantile.and_then(|n| i32::try_from(n).ok()).unwrap_or_else(|| {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("could not compute the quantile of purchases for these inputs (it is computed up to {MAX_QUANTILE})"),
            Some("The model's parameters or the horizon are too extreme for a distribution of purchase counts."),
        )
    })
}

/// The predictive interval at `level`: the expected purchases, and the quantiles that leave
/// (1 − level)/2 on each side.
fn predictive_interval(expected: f64, quantile: impl Fn(f64) -> Option<u32>, at_level: f64) -> Interval {
    let at_level = level(at_level);
    let bound = |q: f64| f64::from(purchases_quantile_of(quantile(q)));
    Interval {
        estimate: args::computed(expected, "expected purchases"),
        lower: bound((1.0 - at_level) / 2.0),
        upper: bound((1.0 + at_level) / 2.0),
    }
}

// A quantile sums the probabilities of 0, 1, ... purchases up to it.
#[pg_extern(immutable, parallel_safe, strict, cost = 500)]
fn purchases_quantile(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    q: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<i32> {
    let (horizon, q) = (checked_horizon(horizon), quantile_probability(q));
    let m = model.cached_value(fcinfo);
    customer_covariates(&m, None);
    let c = customer_at(&m, &s, as_of)?;
    Some(purchases_quantile_of(m.purchases_quantile(&c, horizon, q, &check_for_interrupts)))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 1000)]
fn purchases_interval(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<PredictionInterval> {
    let horizon = checked_horizon(horizon);
    let m = model.cached_value(fcinfo);
    customer_covariates(&m, None);
    let c = customer_at(&m, &s, as_of)?;
    let quantile = |q| m.purchases_quantile(&c, horizon, q, &check_for_interrupts);
    Some(interval_row(fcinfo, predictive_interval(m.expected_purchases(&c, horizon), quantile, level)))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 500, name = "prob_purchases")]
fn bgbb_prob_purchases(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    opportunities: i32,
    purchases: i32,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let (c, ahead) = (history(x, t_x, n), opportunities_ahead(opportunities));
    let purchases = args::not_negative(purchases, "purchases");
    args::computed(model.cached_value(fcinfo).prob_purchases(&c, ahead, purchases), "the probability")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 5000, name = "purchases_quantile")]
#[allow(clippy::too_many_arguments)]
fn bgbb_purchases_quantile(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    opportunities: i32,
    q: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> i32 {
    let (c, ahead, q) = (history(x, t_x, n), opportunities_ahead(opportunities), quantile_probability(q));
    purchases_quantile_of(model.cached_value(fcinfo).purchases_quantile(&c, ahead, q, &check_for_interrupts))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 10000, name = "purchases_interval")]
#[allow(clippy::too_many_arguments)]
fn bgbb_purchases_interval(
    model: BgbbModel,
    x: i32,
    t_x: i32,
    n: i32,
    opportunities: i32,
    level: default!(f64, 0.9),
    fcinfo: pg_sys::FunctionCallInfo,
) -> PredictionInterval {
    let (c, ahead, m) = (history(x, t_x, n), opportunities_ahead(opportunities), model.cached_value(fcinfo));
    let quantile = |q| m.purchases_quantile(&c, ahead, q, &check_for_interrupts);
    interval_row(fcinfo, predictive_interval(m.expected_purchases(&c, ahead), quantile, level))
}

extension_sql_file!(
    "uncertainty/prediction_intervals.sql",
    name = "prediction_intervals",
    requires = [
        "prediction_interval_type",
        "btyd_model_type",
        "spend_model_type",
        "fit_state_type",
        p_alive_interval,
        expected_purchases_interval,
        dert_interval,
        p_alive_interval_with_covariates,
        expected_purchases_interval_with_covariates,
        dert_interval_with_covariates,
        p_alive_total_add,
        expected_purchases_total_add,
        dert_total_add,
        p_alive_total_add_with_covariates,
        expected_purchases_total_add_with_covariates,
        dert_total_add_with_covariates,
        prediction_total_final,
        prediction_total_combine,
        p_alive_ahead_interval,
        p_alive_ahead_interval_with_covariates,
        customer_value_interval,
        residual_value_interval,
        expected_spend_interval,
        expected_spend_interval_with_covariates,
        customer_value_total_add,
        residual_value_total_add,
        purchases_quantile,
        purchases_interval,
        bgbb_prob_purchases,
        bgbb_purchases_quantile,
        bgbb_purchases_interval,
    ],
);
