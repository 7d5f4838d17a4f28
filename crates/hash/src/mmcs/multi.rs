//! Openings of many query indices at once, with pruned authentication paths.
//!
//! Opening `q` indices of a tree of height `k` one by one costs `q·k` sibling digests, but
//! most are redundant: a sibling that is itself an ancestor of another opened leaf is
//! recomputed by the verifier from that leaf. A [`MultiOpening`] carries only the digests
//! the verifier cannot recompute, in the order it needs them: layer by layer from the
//! leaves, and within a layer by ascending node index. Rows are deduplicated the same
//! way: each matrix's opened rows are its distinct rows, ascending.
//!
//! The verifier walks the same frontier: at each layer, the sorted distinct nodes whose
//! digests it knows; two nodes that are siblings combine into their parent, a lone node
//! takes the next digest of the list as its sibling. Every digest of the list must be
//! used, and the walk must end at the commitment.

use core::cmp::Reverse;

use kiln_field::{BabyBear, Dimensions};
use serde::{Deserialize, Serialize};

use super::verifier::check_dimensions;
use super::{BatchOpening, MerkleTreeMmcs};
use crate::error::VerifyError;
use crate::params::Digest;

/// The rows of several query indices and the digests that authenticate them all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiOpening {
    /// Per matrix (commit order), its distinct opened rows in ascending row order: for a
    /// matrix of height `2^h` under a tallest height `2^k`, the rows `i >> (k − h)`.
    pub rows: Vec<Vec<Vec<BabyBear>>>,
    /// The sibling digests the verifier cannot recompute, leaf layer first, ascending
    /// node index within a layer.
    pub siblings: Vec<Digest>,
}

/// The distinct values of `indices >> shift`, ascending.
pub fn distinct_rows(indices: &[usize], shift: usize) -> Vec<usize> {
    let mut rows: Vec<usize> = indices.iter().map(|&i| i >> shift).collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

impl MultiOpening {
    /// Combines per-index openings (as [`MerkleTree::open_batch`](super::MerkleTree)
    /// gives them, one per entry of `indices`, in the same order) of matrices of the
    /// given heights (commit order) into one multi-opening.
    ///
    /// # Panics
    /// If `openings` and `indices` differ in length or an opening's shape does not match
    /// `heights` (the caller made both from the same tree).
    pub fn from_openings(heights: &[usize], indices: &[usize], openings: &[BatchOpening]) -> Self {
        assert_eq!(indices.len(), openings.len(), "one opening per index");
        let max_height = heights.iter().copied().max().unwrap_or(1);
        let log_max = max_height.trailing_zeros() as usize;
        // One representative opening per distinct leaf.
        let mut by_leaf: Vec<(usize, usize)> =
            indices.iter().enumerate().map(|(q, &i)| (i, q)).collect();
        by_leaf.sort_unstable();
        by_leaf.dedup_by_key(|&mut (i, _)| i);

        let rows = heights
            .iter()
            .enumerate()
            .map(|(m, &h)| {
                let shift = log_max - h.trailing_zeros() as usize;
                let mut out: Vec<Vec<BabyBear>> = Vec::new();
                let mut last = None;
                for &(i, q) in &by_leaf {
                    if last != Some(i >> shift) {
                        last = Some(i >> shift);
                        out.push(openings[q].opened_rows[m].clone());
                    }
                }
                out
            })
            .collect();

        let mut siblings = Vec::new();
        // (node, representative query) at the current layer, ascending, distinct.
        let mut frontier = by_leaf;
        for layer in 0..log_max {
            let mut next = Vec::with_capacity(frontier.len());
            let mut k = 0;
            while k < frontier.len() {
                let (node, q) = frontier[k];
                if node & 1 == 0 && frontier.get(k + 1).is_some_and(|&(n, _)| n == node + 1) {
                    k += 2;
                } else {
                    siblings.push(openings[q].siblings[layer]);
                    k += 1;
                }
                next.push((node >> 1, q));
            }
            frontier = next;
        }
        Self { rows, siblings }
    }

    /// Matrix `matrix`'s row `row` among the opened ones, if it was opened.
    pub fn row(&self, matrix: usize, row: usize, opened: &[usize]) -> Option<&[BabyBear]> {
        let k = opened.binary_search(&row).ok()?;
        self.rows.get(matrix)?.get(k).map(Vec::as_slice)
    }
}

impl MerkleTreeMmcs {
    /// Checks that `rows` (per matrix, its distinct rows at `indices` in ascending order,
    /// as in [`MultiOpening::rows`]) and `siblings` open the query `indices` (positions in
    /// the tallest matrix, any order, repeats allowed) of the matrices of `dimensions`
    /// under `commitment`.
    pub fn verify_multi(
        &self,
        commitment: &Digest,
        dimensions: &[Dimensions],
        indices: &[usize],
        rows: &[Vec<Vec<BabyBear>>],
        siblings: &[Digest],
    ) -> Result<(), VerifyError> {
        let max_height = check_dimensions(dimensions, rows.len())?;
        let log_max = max_height.trailing_zeros() as usize;
        if let Some(&index) = indices.iter().find(|&&i| i >= max_height) {
            return Err(VerifyError::IndexOutOfBounds { index, max_height });
        }
        // Each matrix's opened row indices, checked against the rows given.
        let mut opened: Vec<Vec<usize>> = Vec::with_capacity(dimensions.len());
        for (matrix, (dims, given)) in dimensions.iter().zip(rows).enumerate() {
            let shift = log_max - dims.height.trailing_zeros() as usize;
            let want = distinct_rows(indices, shift);
            if given.len() != want.len() {
                return Err(VerifyError::WrongRowCount {
                    matrix,
                    expected: want.len(),
                    got: given.len(),
                });
            }
            if let Some(row) = given.iter().find(|r| r.len() != dims.width) {
                return Err(VerifyError::WrongWidth {
                    matrix,
                    expected: dims.width,
                    got: row.len(),
                });
            }
            opened.push(want);
        }

        // Matrices tallest first; a stable sort keeps commit order within a height.
        let mut order: Vec<usize> = (0..dimensions.len()).collect();
        order.sort_by_key(|&i| Reverse(dimensions[i].height));
        let group_of_height = |height: usize| -> Vec<usize> {
            order
                .iter()
                .copied()
                .filter(|&m| dimensions[m].height == height)
                .collect()
        };
        // Row k of each matrix of a group (the k-th distinct node of that height).
        let hash_group = |group: &[usize], k: usize| -> Digest {
            self.sponge
                .hash_slices(group.iter().map(|&m| rows[m][k].as_slice()))
        };

        let leaves = group_of_height(max_height);
        let mut frontier: Vec<(usize, Digest)> = distinct_rows(indices, 0)
            .into_iter()
            .enumerate()
            .map(|(k, i)| (i, hash_group(&leaves, k)))
            .collect();
        let mut given = siblings.iter();
        for layer in 0..log_max {
            let mut next = Vec::with_capacity(frontier.len());
            let mut k = 0;
            while k < frontier.len() {
                let (node, digest) = frontier[k];
                let parent =
                    if node & 1 == 0 && frontier.get(k + 1).is_some_and(|&(n, _)| n == node + 1) {
                        k += 2;
                        self.compress.compress([digest, frontier[k - 1].1])
                    } else {
                        k += 1;
                        let sibling = *given.next().ok_or(VerifyError::MissingSiblings)?;
                        if node & 1 == 0 {
                            self.compress.compress([digest, sibling])
                        } else {
                            self.compress.compress([sibling, digest])
                        }
                    };
                next.push((node >> 1, parent));
            }
            let group = group_of_height(max_height >> (layer + 1));
            if !group.is_empty() {
                for (k, (_, digest)) in next.iter_mut().enumerate() {
                    *digest = self.compress.compress([*digest, hash_group(&group, k)]);
                }
            }
            frontier = next;
        }
        let extra = given.count();
        if extra > 0 {
            return Err(VerifyError::ExtraSiblings { extra });
        }
        match frontier.as_slice() {
            [(_, root)] if root == commitment => Ok(()),
            _ => Err(VerifyError::RootMismatch),
        }
    }
}
