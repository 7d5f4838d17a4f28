//! Conversions to and from Plonky3 0.8 types, and the Plonky3 hash configuration that
//! kiln-hash mirrors.

#![allow(dead_code)]

use kiln_field::BabyBear;
use kiln_hash::{Digest, SimdLevel};
use p3_baby_bear::{BabyBear as P3, Poseidon2BabyBear};
use p3_field::PrimeField32;
use p3_merkle_tree::MerkleTreeMmcs as P3MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge as P3Sponge, TruncatedPermutation as P3Compress};

pub type P3Perm16 = Poseidon2BabyBear<16>;
pub type P3Hash = P3Sponge<P3Perm16, 16, 8, 8>;
pub type P3Compression = P3Compress<P3Perm16, 2, 8, 16>;
pub type P3Packing = <P3 as p3_field::Field>::Packing;
pub type P3Mmcs = P3MerkleTreeMmcs<P3Packing, P3Packing, P3Hash, P3Compression, 2, 8>;

pub fn to_p3(x: BabyBear) -> P3 {
    P3::new(x.as_canonical_u32())
}

pub fn from_p3(x: P3) -> BabyBear {
    BabyBear::new(x.as_canonical_u32())
}

pub fn to_p3_array<const N: usize>(xs: [BabyBear; N]) -> [P3; N] {
    xs.map(to_p3)
}

pub fn from_p3_array<const N: usize>(xs: [P3; N]) -> [BabyBear; N] {
    xs.map(from_p3)
}

pub fn digest_from_p3(d: [P3; 8]) -> Digest {
    from_p3_array(d)
}

pub fn p3_hash() -> P3Hash {
    P3Hash::new(p3_baby_bear::default_babybear_poseidon2_16())
}

pub fn p3_compression() -> P3Compression {
    P3Compression::new(p3_baby_bear::default_babybear_poseidon2_16())
}

pub fn p3_mmcs() -> P3Mmcs {
    P3Mmcs::new(p3_hash(), p3_compression(), 0)
}

/// Every SIMD level this CPU can run (always includes the scalar one).
pub fn simd_levels() -> Vec<SimdLevel> {
    SimdLevel::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}
