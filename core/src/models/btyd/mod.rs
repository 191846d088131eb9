//! Buy-Till-You-Die models: BG/NBD and MBG/NBD ([`beta_geometric`]) and Pareto/NBD
//! ([`pareto_nbd`]), fitted by maximum likelihood on distinct `(x, t_x, T)` patterns, and
//! their predictions for one customer.
//!
//! Times (`t_x`, `T`, horizons) are in the model's unit; `x` is the number of repeat purchase
//! periods (days).

pub mod beta_geometric;
pub mod diagnostics;
pub mod pareto_nbd;

use super::covariates::{self, CovariateModel, CovariateSpec, Grouped, GroupedData, GroupedFit, Link};
use super::report::FitReport;
use super::text::ModelText;
use super::uncertainty::{self, stored_tail, Covariance, Sensitivity};
use super::{FitRecord, StoredModel, WeightedObservation};
use crate::codec::{DecodeError, Reader, StoredValue, Writer};
use crate::math::optimize::{
    maximize, weighted_sample, FitOptions, Fitted, LogLikelihood, Start, WARM_START_SAMPLE,
};
use crate::time::TimeUnit;
use std::collections::HashSet;

/// One customer's BTYD quantities, in the model's time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Customer {
    /// Repeat purchase days.
    pub x: f64,
    /// Time from the first to the last purchase.
    pub t_x: f64,
    /// Time from the first purchase to the end of observation.
    pub t: f64,
}

impl Customer {
    /// The quantities of a customer summary at the end of `as_of` (orders after it ignored),
    /// in `unit`; `None` if the customer had not ordered by then.
    pub fn at(summary: &crate::summary::SummaryView, as_of: i32, unit: TimeUnit) -> Option<Self> {
        let seen = summary.until(as_of)?;
        Some(Self {
            x: seen.frequency() as f64,
            t_x: unit.from_days(seen.t_x_days()),
            t: unit.from_days(i64::from(as_of) - i64::from(seen.first_day())),
        })
    }

    /// Why these are not BTYD quantities, if they are not.
    pub fn check(&self) -> Result<(), &'static str> {
        let finite = self.x.is_finite() && self.t_x.is_finite() && self.t.is_finite();
        if !finite || self.x < 0.0 || self.t_x < 0.0 {
            return Err("x, t_x and T must be finite and not negative");
        }
        if self.t_x > self.t {
            return Err("t_x must not exceed T");
        }
        if self.x == 0.0 && self.t_x != 0.0 {
            return Err("t_x must be 0 when x is 0");
        }
        Ok(())
    }
}

/// A customer pattern and how many customers share it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub customer: Customer,
    pub weight: f64,
}

/// Equal patterns merge; sorted by x, then t_x, then T.
impl WeightedObservation for Observation {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        // The bits of non-negative floats (+ 0.0 turns −0.0 into 0.0) order as the numbers do,
        // and compare faster.
        let key = |o: &Self| [o.customer.x, o.customer.t_x, o.customer.t].map(|v| (v + 0.0).to_bits());
        key(self).cmp(&key(other))
    }

    fn weight_mut(&mut self) -> &mut f64 {
        &mut self.weight
    }
}

/// Patterns handled between two interrupt checks outside the likelihood: tens of milliseconds.
pub const CHECK_EVERY: usize = 1 << 16;

/// One distinct pattern, as indices into [`Patterns::xs`] and [`Patterns::times`].
#[derive(Debug, Clone, Copy)]
pub struct PatternRow {
    pub x: u32,
    pub t_x: u32,
    pub t: u32,
    pub weight: f64,
}

/// The data of a fit: distinct patterns, with the distinct values of `x` and of the times so
/// that every log, log-gamma and series is computed once per distinct value per evaluation.
#[derive(Debug, Clone)]
pub struct Patterns {
    pub xs: Vec<f64>,
    pub times: Vec<f64>,
    pub rows: Vec<PatternRow>,
    pub total_weight: f64,
}

impl Patterns {
    /// From merged observations (see [`WeightedObservation::merge_all`]), which are sorted by x. `check` runs
    /// every [`CHECK_EVERY`] patterns.
    pub fn new(merged: &[Observation], check: &dyn Fn()) -> Self {
        debug_assert!(merged.windows(2).all(|w| w[0].customer.x <= w[1].customer.x), "sorted by x");
        let mut xs: Vec<f64> = merged.iter().map(|o| o.customer.x).collect();
        xs.dedup();
        // Far fewer distinct times than patterns (whole days, usually): collect them by hashing
        // rather than sorting every pattern's two times.
        let mut distinct: HashSet<u64> = HashSet::new();
        for chunk in merged.chunks(CHECK_EVERY) {
            check();
            distinct.extend(chunk.iter().flat_map(|o| [o.customer.t_x, o.customer.t]).map(f64::to_bits));
        }
        let mut times: Vec<f64> = distinct.into_iter().map(f64::from_bits).collect();
        // Distinct already: the merge never runs. Sorted in pieces, since with continuous
        // times there are as many as two per pattern.
        let no_duplicates = |_: &mut f64, _: &f64| -> Result<(), std::convert::Infallible> { Ok(()) };
        let Ok(_) = crate::math::sorted::sort_and_merge(&mut times, f64::total_cmp, no_duplicates, check);
        // A binary search per time instead of a map from every time: nothing to build first.
        let time_index = |t: f64| {
            times.binary_search_by(|probe| probe.total_cmp(&t)).expect("every time was collected") as u32
        };
        let mut x_index = 0;
        let rows = merged
            .iter()
            .enumerate()
            .map(|(i, o)| {
                if i % CHECK_EVERY == 0 {
                    check();
                }
                if xs[x_index as usize] != o.customer.x {
                    x_index += 1;
                }
                PatternRow {
                    x: x_index,
                    t_x: time_index(o.customer.t_x),
                    t: time_index(o.customer.t),
                    weight: o.weight,
                }
            })
            .collect();
        Self { xs, times, rows, total_weight: merged.iter().map(|o| o.weight).sum() }
    }

    /// A weighted sample of `n` customers on the same values with the same total weight (see
    /// [`weighted_sample`]); `None` when there are no more patterns than that.
    pub fn sample(&self, n: usize) -> Option<Self> {
        (self.rows.len() > n).then(|| Self {
            xs: self.xs.clone(),
            times: self.times.clone(),
            rows: weighted_sample(
                &self.rows,
                n,
                |row| row.weight,
                |row, weight| PatternRow { weight, ..*row },
            ),
            total_weight: self.total_weight,
        })
    }

    /// Where a fit of `kind` to these patterns starts.
    pub fn start(&self, kind: Kind) -> Vec<f64> {
        let (sum_x, sum_t) = self.sums();
        start_from_means(kind, sum_x / self.total_weight, sum_t / self.total_weight)
    }

    /// The weighted sums of x and T.
    fn sums(&self) -> (f64, f64) {
        let sum =
            |value: &dyn Fn(&PatternRow) -> f64| self.rows.iter().map(|r| r.weight * value(r)).sum::<f64>();
        (sum(&|r| self.xs[r.x as usize]), sum(&|r| self.times[r.t as usize]))
    }
}

/// Where a fit starts, from the customers' mean x and T: r = 1 and α such that r/α is the
/// observed repeat-purchase rate, so that the start is on the data's time scale whatever the
/// unit; a = b = 1 (BG/NBD, MBG/NBD), or s = 1 and β at the mean age (Pareto/NBD).
fn start_from_means(kind: Kind, mean_x: f64, mean_t: f64) -> Vec<f64> {
    let (r, alpha) = (1.0, (mean_t.max(1e-3) / mean_x.max(1e-3)).clamp(1e-3, 1e6));
    match kind {
        Kind::BgNbd | Kind::MbgNbd => vec![r, alpha, 1.0, 1.0],
        Kind::ParetoNbd => vec![r, alpha, 1.0, mean_t.max(1e-3)],
    }
}

/// The three models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BgNbd,
    MbgNbd,
    ParetoNbd,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Self::BgNbd => "bgnbd",
            Self::MbgNbd => "mbgnbd",
            Self::ParetoNbd => "pareto_nbd",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::BgNbd, Self::MbgNbd, Self::ParetoNbd].into_iter().find(|k| k.name() == name)
    }

    /// Parameter names in storage order.
    pub fn param_names(self) -> &'static [&'static str; 4] {
        match self {
            Self::BgNbd | Self::MbgNbd => &["r", "alpha", "a", "b"],
            Self::ParetoNbd => &["r", "alpha", "s", "beta"],
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::BgNbd => 1,
            Self::MbgNbd => 2,
            Self::ParetoNbd => 3,
        }
    }

    /// How the parameters depend on the covariates (see [`covariates`]): α on the transaction
    /// process, β (Pareto/NBD) or a and b (BG/NBD, MBG/NBD) on the dropout process.
    pub fn link(self) -> Link {
        match self {
            Self::BgNbd | Self::MbgNbd => &[None, Some((0, -1.0)), Some((1, 1.0)), Some((1, 1.0))],
            Self::ParetoNbd => &[None, Some((0, -1.0)), None, Some((1, -1.0))],
        }
    }

    fn variant(self) -> Option<beta_geometric::Variant> {
        match self {
            Self::BgNbd => Some(beta_geometric::Variant::Bg),
            Self::MbgNbd => Some(beta_geometric::Variant::Mbg),
            Self::ParetoNbd => None,
        }
    }
}

/// The largest quantile of a number of purchases [`Model::purchases_quantile`] sums up to.
pub const MAX_QUANTILE: u32 = 1_000_000;

/// The smallest n with `Σ_{m ≤ n} pmf(m) ≥ q` (less 1e-12 for the rounding of the sum), n at
/// most [`MAX_QUANTILE`]; `None` beyond, or when a probability is not finite.
pub fn discrete_quantile(pmf: impl Fn(u32) -> f64, q: f64, check_interrupts: &dyn Fn()) -> Option<u32> {
    let mut cumulative = 0.0;
    for n in 0..=MAX_QUANTILE {
        if n % 1000 == 0 {
            check_interrupts();
        }
        let p = pmf(n);
        if !p.is_finite() {
            return None;
        }
        cumulative += p;
        if cumulative >= q - 1e-12 {
            return Some(n);
        }
    }
    None
}

/// How a purchase model was fitted (its 0.1.0 format is the shared report's).
pub type FitInfo = FitReport<4>;

/// The processes a purchase model's covariates act on, in the order of their vectors.
pub const PROCESSES: [&str; 2] = ["trans", "life"];

/// A purchase model: its kind, parameters and time unit, and how it was fitted (`None` for
/// models entered by hand, e.g. published parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub kind: Kind,
    /// With covariates, the population's: a customer's own are [`Model::for_customer`]'s.
    pub params: [f64; 4],
    pub unit: TimeUnit,
    /// The end of the calibration period, for models fitted on customer summaries.
    pub as_of: Option<i32>,
    pub fit: Option<FitInfo>,
    pub covariates: Option<CovariateModel>,
    /// The covariance of the estimates, the parameters' then the coefficients' (see
    /// [`uncertainty`]); `None` for models entered by hand, fitted before 0.3.0, or whose
    /// information matrix was not positive definite.
    pub covariance: Option<Covariance>,
}

/// Parameters must be positive and finite.
pub fn check_params(params: &[f64]) -> Result<(), &'static str> {
    if params.iter().all(|p| p.is_finite() && *p > 0.0) {
        Ok(())
    } else {
        Err("model parameters must be positive and finite")
    }
}

impl StoredModel for Model {
    type Observation = Observation;
    type FitSetup = (Kind, TimeUnit, Option<i32>);

    /// Every customer seen is fitted on: `excluded` is always 0.
    fn fit(
        merged: &[Observation],
        _excluded: f64,
        (kind, unit, as_of): Self::FitSetup,
        options: FitOptions,
    ) -> Self {
        let patterns = Patterns::new(merged, options.check_interrupts);
        Self::fit_patterns(kind, unit, as_of, &patterns, options)
    }

    fn name(&self) -> &'static str {
        self.kind.name()
    }

    fn param_names(&self) -> &'static [&'static str] {
        self.kind.param_names()
    }

    fn params(&self) -> &[f64] {
        &self.params
    }

    fn fit_record(&self) -> Option<FitRecord<'_>> {
        let coefficients = self.covariates.as_ref().map_or(0, |c| c.coefficients.len());
        self.fit.as_ref().map(|f| FitRecord { coefficients, ..f.record() })
    }

    fn covariates(&self) -> Option<&CovariateModel> {
        self.covariates.as_ref()
    }

    fn to_text(&self) -> ModelText {
        let names = self.kind.param_names();
        let mut text = ModelText::new(self.kind.name(), self.as_of, names, &self.params);
        text.unit = Some(self.unit.name().into());
        FitReport::to_text(self.fit.as_ref(), names, &mut text);
        if let Some(c) = &self.covariates {
            text.set_covariates(c);
        }
        text.set_covariance(self.covariance.as_ref());
        text
    }

    fn from_text(t: &ModelText) -> Result<Self, String> {
        let kind = Kind::parse(&t.model)
            .ok_or_else(|| format!("unknown model \"{}\" (bgnbd, mbgnbd or pareto_nbd)", t.model))?;
        let names = kind.param_names();
        let params: [f64; 4] = t.params(names)?.try_into().expect("four names, four parameters");
        let unit = t.unit.as_deref().ok_or("unit is missing")?;
        let unit =
            TimeUnit::parse(unit).ok_or_else(|| format!("unknown time unit \"{unit}\" (days or weeks)"))?;
        let fit = FitReport::from_text(t, names)?;
        let covariates = t.covariates(&PROCESSES)?;
        let estimates = 4 + covariates.as_ref().map_or(0, |c| c.coefficients.len());
        let covariance = t.covariance(estimates)?;
        Ok(Self { kind, params, unit, as_of: t.as_of(), fit, covariates, covariance })
    }
}

impl Model {
    /// Fits `kind` with covariates: `merged` observations (see
    /// [`WeightedObservation::merge_all`]) of customers whose vectors, end to end, are row
    /// `group` of `table`. Starts as a fit without covariates starts, with every coefficient
    /// 0, and warms up on a weighted sample as it does.
    pub fn fit_with_covariates(
        kind: Kind,
        unit: TimeUnit,
        as_of: Option<i32>,
        spec: CovariateSpec,
        table: &[f64],
        merged: &[Grouped<Observation>],
        options: FitOptions,
    ) -> Self {
        let width = spec.width();
        let patterns = |o: &[Observation]| Patterns::new(o, options.check_interrupts);
        let all = GroupedData::new(merged, table, width, patterns);
        let drawn = covariates::warm_up_sample(merged);
        let sample = drawn.as_deref().map(|drawn| GroupedData::new(drawn, table, width, patterns));
        let total = merged.iter().map(|o| o.weight()).sum::<f64>();
        let mean = |f: fn(&Customer) -> f64| {
            merged.iter().map(|o| o.weight() * f(&o.observation.customer)).sum::<f64>() / total
        };
        let start = start_from_means(kind, mean(|c| c.x), mean(|c| c.t));
        let (link, sample) = (kind.link(), sample.as_ref());
        let GroupedFit { fitted, covariates } = match kind.variant() {
            Some(variant) => {
                let make = |p, o| beta_geometric::Likelihood::new(variant, p, o);
                covariates::fit_grouped(spec, link, &all, sample, start, make, options)
            }
            None => {
                covariates::fit_grouped(spec, link, &all, sample, start, pareto_nbd::Likelihood::new, options)
            }
        };
        let covariance = uncertainty::fitted_covariance(&fitted);
        let (params, report) = FitReport::of(fitted, all.total_weight, all.rows);
        Self { kind, params, unit, as_of, fit: Some(report), covariates: Some(covariates), covariance }
    }

    /// The model of one customer with these covariate vectors (end to end): the model without
    /// covariates at the customer's own parameters, with no fit record (the fit was the
    /// population's). A model without covariates is itself.
    pub fn for_customer(self, z: &[f64]) -> Self {
        match &self.covariates {
            None => self,
            Some(_) => {
                Self { params: self.params_for(z), fit: None, covariates: None, covariance: None, ..self }
            }
        }
    }

    /// The parameters of the customer with these covariate vectors (see [`Self::for_customer`]).
    pub fn params_for(&self, z: &[f64]) -> [f64; 4] {
        match &self.covariates {
            None => self.params,
            Some(c) => c.individual(&self.params, self.kind.link(), z),
        }
    }

    /// How many values were estimated: the parameters, then the coefficients.
    pub fn estimates(&self) -> usize {
        4 + self.covariates.as_ref().map_or(0, |c| c.coefficients.len())
    }

    /// A prediction about the customer with these covariate vectors (end to end; empty
    /// without covariates) and its gradient over the estimates, in the covariance's order
    /// (see [`uncertainty::sensitivity`]): `predict` runs on the customer's own model
    /// ([`Model::for_customer`]) and on one with each of its parameters moved.
    pub fn sensitivity(&self, z: &[f64], predict: impl Fn(&Model) -> f64) -> Sensitivity {
        let derivatives = self.covariates.as_ref().map_or(Vec::new(), |c| c.predictor_derivatives(z));
        let at = |params: &[f64; 4]| {
            let (kind, unit, as_of) = (self.kind, self.unit, self.as_of);
            predict(&Model {
                kind,
                params: *params,
                unit,
                as_of,
                fit: None,
                covariates: None,
                covariance: None,
            })
        };
        uncertainty::sensitivity(&self.params_for(z), &self.params, self.kind.link(), &derivatives, at)
    }

    /// Fits `kind` to the patterns (which must not be empty).
    pub fn fit_patterns(
        kind: Kind,
        unit: TimeUnit,
        as_of: Option<i32>,
        patterns: &Patterns,
        options: FitOptions,
    ) -> Self {
        // The warm-up sample is small enough for one thread.
        let sample = patterns.sample(WARM_START_SAMPLE);
        let (total, check_interrupts) = (patterns.total_weight, options.check_interrupts);
        let one_thread = FitOptions { threads: 1, ..options };
        let start_params = patterns.start(kind);
        let fitted: Fitted = match kind.variant() {
            Some(variant) => {
                let start = Start::at(start_params);
                let warm_up =
                    sample.as_ref().map(|p| beta_geometric::Likelihood::new(variant, p, one_thread));
                let likelihood = beta_geometric::Likelihood::new(variant, patterns, options);
                maximize(&likelihood, total, start, warm_up.as_ref(), check_interrupts)
            }
            None => {
                let start = Start::at(start_params);
                let warm_up = sample.as_ref().map(|p| pareto_nbd::Likelihood::new(p, one_thread));
                let likelihood = pareto_nbd::Likelihood::new(patterns, options);
                maximize(&likelihood, total, start, warm_up.as_ref(), check_interrupts)
            }
        };
        let covariance = uncertainty::fitted_covariance(&fitted);
        let (params, report) = FitReport::of(fitted, patterns.total_weight, patterns.rows.len() as u64);
        Self { kind, params, unit, as_of, fit: Some(report), covariates: None, covariance }
    }

    /// The log-likelihood of these parameters on the patterns.
    pub fn log_likelihood(&self, patterns: &Patterns) -> f64 {
        match self.kind.variant() {
            Some(variant) => {
                beta_geometric::Likelihood::new(variant, patterns, FitOptions::default())
                    .value_and_gradient(&self.params)
                    .0
            }
            None => {
                pareto_nbd::Likelihood::new(patterns, FitOptions::default())
                    .value_and_gradient(&self.params)
                    .0
            }
        }
    }

    /// Probability that the customer is still active ("alive") at the end of observation.
    pub fn p_alive(&self, c: &Customer) -> f64 {
        match self.kind.variant() {
            Some(variant) => beta_geometric::p_alive(variant, &self.params, c),
            None => pareto_nbd::p_alive(&self.params, c),
        }
    }

    /// Expected number of purchases in the next `horizon` time units. NaN if a series does
    /// not converge (which needs extreme parameters).
    pub fn expected_purchases(&self, c: &Customer, horizon: f64) -> f64 {
        let [value] = self.expected_purchases_at(c, [horizon]);
        value
    }

    /// [`Self::expected_purchases`] at several horizons, sharing the work they have in common.
    pub fn expected_purchases_at<const N: usize>(&self, c: &Customer, horizons: [f64; N]) -> [f64; N] {
        match self.kind.variant() {
            Some(variant) => beta_geometric::expected_purchases_at(variant, &self.params, c, horizons),
            None => pareto_nbd::expected_purchases_at(&self.params, c, horizons),
        }
    }

    /// Probability that the customer is still active `horizon` time units after the end of
    /// observation. Unconditionally (whatever they do in between), or, with
    /// `assume_no_purchase`, given that they make no purchase in between: then it is P(alive)
    /// of the same history watched `horizon` longer.
    pub fn p_alive_ahead(&self, c: &Customer, horizon: f64, assume_no_purchase: bool) -> f64 {
        if assume_no_purchase {
            return self.p_alive(&Customer { t: c.t + horizon, ..*c });
        }
        match self.kind.variant() {
            Some(variant) => beta_geometric::p_alive_ahead(variant, &self.params, c, horizon),
            None => pareto_nbd::p_alive_ahead(&self.params, c, horizon),
        }
    }

    /// Discounted expected residual transactions: all future purchases, each discounted
    /// continuously at `delta` per time unit (`e^(−δτ)` for a purchase τ from now). NaN if it
    /// could not be computed. `check_interrupts` runs between pieces of a quadrature.
    pub fn dert(&self, c: &Customer, delta: f64, check_interrupts: &dyn Fn()) -> f64 {
        match self.kind.variant() {
            Some(variant) => beta_geometric::dert(variant, &self.params, c, delta, check_interrupts),
            None => pareto_nbd::dert(&self.params, c, delta),
        }
    }

    /// Expected number of purchases of a new customer in their first `horizon` time units
    /// after the first purchase (repeat purchases, as `x`).
    pub fn expected_purchases_new_customer(&self, horizon: f64) -> f64 {
        self.expected_purchases(&Customer { x: 0.0, t_x: 0.0, t: 0.0 }, horizon)
    }

    /// Probability of exactly `n` purchases in the next `horizon` time units.
    pub fn prob_purchases(&self, c: &Customer, n: u32, horizon: f64) -> f64 {
        match self.kind.variant() {
            Some(variant) => beta_geometric::prob_purchases(variant, &self.params, c, n, horizon),
            None => pareto_nbd::prob_purchases(&self.params, c, n, horizon),
        }
    }

    /// The `q`-quantile of the number of purchases in the next `horizon` time units: the
    /// smallest n with P(at most n) ≥ q, for q in (0, 1). The probabilities are summed up from
    /// 0, [`MAX_QUANTILE`] at most; `None` beyond, or if one cannot be computed.
    /// `check_interrupts` runs every 1,000 terms.
    pub fn purchases_quantile(
        &self,
        c: &Customer,
        horizon: f64,
        q: f64,
        check_interrupts: &dyn Fn(),
    ) -> Option<u32> {
        discrete_quantile(|n| self.prob_purchases(c, n, horizon), q, check_interrupts)
    }

    /// Median time to the next purchase: the horizon at which the probability of at least one
    /// purchase reaches one half; `None` when the customer is more likely than not never to
    /// buy again. `check_interrupts` runs at every bisection step.
    pub fn median_time_to_next_purchase(&self, c: &Customer, check_interrupts: &dyn Fn()) -> Option<f64> {
        let bought_by = |t: f64| 1.0 - self.prob_purchases(c, 0, t);
        let scale = (self.params[1] + c.t).max(1e-6);
        let (mut lo, mut hi) = (scale * 1e-9, scale * 1e9);
        if !(bought_by(hi) >= 0.5) {
            return None;
        }
        // Bisection on log time: the probability grows with the horizon.
        for _ in 0..200 {
            check_interrupts();
            let mid = (lo * hi).sqrt();
            if bought_by(mid) >= 0.5 {
                hi = mid
            } else {
                lo = mid
            }
            if hi / lo < 1.0 + 1e-12 {
                break;
            }
        }
        Some(hi)
    }
}

impl StoredValue for Model {
    /// Version 1 (0.1.0), then the covariates and covariance of [`uncertainty::stored_tail`].
    fn encode(&self) -> Vec<u8> {
        let (covariates, covariance) = (self.covariates.as_ref(), self.covariance.as_ref());
        let w = Writer::new(stored_tail::version(covariates, covariance))
            .u8(self.kind.code())
            .u8(self.unit.code())
            .u8(u8::from(self.as_of.is_some()))
            .i32(self.as_of.unwrap_or(0))
            .f64s(&self.params);
        let w = FitReport::write(self.fit.as_ref(), w);
        stored_tail::write(w, covariates, covariance).finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let version = stored_tail::version_of(bytes);
        let mut r = Reader::new(bytes, version)?;
        let kind = match r.u8()? {
            1 => Kind::BgNbd,
            2 => Kind::MbgNbd,
            3 => Kind::ParetoNbd,
            _ => return Err(DecodeError::Invalid("unknown model kind")),
        };
        let unit = TimeUnit::from_code(r.u8()?).ok_or(DecodeError::Invalid("unknown time unit"))?;
        let has_as_of = r.u8()? == 1;
        let as_of = r.i32()?;
        let params: [f64; 4] = r.f64_array()?;
        check_params(&params).map_err(DecodeError::Invalid)?;
        let fit = FitReport::read(&mut r)?;
        let (covariates, covariance) = stored_tail::read(&mut r, version, &PROCESSES, 4)?;
        r.finish()?;
        Ok(Self { kind, params, unit, as_of: has_as_of.then_some(as_of), fit, covariates, covariance })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(x: f64, t_x: f64, t: f64) -> Observation {
        Observation { customer: Customer { x, t_x, t }, weight: 1.0 }
    }

    #[test]
    fn equal_patterns_merge_with_their_weights() {
        let mut o = vec![obs(1.0, 2.0, 5.0), obs(0.0, 0.0, 5.0), obs(1.0, 2.0, 5.0), obs(0.0, 0.0, 3.0)];
        let n = Observation::merge_all(&mut o, &|| {});
        assert_eq!(n, 3);
        let p = Patterns::new(&o[..n], &|| {});
        assert_eq!(p.xs, vec![0.0, 1.0]);
        assert_eq!(p.times, vec![0.0, 2.0, 3.0, 5.0]);
        assert_eq!(p.total_weight, 4.0);
        let heavy = p.rows.iter().find(|r| r.weight == 2.0).unwrap();
        assert_eq!(
            (p.xs[heavy.x as usize], p.times[heavy.t_x as usize], p.times[heavy.t as usize]),
            (1.0, 2.0, 5.0)
        );
    }

    #[test]
    fn customers_are_checked() {
        assert!(Customer { x: 2.0, t_x: 3.0, t: 5.0 }.check().is_ok());
        assert!(Customer { x: 2.0, t_x: 6.0, t: 5.0 }.check().is_err());
        assert!(Customer { x: -1.0, t_x: 0.0, t: 5.0 }.check().is_err());
        assert!(Customer { x: 0.0, t_x: 1.0, t: 5.0 }.check().is_err());
        assert!(Customer { x: f64::NAN, t_x: 0.0, t: 5.0 }.check().is_err());
    }

    #[test]
    fn models_round_trip() {
        let model = Model {
            kind: Kind::ParetoNbd,
            params: [0.55, 10.5, 0.6, 11.6],
            unit: TimeUnit::Weeks,
            as_of: Some(-824),
            fit: Some(FitInfo {
                log_likelihood: -9594.98,
                std_errors: [0.05, 0.8, f64::NAN, 2.0],
                customers: 2357.0,
                patterns: 1700,
                iterations: 30,
                converged: true,
            }),
            covariates: None,
            covariance: None,
        };
        let bytes = model.encode();
        assert_eq!(bytes[0], stored_tail::PLAIN);
        let back = Model::decode(&bytes).unwrap();
        assert_eq!(back.params, model.params);
        assert!(back.fit.as_ref().unwrap().std_errors[2].is_nan());
        assert_eq!(back.encode(), bytes);
        let by_hand = Model { fit: None, as_of: None, covariates: None, ..model };
        assert_eq!(Model::decode(&by_hand.encode()), Ok(by_hand));
        let mut bad = bytes.clone();
        bad[1] = 9;
        assert!(Model::decode(&bad).is_err());
    }

    /// Any likelihood, for groups of either kind in one test.
    impl LogLikelihood for Box<dyn LogLikelihood + '_> {
        fn value_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>) {
            (**self).value_and_gradient(params)
        }
    }

    /// The grouped likelihood's gradient (chain rule through the links, a constrained
    /// coefficient and the penalty) against central differences of its value.
    #[test]
    fn covariate_gradients_match_finite_differences() {
        use crate::models::covariates::GroupedLikelihood;
        let options = serde_json::json!({
            "trans": ["a", "b"], "life": ["a", "c"], "constrained": ["a"], "lambda": {"trans": 0.01, "life": 0.02}
        });
        let spec = CovariateSpec::parse(&options, &PROCESSES, &[2, 2]).unwrap();
        let table = [0.0, 1.0, 0.0, 0.5, 1.0, 0.0, 1.0, -1.0, 1.0, 2.0, 1.0, 0.0];
        let data: Vec<Vec<Observation>> = (0..3)
            .map(|g| {
                let mut o = vec![
                    obs(0.0, 0.0, 30.0 + g as f64),
                    obs(2.0, 10.0, 25.0),
                    obs(5.0, 20.0 - g as f64, 31.0),
                ];
                let n = Observation::merge_all(&mut o, &|| {});
                o.truncate(n);
                o
            })
            .collect();
        let patterns: Vec<Patterns> = data.iter().map(|o| Patterns::new(o, &|| {})).collect();
        for kind in [Kind::ParetoNbd, Kind::BgNbd, Kind::MbgNbd] {
            let parts: Vec<Box<dyn LogLikelihood>> = patterns
                .iter()
                .map(|p| -> Box<dyn LogLikelihood> {
                    match kind.variant() {
                        Some(v) => Box::new(beta_geometric::Likelihood::new(v, p, FitOptions::default())),
                        None => Box::new(pareto_nbd::Likelihood::new(p, FitOptions::default())),
                    }
                })
                .collect();
            let likelihood = GroupedLikelihood::new(&spec, kind.link(), &table, parts, 9.0);
            let at = [0.8, 12.0, 1.3, 9.0, 0.3, -0.4, 0.2];
            let (_, gradient) = likelihood.value_and_gradient(&at);
            for i in 0..at.len() {
                let h = 1e-6 * f64::max(1.0, at[i].abs());
                let (mut up, mut down) = (at.to_vec(), at.to_vec());
                up[i] += h;
                down[i] -= h;
                let numeric = (likelihood.value_and_gradient(&up).0 - likelihood.value_and_gradient(&down).0)
                    / (2.0 * h);
                assert!(
                    (numeric - gradient[i]).abs() <= 1e-5 * (1.0 + numeric.abs()),
                    "{kind:?} parameter {i}: analytic {}, numeric {numeric}",
                    gradient[i]
                );
            }
        }
    }
}
