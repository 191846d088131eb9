//! How a model was fitted, in the shape the purchase models share (BTYD, BG/BB, sBG):
//! log-likelihood, standard errors, customers, distinct patterns, iterations and convergence,
//! with its binary and text forms written once; and the forms of models that are nothing but
//! parameters and a report (BG/BB, sBG). Gamma-Gamma keeps its 0.1.0 format, which records
//! excluded customers instead of patterns.

use super::text::ModelText;
use super::FitRecord;
use crate::codec::{DecodeError, Reader, Writer};
use crate::math::optimize::Fitted;

#[derive(Debug, Clone, PartialEq)]
pub struct FitReport<const P: usize> {
    pub log_likelihood: f64,
    /// NaN where not estimable.
    pub std_errors: [f64; P],
    /// Customers fitted on (the sum of the weights).
    pub customers: f64,
    /// Distinct observations fitted on.
    pub patterns: u64,
    pub iterations: u64,
    pub converged: bool,
}

impl<const P: usize> FitReport<P> {
    /// The report of an optimizer's result, and its parameters.
    pub fn of(fitted: Fitted, customers: f64, patterns: u64) -> ([f64; P], Self) {
        let params = fitted.params.try_into().expect("one estimate per parameter");
        let report = Self {
            log_likelihood: fitted.log_likelihood,
            std_errors: fitted.std_errors.try_into().expect("one standard error per parameter"),
            customers,
            patterns,
            iterations: fitted.iterations,
            converged: fitted.converged,
        };
        (params, report)
    }

    pub fn record(&self) -> FitRecord<'_> {
        FitRecord {
            log_likelihood: self.log_likelihood,
            std_errors: &self.std_errors,
            coefficients: 0,
            customers: self.customers,
            converged: self.converged,
        }
    }

    /// A presence byte, then the fields.
    pub fn write(report: Option<&Self>, w: Writer) -> Writer {
        match report {
            None => w.u8(0),
            Some(f) => w
                .u8(1)
                .f64(f.log_likelihood)
                .f64s(&f.std_errors)
                .f64(f.customers)
                .u64(f.patterns)
                .u64(f.iterations)
                .u8(u8::from(f.converged)),
        }
    }

    pub fn read(r: &mut Reader) -> Result<Option<Self>, DecodeError> {
        Ok(match r.u8()? {
            0 => None,
            _ => Some(Self {
                log_likelihood: r.f64()?,
                std_errors: r.f64_array()?,
                customers: r.f64()?,
                patterns: r.u64()?,
                iterations: r.u64()?,
                converged: r.u8()? == 1,
            }),
        })
    }

    pub fn to_text(report: Option<&Self>, names: &[&str], text: &mut ModelText) {
        if let Some(f) = report {
            text.set_fit(names, f.log_likelihood, &f.std_errors, f.customers, f.iterations, f.converged);
            text.patterns = Some(f.patterns);
        }
    }

    pub fn from_text(text: &ModelText, names: &[&str]) -> Result<Option<Self>, String> {
        let Some(f) = text.fit(names)? else { return Ok(None) };
        Ok(Some(Self {
            log_likelihood: f.log_likelihood,
            std_errors: f.std_errors.try_into().expect("one name, one error"),
            customers: f.customers,
            patterns: text.patterns.ok_or("patterns is missing")?,
            iterations: f.iterations,
            converged: f.converged,
        }))
    }
}

/// A model that is its parameters and, when fitted, its report: the binary form is the version
/// byte, the parameters, then the report.
pub fn encode_plain<const P: usize>(version: u8, params: &[f64; P], fit: Option<&FitReport<P>>) -> Vec<u8> {
    FitReport::write(fit, Writer::new(version).f64s(params)).finish()
}

pub type Plain<const P: usize> = ([f64; P], Option<FitReport<P>>);

/// The parameters (positive and finite) and report of [`encode_plain`]'s form.
pub fn decode_plain<const P: usize>(version: u8, bytes: &[u8]) -> Result<Plain<P>, DecodeError> {
    let mut r = Reader::new(bytes, version)?;
    let params: [f64; P] = r.f64_array()?;
    super::btyd::check_params(&params).map_err(DecodeError::Invalid)?;
    let fit = FitReport::read(&mut r)?;
    r.finish()?;
    Ok((params, fit))
}

/// The text form of a plain model named `name`.
pub fn plain_to_text<const P: usize>(
    name: &str,
    names: &[&str; P],
    params: &[f64; P],
    fit: Option<&FitReport<P>>,
) -> ModelText {
    let mut text = ModelText::new(name, None, names, params);
    FitReport::to_text(fit, names, &mut text);
    text
}

/// A plain model from its text form, which must name model `name` and have no unit, as_of or
/// excluded (its time is its own: opportunities, periods).
pub fn plain_from_text<const P: usize>(
    text: &ModelText,
    name: &str,
    names: &[&str; P],
) -> Result<Plain<P>, String> {
    if text.model != name {
        return Err(format!("unknown model \"{}\" ({name})", text.model));
    }
    if text.unit.is_some() || text.as_of().is_some() || text.excluded.is_some() {
        return Err(format!("a {name} model has no unit, as_of or excluded"));
    }
    let params = text.params(names)?.try_into().expect("one name per parameter");
    Ok((params, FitReport::from_text(text, names)?))
}
