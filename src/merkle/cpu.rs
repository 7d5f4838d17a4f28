//! [`MerkleOps`] on the CPU: kiln-hash's Poseidon2 and `MerkleTreeMmcs`, in parallel.

use kiln_field::{BabyBear, prefetch};
use kiln_hash::{ColMajor, CommitError, MerkleTreeMmcs, Permutation, Poseidon2W16, Poseidon2W24};
use rayon::prelude::*;

use super::{
    BackendTree, BatchOpening, DIGEST_ELEMS, Digest, MatrixRef, MerkleOps, check_commit,
    check_open, check_permute,
};
use crate::{CpuBackend, Error, Result};

fn commit_error(e: CommitError) -> Error {
    Error::InvalidArgument(format!("commitment: {e}"))
}

fn flatten(digests: &[Digest]) -> Vec<BabyBear> {
    digests.as_flattened().to_vec()
}

impl MerkleOps for CpuBackend {
    fn poseidon2_permute(&self, states: &mut Vec<BabyBear>, width: usize) -> Result<()> {
        check_permute(states.len(), width)?;
        // 1024 states per task: enough to amortise the task, many tasks to balance.
        if width == 16 {
            let (chunks, _) = states.as_chunks_mut::<16>();
            let p = Poseidon2W16::with_simd_level(self.simd_level()).expect("checked level");
            chunks.par_chunks_mut(1024).for_each(|c| p.permute_many(c));
        } else {
            let (chunks, _) = states.as_chunks_mut::<24>();
            let p = Poseidon2W24::with_simd_level(self.simd_level()).expect("checked level");
            chunks.par_chunks_mut(1024).for_each(|c| p.permute_many(c));
        }
        Ok(())
    }

    fn merkle_commit(&self, matrices: &[MatrixRef<'_, Self>]) -> Result<BackendTree<Self>> {
        let dims = check_commit(self, matrices)?;
        let views: Vec<ColMajor<'_>> = matrices
            .iter()
            .map(|m| ColMajor::new(m.data, m.width, m.height).expect("checked shape"))
            .collect();
        let (root, tree) = MerkleTreeMmcs::with_permutation(
            Poseidon2W16::with_simd_level(self.simd_level()).expect("checked level"),
        )
        .commit(views)
        .map_err(commit_error)?;
        Ok(BackendTree {
            layers: tree.digest_layers().iter().map(|l| flatten(l)).collect(),
            dims,
            root,
        })
    }

    fn merkle_open(
        &self,
        tree: &BackendTree<Self>,
        matrices: &[MatrixRef<'_, Self>],
        indices: &[usize],
    ) -> Result<Vec<BatchOpening>> {
        check_open(self, tree, matrices, indices)?;
        let log_max = tree.log_max_height();
        Ok(indices
            .par_iter()
            .map(|&index| {
                let opened_rows = matrices
                    .iter()
                    .map(|m| {
                        let row = index >> (log_max - m.height.trailing_zeros() as usize);
                        // A row of a column-major matrix: one cache line per column, far
                        // apart; fetch a few columns ahead.
                        (0..m.width)
                            .map(|c| {
                                prefetch(m.data, (c + 8) * m.height + row);
                                m.data[c * m.height + row]
                            })
                            .collect()
                    })
                    .collect();
                let siblings = (0..log_max)
                    .map(|layer| {
                        let j = (index >> layer) ^ 1;
                        let words = &tree.layers[layer][DIGEST_ELEMS * j..DIGEST_ELEMS * (j + 1)];
                        words.try_into().expect("8 words")
                    })
                    .collect();
                BatchOpening {
                    opened_rows,
                    siblings,
                }
            })
            .collect())
    }
}
