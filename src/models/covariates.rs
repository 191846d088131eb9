//! Fits with static covariates (docs/models/covariates.md): the state of the fit aggregates
//! that take each customer's covariate vectors (the aggregates and `clv.for_customer` are in
//! the models' modules), and `clv.likelihood_ratio_test`, which compares a model with
//! covariates to one without. The mathematics is clv-core's [`clv_core::models::covariates`].
//!
//! The state is a fit state ([`crate::models::fit_state`]) whose observations carry the row of
//! a table of covariate vectors. Rows are appended as customers come and made distinct from
//! time to time (and before the state is serialized or finalized), so that with discrete
//! covariates the table stays as small as the number of distinct vectors and customers with
//! equal vectors and patterns merge; with continuous covariates every customer is a group of
//! their own. On the wire the state is the table, then each group's observations in
//! [`sorted_rows`]' compact form.

use crate::models::fit_state::{read_state_header, state_header, FitKind, FitObservation, FitStateDatum};
use crate::models::{BtydModel, SpendModel};
use crate::pg::aggregate::{check_same_parameters, AggregateState};
use crate::pg::args;
use crate::pg::call::check_for_interrupts;
use crate::pg::datum::JsonbArg;
use crate::pg::errors::{raise, raise_with_hint, INVALID_PARAMETER_VALUE};
use crate::pg::expanded;
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use clv_core::codec::{sorted_rows, DecodeError};
use clv_core::models::covariates::{CovariateSpec, Grouped};
use clv_core::models::{StoredModel, WeightedObservation};
use pgrx::datum::Array;
use pgrx::prelude::*;

/// At most this many processes (a purchase model's two).
const MAX_PROCESSES: usize = 2;

/// Table rows appended since the table was last made distinct before it is made distinct
/// again (or as many as it had distinct rows then, if more): the work stays proportional to
/// the rows, and the table of discrete covariates small.
const COMPACT_AFTER: usize = 1 << 16;

/// The state of a fit with covariates over observations `O`.
pub struct CovariateFitState<O: FitObservation> {
    parameters: O::Parameters,
    /// The length of each process's vector; those after the model's processes are 0.
    widths: [u32; MAX_PROCESSES],
    /// The options as the first row gave them (jsonb's text), which every row must repeat.
    options: ContextVec<u8>,
    /// The first row's options as jsonb's bytes, which later rows' are compared with (jsonb's
    /// form is canonical) instead of printing each row's; not serialized: a state read from
    /// bytes compares text.
    raw_options: Option<ContextVec<u8>>,
    /// `rows × width` covariate values; the first `distinct` rows are distinct.
    table: ContextVec<f64>,
    distinct: usize,
    observations: ContextVec<Grouped<O>>,
    excluded: f64,
}

/// One row's covariate vectors (end to end) and options, read from its arguments.
pub struct CovariateRow<'a> {
    widths: [u32; MAX_PROCESSES],
    values: Vec<f64>,
    options: Option<&'a JsonbArg>,
}

impl<'a> CovariateRow<'a> {
    /// The vectors of `processes` (names of the SQL arguments) and the options, checked.
    pub fn read(vectors: Vec<(Option<Array<f64>>, &str)>, options: Option<&'a JsonbArg>) -> Self {
        let mut widths = [0; MAX_PROCESSES];
        let mut values = Vec::new();
        for (i, (vector, argument)) in vectors.into_iter().enumerate() {
            let vector = args::covariates(vector, argument);
            widths[i] = vector.len() as u32;
            values.extend(vector);
        }
        Self { widths, values, options }
    }

    /// The options' text (jsonb's output); empty without options.
    fn options_text(&self) -> String {
        self.options.map(JsonbArg::text).unwrap_or_default()
    }

    /// The options' jsonb bytes; empty without options.
    fn options_bytes(&self) -> &[u8] {
        self.options.map_or(&[], |o| o.0.bytes())
    }
}

impl<O: FitObservation> CovariateFitState<O> {
    /// Lends the state of a transition call to `change`, which returns the row's observation
    /// if it has one (it may count the row as excluded instead); every row must pass the same
    /// parameters, vector lengths and options.
    pub fn update(
        datum: Option<FitStateDatum>,
        parameters: O::Parameters,
        row: CovariateRow,
        processes: &[&str],
        fcinfo: pg_sys::FunctionCallInfo,
        change: impl FnOnce(&mut Self) -> Option<O>,
    ) -> FitStateDatum
    where
        Self: FitKind,
    {
        let init = |alloc| {
            // The first row's options are parsed once, to refuse bad ones before any work.
            let widths: Vec<usize> = row.widths[..processes.len()].iter().map(|w| *w as usize).collect();
            let text = row.options_text();
            spec_of(Some(text.as_str()).filter(|t| !t.is_empty()), processes, &widths);
            let mut state = Self {
                parameters,
                widths: row.widths,
                options: context_vec(alloc),
                raw_options: Some(context_vec(alloc)),
                table: context_vec(alloc),
                distinct: 0,
                observations: context_vec(alloc),
                excluded: 0.0,
            };
            state.options.extend_from_slice(text.as_bytes());
            if let Some(raw) = state.raw_options.as_mut() {
                raw.extend_from_slice(row.options_bytes());
            }
            state
        };
        FitStateDatum(expanded::update(datum.map(|d| d.0), fcinfo, init, |fit: &mut Self| {
            check_same_parameters(fit.parameters, parameters, O::AGGREGATE, O::PARAMETERS);
            if fit.widths != row.widths {
                let lengths = |widths: &[u32]| {
                    widths[..processes.len()].iter().map(u32::to_string).collect::<Vec<_>>().join(" and ")
                };
                raise_with_hint(
                    INVALID_PARAMETER_VALUE,
                    format!(
                        "{} covariate vectors of lengths {} after vectors of lengths {}",
                        processes.join(" and "),
                        lengths(&row.widths),
                        lengths(&fit.widths)
                    ),
                    Some("Every customer's vectors have the same covariates in the same order."),
                );
            }
            let same_options = match &fit.raw_options {
                Some(raw) => raw.as_slice() == row.options_bytes(),
                None => fit.options.as_slice() == row.options_text().as_bytes(),
            };
            if !same_options {
                raise(INVALID_PARAMETER_VALUE, "a fit with covariates needs the same options for every row");
            }
            if let Some(observation) = change(fit) {
                let group = fit.group_of(&row.values);
                fit.observations.push(Grouped { group, observation });
            }
        }))
    }

    fn width(&self) -> usize {
        self.widths.iter().map(|w| *w as usize).sum()
    }

    /// Rows of the table (the options refuse vectors that are all empty, so width > 0).
    fn rows(&self) -> usize {
        self.table.len() / self.width().max(1)
    }

    /// The table row of these values: the last row if equal (rows often come sorted), else a
    /// new one.
    fn group_of(&mut self, values: &[f64]) -> u32 {
        let width = self.width();
        let rows = self.rows();
        if rows > 0 && self.table[(rows - 1) * width..] == *values {
            return (rows - 1) as u32;
        }
        if rows - self.distinct >= COMPACT_AFTER.max(self.distinct) {
            self.make_distinct();
            return self.group_of(values);
        }
        self.table.extend_from_slice(values);
        rows as u32
    }

    pub fn exclude(&mut self) {
        self.excluded += 1.0;
    }

    /// Makes the table's rows distinct (sorted), pointing every observation at its row.
    fn make_distinct(&mut self) {
        let width = self.width();
        let rows = self.rows();
        if width == 0 || self.distinct == rows {
            return;
        }
        check_for_interrupts();
        let row = |i: usize| &self.table[i * width..(i + 1) * width];
        let mut order: Vec<u32> = (0..rows as u32).collect();
        let compare = |a: &u32, b: &u32| {
            row(*a as usize).iter().zip(row(*b as usize)).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne())
        };
        order.sort_unstable_by(|a, b| compare(a, b).unwrap_or(std::cmp::Ordering::Equal));
        let mut new_row = vec![0u32; rows];
        let mut table = context_vec(*self.table.allocator());
        let mut distinct = 0;
        for (k, &i) in order.iter().enumerate() {
            if k > 0 && compare(&order[k - 1], &i).is_none() {
                new_row[i as usize] = (distinct - 1) as u32;
                continue;
            }
            table.extend_from_slice(row(i as usize));
            new_row[i as usize] = distinct as u32;
            distinct += 1;
        }
        for chunk in self.observations.chunks_mut(COMPACT_AFTER) {
            check_for_interrupts();
            for o in chunk {
                o.group = new_row[o.group as usize];
            }
        }
        self.table = table;
        self.distinct = distinct;
    }

    /// The distinct table and the observations merged (sorted by group). Idempotent: a window
    /// aggregate finalizes the same state again after more rows.
    pub fn merged(&mut self) -> (&[f64], &[Grouped<O>]) {
        self.make_distinct();
        let n = Grouped::merge_all(&mut self.observations, &check_for_interrupts);
        self.observations.truncate(n);
        (&self.table, &self.observations)
    }

    /// The options of the rows for a model with `processes`.
    pub fn spec(&self, processes: &[&str]) -> CovariateSpec {
        let widths: Vec<usize> = self.widths[..processes.len()].iter().map(|w| *w as usize).collect();
        let options = std::str::from_utf8(&self.options).ok().filter(|o| !o.is_empty());
        spec_of(options, processes, &widths)
    }

    pub fn parameters(&self) -> O::Parameters {
        self.parameters
    }

    pub fn excluded(&self) -> f64 {
        self.excluded
    }
}

const OPTIONS_HINT: &str = r#"The options name each process's covariates in the order of the vectors, e.g. {"trans": ["gender", "channel"], "life": ["gender", "channel"], "constrained": ["gender"], "lambda": {"trans": 0.1, "life": 0.2}}; see docs/models/covariates.md."#;

/// The options (JSON text; none: positional names) of vectors of `widths`, checked.
fn spec_of(options: Option<&str>, processes: &[&str], widths: &[usize]) -> CovariateSpec {
    let invalid = |why: String| -> ! {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("invalid covariate options: {why}"),
            Some(OPTIONS_HINT),
        )
    };
    let value = match options {
        None => serde_json::Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|e| invalid(e.to_string())),
    };
    CovariateSpec::parse(&value, processes, widths).unwrap_or_else(|why| invalid(why))
}

/// Its kind byte is its entry's in `stored_models!`'s states.
impl<O: FitObservation> AggregateState for CovariateFitState<O>
where
    Self: FitKind,
{
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        let mut options = context_vec(alloc);
        options.extend_from_slice(&self.options);
        Self {
            parameters: self.parameters,
            widths: self.widths,
            options,
            raw_options: None,
            table: context_vec(alloc),
            distinct: 0,
            observations: context_vec(alloc),
            excluded: 0.0,
        }
    }

    fn merge(&mut self, other: &Self) {
        check_same_parameters(self.parameters, other.parameters, O::AGGREGATE, O::PARAMETERS);
        if self.widths != other.widths || self.options != other.options {
            raise(
                INVALID_PARAMETER_VALUE,
                "a fit with covariates needs the same options and vector lengths for every row",
            );
        }
        let offset = self.rows() as u32;
        self.table.extend_from_slice(&other.table);
        let shifted = other.observations.iter().map(|o| Grouped { group: o.group + offset, ..*o });
        self.observations.extend(shifted);
        self.excluded += other.excluded;
    }

    /// The header, parameters, excluded customers, vector lengths, options, the distinct
    /// table, then per table row its merged observations.
    fn serialize(&mut self) -> Vec<u8> {
        let mut w = O::write_parameters(self.parameters, state_header::<Self>()).f64(self.excluded);
        for width in self.widths {
            w = w.varint(u64::from(width));
        }
        w = w.varint(self.options.len() as u64);
        w = self.options.iter().fold(w, |w, b| w.u8(*b));
        let width = self.width();
        let (table, observations) = self.merged();
        let groups = table.len() / width.max(1);
        let w = w.varint(groups as u64).f64s(table);
        let mut rest = observations;
        (0..groups as u32)
            .fold(w, |w, group| {
                let count = rest.iter().take_while(|o| o.group == group).count();
                let (these, after) = rest.split_at(count);
                rest = after;
                let rows: Vec<(O::Fields, f64)> = these.iter().map(|o| o.observation.fields()).collect();
                sorted_rows::write(w, rows.iter().map(|(fields, weight)| (fields.as_ref(), *weight)))
            })
            .finish()
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let mut r = read_state_header::<Self>(bytes)?;
        let parameters = O::read_parameters(&mut r)?;
        let excluded = r.f64()?;
        if !(excluded.is_finite() && excluded >= 0.0) {
            return Err(DecodeError::Invalid("invalid count of excluded customers"));
        }
        let mut widths = [0u32; MAX_PROCESSES];
        for width in &mut widths {
            *width = u32::try_from(r.varint()?)
                .ok()
                .filter(|w| *w as usize <= clv_core::models::covariates::MAX_COVARIATES)
                .ok_or(DecodeError::Invalid("invalid covariate vector length"))?;
        }
        let options_len = r.varint()?;
        if options_len > r.remaining() as u64 {
            return Err(DecodeError::Truncated);
        }
        let mut fit = Self {
            parameters,
            widths,
            options: context_vec(alloc),
            raw_options: None,
            table: context_vec(alloc),
            distinct: 0,
            observations: context_vec(alloc),
            excluded,
        };
        for _ in 0..options_len {
            fit.options.push(r.u8()?);
        }
        let width = fit.width();
        let groups = r.varint()?;
        if groups.saturating_mul(width.max(1) as u64) > r.remaining() as u64 {
            return Err(DecodeError::Truncated);
        }
        for _ in 0..groups as usize * width {
            let v = r.f64()?;
            if !(v.abs() <= args::MAX_COVARIATE) {
                return Err(DecodeError::Invalid("invalid covariate value"));
            }
            fit.table.push(v);
        }
        for group in 0..groups as u32 {
            sorted_rows::read(&mut r, O::Fields::default().as_ref().len(), |fields, weight| {
                fit.observations.push(Grouped { group, observation: O::from_fields(fields, weight)? });
                Ok(())
            })?;
        }
        r.finish()?;
        Ok(fit)
    }
}

/// ERROR unless a customer's vectors have the lengths the model was fitted with.
pub fn check_lengths(expected: &[usize], vectors: &[(&[f64], &str)]) {
    for (&want, (vector, argument)) in expected.iter().zip(vectors) {
        if vector.len() != want {
            raise_with_hint(
                INVALID_PARAMETER_VALUE,
                format!("{argument} must have {want} values for this model, not {}", vector.len()),
                Some("Pass the customer's covariates in the order and number the model was fitted with (clv.model_parameters lists them)."),
            );
        }
    }
}

/// The row of `clv.likelihood_ratio_test`: a `restricted` model (fewer parameters: without
/// some covariates, with a constraint) against a `full` one of the same kind fitted on the
/// same customers.
fn likelihood_ratio_row<M: StoredModel>(restricted: &M, full: &M) -> (f64, i32, f64) {
    const HINT: &str = "Compare two fits of the same model on the same customers, the restricted one nested in the full one (e.g. without a covariate, or with a constraint).";
    let refuse = |why: String| -> ! { raise_with_hint(INVALID_PARAMETER_VALUE, why, Some(HINT)) };
    if restricted.name() != full.name() {
        refuse(format!("cannot compare a {} model with a {} model", restricted.name(), full.name()));
    }
    let (Some(r), Some(f)) = (restricted.fit_record(), full.fit_record()) else {
        refuse("a model entered by hand has no likelihood to compare".into())
    };
    let (statistic, df, p_value) =
        clv_core::models::likelihood_ratio_test(r, f).unwrap_or_else(|why| refuse(why));
    (statistic, df as i32, p_value)
}

#[pg_extern(immutable, parallel_safe, strict)]
fn likelihood_ratio_test(
    restricted: BtydModel,
    full: BtydModel,
) -> TableIterator<'static, (name!(statistic, f64), name!(df, i32), name!(p_value, f64))> {
    TableIterator::once(likelihood_ratio_row(&restricted.value(), &full.value()))
}

#[pg_extern(immutable, parallel_safe, strict, name = "likelihood_ratio_test")]
fn spend_likelihood_ratio_test(
    restricted: SpendModel,
    full: SpendModel,
) -> TableIterator<'static, (name!(statistic, f64), name!(df, i32), name!(p_value, f64))> {
    TableIterator::once(likelihood_ratio_row(&restricted.value(), &full.value()))
}

extension_sql_file!(
    "covariates/likelihood_ratio_test_comments.sql",
    name = "likelihood_ratio_test_comments",
    requires = [likelihood_ratio_test, spend_likelihood_ratio_test],
);

/// ERROR (22003) unless a customer's own parameters, from a model with covariates and their
/// vectors, are positive and finite: extreme covariates times their coefficients overflow.
pub fn check_customer_parameters(model: &str, params: &[f64]) {
    if !params.iter().all(|p| p.is_finite() && *p > 0.0) {
        raise_with_hint(
            crate::pg::errors::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("the customer's {model} parameters are out of range for these covariates"),
            Some("The covariates times their coefficients are too large: exp(g·z) overflows. Standardize extreme covariates before fitting."),
        );
    }
}
