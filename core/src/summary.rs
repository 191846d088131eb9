//! The per-customer summary: a customer's purchase days, each with its number of orders and
//! its spend, and everything derived from them.
//!
//! Purchases are counted per calendar day, as lifetimes' `freq='D'` does: several orders on
//! one day are one purchase occasion whose amounts add up. Days are PostgreSQL day numbers
//! (days since 2000-01-01), amounts are micro-units (see [`crate::money`]).
//!
//! # Stored form (version 1)
//!
//! All integers little-endian:
//!
//! | bytes        | field                                           |
//! |--------------|-------------------------------------------------|
//! | 0            | format version, `1`                             |
//! | 1..4         | reserved, zero                                  |
//! | 4..8         | `n`: number of purchase days (u32, at least 1)  |
//! | 8..16        | number of orders (u64)                          |
//! | 16..32       | total spend in micro-units (i128)               |
//! | 32..32+4n    | purchase days, strictly increasing (i32)        |
//! | ..+4n        | orders on each day, at least 1 (u32)            |
//! | ..+8n        | spend on each day in micro-units (i64)          |
//!
//! The totals in the header make the common accessors O(1); the columns make a cut at a date
//! a binary search.

use std::cmp::Ordering;

/// One purchase day of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseDay {
    /// PostgreSQL day number (days since 2000-01-01).
    pub day: i32,
    /// Number of orders on that day.
    pub orders: u32,
    /// Spend on that day, micro-units.
    pub amount: i64,
}

/// The current stored format version.
pub const FORMAT_VERSION: u8 = 1;
const HEADER_LEN: usize = 32;
const BYTES_PER_DAY: usize = 4 + 4 + 8;

/// Why a summary cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryError {
    /// One customer's spend on one day leaves the i64 micro-unit range.
    AmountOverflow { day: i32 },
    /// More than 4,294,967,295 orders on one day.
    OrderCountOverflow { day: i32 },
    /// Stored bytes that are not a valid summary.
    Corrupt(&'static str),
    /// A stored format this build does not know.
    UnknownVersion(u8),
}

impl std::fmt::Display for SummaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AmountOverflow { .. } => {
                write!(f, "spend of one customer on one day exceeds 9,223,372,036,854.775807")
            }
            Self::OrderCountOverflow { .. } => {
                write!(f, "more than 4294967295 orders of one customer on one day")
            }
            Self::Corrupt(why) => write!(f, "invalid customer_summary: {why}"),
            Self::UnknownVersion(v) => write!(f, "customer_summary format version {v} is not supported"),
        }
    }
}

impl From<SummaryError> for crate::codec::DecodeError {
    fn from(e: SummaryError) -> Self {
        match e {
            SummaryError::Corrupt(why) => Self::Invalid(why),
            SummaryError::UnknownVersion(v) => Self::UnknownVersion(v),
            SummaryError::AmountOverflow { .. } | SummaryError::OrderCountOverflow { .. } => {
                Self::Invalid("sum out of range")
            }
        }
    }
}

/// Sorts purchase days and merges entries of the same day. Returns the number of distinct days,
/// which are left at the front of `days`.
///
/// The result depends only on the multiset of entries, never on their order, which is what
/// makes serial, parallel and rolled-up summaries identical.
pub fn normalize(days: &mut [PurchaseDay]) -> Result<usize, SummaryError> {
    crate::math::sorted::sort_and_merge(
        days,
        |a, b| a.day.cmp(&b.day),
        |into, next| {
            into.orders = into
                .orders
                .checked_add(next.orders)
                .ok_or(SummaryError::OrderCountOverflow { day: next.day })?;
            into.amount =
                into.amount.checked_add(next.amount).ok_or(SummaryError::AmountOverflow { day: next.day })?;
            Ok(())
        },
        &|| {},
    )
}

/// The purchase days of two summaries of one customer's orders merged, as if all their orders
/// had been summarized at once: days in both add their orders and amounts. Sorted and merged
/// in one pass, so the result is byte-identical to the summary of the union of the orders.
pub fn merge(a: &SummaryView, b: &SummaryView) -> Result<Vec<PurchaseDay>, SummaryError> {
    let mut days = Vec::with_capacity(a.purchase_days() + b.purchase_days());
    let (mut left, mut right) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => left.next(),
            (None, Some(_)) => right.next(),
            (Some(l), Some(r)) if l.day < r.day => left.next(),
            (Some(l), Some(r)) if r.day < l.day => right.next(),
            (Some(_), Some(_)) => {
                let (l, r) = (left.next().expect("peeked"), right.next().expect("peeked"));
                let orders =
                    l.orders.checked_add(r.orders).ok_or(SummaryError::OrderCountOverflow { day: l.day })?;
                let amount =
                    l.amount.checked_add(r.amount).ok_or(SummaryError::AmountOverflow { day: l.day })?;
                Some(PurchaseDay { day: l.day, orders, amount })
            }
        };
        days.extend(next);
    }
    Ok(days)
}

/// Size in bytes of the stored form of `n_days` purchase days.
pub fn encoded_len(n_days: usize) -> usize {
    HEADER_LEN + n_days * BYTES_PER_DAY
}

/// Writes the stored form of normalized, non-empty `days` into `out`, which must be exactly
/// [`encoded_len`]`(days.len())` bytes.
pub fn encode(days: &[PurchaseDay], out: &mut [u8]) {
    assert!(!days.is_empty(), "a summary has at least one purchase day");
    assert_eq!(out.len(), encoded_len(days.len()));
    debug_assert!(days.windows(2).all(|w| w[0].day < w[1].day), "days must be normalized");
    let n = days.len();
    let order_count: u64 = days.iter().map(|d| u64::from(d.orders)).sum();
    let total: i128 = days.iter().map(|d| i128::from(d.amount)).sum();
    out[..4].copy_from_slice(&[FORMAT_VERSION, 0, 0, 0]);
    out[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    out[8..16].copy_from_slice(&order_count.to_le_bytes());
    out[16..32].copy_from_slice(&total.to_le_bytes());
    let (day_col, rest) = out[HEADER_LEN..].split_at_mut(4 * n);
    let (order_col, amount_col) = rest.split_at_mut(4 * n);
    for (i, d) in days.iter().enumerate() {
        day_col[4 * i..4 * i + 4].copy_from_slice(&d.day.to_le_bytes());
        order_col[4 * i..4 * i + 4].copy_from_slice(&d.orders.to_le_bytes());
        amount_col[8 * i..8 * i + 8].copy_from_slice(&d.amount.to_le_bytes());
    }
}

/// Convenience for tests and small callers: normalize and encode into a new vector.
pub fn encode_to_vec(mut days: Vec<PurchaseDay>) -> Result<Vec<u8>, SummaryError> {
    let n = normalize(&mut days)?;
    if n == 0 {
        return Err(SummaryError::Corrupt("a summary has at least one purchase day"));
    }
    let mut out = vec![0; encoded_len(n)];
    encode(&days[..n], &mut out);
    Ok(out)
}

/// A read-only view of a stored summary, possibly cut at a date (see [`SummaryView::until`]).
#[derive(Debug, Clone, Copy)]
pub struct SummaryView<'a> {
    day_col: &'a [u8],
    order_col: &'a [u8],
    amount_col: &'a [u8],
    /// Purchase days visible through this view (a prefix of the stored days).
    n: usize,
    /// Header totals, valid while the view shows every stored day.
    stored_totals: Option<(u64, i128)>,
}

fn read_i32(col: &[u8], i: usize) -> i32 {
    i32::from_le_bytes(col[4 * i..4 * i + 4].try_into().expect("4 bytes"))
}

fn read_u32(col: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(col[4 * i..4 * i + 4].try_into().expect("4 bytes"))
}

fn read_i64(col: &[u8], i: usize) -> i64 {
    i64::from_le_bytes(col[8 * i..8 * i + 8].try_into().expect("8 bytes"))
}

impl<'a> SummaryView<'a> {
    /// Reads the header of a stored summary. O(1): trusts the columns, which is right for
    /// values this extension wrote; use [`SummaryView::validated`] for untrusted bytes.
    pub fn new(bytes: &'a [u8]) -> Result<Self, SummaryError> {
        if bytes.len() < HEADER_LEN {
            return Err(SummaryError::Corrupt("too short"));
        }
        if bytes[0] != FORMAT_VERSION {
            return Err(SummaryError::UnknownVersion(bytes[0]));
        }
        let n = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes")) as usize;
        if n == 0 || bytes.len() != encoded_len(n) {
            return Err(SummaryError::Corrupt("length does not match the number of days"));
        }
        let order_count = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let total = i128::from_le_bytes(bytes[16..32].try_into().expect("16 bytes"));
        let (day_col, rest) = bytes[HEADER_LEN..].split_at(4 * n);
        let (order_col, amount_col) = rest.split_at(4 * n);
        Ok(Self { day_col, order_col, amount_col, n, stored_totals: Some((order_count, total)) })
    }

    /// Reads and fully checks a summary from untrusted bytes (text input, binary receive).
    pub fn validated(bytes: &'a [u8]) -> Result<Self, SummaryError> {
        let view = Self::new(bytes)?;
        if bytes[1..4] != [0, 0, 0] {
            return Err(SummaryError::Corrupt("reserved bytes are not zero"));
        }
        let mut orders: u64 = 0;
        let mut total: i128 = 0;
        for i in 0..view.n {
            let d = view.get(i);
            if d.day == i32::MIN || d.day == i32::MAX {
                return Err(SummaryError::Corrupt("infinite purchase day"));
            }
            if i > 0 && view.day(i - 1) >= d.day {
                return Err(SummaryError::Corrupt("purchase days are not strictly increasing"));
            }
            if d.orders == 0 {
                return Err(SummaryError::Corrupt("a purchase day without orders"));
            }
            orders += u64::from(d.orders);
            total += i128::from(d.amount);
        }
        if view.stored_totals != Some((orders, total)) {
            return Err(SummaryError::Corrupt("totals do not match the purchase days"));
        }
        Ok(view)
    }

    /// Number of purchase days.
    pub fn purchase_days(&self) -> usize {
        self.n
    }

    /// The `i`-th purchase day number.
    pub fn day(&self, i: usize) -> i32 {
        assert!(i < self.n);
        read_i32(self.day_col, i)
    }

    /// The `i`-th purchase day with its orders and spend.
    pub fn get(&self, i: usize) -> PurchaseDay {
        assert!(i < self.n);
        PurchaseDay {
            day: read_i32(self.day_col, i),
            orders: read_u32(self.order_col, i),
            amount: read_i64(self.amount_col, i),
        }
    }

    /// All purchase days in date order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = PurchaseDay> + '_ {
        (0..self.n).map(|i| self.get(i))
    }

    pub fn first_day(&self) -> i32 {
        self.day(0)
    }

    pub fn last_day(&self) -> i32 {
        self.day(self.n - 1)
    }

    /// Number of orders (rows aggregated), not purchase days.
    pub fn order_count(&self) -> u64 {
        match self.stored_totals {
            Some((orders, _)) => orders,
            None => (0..self.n).map(|i| u64::from(read_u32(self.order_col, i))).sum(),
        }
    }

    /// Total spend, micro-units.
    pub fn total_spend(&self) -> i128 {
        match self.stored_totals {
            Some((_, total)) => total,
            None => self.sum_amounts(0, self.n),
        }
    }

    /// BTYD `x`: repeat purchase days (purchase days − 1).
    pub fn frequency(&self) -> usize {
        self.n - 1
    }

    /// BTYD `t_x` in days: from the first to the last purchase day.
    pub fn t_x_days(&self) -> i64 {
        i64::from(self.last_day()) - i64::from(self.first_day())
    }

    /// Spend on the last purchase day (all orders of that day), micro-units.
    pub fn last_day_spend(&self) -> i64 {
        read_i64(self.amount_col, self.n - 1)
    }

    /// Total spend divided by the number of orders, currency units.
    pub fn average_order_value(&self) -> f64 {
        crate::money::micros_to_f64(self.total_spend()) / self.order_count() as f64
    }

    /// Mean spend per repeat purchase day, currency units: lifetimes' `monetary_value`, the
    /// Gamma-Gamma input. `None` for one-time buyers (lifetimes reports 0 for them).
    pub fn repeat_spend_mean(&self) -> Option<f64> {
        let repeat_days = self.frequency();
        if repeat_days == 0 {
            return None;
        }
        let repeat_spend = self.total_spend() - i128::from(read_i64(self.amount_col, 0));
        Some(crate::money::micros_to_f64(repeat_spend) / repeat_days as f64)
    }

    /// Number of purchase days on or before `day`.
    fn count_until(&self, day: i32) -> usize {
        // Binary search over the day column; partition_point needs a slice, so search indices.
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.day(mid).cmp(&day) {
                Ordering::Greater => hi = mid,
                _ => lo = mid + 1,
            }
        }
        lo
    }

    fn sum_amounts(&self, from: usize, to: usize) -> i128 {
        (from..to).map(|i| i128::from(read_i64(self.amount_col, i))).sum()
    }

    /// The summary as it was at the end of `cutoff`: purchase days after it are dropped.
    /// `None` when the customer had not ordered by then.
    pub fn until(&self, cutoff: i32) -> Option<Self> {
        let n = self.count_until(cutoff);
        if n == 0 {
            return None;
        }
        if n == self.n {
            return Some(*self);
        }
        Some(Self { n, stored_totals: None, ..*self })
    }

    /// Index range of the purchase days in `[since, before)`.
    fn range(&self, since: i32, before: i32) -> std::ops::Range<usize> {
        if before <= since {
            return 0..0;
        }
        // `before > since >= i32::MIN`, so `before - 1` cannot overflow.
        let from = if since == i32::MIN { 0 } else { self.count_until(since - 1) };
        from..self.count_until(before - 1)
    }

    /// Spend on days in `[since, before)`, micro-units.
    pub fn spend_between(&self, since: i32, before: i32) -> i128 {
        let r = self.range(since, before);
        self.sum_amounts(r.start, r.end)
    }

    /// Orders on days in `[since, before)`.
    pub fn orders_between(&self, since: i32, before: i32) -> u64 {
        self.range(since, before).map(|i| u64::from(read_u32(self.order_col, i))).sum()
    }

    /// Purchase days in `[since, before)`.
    pub fn purchase_days_between(&self, since: i32, before: i32) -> usize {
        self.range(since, before).len()
    }

    /// Gaps in days between consecutive purchase days (`frequency()` of them).
    pub fn gaps(&self) -> impl Iterator<Item = i64> + '_ {
        (1..self.n).map(|i| i64::from(self.day(i)) - i64::from(self.day(i - 1)))
    }
}

#[cfg(test)]
mod tests {
    /// Merging the summaries of two parts of a customer's orders gives the summary of all of
    /// them, byte for byte, however the orders are split (same days on both sides included).
    #[test]
    fn merge_equals_the_summary_of_all_orders() {
        let orders: Vec<PurchaseDay> = (0..40i64)
            .map(|i| PurchaseDay {
                day: (i * 7919 % 23) as i32,
                orders: 1,
                amount: i * 104_729 % 50_000_000 - 10_000_000,
            })
            .collect();
        let all = encode_to_vec(orders.clone()).unwrap();
        for mask in [1u64, 0x5555_5555_5555, 0xf0f0_f0f0_f0f0, 0x1234_5678_9abc, 0x7fff_ffff_fffe] {
            let (a, b): (Vec<_>, Vec<_>) =
                orders.iter().enumerate().partition(|(i, _)| mask >> (i % 48) & 1 == 1);
            let summary =
                |part: Vec<(usize, &PurchaseDay)>| encode_to_vec(part.into_iter().map(|(_, d)| *d).collect());
            let (a, b) = (summary(a).unwrap(), summary(b).unwrap());
            let merged =
                merge(&SummaryView::validated(&a).unwrap(), &SummaryView::validated(&b).unwrap()).unwrap();
            assert_eq!(encode_to_vec(merged).unwrap(), all, "mask {mask:x}");
        }
        let one = encode_to_vec(vec![PurchaseDay { day: 3, orders: u32::MAX, amount: 1 }]).unwrap();
        let view = SummaryView::validated(&one).unwrap();
        assert!(matches!(merge(&view, &view), Err(SummaryError::OrderCountOverflow { day: 3 })));
    }

    use super::*;

    fn pd(day: i32, orders: u32, amount: i64) -> PurchaseDay {
        PurchaseDay { day, orders, amount }
    }

    #[test]
    fn normalize_merges_days_in_any_order() {
        let mut a = vec![pd(5, 1, 10), pd(1, 1, 3), pd(5, 2, 7), pd(3, 1, -2), pd(1, 1, 4)];
        let n = normalize(&mut a).unwrap();
        assert_eq!(&a[..n], &[pd(1, 2, 7), pd(3, 1, -2), pd(5, 3, 17)]);

        let mut b = vec![pd(1, 1, 4), pd(5, 2, 7), pd(3, 1, -2), pd(5, 1, 10), pd(1, 1, 3)];
        let m = normalize(&mut b).unwrap();
        assert_eq!(&a[..n], &b[..m]);
    }

    #[test]
    fn normalize_reports_overflow() {
        let mut a = vec![pd(1, 1, i64::MAX), pd(1, 1, 1)];
        assert_eq!(normalize(&mut a), Err(SummaryError::AmountOverflow { day: 1 }));
        let mut b = vec![pd(2, u32::MAX, 0), pd(2, 1, 0)];
        assert_eq!(normalize(&mut b), Err(SummaryError::OrderCountOverflow { day: 2 }));
    }

    #[test]
    fn encoded_summary_reads_back() {
        let bytes =
            encode_to_vec(vec![pd(10, 2, 5_000_000), pd(3, 1, 1_500_000), pd(30, 1, 2_000_000)]).unwrap();
        assert_eq!(bytes[0], FORMAT_VERSION);
        let s = SummaryView::validated(&bytes).unwrap();
        assert_eq!(s.purchase_days(), 3);
        assert_eq!(s.order_count(), 4);
        assert_eq!(s.frequency(), 2);
        assert_eq!(s.first_day(), 3);
        assert_eq!(s.last_day(), 30);
        assert_eq!(s.t_x_days(), 27);
        assert_eq!(s.total_spend(), 8_500_000);
        assert_eq!(s.last_day_spend(), 2_000_000);
        assert_eq!(s.average_order_value(), 2.125);
        assert_eq!(s.repeat_spend_mean(), Some(3.5));
        assert_eq!(s.gaps().collect::<Vec<_>>(), vec![7, 20]);
    }

    #[test]
    fn until_cuts_at_a_date_inclusive() {
        let bytes = encode_to_vec(vec![pd(3, 1, 1), pd(10, 2, 2), pd(30, 1, 4)]).unwrap();
        let s = SummaryView::new(&bytes).unwrap();
        assert!(s.until(2).is_none());
        let cut = s.until(10).unwrap();
        assert_eq!((cut.purchase_days(), cut.order_count(), cut.total_spend()), (2, 3, 3));
        assert_eq!(cut.last_day(), 10);
        assert_eq!(s.until(29).unwrap().purchase_days(), 2);
        assert_eq!(s.until(30).unwrap().total_spend(), 7);
        assert_eq!(s.until(i32::MAX).unwrap().purchase_days(), 3);
    }

    #[test]
    fn between_is_half_open() {
        let bytes = encode_to_vec(vec![pd(3, 1, 1), pd(10, 2, 2), pd(30, 1, 4)]).unwrap();
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(s.spend_between(3, 30), 3);
        assert_eq!(s.spend_between(3, 31), 7);
        assert_eq!(s.spend_between(4, 30), 2);
        assert_eq!(s.orders_between(0, 100), 4);
        assert_eq!(s.orders_between(10, 10), 0);
        assert_eq!(s.orders_between(30, 3), 0);
        assert_eq!(s.spend_between(i32::MIN, i32::MAX), 7);
        assert_eq!((s.purchase_days_between(3, 30), s.purchase_days_between(4, 31)), (2, 2));
    }

    #[test]
    fn one_time_buyer_has_no_repeat_spend() {
        let bytes = encode_to_vec(vec![pd(3, 2, 9_000_000)]).unwrap();
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(s.frequency(), 0);
        assert_eq!(s.repeat_spend_mean(), None);
        assert_eq!(s.t_x_days(), 0);
    }

    #[test]
    fn corrupt_bytes_are_rejected_not_trusted() {
        let good = encode_to_vec(vec![pd(3, 1, 1), pd(10, 2, 2)]).unwrap();
        assert!(SummaryView::validated(&good).is_ok());
        assert_eq!(SummaryView::new(&good[..10]).unwrap_err(), SummaryError::Corrupt("too short"));
        let mut v2 = good.clone();
        v2[0] = 2;
        assert_eq!(SummaryView::new(&v2).unwrap_err(), SummaryError::UnknownVersion(2));
        let mut unsorted = good.clone();
        unsorted[32..36].copy_from_slice(&20i32.to_le_bytes());
        assert!(SummaryView::validated(&unsorted).is_err());
        let mut wrong_total = good.clone();
        wrong_total[16] ^= 1;
        assert!(SummaryView::validated(&wrong_total).is_err());
        let mut truncated = good;
        truncated.pop();
        assert!(SummaryView::new(&truncated).is_err());
    }
}
