//! The sponge and the compression: agreement with Plonky3 0.8's
//! `PaddingFreeSponge<_, 16, 8, 8>` and `TruncatedPermutation<_, 2, 8, 16>`, and of the
//! batched paths of every SIMD level with the one-at-a-time paths.

mod common;

use common::{digest_from_p3, p3_compression, p3_hash, simd_levels, to_p3};
use kiln_field::{BabyBear, Field};
use kiln_hash::{
    ColMajor, ColMajorMatrix, Digest, PaddingFreeSponge, Poseidon2W16, TruncatedPermutation,
};
use p3_symmetric::{CryptographicHasher, PseudoCompressionFunction};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_vec(rng: &mut ChaCha20Rng, n: usize) -> Vec<BabyBear> {
    (0..n).map(|_| rng.random()).collect()
}

#[test]
fn sponge_matches_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let sponge = PaddingFreeSponge::default();
    let p3 = p3_hash();
    for len in 0..=41 {
        let input = random_vec(&mut rng, len);
        let p3_input: Vec<_> = input.iter().copied().map(to_p3).collect();
        let expected = digest_from_p3(p3.hash_slice(&p3_input));
        assert_eq!(sponge.hash_slice(&input), expected, "length {len}");
        assert_eq!(sponge.hash_iter(input.iter().copied()), expected);
        let (a, b) = input.split_at(len / 3);
        assert_eq!(sponge.hash_slices([a, b]), expected);
    }
    assert_eq!(sponge.hash_slice(&[]), [BabyBear::ZERO; 8]);
}

#[test]
fn compression_matches_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let compress = TruncatedPermutation::default();
    let p3 = p3_compression();
    for _ in 0..100 {
        let (l, r): (Digest, Digest) = (rng.random(), rng.random());
        let expected = digest_from_p3(p3.compress([l.map(to_p3), r.map(to_p3)]));
        assert_eq!(compress.compress([l, r]), expected);
    }
}

#[test]
fn batched_compression_matches_single() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    for level in simd_levels() {
        let compress = TruncatedPermutation::new(Poseidon2W16::with_simd_level(level).unwrap());
        for n in [0, 1, 5, 8, 16, 17, 33, 100] {
            let pairs: Vec<[Digest; 2]> = (0..n).map(|_| rng.random()).collect();
            let expected: Vec<Digest> = pairs.iter().map(|&p| compress.compress(p)).collect();
            let mut out = vec![[BabyBear::ZERO; 8]; n];
            compress.compress_many(&pairs, &mut out);
            assert_eq!(out, expected, "compress_many, {level:?}, {n}");

            let mut nodes: Vec<Digest> = pairs.iter().map(|p| p[0]).collect();
            let right: Vec<Digest> = pairs.iter().map(|p| p[1]).collect();
            compress.compress_in_place(&mut nodes, &right);
            assert_eq!(nodes, expected, "compress_in_place, {level:?}, {n}");
        }
    }
}

#[test]
fn hash_rows_matches_hashing_each_row() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    for level in simd_levels() {
        let sponge = PaddingFreeSponge::new(Poseidon2W16::with_simd_level(level).unwrap());
        for height in [1, 3, 16, 37, 64] {
            for widths in [&[1][..], &[8], &[9], &[0, 5], &[7, 9, 16], &[3, 0, 17, 1]] {
                let matrices: Vec<ColMajorMatrix> = widths
                    .iter()
                    .map(|&w| {
                        ColMajorMatrix::new(random_vec(&mut rng, w * height), w, height).unwrap()
                    })
                    .collect();
                let views: Vec<ColMajor<'_>> = matrices.iter().map(|m| m.view()).collect();
                let expected: Vec<Digest> = (0..height)
                    .map(|r| sponge.hash_iter(views.iter().flat_map(|m| m.row(r))))
                    .collect();
                let mut out = vec![[BabyBear::ZERO; 8]; height];
                sponge.hash_rows(&views, 0, &mut out);
                assert_eq!(
                    out, expected,
                    "{level:?}, height {height}, widths {widths:?}"
                );

                let first = height / 3;
                let mut tail = vec![[BabyBear::ZERO; 8]; height - first];
                sponge.hash_rows(&views, first, &mut tail);
                assert_eq!(tail, expected[first..]);
            }
        }
    }
}

#[test]
#[should_panic(expected = "different heights")]
fn hash_rows_rejects_mixed_heights() {
    let a = vec![BabyBear::ONE; 8];
    let views = [
        ColMajor::new(&a, 1, 8).unwrap(),
        ColMajor::new(&a, 2, 4).unwrap(),
    ];
    let mut out = vec![[BabyBear::ZERO; 8]; 4];
    PaddingFreeSponge::default().hash_rows(&views, 0, &mut out);
}
