//! Static (time-invariant) covariates: a customer's vector per process of a model shifts that
//! process's population parameters, linked as CLVTools links them (Fader & Hardie 2007, "
//! Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD models"):
//!
//! - Pareto/NBD: `α_i = α₀ e^(−γ_trans·z_i)`, `β_i = β₀ e^(−γ_life·z_i)`;
//! - BG/NBD and MBG/NBD: `α_i` as above, `a_i = a₀ e^(γ_life·z_i)`, `b_i = b₀ e^(γ_life·z_i)`;
//! - Gamma-Gamma: `v_i = v₀ e^(γ_spend·z_i)`, so `e^γ` multiplies the expected spend.
//!
//! A customer is the model without covariates at their own parameters, so every prediction is
//! the plain one at [`CovariateModel::individual`]. A fit groups customers by covariate vector
//! (customers with equal vectors share parameters, and their patterns merge as without
//! covariates) and sums each group's plain likelihood at its parameters; the coefficients'
//! gradient follows by the chain rule. Options as in CLVTools: a covariate constrained to one
//! coefficient in both processes, and L2 regularization, maximizing
//! `ln L − n Σ_p λ_p γ_p·γ_p` (CLVTools minimizes `−ln L / n + Σ_p λ_p γ_p·γ_p`).

use super::WeightedObservation;
use crate::codec::{DecodeError, Reader, Writer};
use crate::math::optimize::{
    maximize, weighted_sample, FitOptions, Fitted, LogLikelihood, Start, WeightedTotal, WARM_START_SAMPLE,
};
use serde_json::{Map, Value};

/// At most this many covariates per process: the fit's cost and the model's size grow with
/// them, and a larger design is better reduced before it reaches a fit.
pub const MAX_COVARIATES: usize = 32;

/// The largest regularization weight λ: beyond it every coefficient is 0 to the precision of
/// a double anyway.
pub const MAX_LAMBDA: f64 = 1e6;

/// What covariates a model has and how they were fitted: per process of the model (in its
/// order), its name and its covariates' names in the order of its vectors, the covariates
/// constrained to one coefficient in every process, and the L2 weight of each process.
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateSpec {
    pub processes: Vec<Process>,
    pub constrained: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    pub name: String,
    pub covariates: Vec<String>,
    pub lambda: f64,
}

/// The prefix of constrained coefficients' names (CLVTools' `constr.`).
const CONSTRAINED: &str = "constr";

impl CovariateSpec {
    /// The options of a fit in JSON, `{"trans": ["gender", ...], "life": [...],
    /// "constrained": ["gender"], "lambda": {"trans": 0.1, "life": 0.2}}`, for a model whose
    /// processes are `processes`; `widths` are the lengths of the vectors the data give (a
    /// process the options do not name gets positional names `1`, `2`, ...). `Err` says what
    /// is wrong.
    pub fn parse(options: &Value, processes: &[&str], widths: &[usize]) -> Result<Self, String> {
        let empty = Map::new();
        let map = match options {
            Value::Object(map) => map,
            Value::Null => &empty,
            _ => return Err("the covariate options must be a JSON object".into()),
        };
        let known = |key: &str| processes.contains(&key) || key == "constrained" || key == "lambda";
        if let Some(key) = map.keys().find(|k| !known(k)) {
            let names = processes.join("\", \"");
            return Err(format!(
                "unknown key \"{key}\" in the covariate options (\"{names}\", \"constrained\", \"lambda\")"
            ));
        }
        let names = |key: &str| -> Result<Option<Vec<String>>, String> {
            match map.get(key) {
                None => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) if !s.is_empty() && s.len() <= 63 => Ok(s.clone()),
                        _ => {
                            Err(format!("\"{key}\" must list names (non-empty strings of at most 63 bytes)"))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(_) => Err(format!("\"{key}\" must be an array of names")),
            }
        };
        let lambdas = match map.get("lambda") {
            None => Map::new(),
            Some(Value::Object(l)) => l.clone(),
            Some(_) => return Err("\"lambda\" must be an object of weights per process".into()),
        };
        if let Some(key) = lambdas.keys().find(|k| !processes.contains(&k.as_str())) {
            return Err(format!("unknown process \"{key}\" in \"lambda\" ({})", processes.join(", ")));
        }
        let mut spec = Self { processes: Vec::new(), constrained: names("constrained")?.unwrap_or_default() };
        for (&process, &width) in processes.iter().zip(widths) {
            let covariates = names(process)?.unwrap_or_else(|| (1..=width).map(|i| i.to_string()).collect());
            if covariates.len() != width {
                return Err(format!(
                    "the covariate options name {} \"{process}\" covariates, the vectors have {width}",
                    covariates.len()
                ));
            }
            let lambda = match lambdas.get(process) {
                None => 0.0,
                Some(v) => v.as_f64().ok_or(format!("the \"lambda\" of \"{process}\" must be a number"))?,
            };
            spec.processes.push(Process { name: process.into(), covariates, lambda });
        }
        spec.check()?;
        Ok(spec)
    }

    /// Names unique per process, at most [`MAX_COVARIATES`], constrained ones in every process
    /// (of more than one), weights in `[0, MAX_LAMBDA]`.
    pub fn check(&self) -> Result<(), String> {
        for p in &self.processes {
            if p.covariates.len() > MAX_COVARIATES {
                return Err(format!(
                    "{} \"{}\" covariates (at most {MAX_COVARIATES} per process)",
                    p.covariates.len(),
                    p.name
                ));
            }
            if let Some(dup) = p.covariates.iter().enumerate().find(|(i, n)| p.covariates[..*i].contains(n)) {
                return Err(format!("covariate \"{}\" is named twice in \"{}\"", dup.1, p.name));
            }
            if !(p.lambda >= 0.0 && p.lambda <= MAX_LAMBDA) {
                return Err(format!(
                    "the \"lambda\" of \"{}\" must be between 0 and {MAX_LAMBDA}, not {}",
                    p.name, p.lambda
                ));
            }
        }
        for (i, name) in self.constrained.iter().enumerate() {
            if self.processes.len() < 2 {
                return Err("a model with one process has no constrained covariates".into());
            }
            if self.constrained[..i].contains(name) {
                return Err(format!("covariate \"{name}\" is constrained twice"));
            }
            if let Some(p) = self.processes.iter().find(|p| !p.covariates.contains(name)) {
                return Err(format!(
                    "constrained covariate \"{name}\" is not a \"{}\" covariate: a constrained covariate is in every process",
                    p.name
                ));
            }
        }
        if self.processes.iter().all(|p| p.covariates.is_empty()) {
            return Err("the covariate vectors are empty".into());
        }
        Ok(())
    }

    /// The length of each process's vector.
    pub fn widths(&self) -> Vec<usize> {
        self.processes.iter().map(|p| p.covariates.len()).collect()
    }

    /// The length of a customer's vectors end to end.
    pub fn width(&self) -> usize {
        self.processes.iter().map(|p| p.covariates.len()).sum()
    }

    /// The coefficients' names: each process's own (`trans.gender`), then the constrained
    /// ones (`constr.gender`).
    pub fn coefficient_names(&self) -> Vec<String> {
        let own = self.processes.iter().flat_map(|p| {
            p.covariates
                .iter()
                .filter(|c| !self.constrained.contains(c))
                .map(move |c| format!("{}.{c}", p.name))
        });
        own.chain(self.constrained.iter().map(|c| format!("{CONSTRAINED}.{c}"))).collect()
    }

    /// For each covariate of each process, end to end, the index of its coefficient.
    fn coefficient_index(&self) -> Vec<usize> {
        let own: usize = self.processes.iter().map(|p| p.covariates.len()).sum::<usize>()
            - self.processes.len() * self.constrained.len();
        let mut next = 0;
        let mut index = Vec::with_capacity(self.width());
        for p in &self.processes {
            for c in &p.covariates {
                match self.constrained.iter().position(|k| k == c) {
                    Some(k) => index.push(own + k),
                    None => {
                        index.push(next);
                        next += 1;
                    }
                }
            }
        }
        index
    }

    /// The options as JSON (the text form, and the binary form's field).
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        for p in &self.processes {
            map.insert(p.name.clone(), p.covariates.clone().into());
        }
        map.insert("constrained".into(), self.constrained.clone().into());
        let lambdas: Map<String, Value> =
            self.processes.iter().map(|p| (p.name.clone(), p.lambda.into())).collect();
        map.insert("lambda".into(), lambdas.into());
        Value::Object(map)
    }
}

/// How each parameter of a model depends on the covariates: `Some((process, sign))` makes it
/// `θ₀ e^(sign · γ_process·z)`.
pub type Link = &'static [Option<(usize, f64)>];

/// The covariate part of a model: its options and its coefficients, with their standard
/// errors when fitted (NaN where not estimable).
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateModel {
    pub spec: CovariateSpec,
    pub coefficients: Vec<f64>,
    pub std_errors: Option<Vec<f64>>,
    /// Where each covariate's coefficient is, end to end over the processes.
    index: Vec<usize>,
}

impl CovariateModel {
    pub fn new(
        spec: CovariateSpec,
        coefficients: Vec<f64>,
        std_errors: Option<Vec<f64>>,
    ) -> Result<Self, String> {
        spec.check()?;
        let index = spec.coefficient_index();
        let count = spec.coefficient_names().len();
        if coefficients.len() != count || std_errors.as_ref().is_some_and(|e| e.len() != count) {
            return Err(format!("{count} covariate coefficients expected, {} given", coefficients.len()));
        }
        if let Some(c) = coefficients.iter().find(|c| !c.is_finite()) {
            return Err(format!("covariate coefficients must be finite, not {c}"));
        }
        Ok(Self { spec, coefficients, std_errors, index })
    }

    /// The linear predictor `γ_p·z_p` of each process for a customer's vectors end to end.
    pub fn linear_predictors(&self, z: &[f64]) -> Vec<f64> {
        linear_predictors(&self.spec, &self.index, &self.coefficients, z)
    }

    /// How each coefficient moves each process's linear predictor for the customer with
    /// vectors `z`: `[coefficient][process]` (a constrained coefficient moves both).
    pub fn predictor_derivatives(&self, z: &[f64]) -> Vec<Vec<f64>> {
        (0..self.coefficients.len())
            .map(|k| {
                let unit: Vec<f64> =
                    (0..self.coefficients.len()).map(|i| f64::from(u8::from(i == k))).collect();
                linear_predictors(&self.spec, &self.index, &unit, z)
            })
            .collect()
    }

    /// The customer's own parameters from the population's `base`.
    pub fn individual<const N: usize>(&self, base: &[f64; N], link: Link, z: &[f64]) -> [f64; N] {
        individual(base, link, &self.linear_predictors(z))
    }

    /// Appends the binary form: per process (in the model's order) its weight λ and its
    /// covariates' names, the constrained names, then the coefficients and, when fitted, their
    /// standard errors.
    pub fn write(&self, w: Writer) -> Writer {
        let names =
            |w: Writer, names: &[String]| names.iter().fold(w.varint(names.len() as u64), |w, n| w.text(n));
        let w = self.spec.processes.iter().fold(w, |w, p| names(w.f64(p.lambda), &p.covariates));
        let w = names(w, &self.spec.constrained).f64s(&self.coefficients);
        match &self.std_errors {
            None => w.u8(0),
            Some(e) => w.u8(1).f64s(e),
        }
    }

    /// Reads [`Self::write`]'s form for a model with `processes`.
    pub fn read(r: &mut Reader, processes: &[&str]) -> Result<Self, DecodeError> {
        let names = |r: &mut Reader| -> Result<Vec<String>, DecodeError> {
            let n = r.varint()?;
            if n > r.remaining() as u64 {
                return Err(DecodeError::Truncated);
            }
            (0..n).map(|_| r.text()).collect()
        };
        let mut spec = CovariateSpec { processes: Vec::new(), constrained: Vec::new() };
        for name in processes {
            let lambda = r.f64()?;
            spec.processes.push(Process { name: name.to_string(), covariates: names(r)?, lambda });
        }
        spec.constrained = names(r)?;
        spec.check().map_err(|_| DecodeError::Invalid("invalid covariate options"))?;
        let count = spec.coefficient_names().len();
        let coefficients = r.f64s(count)?;
        let std_errors = match r.u8()? {
            0 => None,
            _ => Some(r.f64s(count)?),
        };
        Self::new(spec, coefficients, std_errors)
            .map_err(|_| DecodeError::Invalid("invalid covariate coefficients"))
    }
}

/// The lengths of the name lists an options object gives per process (0 where it gives none).
pub fn widths_of(options: &Value, processes: &[&str]) -> Vec<usize> {
    processes.iter().map(|p| options.get(p).and_then(Value::as_array).map_or(0, Vec::len)).collect()
}

fn linear_predictors(spec: &CovariateSpec, index: &[usize], coefficients: &[f64], z: &[f64]) -> Vec<f64> {
    let mut at = 0;
    spec.processes
        .iter()
        .map(|p| {
            let n = p.covariates.len();
            let eta = (at..at + n).map(|i| coefficients[index[i]] * z[i]).sum();
            at += n;
            eta
        })
        .collect()
}

fn individual<const N: usize>(base: &[f64; N], link: Link, eta: &[f64]) -> [f64; N] {
    std::array::from_fn(|j| match link[j] {
        Some((process, sign)) => base[j] * (sign * eta[process]).exp(),
        None => base[j],
    })
}

/// An observation of a customer whose covariate vectors are row `group` of a table; ordered by
/// group first, so that a group's observations are together and merge as without covariates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grouped<O> {
    pub group: u32,
    pub observation: O,
}

impl<O: WeightedObservation> WeightedObservation for Grouped<O> {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.group.cmp(&other.group).then_with(|| self.observation.order(&other.observation))
    }

    fn weight_mut(&mut self) -> &mut f64 {
        self.observation.weight_mut()
    }
}

/// The data of a fit with covariates: per covariate group, its vectors (end to end) and its
/// data `D` (a purchase model's patterns, a spend model's observations).
pub struct GroupedData<D> {
    /// `groups × width` covariate values.
    table: Vec<f64>,
    parts: Vec<D>,
    /// Distinct observations in all groups.
    pub rows: u64,
    pub total_weight: f64,
}

impl<D> GroupedData<D> {
    /// From merged grouped observations (sorted by group) of customers whose vectors are the
    /// rows of `table` (`width` values each); `part` makes a group's data from its
    /// observations. Groups without observations are left out.
    pub fn new<O: WeightedObservation>(
        merged: &[Grouped<O>],
        table: &[f64],
        width: usize,
        part: impl Fn(&[O]) -> D,
    ) -> Self {
        let mut data = Self { table: Vec::new(), parts: Vec::new(), rows: 0, total_weight: 0.0 };
        for run in merged.chunk_by(|a, b| a.group == b.group) {
            let g = run[0].group as usize;
            let observations: Vec<O> = run.iter().map(|o| o.observation).collect();
            data.table.extend_from_slice(&table[g * width..(g + 1) * width]);
            data.rows += run.len() as u64;
            data.total_weight += run.iter().map(|o| o.weight()).sum::<f64>();
            data.parts.push(part(&observations));
        }
        data
    }
}

/// A weighted sample of [`WARM_START_SAMPLE`] of merged grouped observations (see
/// [`weighted_sample`]), when there are more.
pub fn warm_up_sample<O: WeightedObservation>(merged: &[Grouped<O>]) -> Option<Vec<Grouped<O>>> {
    let with_weight = |o: &Grouped<O>, weight: f64| {
        let mut o = *o;
        *o.weight_mut() = weight;
        o
    };
    (merged.len() > WARM_START_SAMPLE)
        .then(|| weighted_sample(merged, WARM_START_SAMPLE, Grouped::weight, with_weight))
}

/// A fit with covariates: the plain model's part of the result (parameters, their standard
/// errors, the data's log-likelihood without the penalty) and the covariates' part.
pub struct GroupedFit {
    pub fitted: Fitted,
    pub covariates: CovariateModel,
}

/// Maximizes the grouped likelihood of `all` (each group's plain likelihood made by `make`
/// from its data) from `start` (the plain parameters; every coefficient starts at 0), warmed
/// up on `sample`'s.
pub fn fit_grouped<'a, D, L: LogLikelihood>(
    spec: CovariateSpec,
    link: Link,
    all: &'a GroupedData<D>,
    sample: Option<&'a GroupedData<D>>,
    start: Vec<f64>,
    make: impl Fn(&'a D, FitOptions<'a>) -> L,
    options: FitOptions<'a>,
) -> GroupedFit {
    let n_base = link.len();
    let start: Vec<f64> =
        start.into_iter().chain(std::iter::repeat_n(0.0, spec.coefficient_names().len())).collect();
    let one_thread = FitOptions { threads: 1, ..options };
    let (fitted, penalty) = {
        let likelihood_of = |data: &'a GroupedData<D>, o: FitOptions<'a>| {
            let parts = data.parts.iter().map(|p| make(p, o)).collect();
            GroupedLikelihood::new(&spec, link, &data.table, parts, data.total_weight)
        };
        // The warm-up sample is small enough for one thread.
        let warm_up = sample.map(|s| likelihood_of(s, one_thread));
        let likelihood = likelihood_of(all, options);
        let fitted = maximize(
            &likelihood,
            all.total_weight,
            Start::at(start),
            warm_up.as_ref(),
            options.check_interrupts,
        );
        let penalty = likelihood.penalty(&fitted.params[n_base..]);
        (fitted, penalty)
    };
    let covariates = CovariateModel::new(
        spec,
        fitted.params[n_base..].to_vec(),
        Some(fitted.std_errors[n_base..].to_vec()),
    )
    .expect("a fit's coefficients match its options");
    let fitted = Fitted {
        params: fitted.params[..n_base].to_vec(),
        std_errors: fitted.std_errors[..n_base].to_vec(),
        // The data's log-likelihood, without the penalty the fit subtracted.
        log_likelihood: fitted.log_likelihood + penalty,
        // Over the parameters and then the coefficients, for prediction intervals (of the
        // penalized objective when the fit is regularized).
        ..fitted
    };
    GroupedFit { fitted, covariates }
}

/// Customers grouped by covariate vector: per group its vectors end to end and the plain
/// likelihood of its customers (any `L` over the group's data).
pub struct GroupedLikelihood<'a, L> {
    spec: &'a CovariateSpec,
    index: Vec<usize>,
    link: Link,
    /// `groups × width` covariate values.
    z: &'a [f64],
    parts: Vec<L>,
    total_weight: f64,
}

impl<'a, L: LogLikelihood> GroupedLikelihood<'a, L> {
    /// `parts[g]` is the plain likelihood of the customers whose vectors are
    /// `z[g·width..(g+1)·width]`; `total_weight` customers in all.
    pub fn new(spec: &'a CovariateSpec, link: Link, z: &'a [f64], parts: Vec<L>, total_weight: f64) -> Self {
        debug_assert_eq!(z.len(), parts.len() * spec.width());
        Self { spec, index: spec.coefficient_index(), link, z, parts, total_weight }
    }

    fn base_len(&self) -> usize {
        self.link.len()
    }
}

/// The base parameters (positive), then the coefficients (real).
impl<L: LogLikelihood> LogLikelihood for GroupedLikelihood<'_, L> {
    fn value_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>) {
        let n_base = self.base_len();
        let (base, coefficients) = params.split_at(n_base);
        let width = self.spec.width();
        let mut total = WeightedTotal::<1>::default();
        let mut gradient = vec![0.0; params.len()];
        // d ln L / d(γ_p·z_p) per group, spread over the covariates.
        let mut d_z = vec![0.0; width];
        for (g, part) in self.parts.iter().enumerate() {
            let z = &self.z[g * width..(g + 1) * width];
            let eta = linear_predictors(self.spec, &self.index, coefficients, z);
            let own: Vec<f64> = (0..n_base)
                .map(|j| match self.link[j] {
                    Some((process, sign)) => base[j] * (sign * eta[process]).exp(),
                    None => base[j],
                })
                .collect();
            let (value, g_own) = part.value_and_gradient(&own);
            total.add(1.0, value, [0.0]);
            let mut d_eta = vec![0.0; self.spec.processes.len()];
            for j in 0..n_base {
                // θ_j = θ₀ e^(s η): dθ_j/dθ₀ = θ_j/θ₀, dθ_j/dη = s θ_j.
                gradient[j] += g_own[j] * own[j] / base[j];
                if let Some((process, sign)) = self.link[j] {
                    d_eta[process] += g_own[j] * sign * own[j];
                }
            }
            let mut at = 0;
            for (p, process) in self.spec.processes.iter().enumerate() {
                for i in at..at + process.covariates.len() {
                    d_z[i] = d_eta[p] * z[i];
                }
                at += process.covariates.len();
            }
            for (i, d) in d_z.iter().enumerate() {
                gradient[n_base + self.index[i]] += d;
            }
        }
        let (mut value, _) = total.finish();
        // The penalty n Σ_p λ_p γ_p·γ_p over each process's coefficients (a constrained one
        // counts in every process, as in CLVTools).
        let mut at = 0;
        for process in &self.spec.processes {
            for i in at..at + process.covariates.len() {
                let k = self.index[i];
                let gamma = coefficients[k];
                value -= self.total_weight * process.lambda * gamma * gamma;
                gradient[n_base + k] -= 2.0 * self.total_weight * process.lambda * gamma;
            }
            at += process.covariates.len();
        }
        (value, gradient)
    }

    fn real_from(&self) -> usize {
        self.base_len()
    }
}

impl<L> GroupedLikelihood<'_, L> {
    /// The penalty `n Σ_p λ_p γ_p·γ_p` at these coefficients (what the fit's value has
    /// subtracted from the log-likelihood).
    pub fn penalty(&self, coefficients: &[f64]) -> f64 {
        let mut at = 0;
        let mut penalty = 0.0;
        for process in &self.spec.processes {
            for i in at..at + process.covariates.len() {
                penalty += self.total_weight * process.lambda * coefficients[self.index[i]].powi(2);
            }
            at += process.covariates.len();
        }
        penalty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PURCHASE: [&str; 2] = ["trans", "life"];

    #[test]
    fn options_name_the_coefficients() {
        let options =
            json!({"trans": ["gender", "channel"], "life": ["gender", "channel"], "constrained": ["gender"]});
        let spec = CovariateSpec::parse(&options, &PURCHASE, &[2, 2]).unwrap();
        assert_eq!(spec.coefficient_names(), ["trans.channel", "life.channel", "constr.gender"]);
        assert_eq!(spec.coefficient_index(), [2, 0, 2, 1]);
        let unnamed = CovariateSpec::parse(&Value::Null, &PURCHASE, &[1, 2]).unwrap();
        assert_eq!(unnamed.coefficient_names(), ["trans.1", "life.1", "life.2"]);
        let model = CovariateModel::new(spec.clone(), vec![0.5, -1.0, 0.25], None).unwrap();
        assert_eq!(model.linear_predictors(&[1.0, 2.0, 1.0, 2.0]), [0.25 + 1.0, 0.25 - 2.0]);
        let bytes = model.write(Writer::new(9)).finish();
        let mut r = Reader::new(&bytes, 9).unwrap();
        assert_eq!(CovariateModel::read(&mut r, &PURCHASE).unwrap(), model);
    }

    #[test]
    fn bad_options_say_why() {
        let bad = |options: Value, widths: [usize; 2]| {
            CovariateSpec::parse(&options, &PURCHASE, &widths).unwrap_err()
        };
        assert!(
            bad(json!({"trans": ["a"]}), [2, 0]).contains("name 1 \"trans\" covariates, the vectors have 2")
        );
        assert!(bad(json!({"trans": ["a", "a"]}), [2, 0]).contains("named twice"));
        assert!(
            bad(json!({"trans": ["a"], "constrained": ["a"]}), [1, 0]).contains("not a \"life\" covariate")
        );
        assert!(bad(json!({"lambda": {"trans": -1}}), [1, 1]).contains("between 0 and"));
        assert!(bad(json!({"lambda": {"spend": 1}}), [1, 1]).contains("unknown process \"spend\""));
        assert!(bad(json!({"trans": [""]}), [1, 1]).contains("non-empty"));
        assert!(bad(json!({"gender": 1}), [1, 1]).contains("unknown key \"gender\""));
        assert!(bad(json!([]), [1, 1]).contains("JSON object"));
        assert!(bad(json!({}), [0, 0]).contains("empty"));
        assert!(bad(json!({}), [33, 0]).contains("at most 32"));
    }

    /// A toy likelihood: Poisson counts with rate θ₀ e^(γ z) per group, whose maximum is known.
    struct Poisson {
        counts: f64,
        customers: f64,
    }

    impl LogLikelihood for Poisson {
        fn value_and_gradient(&self, p: &[f64]) -> (f64, Vec<f64>) {
            let rate = p[0];
            (self.counts * rate.ln() - self.customers * rate, vec![self.counts / rate - self.customers])
        }
    }

    #[test]
    fn grouped_fits_recover_each_groups_rate() {
        use crate::math::optimize::{maximize, Start};
        const LINK: Link = &[Some((0, 1.0))];
        let spec = CovariateSpec::parse(&json!({"spend": ["x"]}), &["spend"], &[1]).unwrap();
        let z = [0.0, 1.0];
        let parts =
            vec![Poisson { counts: 200.0, customers: 100.0 }, Poisson { counts: 600.0, customers: 100.0 }];
        let likelihood = GroupedLikelihood::new(&spec, LINK, &z, parts, 200.0);
        let fit = maximize(&likelihood, 200.0, Start::at(vec![1.0, 0.0]), None, &|| {});
        assert!(fit.converged, "{fit:?}");
        assert!((fit.params[0] - 2.0).abs() < 1e-6 && (fit.params[1] - 3f64.ln()).abs() < 1e-6, "{fit:?}");
        // Standard error of ln(rate ratio): sqrt(1/200 + 1/600).
        assert!((fit.std_errors[1] - (1.0f64 / 200.0 + 1.0 / 600.0).sqrt()).abs() < 1e-4, "{fit:?}");
    }
}
