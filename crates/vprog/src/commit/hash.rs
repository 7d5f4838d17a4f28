//! The hash the commitments are generic over, and how integers and tags enter it.

use kiln_field::{BabyBear, Field};

// A hash output, a Merkle node: kiln-hash's digest, 8 BabyBear elements (≈ 248 bits), so
// that a digest means one thing across kiln whichever `CommitmentHasher` made it.
pub use kiln_hash::{DIGEST_ELEMS, Digest};

/// The all-zero digest; pads Merkle trees to a power of two.
pub const ZERO_DIGEST: Digest = [BabyBear::ZERO; DIGEST_ELEMS];

/// What commitments need from a hash over BabyBear: a sponge for messages and a 2-to-1
/// compression for Merkle nodes.
///
/// kiln's production instance is [`Poseidon2Hasher`] (width 16, sponge rate 8, digest 8,
/// compression by truncated permutation, as in kiln-hash). The engine stays generic so a
/// circuit can swap in its own hash; there is deliberately no toy implementation.
pub trait CommitmentHasher {
    /// Hashes a message of field elements. A padding-free sponge is fine: every message
    /// the crate hashes starts with a domain tag, and its length is fixed by the tag or by
    /// a count at a fixed position, so no message is a padding-free extension of another.
    fn hash(&self, input: &[BabyBear]) -> Digest;

    /// Compresses two digests into one (a Merkle parent).
    fn compress(&self, left: &Digest, right: &Digest) -> Digest;
}

/// kiln's Poseidon2 over BabyBear (`kiln-hash`): the padding-free sponge for messages and
/// the truncated permutation for Merkle nodes, the same hash as kiln's STARK commitments.
#[derive(Clone, Copy, Debug, Default)]
pub struct Poseidon2Hasher {
    sponge: kiln_hash::PaddingFreeSponge,
    compression: kiln_hash::TruncatedPermutation,
}

impl Poseidon2Hasher {
    pub fn new() -> Self {
        let perm = kiln_hash::Poseidon2W16::new();
        Self {
            sponge: kiln_hash::PaddingFreeSponge::new(perm),
            compression: kiln_hash::TruncatedPermutation::new(perm),
        }
    }
}

impl CommitmentHasher for Poseidon2Hasher {
    fn hash(&self, input: &[BabyBear]) -> Digest {
        self.sponge.hash_slice(input)
    }

    fn compress(&self, left: &Digest, right: &Digest) -> Digest {
        self.compression.compress([*left, *right])
    }
}

impl<H: CommitmentHasher + ?Sized> CommitmentHasher for &H {
    fn hash(&self, input: &[BabyBear]) -> Digest {
        (**self).hash(input)
    }

    fn compress(&self, left: &Digest, right: &Digest) -> Digest {
        (**self).compress(left, right)
    }
}

/// Domain tags: the first element of every hashed message, so that a genesis state, a
/// post-state, an account leaf, a step leaf and commitment metadata never collide.
pub(crate) mod tag {
    pub const GENESIS: u32 = 1;
    pub const STATE: u32 = 2;
    pub const ACCOUNT_LEAF: u32 = 3;
    pub const STEP_LEAF: u32 = 4;
    pub const COMMITMENT: u32 = 5;
}

/// Appends a u64 as three 22-bit limbs, least significant first: each limb is below p, so
/// the encoding is injective.
pub(crate) fn push_u64(buf: &mut Vec<BabyBear>, x: u64) {
    const MASK: u64 = (1 << 22) - 1;
    buf.extend([x & MASK, (x >> 22) & MASK, x >> 44].map(|l| BabyBear::new(l as u32)));
}
