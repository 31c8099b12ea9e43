//! Linting many trust policies at once on every core: `lint_all` and the ordered parallel map
//! under it (also used by `inventory`). Policies are independent, so each worker thread lints
//! whole policies with its own memo tables (`automata` keeps them per thread) and results are put
//! back in input order: the output is exactly the sequential one, only sooner.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::finding::Finding;
use crate::lint::{LintOptions, lint};
use crate::model::TrustPolicy;

/// How many consecutive items a worker takes at a time: large enough that handing out blocks
/// costs nothing, small enough that one slow block does not leave the other cores idle at the end.
const BLOCK: usize = 16;

/// Lints every policy with the same options: `lint_all(p, o)[i] == lint(&p[i], o)`, in order,
/// computed on all available cores.
pub fn lint_all(policies: &[TrustPolicy], options: &LintOptions) -> Vec<Vec<Finding>> {
    map_ordered(policies, |policy| lint(policy, options))
}

/// `items.iter().map(f).collect()`, with the calls spread over
/// `std::thread::available_parallelism()` threads (the calling thread is one of them). Workers
/// take blocks of [`BLOCK`] items from a shared counter, so uneven costs still balance.
pub fn map_ordered<T, R>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    map_on_threads(cores, items, f)
}

/// [`map_ordered`] on at most `threads` threads (fewer when there are not enough blocks to share).
pub fn map_on_threads<T, R>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = threads.min(items.len().div_ceil(BLOCK));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    // Each worker returns its blocks as (first index, results); blocks never overlap.
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            let Some(block) = items.get(start..items.len().min(start.saturating_add(BLOCK))) else {
                break;
            };
            if block.is_empty() {
                break;
            }
            done.push((start, block.iter().map(&f).collect()));
        }
        done
    };
    let mut blocks: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut blocks = work();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => blocks.extend(theirs),
                // A worker panicked (a bug, not bad input): surface it as the sequential call would.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        blocks
    });
    blocks.sort_unstable_by_key(|(start, _)| *start);
    blocks
        .into_iter()
        .flat_map(|(_, results)| results)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_whatever_the_size() {
        for threads in [1, 2, 3, 8] {
            for n in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 3, 1000] {
                let items: Vec<usize> = (0..n).collect();
                let squares = map_on_threads(threads, &items, |i| i * i);
                assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn uneven_costs_still_come_back_in_order() {
        let items: Vec<u64> = (0..200)
            .map(|i| if i % 37 == 0 { 20_000 } else { 1 })
            .collect();
        let sums = map_on_threads(3, &items, |&n| {
            (0..n).fold(0u64, |a, b| a.wrapping_add(b * b))
        });
        let expected: Vec<u64> = items
            .iter()
            .map(|&n| (0..n).fold(0u64, |a, b| a.wrapping_add(b * b)))
            .collect();
        assert_eq!(sums, expected);
    }
}
