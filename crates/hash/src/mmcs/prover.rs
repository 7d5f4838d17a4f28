//! Committing and opening: the prover side.

use core::cmp::Reverse;

use kiln_field::{AsColMajor, BabyBear, ColMajor, Dimensions, Field};
use rayon::prelude::*;

use super::{BatchOpening, MerkleTreeMmcs};
use crate::error::{CommitError, OpenError};
use crate::params::{DIGEST_ELEMS, Digest};

/// Rows hashed, or nodes compressed, per parallel task.
const TASK_ROWS: usize = 1024;

/// Elements absorbed per leaf-hashing task (about 8k permutations, ~0.5 ms).
const LEAF_TASK_ELEMENTS: usize = 1 << 16;

/// Layers shorter than this are compressed on the calling thread.
const PARALLEL_MIN: usize = 2 * TASK_ROWS;

const ZERO_DIGEST: Digest = [BabyBear::ZERO; DIGEST_ELEMS];

/// A committed batch of matrices and every digest layer of its tree: the prover data.
///
/// `digest_layers()[0]` holds one digest per row of the tallest matrices; each next
/// layer is half as long; the last holds the root.
#[derive(Clone, Debug)]
pub struct MerkleTree<M> {
    matrices: Vec<M>,
    layers: Vec<Vec<Digest>>,
}

impl<M: AsColMajor> MerkleTree<M> {
    /// A tree from digest layers computed elsewhere (a GPU backend). The shapes are
    /// checked; the digests are trusted.
    pub fn from_digest_layers(
        matrices: Vec<M>,
        layers: Vec<Vec<Digest>>,
    ) -> Result<Self, CommitError> {
        let max_height = max_height(&matrices)?;
        let expected = max_height.trailing_zeros() as usize + 1;
        if layers.len() != expected {
            return Err(CommitError::WrongLayerCount {
                expected,
                got: layers.len(),
            });
        }
        for (layer, digests) in layers.iter().enumerate() {
            if digests.len() != max_height >> layer {
                return Err(CommitError::WrongLayerLength {
                    layer,
                    expected: max_height >> layer,
                    got: digests.len(),
                });
            }
        }
        Ok(Self { matrices, layers })
    }

    /// The commitment.
    pub fn root(&self) -> Digest {
        self.layers[self.layers.len() - 1][0]
    }

    /// Every digest layer, leaves first, root last.
    pub fn digest_layers(&self) -> &[Vec<Digest>] {
        &self.layers
    }

    /// The committed matrices, in commit order.
    pub fn matrices(&self) -> &[M] {
        &self.matrices
    }

    /// The dimensions a verifier needs, in commit order.
    pub fn dimensions(&self) -> Vec<Dimensions> {
        self.matrices
            .iter()
            .map(|m| m.as_col_major().dimensions())
            .collect()
    }

    /// log2 of the tallest matrix's height.
    pub fn log_max_height(&self) -> usize {
        self.layers.len() - 1
    }

    /// The matrices back, dropping the digests.
    pub fn into_matrices(self) -> Vec<M> {
        self.matrices
    }
}

/// The tallest height, after checking every height is a power of two.
fn max_height<M: AsColMajor>(matrices: &[M]) -> Result<usize, CommitError> {
    let mut max = 0;
    for (matrix, m) in matrices.iter().enumerate() {
        let height = m.as_col_major().height();
        if !height.is_power_of_two() {
            return Err(CommitError::HeightNotPowerOfTwo { matrix, height });
        }
        max = max.max(height);
    }
    if max == 0 {
        return Err(CommitError::NoMatrices);
    }
    Ok(max)
}

impl MerkleTreeMmcs {
    /// Commits to `matrices` (heights powers of two, in any order): the root and the
    /// prover data.
    pub fn commit<M: AsColMajor>(
        &self,
        matrices: Vec<M>,
    ) -> Result<(Digest, MerkleTree<M>), CommitError> {
        max_height(&matrices)?;
        let views: Vec<ColMajor<'_>> = matrices.iter().map(AsColMajor::as_col_major).collect();

        // Heights, tallest first; matrices of one height stay in commit order.
        let mut heights: Vec<usize> = views.iter().map(ColMajor::height).collect();
        heights.sort_unstable_by_key(|&h| Reverse(h));
        heights.dedup();

        let mut row_digests = heights.iter().map(|&height| {
            let group: Vec<ColMajor<'_>> = views
                .iter()
                .filter(|m| m.height() == height)
                .copied()
                .collect();
            self.hash_leaves(&group)
        });
        let leaves = row_digests.next().expect("at least one height");
        let injected: Vec<Vec<Digest>> = row_digests.collect();
        drop(views);

        let layers = self.build_layers(leaves, injected)?;
        let tree = MerkleTree { matrices, layers };
        Ok((tree.root(), tree))
    }

    /// The digest of every row of the concatenation of `matrices` (all of one height), in
    /// parallel: the leaf layer of a tree, or the digests injected at a higher layer.
    ///
    /// # Panics
    /// If the matrices differ in height.
    pub fn hash_leaves(&self, matrices: &[ColMajor<'_>]) -> Vec<Digest> {
        let height = matrices.first().map_or(0, ColMajor::height);
        let width: usize = matrices.iter().map(ColMajor::width).sum();
        let mut out = vec![ZERO_DIGEST; height];
        // About LEAF_TASK_ELEMENTS absorbed elements per task: a 1024-row LDE of a
        // 2384-column trace is 32-row tasks, not one thread.
        let task_rows = (LEAF_TASK_ELEMENTS / width.max(1))
            .next_power_of_two()
            .clamp(16, TASK_ROWS);
        if height <= task_rows {
            self.sponge.hash_rows(matrices, 0, &mut out);
        } else {
            out.par_chunks_mut(task_rows)
                .enumerate()
                .for_each(|(task, chunk)| {
                    self.sponge.hash_rows(matrices, task * task_rows, chunk);
                });
        }
        out
    }

    /// Every digest layer of a tree from its leaf digests and the row digests of shorter
    /// matrices (each list as long as its matrices are tall, a power of two below the
    /// leaf count, one list per height): layer `l + 1` node `j` is
    /// `C(layer_l[2j], layer_l[2j + 1])`, then `C(node, injected[j])` where a list of that
    /// length exists.
    pub fn build_layers(
        &self,
        leaves: Vec<Digest>,
        mut injected: Vec<Vec<Digest>>,
    ) -> Result<Vec<Vec<Digest>>, CommitError> {
        let max_height = leaves.len();
        if !max_height.is_power_of_two() {
            return Err(CommitError::LeafCountNotPowerOfTwo { got: max_height });
        }
        injected.sort_unstable_by_key(|d| Reverse(d.len()));
        for (i, digests) in injected.iter().enumerate() {
            let got = digests.len();
            let repeated = i > 0 && injected[i - 1].len() == got;
            if !got.is_power_of_two() || got >= max_height || repeated {
                return Err(CommitError::BadInjection { got, max_height });
            }
        }

        let mut injected = injected.into_iter().peekable();
        let mut layers = vec![leaves];
        while layers[layers.len() - 1].len() > 1 {
            let prev = &layers[layers.len() - 1];
            let mut next = vec![ZERO_DIGEST; prev.len() / 2];
            let (pairs, _) = prev.as_chunks::<2>();
            if next.len() < PARALLEL_MIN {
                self.compress.compress_many(pairs, &mut next);
            } else {
                pairs
                    .par_chunks(TASK_ROWS)
                    .zip(next.par_chunks_mut(TASK_ROWS))
                    .for_each(|(pairs, out)| self.compress.compress_many(pairs, out));
            }
            if let Some(rows) = injected.next_if(|d| d.len() == next.len()) {
                if next.len() < PARALLEL_MIN {
                    self.compress.compress_in_place(&mut next, &rows);
                } else {
                    next.par_chunks_mut(TASK_ROWS)
                        .zip(rows.par_chunks(TASK_ROWS))
                        .for_each(|(nodes, rows)| self.compress.compress_in_place(nodes, rows));
                }
            }
            layers.push(next);
        }
        Ok(layers)
    }

    /// The opening of query index `index`: a row of every matrix and the sibling path.
    pub fn open_batch<M: AsColMajor>(
        &self,
        index: usize,
        tree: &MerkleTree<M>,
    ) -> Result<BatchOpening, OpenError> {
        let log_max_height = tree.log_max_height();
        let max_height = 1 << log_max_height;
        if index >= max_height {
            return Err(OpenError::IndexOutOfBounds { index, max_height });
        }
        let opened_rows = tree
            .matrices
            .iter()
            .map(|m| {
                let m = m.as_col_major();
                let log_height = m.height().trailing_zeros() as usize;
                m.row_to_vec(index >> (log_max_height - log_height))
            })
            .collect();
        let siblings = (0..log_max_height)
            .map(|layer| tree.layers[layer][(index >> layer) ^ 1])
            .collect();
        Ok(BatchOpening {
            opened_rows,
            siblings,
        })
    }

    /// Openings of several query indices.
    pub fn open_batches<M: AsColMajor>(
        &self,
        indices: &[usize],
        tree: &MerkleTree<M>,
    ) -> Result<Vec<BatchOpening>, OpenError> {
        indices.iter().map(|&i| self.open_batch(i, tree)).collect()
    }
}
