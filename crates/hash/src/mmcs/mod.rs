//! Merkle commitments to batches of column-major matrices, with Plonky3's
//! `MerkleTreeMmcs` semantics (arity 2, no cap).
//!
//! Mathematical description, for matrices whose heights are powers of two, the tallest
//! of height `2^k`:
//!
//! * leaf `i` is the sponge digest of row `i` of every matrix of height `2^k`,
//!   concatenated in commit order;
//! * layer `l + 1` node `j` is `C(layer_l[2j], layer_l[2j + 1])`, and, when matrices of
//!   height `2^(k−l−1)` exist, that node is replaced by `C(node, H(row j of those
//!   matrices, concatenated in commit order))`;
//! * the root is the single node of layer `k`.
//!
//! An opening of query index `i` holds, for each matrix of height `2^h` (commit order),
//! its row `i >> (k − h)`, and the `k` sibling digests `layer_l[(i >> l) ^ 1]`, leaf layer
//! first.
//!
//! Many indices opened together share one [`MultiOpening`]: distinct rows once, and only
//! the sibling digests the verifier cannot recompute ([`MerkleTreeMmcs::verify_multi`]).
//!
//! The prover ([`MerkleTreeMmcs::commit`], [`MerkleTreeMmcs::open_batch`]) and the
//! verifier ([`MerkleTreeMmcs::verify_batch`]) live in separate modules; the verifier uses
//! only the hash and the compression.

mod multi;
mod prover;
mod verifier;

use kiln_field::BabyBear;
use serde::{Deserialize, Serialize};

use crate::compress::TruncatedPermutation;
use crate::params::Digest;
use crate::poseidon2::Poseidon2W16;
use crate::sponge::PaddingFreeSponge;

pub use multi::{MultiOpening, distinct_rows};
pub use prover::MerkleTree;

/// A Merkle commitment scheme for matrices: the sponge for rows and the compression for
/// nodes, both Poseidon2-16.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MerkleTreeMmcs {
    sponge: PaddingFreeSponge,
    compress: TruncatedPermutation,
}

impl MerkleTreeMmcs {
    /// The scheme at kiln's SIMD level, [`kiln_field::SimdLevel::current`].
    pub fn new() -> Self {
        Self::with_permutation(Poseidon2W16::new())
    }

    /// The scheme at `perm`'s SIMD level.
    pub const fn with_permutation(perm: Poseidon2W16) -> Self {
        Self {
            sponge: PaddingFreeSponge::new(perm),
            compress: TruncatedPermutation::new(perm),
        }
    }

    pub fn sponge(&self) -> PaddingFreeSponge {
        self.sponge
    }

    pub fn compression(&self) -> TruncatedPermutation {
        self.compress
    }
}

/// What [`MerkleTreeMmcs::open_batch`] reveals for one query index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOpening {
    /// One row per committed matrix, in commit order.
    pub opened_rows: Vec<Vec<BabyBear>>,
    /// The sibling digest at each layer, leaf layer first; `log2` of the tallest height
    /// of them.
    pub siblings: Vec<Digest>,
}
