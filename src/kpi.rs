//! Retention KPIs in SQL: the aggregates `clv.repeat_purchase_rate`, `clv.churn_rate`,
//! `clv.revenue_share_top` and `clv.business_profile`, the per-customer `clv.churned`, and the
//! set-returning `clv.retention_periods` behind cohort tables. Definitions: docs/kpis.md.
//!
//! The aggregates' states travel as `clv.fit_state` (see `crate::models::fit_state`), so that
//! Citus combines them on the workers; their kinds are listed in `stored_models!`.

use crate::models::fit_state::{
    self, combine_function, functions_of_internal_state, read_state_header, state_header, FitStateDatum,
};
use crate::pg::aggregate::{check_same_parameters, AggregateState};
use crate::pg::args::required;
use crate::pg::call::composite_result;
use crate::pg::dates::{day_date, finite_day, period_unit};
use crate::pg::datum::pg_newtype;
use crate::pg::errors::{bad_periods, float8_text, raise, raise_with_hint, INVALID_PARAMETER_VALUE};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::summary::CustomerSummary;
use clv_core::codec::{DecodeError, Reader, Writer};
use clv_core::kpi::{
    is_repeat_buyer, retention_periods as periods_of, revenue_share_top as top_share, ChurnPeriod, Profile,
    ProfileCounts, ProfileCustomer,
};
use clv_core::money::{micros_to_f64, MicrosSum};
use pgrx::datum::{Date, IntoDatum};
use pgrx::prelude::*;

const DEFAULT_ACTIVE_WITHIN_DAYS: i32 = 90;
const DEFAULT_WINDOW_DAYS: i32 = 365;

// ---- shares of customers: repeat_purchase_rate, churn_rate ---------------------------------

/// The parameters of an aggregate that counts customers and how many of them meet a condition.
pub(crate) trait ShareQuestion: Copy + PartialEq {
    const AGGREGATE: &'static str;
    const PARAMETERS: &'static str;
    fn write(self, w: Writer) -> Writer;
    fn read(r: &mut Reader) -> Result<Self, DecodeError>;
    /// `None` when the customer does not count, else whether they meet the condition.
    fn ask(&self, s: &CustomerSummary) -> Option<bool>;
}

/// Repeat-purchase rate at a date: of the customers who ordered by then, the share who bought
/// on two or more days.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct RepeatBuyerAt(i32);

impl ShareQuestion for RepeatBuyerAt {
    const AGGREGATE: &'static str = "repeat_purchase_rate";
    const PARAMETERS: &'static str = "as_of";

    fn write(self, w: Writer) -> Writer {
        w.i32(self.0)
    }

    fn read(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(Self(r.i32()?))
    }

    fn ask(&self, s: &CustomerSummary) -> Option<bool> {
        is_repeat_buyer(&s.view(), self.0)
    }
}

impl ShareQuestion for ChurnPeriod {
    const AGGREGATE: &'static str = "churn_rate";
    const PARAMETERS: &'static str = "period and active_within";

    fn write(self, w: Writer) -> Writer {
        w.i32(self.start).i32(self.end).i32(self.active_within)
    }

    fn read(r: &mut Reader) -> Result<Self, DecodeError> {
        ChurnPeriod::new(r.i32()?, r.i32()?, r.i32()?).map_err(DecodeError::Invalid)
    }

    fn ask(&self, s: &CustomerSummary) -> Option<bool> {
        self.lost(&s.view())
    }
}

pub(crate) struct ShareState<Q> {
    question: Q,
    counted: u64,
    meeting: u64,
}

pub(crate) type RepeatRateState = ShareState<RepeatBuyerAt>;
pub(crate) type ChurnRateState = ShareState<ChurnPeriod>;

impl<Q: ShareQuestion + 'static> ShareState<Q>
where
    Self: fit_state::FitKind,
{
    fn add(
        state: Option<FitStateDatum>,
        question: Q,
        summary: Option<CustomerSummary>,
        fcinfo: pg_sys::FunctionCallInfo,
    ) -> Option<FitStateDatum> {
        let meets = summary.and_then(|s| question.ask(&s));
        let init = |_| Self { question, counted: 0, meeting: 0 };
        Some(fit_state::update(state, fcinfo, init, |share: &mut Self| {
            check_same_parameters(share.question, question, Q::AGGREGATE, Q::PARAMETERS);
            if let Some(meets) = meets {
                share.counted += 1;
                share.meeting += u64::from(meets);
            }
        }))
    }

    fn finish(state: Option<FitStateDatum>) -> Option<f64> {
        fit_state::read(state, |share: &mut Self| {
            (share.counted > 0).then(|| share.meeting as f64 / share.counted as f64)
        })?
    }
}

impl<Q: ShareQuestion> AggregateState for ShareState<Q>
where
    Self: fit_state::FitKind,
{
    fn empty_like(&self, _alloc: ContextAllocator) -> Self {
        Self { question: self.question, counted: 0, meeting: 0 }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(self.question, other.question, Q::AGGREGATE, Q::PARAMETERS);
        self.counted += other.counted;
        self.meeting += other.meeting;
    }

    fn serialize(&mut self) -> Vec<u8> {
        self.question.write(state_header::<Self>()).u64(self.counted).u64(self.meeting).finish()
    }

    fn deserialize(bytes: &[u8], _alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let state = Self { question: Q::read(&mut r)?, counted: r.u64()?, meeting: r.u64()? };
        r.finish()?;
        Ok(state)
    }
}

#[pg_extern(immutable, parallel_safe)]
fn repeat_purchase_rate_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let as_of = finite_day(required(as_of, "as_of"), "as_of");
    ShareState::add(state, RepeatBuyerAt(as_of), summary, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn repeat_purchase_rate_final(state: Option<FitStateDatum>) -> Option<f64> {
    RepeatRateState::finish(state)
}

combine_function!(RepeatRateState: repeat_purchase_rate_combine);
functions_of_internal_state!(RepeatRateState: repeat_purchase_rate_serialize, repeat_purchase_rate_deserialize);

fn churn_period(start: Option<Date>, end: Option<Date>, active_within: Option<i32>) -> ChurnPeriod {
    let start = finite_day(required(start, "period_start"), "period_start");
    let end = finite_day(required(end, "period_end"), "period_end");
    let active_within = required(active_within, "active_within");
    ChurnPeriod::new(start, end, active_within).unwrap_or_else(|why| {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            why,
            Some("The period is [period_start, period_end): period_end is the first day after it."),
        )
    })
}

#[pg_extern(immutable, parallel_safe)]
fn churn_rate_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    period_start: Option<Date>,
    period_end: Option<Date>,
    active_within: Option<i32>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    ShareState::add(state, churn_period(period_start, period_end, active_within), summary, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn churn_rate_add_default(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    period_start: Option<Date>,
    period_end: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let period = churn_period(period_start, period_end, Some(DEFAULT_ACTIVE_WITHIN_DAYS));
    ShareState::add(state, period, summary, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn churn_rate_final(state: Option<FitStateDatum>) -> Option<f64> {
    ChurnRateState::finish(state)
}

combine_function!(ChurnRateState: churn_rate_combine);
functions_of_internal_state!(ChurnRateState: churn_rate_serialize, churn_rate_deserialize);

/// Whether one customer churned in the period: NULL when not active at its start.
#[pg_extern(immutable, parallel_safe, strict)]
fn churned(
    summary: CustomerSummary,
    period_start: Date,
    period_end: Date,
    active_within: default!(i32, 90),
) -> Option<bool> {
    churn_period(Some(period_start), Some(period_end), Some(active_within)).lost(&summary.view())
}

extension_sql_file!(
    "kpi/share_aggregates.sql",
    name = "share_aggregates",
    requires = [
        "customer_summary_type",
        "fit_state_type",
        repeat_purchase_rate_add,
        repeat_purchase_rate_final,
        repeat_purchase_rate_combine,
        churn_rate_add,
        churn_rate_add_default,
        churn_rate_final,
        churn_rate_combine,
        churned,
    ],
);

// ---- revenue_share_top ---------------------------------------------------------------------

/// Every customer's total spend.
pub(crate) struct TopShareState {
    fraction: f64,
    spends: ContextVec<MicrosSum>,
}

impl AggregateState for TopShareState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self { fraction: self.fraction, spends: context_vec(alloc) }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(
            self.fraction.to_bits(),
            other.fraction.to_bits(),
            "revenue_share_top",
            "fraction",
        );
        self.spends.extend_from_slice(&other.spends);
    }

    fn serialize(&mut self) -> Vec<u8> {
        let header = state_header::<Self>().f64(self.fraction).u64(self.spends.len() as u64);
        self.spends.iter().fold(header, |w, &spend| w.i128(spend.into())).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let mut state = Self { fraction: r.f64()?, spends: context_vec(alloc) };
        for _ in 0..r.u64()? {
            state.spends.push(r.i128()?.into());
        }
        r.finish()?;
        Ok(state)
    }
}

#[pg_extern(immutable, parallel_safe)]
fn revenue_share_top_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    fraction: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let fraction = required(fraction, "fraction");
    if !(fraction > 0.0 && fraction <= 1.0) {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("fraction must be in (0, 1], not {}", float8_text(fraction)),
            Some("0.1 asks for the share of revenue from the top 10% of customers."),
        );
    }
    let spend = summary.map(|s| s.view().total_spend());
    let init = |alloc| TopShareState { fraction, spends: context_vec(alloc) };
    Some(fit_state::update(state, fcinfo, init, |top: &mut TopShareState| {
        check_same_parameters(top.fraction.to_bits(), fraction.to_bits(), "revenue_share_top", "fraction");
        if let Some(spend) = spend {
            top.spends.push(spend.into());
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn revenue_share_top_final(state: Option<FitStateDatum>) -> Option<f64> {
    fit_state::read(state, |top: &mut TopShareState| top_share(&mut top.spends, top.fraction))?
}

combine_function!(TopShareState: revenue_share_top_combine);
functions_of_internal_state!(TopShareState: revenue_share_top_serialize, revenue_share_top_deserialize);

extension_sql_file!(
    "kpi/revenue_share_top_aggregate.sql",
    name = "revenue_share_top_aggregate",
    requires = [
        "customer_summary_type",
        "fit_state_type",
        revenue_share_top_add,
        revenue_share_top_final,
        revenue_share_top_combine,
    ],
);

// ---- business_profile ----------------------------------------------------------------------

pg_newtype!(
    /// A `clv.business_profile` composite value.
    datum BusinessProfile,
    "business_profile"
);

extension_sql_file!(
    "kpi/business_profile_type.sql",
    name = "business_profile_type",
    creates = [Type(BusinessProfile)],
);

pub(crate) struct ProfileState {
    as_of: i32,
    window_days: i32,
    counts: ProfileCounts,
    spends: ContextVec<MicrosSum>,
    cycles: ContextVec<f64>,
}

impl AggregateState for ProfileState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self {
            as_of: self.as_of,
            window_days: self.window_days,
            counts: ProfileCounts::default(),
            spends: context_vec(alloc),
            cycles: context_vec(alloc),
        }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(
            (self.as_of, self.window_days),
            (other.as_of, other.window_days),
            "business_profile",
            "as_of and window_days",
        );
        self.counts.merge(&other.counts);
        self.spends.extend_from_slice(&other.spends);
        self.cycles.extend_from_slice(&other.cycles);
    }

    fn serialize(&mut self) -> Vec<u8> {
        let c = &self.counts;
        let w = state_header::<Self>()
            .i32(self.as_of)
            .i32(self.window_days)
            .u64(c.customers)
            .u64(c.active)
            .u64(c.new)
            .u64(c.repeat_buyers)
            .i128(c.new_revenue.into())
            .i128(c.returning_revenue.into())
            .u64(self.spends.len() as u64);
        let w = self.spends.iter().fold(w, |w, &spend| w.i128(spend.into())).u64(self.cycles.len() as u64);
        w.f64s(&self.cycles).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let (as_of, window_days) = (r.i32()?, r.i32()?);
        let counts = ProfileCounts {
            customers: r.u64()?,
            active: r.u64()?,
            new: r.u64()?,
            repeat_buyers: r.u64()?,
            new_revenue: r.i128()?.into(),
            returning_revenue: r.i128()?.into(),
        };
        let mut state =
            Self { as_of, window_days, counts, spends: context_vec(alloc), cycles: context_vec(alloc) };
        for _ in 0..r.u64()? {
            state.spends.push(r.i128()?.into());
        }
        for _ in 0..r.u64()? {
            state.cycles.push(r.f64()?);
        }
        r.finish()?;
        Ok(state)
    }
}

fn profile_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    window_days: i32,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let as_of = finite_day(required(as_of, "as_of"), "as_of");
    if window_days < 1 {
        raise(INVALID_PARAMETER_VALUE, format!("window_days must be at least 1, not {window_days}"));
    }
    let init = |alloc| ProfileState {
        as_of,
        window_days,
        counts: ProfileCounts::default(),
        spends: context_vec(alloc),
        cycles: context_vec(alloc),
    };
    let customer = summary.and_then(|s| ProfileCustomer::of(&s.view(), as_of, window_days));
    Some(fit_state::update(state, fcinfo, init, |profile: &mut ProfileState| {
        check_same_parameters(
            (profile.as_of, profile.window_days),
            (as_of, window_days),
            "business_profile",
            "as_of and window_days",
        );
        if let Some(customer) = customer {
            profile.counts.add(&customer);
            profile.spends.push(customer.spend.into());
            profile.cycles.extend(customer.cycle_days);
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn business_profile_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    window_days: Option<i32>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    profile_add(state, summary, as_of, required(window_days, "window_days"), fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn business_profile_add_year(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    profile_add(state, summary, as_of, DEFAULT_WINDOW_DAYS, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn business_profile_final(
    state: Option<FitStateDatum>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<BusinessProfile> {
    let p = fit_state::read(state, |state: &mut ProfileState| {
        Profile::new(&state.counts, &mut state.spends, &mut state.cycles)
    })??;
    let count = |n: u64| i64::try_from(n).expect("customer count fits in bigint").into_datum();
    let optional = |v: Option<f64>| v.and_then(|v| v.into_datum());
    let values = [
        count(p.customers),
        count(p.active_customers),
        count(p.new_customers),
        count(p.returning_customers),
        optional(p.new_revenue_share),
        optional(p.returning_revenue_share),
        p.repeat_purchase_rate.into_datum(),
        optional(p.top_decile_revenue_share),
        optional(p.median_repurchase_cycle_days),
        p.label.name().into_datum(),
    ];
    let nulls = values.map(|v| v.is_none());
    let datums = values.map(|v| v.unwrap_or(pg_sys::Datum::from(0)));
    Some(BusinessProfile(composite_result(fcinfo, &datums, &nulls)))
}

combine_function!(ProfileState: business_profile_combine);
functions_of_internal_state!(ProfileState: business_profile_serialize, business_profile_deserialize);

extension_sql_file!(
    "kpi/business_profile_aggregates.sql",
    name = "business_profile_aggregates",
    requires = [
        "customer_summary_type",
        "business_profile_type",
        "fit_state_type",
        business_profile_add,
        business_profile_add_year,
        business_profile_final,
        business_profile_combine,
    ],
);

// ---- retention_periods ---------------------------------------------------------------------

/// One row per calendar period from the customer's first order to `as_of`.
#[pg_extern(immutable, parallel_safe, strict)]
fn retention_periods(
    summary: CustomerSummary,
    unit: &str,
    as_of: Date,
) -> TableIterator<
    'static,
    (
        name!(cohort, Date),
        name!(period, i32),
        name!(period_start, Date),
        name!(purchased, bool),
        name!(orders, i64),
        name!(spend, f64),
    ),
> {
    let rows = periods_of(&summary.view(), period_unit(unit), finite_day(as_of, "as_of"))
        .unwrap_or_else(|e| bad_periods(e, "retention_periods"));
    TableIterator::new(rows.into_iter().map(|r| {
        let orders = i64::try_from(r.orders).expect("orders fit in bigint");
        (
            day_date(r.cohort),
            r.period,
            day_date(r.period_start),
            r.purchased(),
            orders,
            micros_to_f64(r.spend),
        )
    }))
}

extension_sql_file!(
    "kpi/retention_periods_comment.sql",
    name = "retention_periods_comment",
    requires = [retention_periods],
);
