//! Retention KPIs over customer summaries: repeat-purchase rate, churn in a period, revenue
//! concentration, cohort retention periods and the business profile. Days are PostgreSQL day
//! numbers; every quantity looks only at purchase days on or before the date it is asked for.

use crate::money::MicrosSum;
use crate::segments::repurchase::mean_cycle_days;
use crate::summary::SummaryView;
use crate::time::calendar::PeriodUnit;

/// Whether the customer bought on two or more days by `as_of`; `None` if they had not
/// ordered by then (not a customer yet).
pub fn is_repeat_buyer(s: &SummaryView, as_of: i32) -> Option<bool> {
    s.until(as_of).map(|seen| seen.purchase_days() >= 2)
}

/// The churn question for one period `[start, end)`: a customer is *active* at the start when
/// they bought in the `active_within` days before it, and *lost* when an active customer does
/// not buy during the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChurnPeriod {
    pub start: i32,
    pub end: i32,
    pub active_within: i32,
}

impl ChurnPeriod {
    pub fn new(start: i32, end: i32, active_within: i32) -> Result<Self, &'static str> {
        if end <= start {
            return Err("the period must end after it starts");
        }
        if active_within < 1 {
            return Err("active_within must be at least 1 day");
        }
        Ok(Self { start, end, active_within })
    }

    /// `None` when the customer was not active at the start, else whether they were lost.
    pub fn lost(&self, s: &SummaryView) -> Option<bool> {
        let active_since = self.start.saturating_sub(self.active_within);
        (s.purchase_days_between(active_since, self.start) > 0)
            .then(|| s.purchase_days_between(self.start, self.end) == 0)
    }
}

/// How many customers "the top `fraction`" is: `ceil(fraction · n)`, with the product first
/// rounded to 9 significant digits so that 0.3 of 10 customers is 3, not 4.
pub fn top_count(fraction: f64, n: usize) -> usize {
    let exact = fraction * n as f64;
    let rounded = (exact * 1e9).round() / 1e9;
    (rounded.ceil() as usize).clamp(1, n.max(1))
}

/// Share of total spend that the top `fraction` of customers by spend bring (see
/// [`top_count`]); `None` for no customers or a total that is not positive. Reorders `spends`
/// (micro-units, as `i128` or [`MicrosSum`]).
pub fn revenue_share_top<S: Copy + Into<i128>>(spends: &mut [S], fraction: f64) -> Option<f64> {
    let total: i128 = spends.iter().map(|&s| s.into()).sum();
    if spends.is_empty() || total <= 0 {
        return None;
    }
    let k = top_count(fraction, spends.len());
    let top: i128 = if k == spends.len() {
        total
    } else {
        spends.select_nth_unstable_by_key(k - 1, |&s| std::cmp::Reverse(s.into()));
        spends[..k].iter().map(|&s| s.into()).sum()
    };
    Some(top as f64 / total as f64)
}

/// The median of `values` (mean of the two middle ones for an even count); reorders them.
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below.iter().copied().max_by(f64::total_cmp).expect("n >= 2");
    Some((lower + upper) / 2.0)
}

/// One row of a customer's retention history: a calendar period since their first order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPeriod {
    /// First day of the period of the customer's first order.
    pub cohort: i32,
    /// Periods since the cohort's period (0 = the period of the first order).
    pub period: i32,
    pub period_start: i32,
    pub orders: u64,
    /// Micro-units.
    pub spend: i128,
}

impl RetentionPeriod {
    pub fn purchased(&self) -> bool {
        self.orders > 0
    }
}

/// The most rows [`retention_periods`] returns for one customer: 100,000 periods are 273 years
/// of days, enough for any real history, and bound the work of one call.
pub const MAX_RETENTION_PERIODS: i64 = 100_000;

/// Why a customer's retention periods cannot be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionError {
    /// A date beyond the calendar's range (about ±262,000 years).
    OutOfCalendar,
    /// More than [`MAX_RETENTION_PERIODS`] periods between the first order and `as_of`.
    TooManyPeriods(i64),
}

/// Every period from the customer's first order up to the one containing `as_of`, with the
/// orders and spend in it (days after `as_of` ignored, so the last period may be partial).
/// Empty when the first order is after `as_of`.
pub fn retention_periods(
    s: &SummaryView,
    unit: PeriodUnit,
    as_of: i32,
) -> Result<Vec<RetentionPeriod>, RetentionError> {
    use RetentionError::OutOfCalendar;
    let Some(seen) = s.until(as_of) else { return Ok(Vec::new()) };
    let first = unit.ordinal(seen.first_day()).ok_or(OutOfCalendar)?;
    let last = unit.ordinal(as_of).ok_or(OutOfCalendar)?;
    let cohort = unit.start(first).ok_or(OutOfCalendar)?;
    let periods = last - first + 1;
    if periods > MAX_RETENTION_PERIODS {
        return Err(RetentionError::TooManyPeriods(periods));
    }
    let mut rows = Vec::with_capacity((last - first + 1) as usize);
    for ordinal in first..=last {
        let period_start = unit.start(ordinal).ok_or(OutOfCalendar)?;
        // Purchase days beyond as_of are already cut off, so the next start may overshoot.
        let next_start = unit.start(ordinal + 1).unwrap_or(i32::MAX);
        rows.push(RetentionPeriod {
            cohort,
            period: i32::try_from(ordinal - first).map_err(|_| OutOfCalendar)?,
            period_start,
            orders: seen.orders_between(period_start, next_start),
            spend: seen.spend_between(period_start, next_start),
        });
    }
    Ok(rows)
}

/// What the business profile needs from one customer at `as_of`, looking at the window of
/// `window_days` days that ends with `as_of`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileCustomer {
    /// Bought in the window.
    pub active: bool,
    /// First order in the window.
    pub new: bool,
    pub repeat_buyer: bool,
    /// Spend in the window, micro-units.
    pub window_spend: i128,
    /// Spend up to `as_of`, micro-units.
    pub spend: i128,
    /// Mean days between purchase days up to `as_of`.
    pub cycle_days: Option<f64>,
}

impl ProfileCustomer {
    /// `None` when the customer had not ordered by `as_of`. `window_days` is at least 1.
    pub fn of(s: &SummaryView, as_of: i32, window_days: i32) -> Option<Self> {
        let seen = s.until(as_of)?;
        let window_start = as_of.saturating_sub(window_days - 1);
        let window_spend = seen.spend_between(window_start, i32::MAX);
        Some(Self {
            active: seen.purchase_days_between(window_start, i32::MAX) > 0,
            new: seen.first_day() >= window_start,
            repeat_buyer: seen.purchase_days() >= 2,
            window_spend,
            spend: seen.total_spend(),
            cycle_days: mean_cycle_days(&seen),
        })
    }
}

/// The counts and sums of the business profile; customers' spends and cycles are kept apart
/// by the caller (they need a median and a top share at the end).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProfileCounts {
    pub customers: u64,
    pub active: u64,
    pub new: u64,
    pub repeat_buyers: u64,
    /// Window revenue of new and of returning customers, micro-units.
    pub new_revenue: MicrosSum,
    pub returning_revenue: MicrosSum,
}

impl ProfileCounts {
    pub fn add(&mut self, c: &ProfileCustomer) {
        self.customers += 1;
        self.active += u64::from(c.active);
        self.new += u64::from(c.new);
        self.repeat_buyers += u64::from(c.repeat_buyer);
        if c.new {
            self.new_revenue += c.window_spend;
        } else {
            self.returning_revenue += c.window_spend;
        }
    }

    pub fn merge(&mut self, other: &Self) {
        self.customers += other.customers;
        self.active += other.active;
        self.new += other.new;
        self.repeat_buyers += other.repeat_buyers;
        self.new_revenue += other.new_revenue.into();
        self.returning_revenue += other.returning_revenue.into();
    }
}

/// What kind of business the profile describes (rules in [`Label::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    LoyalCustomerDriven,
    AcquisitionDriven,
    Mixed,
    Inactive,
}

impl Label {
    pub fn name(self) -> &'static str {
        match self {
            Self::LoyalCustomerDriven => "loyal-customer-driven",
            Self::AcquisitionDriven => "acquisition-driven",
            Self::Mixed => "mixed",
            Self::Inactive => "inactive",
        }
    }

    /// `inactive`: nobody bought in the window. `loyal-customer-driven`: returning customers
    /// are at least as many as new ones and bring at least half the window's revenue.
    /// `acquisition-driven`: new customers outnumber returning ones and bring more than half.
    /// Anything else is `mixed`.
    pub fn of(returning: u64, new: u64, returning_share: Option<f64>) -> Self {
        let new_share = returning_share.map(|s| 1.0 - s);
        if returning + new == 0 {
            Self::Inactive
        } else if returning >= new && returning_share.is_some_and(|s| s >= 0.5) {
            Self::LoyalCustomerDriven
        } else if new > returning && new_share.is_some_and(|s| s > 0.5) {
            Self::AcquisitionDriven
        } else {
            Self::Mixed
        }
    }
}

/// The business profile at a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    pub customers: u64,
    pub active_customers: u64,
    pub new_customers: u64,
    pub returning_customers: u64,
    /// Shares of the window's revenue; `None` when it is not positive.
    pub new_revenue_share: Option<f64>,
    pub returning_revenue_share: Option<f64>,
    pub repeat_purchase_rate: f64,
    /// Share of all spend up to `as_of` from the top 10% of customers.
    pub top_decile_revenue_share: Option<f64>,
    pub median_repurchase_cycle_days: Option<f64>,
    pub label: Label,
}

impl Profile {
    /// `None` for no customers. Reorders `spends` and `cycles`.
    pub fn new<S: Copy + Into<i128>>(
        counts: &ProfileCounts,
        spends: &mut [S],
        cycles: &mut [f64],
    ) -> Option<Self> {
        if counts.customers == 0 {
            return None;
        }
        let returning = counts.active - counts.new;
        let (new_revenue, returning_revenue) =
            (i128::from(counts.new_revenue), i128::from(counts.returning_revenue));
        let window_revenue = new_revenue + returning_revenue;
        let share = |part: i128| (window_revenue > 0).then(|| part as f64 / window_revenue as f64);
        let returning_revenue_share = share(returning_revenue);
        Some(Self {
            customers: counts.customers,
            active_customers: counts.active,
            new_customers: counts.new,
            returning_customers: returning,
            new_revenue_share: share(new_revenue),
            returning_revenue_share,
            repeat_purchase_rate: counts.repeat_buyers as f64 / counts.customers as f64,
            top_decile_revenue_share: revenue_share_top(spends, 0.1),
            median_repurchase_cycle_days: median(cycles),
            label: Label::of(returning, counts.new, returning_revenue_share),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{encode_to_vec, PurchaseDay};

    fn summary(days: &[(i32, i64)]) -> Vec<u8> {
        encode_to_vec(days.iter().map(|&(day, amount)| PurchaseDay { day, orders: 1, amount }).collect())
            .unwrap()
    }

    #[test]
    fn repeat_buyers_count_days_by_as_of() {
        let bytes = summary(&[(10, 1), (20, 1)]);
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(is_repeat_buyer(&s, 5), None);
        assert_eq!(is_repeat_buyer(&s, 10), Some(false));
        assert_eq!(is_repeat_buyer(&s, 20), Some(true));
    }

    #[test]
    fn churn_needs_activity_before_and_none_during() {
        let period = ChurnPeriod::new(100, 130, 90).unwrap();
        let lost = |days: &[(i32, i64)]| period.lost(&SummaryView::new(&summary(days)).unwrap());
        assert_eq!(lost(&[(5, 1)]), None); // last bought 95 days before: not active
        assert_eq!(lost(&[(10, 1)]), Some(true)); // 90 days before: active, then nothing
        assert_eq!(lost(&[(99, 1), (129, 1)]), Some(false)); // bought on the period's last day
        assert_eq!(lost(&[(99, 1), (130, 1)]), Some(true)); // the end is exclusive
        assert_eq!(lost(&[(100, 1)]), None); // first order inside the period: not at risk
        assert!(ChurnPeriod::new(100, 100, 90).is_err());
        assert!(ChurnPeriod::new(100, 101, 0).is_err());
        // No overflow at the ends of the day range.
        assert_eq!(
            ChurnPeriod::new(i32::MIN + 1, i32::MIN + 5, 90)
                .unwrap()
                .lost(&SummaryView::new(&summary(&[(1, 1)])).unwrap()),
            None
        );
    }

    #[test]
    fn top_share_is_exact() {
        assert_eq!(top_count(0.3, 10), 3);
        assert_eq!(top_count(0.1, 2357), 236);
        assert_eq!(top_count(1e-9, 5), 1);
        assert_eq!(top_count(1.0, 7), 7);
        let mut spends = vec![10, 40, 20, 30];
        assert_eq!(revenue_share_top(&mut spends, 0.25), Some(0.4));
        assert_eq!(revenue_share_top(&mut spends, 0.5), Some(0.7));
        assert_eq!(revenue_share_top(&mut spends, 1.0), Some(1.0));
        assert_eq!(revenue_share_top::<i128>(&mut [], 0.5), None);
        assert_eq!(revenue_share_top(&mut [5, -5], 0.5), None);
        // Refunds make shares above 1 possible: documented, not hidden.
        assert_eq!(revenue_share_top(&mut [30, -10], 0.5), Some(1.5));
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn retention_periods_by_month() {
        // 1997-01-15 (day -1082), 1997-03-02 and 1997-03-20, as of 1997-04-10.
        let (jan15, mar2, mar20, apr10) = (-1081, -1035, -1017, -996);
        let bytes = summary(&[(jan15, 5_000_000), (mar2, 1_000_000), (mar20, 2_000_000)]);
        let s = SummaryView::new(&bytes).unwrap();
        let rows = retention_periods(&s, PeriodUnit::Month, apr10).unwrap();
        let jan1 = -1095;
        let got: Vec<_> =
            rows.iter().map(|r| (r.cohort, r.period, r.period_start, r.orders, r.spend)).collect();
        assert_eq!(
            got,
            vec![
                (jan1, 0, jan1, 1, 5_000_000),
                (jan1, 1, jan1 + 31, 0, 0),
                (jan1, 2, jan1 + 59, 2, 3_000_000),
                (jan1, 3, jan1 + 90, 0, 0),
            ]
        );
        assert!(retention_periods(&s, PeriodUnit::Month, jan15 - 1).unwrap().is_empty());
        // Orders after as_of are not counted, even in as_of's own period.
        let partial = retention_periods(&s, PeriodUnit::Month, mar2).unwrap();
        assert_eq!(partial.last().map(|r| (r.period, r.orders)), Some((2, 1)));
        assert_eq!(retention_periods(&s, PeriodUnit::Year, i32::MAX - 1), Err(RetentionError::OutOfCalendar));
        // The largest PostgreSQL date is two million years of days away: refused before any work.
        assert_eq!(
            retention_periods(&s, PeriodUnit::Day, 2_147_483_493),
            Err(RetentionError::TooManyPeriods(2_147_483_493 - i64::from(jan15) + 1))
        );
        assert_eq!(retention_periods(&s, PeriodUnit::Day, jan15 + 99_999).unwrap().len(), 100_000);
    }

    #[test]
    fn profile_labels() {
        assert_eq!(Label::of(0, 0, None), Label::Inactive);
        assert_eq!(Label::of(10, 5, Some(0.8)), Label::LoyalCustomerDriven);
        assert_eq!(Label::of(10, 10, Some(0.5)), Label::LoyalCustomerDriven);
        assert_eq!(Label::of(10, 5, Some(0.4)), Label::Mixed);
        assert_eq!(Label::of(5, 10, Some(0.3)), Label::AcquisitionDriven);
        assert_eq!(Label::of(5, 10, Some(0.5)), Label::Mixed);
        assert_eq!(Label::of(5, 10, None), Label::Mixed);
    }

    #[test]
    fn profile_of_a_small_shop() {
        // As of day 400 with a 365-day window (days 36..=400).
        let customers = [
            summary(&[(0, 100), (30, 100)]),             // lapsed before the window
            summary(&[(10, 50), (100, 50), (200, 100)]), // returning, 150 in the window
            summary(&[(390, 300)]),                      // new, 300 in the window
            summary(&[(500, 1000)]),                     // not a customer yet
        ];
        let mut counts = ProfileCounts::default();
        let (mut spends, mut cycles) = (Vec::new(), Vec::new());
        for bytes in &customers {
            if let Some(c) = ProfileCustomer::of(&SummaryView::new(bytes).unwrap(), 400, 365) {
                counts.add(&c);
                spends.push(c.spend);
                cycles.extend(c.cycle_days);
            }
        }
        let p = Profile::new(&counts, &mut spends, &mut cycles).unwrap();
        assert_eq!((p.customers, p.active_customers, p.new_customers, p.returning_customers), (3, 2, 1, 1));
        assert_eq!(p.new_revenue_share, Some(300.0 / 450.0));
        assert_eq!(p.returning_revenue_share, Some(150.0 / 450.0));
        assert_eq!(p.repeat_purchase_rate, 2.0 / 3.0);
        assert_eq!(p.top_decile_revenue_share, Some(300.0 / 700.0));
        assert_eq!(p.median_repurchase_cycle_days, Some(62.5)); // cycles 30 and 95
        assert_eq!(p.label, Label::Mixed); // equal counts, but new customers bring 2/3
        assert_eq!(Profile::new::<i128>(&ProfileCounts::default(), &mut [], &mut []), None);
    }
}
