//! RFM: the aggregate `clv.rfm_breaks` (population cut points, type `clv.rfm_breaks`),
//! `clv.rfm_score` (composite `clv.rfm_score`) and `clv.rfm_segment`.

use crate::models::fit_state::{
    self, combine_function, functions_of_internal_state, read_state_header, state_header, FitStateDatum,
};
use crate::pg::aggregate::{check_same_parameters, AggregateState};
use crate::pg::args::required;
use crate::pg::call::{composite_field, composite_result, with_call_site_state};
use crate::pg::dates::{finite_day, IsoDay};
use crate::pg::datum::{pg_newtype, stored_type, JsonbArg};
use crate::pg::errors::invalid_text;
use crate::pg::errors::{raise_with_hint, INVALID_PARAMETER_VALUE};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use crate::summary::CustomerSummary;
use clv_core::codec::DecodeError;
use clv_core::codec::StoredValue;
use clv_core::segments::rfm::{
    default_rules, segment, Breaks, RfmValues, Rule, Scores, FORMAT_VERSION, MAX_BINS, MIN_BINS,
};
use pgrx::datum::{Date, IntoDatum, JsonB};
use pgrx::prelude::*;
use serde::{Deserialize, Serialize};
use std::ffi::{CStr, CString};

// ---- the clv.rfm_breaks type ---------------------------------------------------------------

stored_type!(
    /// A `clv.rfm_breaks` value: RFM cut points of a population at a date.
    RfmBreaks,
    "rfm_breaks",
    Breaks,
    rfm_breaks_recv,
    rfm_breaks_send
);

extension_sql_file!("rfm/rfm_breaks_shell.sql", name = "rfm_breaks_shell", creates = [Type(RfmBreaks)]);

/// The text form of `clv.rfm_breaks`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreaksText {
    version: u8,
    bins: u8,
    as_of: IsoDay,
    customers: u64,
    recency_days: Vec<f64>,
    orders: Vec<f64>,
    spend: Vec<f64>,
}

#[pg_extern(immutable, parallel_safe, strict)]
fn rfm_breaks_in(input: &CStr) -> RfmBreaks {
    let bad = |why: String| -> ! { invalid_text("rfm_breaks", why) };
    let text = input.to_str().unwrap_or_else(|_| bad("not UTF-8".into()));
    let t: BreaksText = serde_json::from_str(text).unwrap_or_else(|e| bad(e.to_string()));
    let breaks = Breaks {
        bins: t.bins,
        as_of: t.as_of.0,
        customers: t.customers,
        recency: t.recency_days,
        frequency: t.orders,
        monetary: t.spend,
    };
    if t.version != FORMAT_VERSION {
        bad(format!("unsupported version {}", t.version));
    }
    // Decoding the stored form checks bins and the number of cut points.
    let checked = Breaks::decode(&breaks.encode()).unwrap_or_else(|e| bad(e.to_string()));
    RfmBreaks::new(&checked)
}

#[pg_extern(immutable, parallel_safe, strict)]
fn rfm_breaks_out(breaks: RfmBreaks) -> CString {
    let b = breaks.value();
    let text = BreaksText {
        version: FORMAT_VERSION,
        bins: b.bins,
        as_of: IsoDay(b.as_of),
        customers: b.customers,
        recency_days: b.recency,
        orders: b.frequency,
        spend: b.monetary,
    };
    CString::new(serde_json::to_string(&text).expect("serializable")).expect("JSON has no NUL")
}

extension_sql_file!(
    "rfm/rfm_types.sql",
    name = "rfm_types",
    requires = ["rfm_breaks_shell", rfm_breaks_in, rfm_breaks_out, rfm_breaks_recv, rfm_breaks_send],
    creates = [Type(RfmScore)],
);

// ---- the aggregate clv.rfm_breaks(s, as_of [, bins]) ----------------------------------------

/// Every customer's RFM values at `as_of`.
pub(crate) struct BreaksState {
    bins: u8,
    as_of: i32,
    values: ContextVec<RfmValues>,
}

impl AggregateState for BreaksState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self { bins: self.bins, as_of: self.as_of, values: context_vec(alloc) }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(
            (self.bins, self.as_of),
            (other.bins, other.as_of),
            "rfm_breaks",
            "as_of and bins",
        );
        self.values.extend_from_slice(&other.values);
    }

    fn serialize(&mut self) -> Vec<u8> {
        let header = state_header::<Self>().u8(self.bins).i32(self.as_of).u64(self.values.len() as u64);
        self.values.iter().fold(header, |w, v| w.f64s(&[v.recency_days, v.orders, v.spend])).finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let mut state = Self { bins: r.u8()?, as_of: r.i32()?, values: context_vec(alloc) };
        for _ in 0..r.u64()? {
            let v = r.f64s(3)?;
            state.values.push(RfmValues { recency_days: v[0], orders: v[1], spend: v[2] });
        }
        r.finish()?;
        Ok(state)
    }
}

fn checked_bins(bins: i32) -> u8 {
    // At most MAX_BINS, a u8.
    crate::pg::args::integer_between(bins, "bins", MIN_BINS.into(), MAX_BINS.into()) as u8
}

fn breaks_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    bins: i32,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let bins = checked_bins(bins);
    let (Some(summary), Some(as_of)) = (summary, as_of) else { return state };
    let as_of = finite_day(as_of, "as_of");
    let values = RfmValues::of(&summary.view(), as_of);
    let init = |alloc| BreaksState { bins, as_of, values: context_vec(alloc) };
    Some(fit_state::update(state, fcinfo, init, |breaks: &mut BreaksState| {
        check_same_parameters((breaks.bins, breaks.as_of), (bins, as_of), "rfm_breaks", "as_of and bins");
        if let Some(values) = values {
            breaks.values.push(values);
        }
    }))
}

#[pg_extern(immutable, parallel_safe)]
fn rfm_breaks_add(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    bins: Option<i32>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    let bins = required(bins, "bins");
    breaks_add(state, summary, as_of, bins, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn rfm_breaks_add_quintiles(
    state: Option<FitStateDatum>,
    summary: Option<CustomerSummary>,
    as_of: Option<Date>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<FitStateDatum> {
    breaks_add(state, summary, as_of, 5, fcinfo)
}

combine_function!(BreaksState: rfm_breaks_combine);
functions_of_internal_state!(BreaksState: rfm_breaks_serialize, rfm_breaks_deserialize);

#[pg_extern(immutable, parallel_safe)]
fn rfm_breaks_final(state: Option<FitStateDatum>) -> Option<RfmBreaks> {
    fit_state::read(state, |breaks: &mut BreaksState| {
        Breaks::from_values(breaks.bins, breaks.as_of, &breaks.values, &crate::pg::call::check_for_interrupts)
            .map(|b| RfmBreaks::new(&b))
    })?
}

extension_sql_file!(
    "rfm/rfm_breaks_aggregates.sql",
    name = "rfm_breaks_aggregates",
    requires = [
        "rfm_types",
        "fit_state_type",
        rfm_breaks_add,
        rfm_breaks_add_quintiles,
        rfm_breaks_combine,
        rfm_breaks_final
    ],
);

// ---- scores and segments -----------------------------------------------------------------

pg_newtype!(
    /// A `clv.rfm_score` composite value.
    datum RfmScore,
    "rfm_score"
);

#[pg_extern(immutable, parallel_safe, strict)]
fn rfm_score(
    summary: CustomerSummary,
    breaks: RfmBreaks,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<RfmScore> {
    let values = RfmValues::of(&summary.view(), finite_day(as_of, "as_of"))?;
    let scores = breaks.cached_value(fcinfo).score(&values);
    let fields = [
        i32::from(scores.r).into(),
        i32::from(scores.f).into(),
        i32::from(scores.m).into(),
        scores.cell().into_datum().expect("text"),
        i32::from(scores.bins).into(),
    ];
    Some(RfmScore(composite_result(fcinfo, &fields, &[false; 5])))
}

fn scores_of(score: &RfmScore) -> Option<Scores> {
    // SAFETY: an argument of type clv.rfm_score, a composite of five fields.
    let field = |attno| unsafe { composite_field(score.0, attno) }.map(|d| d.value() as i32);
    let [r, f, m, bins] = [1, 2, 3, 5].map(field);
    let to_score = |v: i32| u8::try_from(v).ok();
    let valid_bins = to_score(bins?).filter(|b| (MIN_BINS..=MAX_BINS).contains(b));
    let in_range = |v: Option<i32>| to_score(v?).filter(|&s| valid_bins.is_some_and(|b| 1 <= s && s <= b));
    match (in_range(r), in_range(f), in_range(m), valid_bins) {
        (Some(r), Some(f), Some(m), Some(bins)) => Some(Scores { r, f, m, bins }),
        _ => {
            let text = |v: Option<i32>| v.map_or("NULL".to_string(), |v| v.to_string());
            raise_with_hint(
                INVALID_PARAMETER_VALUE,
                format!(
                    "invalid rfm_score: r {}, f {}, m {}, bins {}",
                    text(r),
                    text(f),
                    text(m),
                    text(bins)
                ),
                Some("r, f and m must be scores between 1 and bins, and bins between 2 and 10."),
            )
        }
    }
}

/// The last rules parsed at this call site.
#[derive(Default)]
struct RulesCache {
    source: Vec<u8>,
    rules: Vec<Rule>,
}

const RULES_HINT: &str = r#"Rules are a JSON array tried in order, e.g. [{"segment": "Champions", "r": [4, 5], "fm": [4, 5]}, {"segment": "Others"}]; ranges are on the 5-point scale. See clv.rfm_default_rules()."#;

fn parse_rules(rules: &JsonbArg) -> Vec<Rule> {
    let text = rules.text();
    let invalid = |why: String| -> ! {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("invalid RFM segment rules: {why}"),
            Some(RULES_HINT),
        )
    };
    let parsed: Vec<Rule> = serde_json::from_str(&text).unwrap_or_else(|e| invalid(e.to_string()));
    if parsed.is_empty() {
        invalid("no rules".into());
    }
    for rule in &parsed {
        rule.check().unwrap_or_else(|why| invalid(why.into()));
    }
    parsed
}

#[pg_extern(immutable, parallel_safe)]
fn rfm_segment(
    score: Option<RfmScore>,
    rules: default!(Option<JsonbArg>, "NULL"),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<String> {
    let scores = scores_of(&score?)?;
    let Some(rules) = rules else {
        thread_local!(static DEFAULT: Vec<Rule> = default_rules());
        return DEFAULT.with(|d| segment(d, &scores).map(str::to_owned));
    };
    with_call_site_state(fcinfo, RulesCache::default, |cache| {
        if cache.source != rules.0.bytes() {
            cache.rules = parse_rules(&rules);
            cache.source = rules.0.bytes().to_vec();
        }
        segment(&cache.rules, &scores).map(str::to_owned)
    })
}

#[pg_extern(immutable, parallel_safe)]
fn rfm_default_rules() -> JsonB {
    JsonB(serde_json::to_value(default_rules()).expect("serializable"))
}

extension_sql_file!(
    "rfm/rfm_comments.sql",
    name = "rfm_comments",
    requires = [rfm_score, rfm_segment, rfm_default_rules, "rfm_breaks_aggregates"],
);
