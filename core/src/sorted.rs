//! Sorting with duplicates merged: how summaries, BTYD patterns and spend observations make
//! their content independent of the order rows arrived in.

use std::cmp::Ordering;

/// Sorts `items` by `order` and folds each run of items that compare equal into its first item
/// with `merge`; returns how many distinct items are left at the front.
pub fn sort_and_merge<T: Copy, E>(
    items: &mut [T],
    order: impl Fn(&T, &T) -> Ordering,
    mut merge: impl FnMut(&mut T, &T) -> Result<(), E>,
) -> Result<usize, E> {
    if items.is_empty() {
        return Ok(0);
    }
    // Rows usually arrive in order; skip the sort when they did.
    if !items.windows(2).all(|w| order(&w[0], &w[1]) != Ordering::Greater) {
        items.sort_unstable_by(&order);
    }
    let mut kept = 0;
    for i in 1..items.len() {
        let next = items[i];
        if order(&items[kept], &next) == Ordering::Equal {
            merge(&mut items[kept], &next)?;
        } else {
            kept += 1;
            items[kept] = next;
        }
    }
    Ok(kept + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_runs_in_any_order() {
        let mut v = [(3, 1), (1, 1), (3, 5), (2, 2), (1, 4)];
        let n = sort_and_merge(&mut v, |a, b| a.0.cmp(&b.0), |a, b| -> Result<(), ()> {
            a.1 += b.1;
            Ok(())
        });
        assert_eq!(n, Ok(3));
        assert_eq!(&v[..3], &[(1, 5), (2, 2), (3, 6)]);
        let mut empty: [(i32, i32); 0] = [];
        assert_eq!(sort_and_merge(&mut empty, |a, b| a.0.cmp(&b.0), |_, _| Err("never")), Ok(0));
        let mut failing = [(1, 1), (1, 1)];
        assert_eq!(sort_and_merge(&mut failing, |a, b| a.0.cmp(&b.0), |_, _| Err("overflow")), Err("overflow"));
    }
}
