//! Sorting with duplicates merged: how summaries, BTYD patterns and spend observations make
//! their content independent of the order rows arrived in.

use std::cmp::Ordering;

/// Elements sorted between two interrupt checks: a few milliseconds of work.
const PIECE: usize = 1 << 16;

/// Sorts `items` by `order` and folds each run of items that compare equal into its first item
/// with `merge`; returns how many distinct items are left at the front. Long inputs are sorted
/// in pieces merged pass by pass, with `check` (which may stop the work by panicking, on a
/// query cancel) called between pieces.
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

/// Sorts pieces of [`PIECE`] items, then merges runs of doubling length through a scratch
/// copy, calling `check` after every piece of work. Without memory for the scratch copy it
/// sorts in place in one go (correct, only not interruptible).
fn sort_interruptibly<T: Copy>(items: &mut [T], order: &impl Fn(&T, &T) -> Ordering, check: &dyn Fn()) {
    let n = items.len();
    let mut scratch: Vec<T> = Vec::new();
    if n <= PIECE || scratch.try_reserve_exact(n).is_err() {
        items.sort_unstable_by(order);
        return;
    }
    for piece in items.chunks_mut(PIECE) {
        check();
        piece.sort_unstable_by(order);
    }
    scratch.extend_from_slice(items);
    let (mut from, mut to): (&mut [T], &mut [T]) = (items, &mut scratch);
    let mut in_items = true;
    let mut run = PIECE;
    while run < n {
        for start in (0..n).step_by(2 * run) {
            let middle = (start + run).min(n);
            let end = (start + 2 * run).min(n);
            let (mut i, mut j) = (start, middle);
            for k in start..end {
                if (k - start) % PIECE == 0 {
                    check();
                }
                let take_left = j == end || (i < middle && order(&from[i], &from[j]) != Ordering::Greater);
                to[k] = if take_left {
                    i += 1;
                    from[i - 1]
                } else {
                    j += 1;
                    from[j - 1]
                };
            }
        }
        std::mem::swap(&mut from, &mut to);
        in_items = !in_items;
        run *= 2;
    }
    if !in_items {
        to.copy_from_slice(from);
    }
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

    /// Long inputs go through the piecewise sort: same result as a plain sort, with a check
    /// after every piece of work.
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
        // 5 pieces sorted, 3 merge passes of 5 pieces, 4 pieces of the merge of equal runs.
        assert!(checks.get() >= 5 + 3 * 5 + 4, "{}", checks.get());
    }
}
