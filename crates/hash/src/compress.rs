//! 2-to-1 compression by truncated permutation.

use kiln_field::{BabyBear, Field};

use crate::batched::dispatch;
use crate::params::{DIGEST_ELEMS, Digest};
use crate::poseidon2::{Permutation, Poseidon2W16};

/// Plonky3's `TruncatedPermutation<Poseidon2BabyBear<16>, 2, 8, 16>`:
/// `C(l, r)` = the first 8 elements of `Poseidon2-16(l ‖ r)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TruncatedPermutation {
    perm: Poseidon2W16,
}

impl TruncatedPermutation {
    pub const fn new(perm: Poseidon2W16) -> Self {
        Self { perm }
    }

    pub fn permutation(&self) -> Poseidon2W16 {
        self.perm
    }

    /// `C(input[0], input[1])`.
    pub fn compress(&self, input: [Digest; 2]) -> Digest {
        let mut state = [BabyBear::ZERO; 16];
        state[..DIGEST_ELEMS].copy_from_slice(&input[0]);
        state[DIGEST_ELEMS..].copy_from_slice(&input[1]);
        self.perm.permute_mut(&mut state);
        state[..DIGEST_ELEMS].try_into().unwrap()
    }

    /// `out[j] ← C(inputs[j][0], inputs[j][1])`, as many at a time as the SIMD level
    /// has lanes. A digest layer `layer` compresses to the next with
    /// `compress_many(layer.as_chunks().0, next)`.
    ///
    /// # Panics
    /// If `inputs` and `out` differ in length.
    pub fn compress_many(&self, inputs: &[[Digest; 2]], out: &mut [Digest]) {
        assert_eq!(inputs.len(), out.len(), "compress_many: lengths differ");
        dispatch!(self.perm.simd_level(), compress_many(inputs, out));
    }

    /// `nodes[j] ← C(nodes[j], right[j])`: how rows of a shorter matrix are injected.
    ///
    /// # Panics
    /// If `nodes` and `right` differ in length.
    pub fn compress_in_place(&self, nodes: &mut [Digest], right: &[Digest]) {
        assert_eq!(
            nodes.len(),
            right.len(),
            "compress_in_place: lengths differ"
        );
        dispatch!(self.perm.simd_level(), compress_in_place(nodes, right));
    }
}
