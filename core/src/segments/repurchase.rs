//! The repurchase cycle: how many days a customer usually leaves between purchase days.

use crate::summary::SummaryView;

/// Mean days between consecutive purchase days (`t_x / x`); `None` below two purchase days.
pub fn mean_cycle_days(s: &SummaryView) -> Option<f64> {
    let gaps = s.frequency();
    (gaps > 0).then(|| s.t_x_days() as f64 / gaps as f64)
}

/// Median days between consecutive purchase days (the mean of the two middle gaps for an even
/// count); `None` below two purchase days.
pub fn median_cycle_days(s: &SummaryView) -> Option<f64> {
    let mut gaps: Vec<i64> = s.gaps().collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    let mid = gaps.len() / 2;
    Some(if gaps.len() % 2 == 1 { gaps[mid] as f64 } else { (gaps[mid - 1] + gaps[mid]) as f64 / 2.0 })
}

/// The day the next order is due if the customer keeps their mean cycle: the last purchase
/// day plus the mean cycle rounded to whole days (half away from zero).
pub fn next_order_due(s: &SummaryView) -> Option<i64> {
    mean_cycle_days(s).map(|cycle| i64::from(s.last_day()) + cycle.round() as i64)
}

/// Days since the last purchase at `as_of` divided by the mean cycle, both as of `as_of`
/// (later orders ignored): 1 means exactly one cycle without a purchase, above 1 is late.
/// `None` below two purchase days by `as_of`.
pub fn overdue_ratio(s: &SummaryView, as_of: i32) -> Option<f64> {
    let seen = s.until(as_of)?;
    let cycle = mean_cycle_days(&seen)?;
    let waiting = i64::from(as_of) - i64::from(seen.last_day());
    Some(waiting as f64 / cycle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{encode_to_vec, PurchaseDay};

    fn summary(days: &[i32]) -> Vec<u8> {
        encode_to_vec(days.iter().map(|&day| PurchaseDay { day, orders: 1, amount: 1 }).collect()).unwrap()
    }

    #[test]
    fn cycles_of_a_regular_and_an_irregular_customer() {
        let bytes = summary(&[0, 10, 20, 60]);
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(mean_cycle_days(&s), Some(20.0));
        assert_eq!(median_cycle_days(&s), Some(10.0));
        assert_eq!(next_order_due(&s), Some(80));
        let bytes = summary(&[0, 7, 10, 20]);
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(median_cycle_days(&s), Some(7.0));
        assert_eq!(next_order_due(&s), Some(27)); // 20 + round(6.67)
    }

    #[test]
    fn one_purchase_day_has_no_cycle() {
        let bytes = summary(&[5]);
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(mean_cycle_days(&s), None);
        assert_eq!(median_cycle_days(&s), None);
        assert_eq!(next_order_due(&s), None);
        assert_eq!(overdue_ratio(&s, 100), None);
    }

    #[test]
    fn overdue_ratio_ignores_orders_after_as_of() {
        let bytes = summary(&[0, 30, 60, 200]);
        let s = SummaryView::new(&bytes).unwrap();
        assert_eq!(overdue_ratio(&s, 60), Some(0.0));
        assert_eq!(overdue_ratio(&s, 105), Some(1.5)); // 45 days at a 30-day cycle
        assert_eq!(overdue_ratio(&s, 20), None); // one purchase day by then
        assert_eq!(overdue_ratio(&s, 200), Some(0.0));
    }
}
