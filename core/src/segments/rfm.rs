//! RFM: recency, frequency and monetary scores from population quantiles, and named segments.
//!
//! Cut points are chosen so that, when the values are distinct, a customer's score is exactly
//! `ntile(bins)` over the population (R over recency descending, F and M ascending). Equal
//! values always get the same score: a tie that straddles a boundary goes to the lower bin.

use crate::codec::{DecodeError, Reader, StoredValue, Writer};
use crate::money::micros_to_f64;
use crate::summary::SummaryView;
use serde::{Deserialize, Serialize};

pub const MIN_BINS: u8 = 2;
pub const MAX_BINS: u8 = 10;
/// The stored format version of [`Breaks`].
pub const FORMAT_VERSION: u8 = 1;

/// One customer's RFM inputs at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfmValues {
    /// Days from the last order on or before `as_of` to `as_of` (marketing recency).
    pub recency_days: f64,
    /// Orders up to `as_of`.
    pub orders: f64,
    /// Spend up to `as_of`, currency units.
    pub spend: f64,
}

impl RfmValues {
    /// `None` when the customer had not ordered by `as_of`.
    pub fn of(s: &SummaryView, as_of: i32) -> Option<Self> {
        let seen = s.until(as_of)?;
        Some(Self {
            recency_days: (i64::from(as_of) - i64::from(seen.last_day())) as f64,
            orders: seen.order_count() as f64,
            spend: micros_to_f64(seen.total_spend()),
        })
    }
}

/// Population cut points: `bins - 1` per dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Breaks {
    pub bins: u8,
    pub as_of: i32,
    pub customers: u64,
    /// Recency cut points, descending (larger recency, lower R).
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
}

/// The last position of each of the first `bins - 1` of `ntile(bins)`'s buckets over `n`
/// sorted values (1-based): the first `n % bins` buckets hold one extra value.
fn bucket_ends(n: usize, bins: usize) -> impl Iterator<Item = usize> {
    let (q, r) = (n / bins, n % bins);
    (1..bins).map(move |j| j * q + j.min(r))
}

/// The values at the bucket ends, as if `values` were sorted: one selection per cut point, each
/// in what lies beyond the last (no full sort), with `check` before each.
fn cut_points(values: &mut [f64], bins: u8, descending: bool, check: &dyn Fn()) -> Vec<f64> {
    let order = |a: &f64, b: &f64| if descending { b.total_cmp(a) } else { a.total_cmp(b) };
    // Everything before `settled` is in its sorted place relative to what follows.
    let mut settled = 0;
    bucket_ends(values.len(), bins.into())
        .map(|end| {
            if end <= settled {
                return values[end - 1]; // fewer values than bins: an end already selected
            }
            check();
            let (_, &mut cut, _) = values[settled..].select_nth_unstable_by(end - 1 - settled, order);
            settled = end;
            cut
        })
        .collect()
}

fn score(value: f64, cuts: &[f64], descending: bool) -> u8 {
    let above = cuts.iter().filter(|&&c| if descending { value < c } else { value > c }).count();
    1 + above as u8
}

impl Breaks {
    /// Cut points of a non-empty population; `bins` must be in `MIN_BINS..=MAX_BINS`. `check`
    /// runs before each of the (at most 27) selections, which take milliseconds each on a
    /// million customers.
    pub fn from_values(bins: u8, as_of: i32, values: &[RfmValues], check: &dyn Fn()) -> Option<Self> {
        assert!((MIN_BINS..=MAX_BINS).contains(&bins));
        if values.is_empty() {
            return None;
        }
        let column = |get: fn(&RfmValues) -> f64, descending| {
            let mut v: Vec<f64> = values.iter().map(get).collect();
            cut_points(&mut v, bins, descending, check)
        };
        Some(Self {
            bins,
            as_of,
            customers: values.len() as u64,
            recency: column(|v| v.recency_days, true),
            frequency: column(|v| v.orders, false),
            monetary: column(|v| v.spend, false),
        })
    }

    pub fn score(&self, v: &RfmValues) -> Scores {
        Scores {
            r: score(v.recency_days, &self.recency, true),
            f: score(v.orders, &self.frequency, false),
            m: score(v.spend, &self.monetary, false),
            bins: self.bins,
        }
    }
}

impl StoredValue for Breaks {
    fn encode(&self) -> Vec<u8> {
        Writer::new(FORMAT_VERSION)
            .u8(self.bins)
            .i32(self.as_of)
            .u64(self.customers)
            .f64s(&self.recency)
            .f64s(&self.frequency)
            .f64s(&self.monetary)
            .finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, FORMAT_VERSION)?;
        let bins = r.u8()?;
        if !(MIN_BINS..=MAX_BINS).contains(&bins) {
            return Err(DecodeError::Invalid("bins out of range"));
        }
        let cuts = usize::from(bins) - 1;
        let breaks = Self {
            bins,
            as_of: r.i32()?,
            customers: r.u64()?,
            recency: r.f64s(cuts)?,
            frequency: r.f64s(cuts)?,
            monetary: r.f64s(cuts)?,
        };
        r.finish()?;
        Ok(breaks)
    }
}

/// R, F and M scores, each `1..=bins` (R: most recent = highest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub bins: u8,
}

impl Scores {
    /// `"545"`; with 10 bins, where a score can have two digits, `"10-4-5"`.
    pub fn cell(&self) -> String {
        if self.bins <= 9 {
            format!("{}{}{}", self.r, self.f, self.m)
        } else {
            format!("{}-{}-{}", self.r, self.f, self.m)
        }
    }

    /// The scores on the 5-point scale the segments are defined on: `ceil(score * 5 / bins)`,
    /// and FM, the mean of F and M rounded half up.
    pub fn five_point(&self) -> FivePoint {
        let scale = |s: u8| (u16::from(s) * 5).div_ceil(u16::from(self.bins)) as u8;
        let (f, m) = (scale(self.f), scale(self.m));
        FivePoint { r: scale(self.r), f, m, fm: (f + m).div_ceil(2) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FivePoint {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub fm: u8,
}

/// A segment rule: the segment applies when every given inclusive range (on the 5-point
/// scale) contains the customer's score. Rules are tried in order; the first match wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub segment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r: Option<(u8, u8)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f: Option<(u8, u8)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m: Option<(u8, u8)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fm: Option<(u8, u8)>,
}

impl Rule {
    fn new(segment: &str, r: (u8, u8), fm: (u8, u8)) -> Self {
        Self { segment: segment.into(), r: Some(r), f: None, m: None, fm: Some(fm) }
    }

    fn matches(&self, s: &FivePoint) -> bool {
        let within = |range: Option<(u8, u8)>, v: u8| range.is_none_or(|(lo, hi)| lo <= v && v <= hi);
        within(self.r, s.r) && within(self.f, s.f) && within(self.m, s.m) && within(self.fm, s.fm)
    }

    /// Why this rule cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.segment.is_empty() {
            return Err("a rule needs a segment name");
        }
        let ranges = [self.r, self.f, self.m, self.fm];
        if ranges.iter().flatten().any(|&(lo, hi)| lo < 1 || hi > 5 || lo > hi) {
            return Err("score ranges are [low, high] with 1 <= low <= high <= 5");
        }
        Ok(())
    }
}

/// The canonical segments (the table in docs/segments.md), as rules over R and FM.
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new("Champions", (4, 5), (4, 5)),
        Rule::new("Loyal Customers", (3, 5), (3, 5)),
        Rule::new("New Customers", (5, 5), (1, 1)),
        Rule::new("Promising", (4, 4), (1, 1)),
        Rule::new("Potential Loyalists", (4, 5), (2, 2)),
        Rule::new("Need Attention", (3, 3), (2, 2)),
        Rule::new("About to Sleep", (3, 3), (1, 1)),
        Rule::new("Can't Lose Them", (1, 2), (5, 5)),
        Rule::new("At Risk", (1, 2), (3, 4)),
        Rule::new("Hibernating", (2, 2), (1, 2)),
        Rule::new("Lost", (1, 1), (1, 2)),
    ]
}

/// The first rule matching `scores`, if any.
pub fn segment<'a>(rules: &'a [Rule], scores: &Scores) -> Option<&'a str> {
    let five = scores.five_point();
    rules.iter().find(|rule| rule.matches(&five)).map(|rule| rule.segment.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population(recency: &[f64]) -> Vec<RfmValues> {
        recency.iter().map(|&r| RfmValues { recency_days: r, orders: r, spend: r }).collect()
    }

    /// ntile(bins) over values sorted ascending (1-based bucket of 0-based position i).
    fn ntile(i: usize, n: usize, bins: usize) -> u8 {
        let ends: Vec<usize> = bucket_ends(n, bins).collect();
        1 + ends.iter().filter(|&&e| e <= i).count() as u8
    }

    #[test]
    fn distinct_values_score_as_ntile() {
        for n in 1..40 {
            for bins in MIN_BINS..=MAX_BINS {
                // A permutation of 0..n (41 is coprime to every n < 41).
                let values: Vec<f64> = (0..n).map(|i| (i * 41 % n) as f64).collect();
                let breaks = Breaks::from_values(bins, 0, &population(&values), &|| {}).unwrap();
                for (i, v) in (0..n).map(|i| (i, i as f64)) {
                    let s = breaks.score(&RfmValues { recency_days: v, orders: v, spend: v });
                    let ascending = ntile(i, n, bins.into());
                    let descending = ntile(n - 1 - i, n, bins.into());
                    assert_eq!(
                        (s.f, s.m, s.r),
                        (ascending, ascending, descending),
                        "n={n} bins={bins} v={v}"
                    );
                }
            }
        }
    }

    #[test]
    fn ties_are_never_split_and_go_down() {
        // Sorted: 1 2 2 2 3 3; ntile(3) would split the 2s between bins 1 and 2.
        let breaks = Breaks::from_values(3, 0, &population(&[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]), &|| {}).unwrap();
        assert_eq!(breaks.frequency, vec![2.0, 2.0]);
        let f = |v: f64| breaks.score(&RfmValues { recency_days: v, orders: v, spend: v }).f;
        assert_eq!((f(1.0), f(2.0), f(3.0)), (1, 1, 3));
        assert_eq!(breaks.recency, vec![3.0, 2.0]);
        let r = |v: f64| breaks.score(&RfmValues { recency_days: v, orders: v, spend: v }).r;
        assert_eq!((r(3.0), r(2.0), r(1.0)), (1, 2, 3));
    }

    #[test]
    fn breaks_round_trip_and_reject_bad_bytes() {
        let breaks = Breaks::from_values(4, 9000, &population(&[5.0, 1.0, 9.0, 3.0, 7.0]), &|| {}).unwrap();
        let bytes = breaks.encode();
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(Breaks::decode(&bytes), Ok(breaks));
        assert_eq!(Breaks::decode(&bytes[..bytes.len() - 1]), Err(DecodeError::Truncated));
        let mut bad_bins = bytes.clone();
        bad_bins[1] = 11;
        assert!(Breaks::decode(&bad_bins).is_err());
        assert!(Breaks::from_values(5, 0, &[], &|| {}).is_none());
    }

    #[test]
    fn cells_and_five_point_scale() {
        let s = Scores { r: 5, f: 4, m: 5, bins: 5 };
        assert_eq!(s.cell(), "545");
        assert_eq!(s.five_point(), FivePoint { r: 5, f: 4, m: 5, fm: 5 });
        let ten = Scores { r: 10, f: 1, m: 6, bins: 10 };
        assert_eq!(ten.cell(), "10-1-6");
        assert_eq!(ten.five_point(), FivePoint { r: 5, f: 1, m: 3, fm: 2 });
        assert_eq!(Scores { r: 1, f: 2, m: 3, bins: 3 }.five_point(), FivePoint { r: 2, f: 4, m: 5, fm: 5 });
    }

    #[test]
    fn every_five_point_cell_has_exactly_the_documented_segment() {
        let grid = [
            // FM:  1                 2                      3                  4                  5
            ["New Customers", "Potential Loyalists", "Loyal Customers", "Champions", "Champions"], // R5
            ["Promising", "Potential Loyalists", "Loyal Customers", "Champions", "Champions"],     // R4
            ["About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers", "Loyal Customers"], // R3
            ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"], // R2
            ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"],               // R1
        ];
        let rules = default_rules();
        for (row, r) in grid.iter().zip((1..=5).rev()) {
            for f in 1..=5u8 {
                for m in 1..=5u8 {
                    let fm = (f + m).div_ceil(2);
                    let got = segment(&rules, &Scores { r, f, m, bins: 5 });
                    assert_eq!(got, Some(row[usize::from(fm) - 1]), "r={r} f={f} m={m}");
                }
            }
        }
        assert!(rules.iter().all(|rule| rule.check().is_ok()));
    }

    #[test]
    fn custom_rules_from_json() {
        let rules: Vec<Rule> =
            serde_json::from_str(r#"[{"segment": "Whales", "m": [5, 5]}, {"segment": "Everyone else"}]"#)
                .unwrap();
        assert_eq!(segment(&rules, &Scores { r: 1, f: 1, m: 5, bins: 5 }), Some("Whales"));
        assert_eq!(segment(&rules, &Scores { r: 5, f: 5, m: 4, bins: 5 }), Some("Everyone else"));
        assert!(serde_json::from_str::<Vec<Rule>>(r#"[{"segment": "x", "q": [1, 2]}]"#).is_err());
        let bad: Vec<Rule> = serde_json::from_str(r#"[{"segment": "x", "r": [4, 2]}]"#).unwrap();
        assert!(bad[0].check().is_err());
    }
}
