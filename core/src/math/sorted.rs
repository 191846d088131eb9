//! Sorting with duplicates merged: how summaries, BTYD patterns and spend observations make
//! their content independent of the order rows arrived in.

use std::cmp::Ordering;

/// Items merged between two interrupt checks: a few milliseconds of work.
const PIECE: usize = 1 << 16;

/// Sorts `items` by `order` and folds each run of items that compare equal into its first item
/// with `merge`; returns how many distinct items are left at the front. `check` (which may
/// stop the work by panicking, on a query cancel) runs every few milliseconds of the sort and
/// of the merge.
pub fn sort_and_merge<T: Copy, E>(
    items: &mut [T],
    order: impl Fn(&T, &T) -> Ordering,
    mut merge: impl FnMut(&mut T, &T) -> Result<(), E>,
    check: &dyn Fn(),
) -> Result<usize, E> {
    if items.is_empty() {
        return Ok(0);
    }
    // Rows usually arrive in order; skip the sort when they did.
    if !items.windows(2).all(|w| order(&w[0], &w[1]) != Ordering::Greater) {
        sort_interruptibly(items, &order, check);
    }
    let mut kept = 0;
    for i in 1..items.len() {
        if i % PIECE == 0 {
            check();
        }
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

/// Comparisons between two calls of `check` while sorting: a few milliseconds.
const COMPARISONS_PER_CHECK: u32 = 1 << 18;

/// `items.sort_unstable_by(order)`, calling `check` every [`COMPARISONS_PER_CHECK`]
/// comparisons. When `check` stops the work by panicking (a query cancel), the panic leaves the
/// sort: the standard sort stays memory safe when its comparison panics, and the items, left
/// in some order, are abandoned with the query.
fn sort_interruptibly<T>(items: &mut [T], order: &impl Fn(&T, &T) -> Ordering, check: &dyn Fn()) {
    let mut until_check = COMPARISONS_PER_CHECK;
    items.sort_unstable_by(|a, b| {
        until_check -= 1;
        if until_check == 0 {
            until_check = COMPARISONS_PER_CHECK;
            check();
        }
        order(a, b)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_runs_in_any_order() {
        let mut v = [(3, 1), (1, 1), (3, 5), (2, 2), (1, 4)];
        let n = sort_and_merge(
            &mut v,
            |a, b| a.0.cmp(&b.0),
            |a, b| -> Result<(), ()> {
                a.1 += b.1;
                Ok(())
            },
            &|| {},
        );
        assert_eq!(n, Ok(3));
        assert_eq!(&v[..3], &[(1, 5), (2, 2), (3, 6)]);
        let mut empty: [(i32, i32); 0] = [];
        assert_eq!(sort_and_merge(&mut empty, |a, b| a.0.cmp(&b.0), |_, _| Err("never"), &|| {}), Ok(0));
        let mut failing = [(1, 1), (1, 1)];
        assert_eq!(
            sort_and_merge(&mut failing, |a, b| a.0.cmp(&b.0), |_, _| Err("overflow"), &|| {}),
            Err("overflow")
        );
    }

    /// Long inputs are checked every few milliseconds of work and sort as a plain sort does.
    #[test]
    fn long_inputs_sort_in_checked_pieces() {
        let mut state = 7u64;
        let mut items: Vec<(u64, u32)> = (0..300_001)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((state >> 40) % 50_000, 1)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_unstable();
        let checks = std::cell::Cell::new(0);
        let n = sort_and_merge(
            &mut items,
            |a, b| a.0.cmp(&b.0),
            |a, b| -> Result<(), ()> {
                a.1 += b.1;
                Ok(())
            },
            &|| checks.set(checks.get() + 1),
        )
        .unwrap();
        expected.dedup_by(|b, a| a.0 == b.0);
        assert_eq!(n, expected.len());
        assert!(items[..n].windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(items[..n].iter().map(|i| u64::from(i.1)).sum::<u64>(), 300_001);
        // About 300,001 × log2(300,001) comparisons, a check per 2^18 of them, and a check per
        // 2^16 items merged.
        assert!(checks.get() >= 10, "{}", checks.get());
    }
}
