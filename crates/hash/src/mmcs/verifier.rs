//! Verifying openings. Independent of the prover: it uses only the sponge and the
//! compression, one digest at a time, and never panics.

use core::cmp::Reverse;

use kiln_field::Dimensions;

use super::{BatchOpening, MerkleTreeMmcs};
use crate::error::VerifyError;
use crate::params::Digest;

impl MerkleTreeMmcs {
    /// Checks that `opening` opens query `index` of the matrices of `dimensions` (commit
    /// order) under `commitment`.
    pub fn verify_batch(
        &self,
        commitment: &Digest,
        dimensions: &[Dimensions],
        index: usize,
        opening: &BatchOpening,
    ) -> Result<(), VerifyError> {
        let rows = &opening.opened_rows;
        let max_height = check_dimensions(dimensions, rows.len())?;
        for (matrix, (dims, row)) in dimensions.iter().zip(rows).enumerate() {
            if row.len() != dims.width {
                return Err(VerifyError::WrongWidth {
                    matrix,
                    expected: dims.width,
                    got: row.len(),
                });
            }
        }
        if index >= max_height {
            return Err(VerifyError::IndexOutOfBounds { index, max_height });
        }
        let log_max_height = max_height.trailing_zeros() as usize;
        if opening.siblings.len() != log_max_height {
            return Err(VerifyError::WrongProofLength {
                expected: log_max_height,
                got: opening.siblings.len(),
            });
        }

        // Matrices tallest first; a stable sort keeps commit order within a height.
        let mut order: Vec<usize> = (0..dimensions.len()).collect();
        order.sort_by_key(|&i| Reverse(dimensions[i].height));
        let mut order = order.into_iter().peekable();
        let mut rows_of_height = |height: usize| {
            let mut group = Vec::new();
            while let Some(i) = order.next_if(|&i| dimensions[i].height == height) {
                group.push(rows[i].as_slice());
            }
            group
        };

        let mut digest = self.sponge.hash_slices(rows_of_height(max_height));
        for (layer, sibling) in opening.siblings.iter().enumerate() {
            digest = if (index >> layer) & 1 == 0 {
                self.compress.compress([digest, *sibling])
            } else {
                self.compress.compress([*sibling, digest])
            };
            let group = rows_of_height(max_height >> (layer + 1));
            if !group.is_empty() {
                digest = self
                    .compress
                    .compress([digest, self.sponge.hash_slices(group)]);
            }
        }

        if digest == *commitment {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        }
    }
}

/// Checks that there are matrices, `opened` of them opened, each of a power-of-two
/// height; returns the tallest height.
pub(super) fn check_dimensions(
    dimensions: &[Dimensions],
    opened: usize,
) -> Result<usize, VerifyError> {
    if dimensions.is_empty() {
        return Err(VerifyError::NoMatrices);
    }
    if opened != dimensions.len() {
        return Err(VerifyError::WrongBatchSize {
            expected: dimensions.len(),
            got: opened,
        });
    }
    let mut max_height = 0;
    for (matrix, dims) in dimensions.iter().enumerate() {
        if !dims.height.is_power_of_two() {
            return Err(VerifyError::HeightNotPowerOfTwo {
                matrix,
                height: dims.height,
            });
        }
        max_height = max_height.max(dims.height);
    }
    Ok(max_height)
}
