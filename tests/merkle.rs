//! Merkle commitments on every backend against `kiln_hash::MerkleTreeMmcs` (itself checked
//! against Plonky3's `MerkleTreeMmcs`): roots, openings and errors.

mod common;

use common::{random_vec, rng};
use kiln::CpuBackend;
use kiln::field::BabyBear;
use kiln::merkle::{MatrixRef, MerkleOps};
use kiln_hash::{ColMajorMatrix, MerkleTreeMmcs, Permutation, Poseidon2W16, Poseidon2W24};

/// Shapes (width, height) committed together: one row, odd widths, mixed heights.
const CASES: &[&[(usize, usize)]] = &[
    &[(1, 1)],
    &[(8, 1)],
    &[(3, 16)],
    &[(17, 64), (5, 64)],
    &[(7, 256), (2, 32), (9, 256), (1, 4)],
    &[(4, 8), (13, 2048), (3, 1)],
];

/// Commitment and openings on `dev` equal the CPU reference MMCS.
pub fn check_merkle<B: MerkleOps>(dev: &B, seed: u64) {
    let mut rng = rng(seed);
    let mmcs = MerkleTreeMmcs::new();
    for shapes in CASES {
        let data: Vec<Vec<BabyBear>> = shapes
            .iter()
            .map(|&(w, h)| random_vec(&mut rng, w * h))
            .collect();
        let mats: Vec<ColMajorMatrix> = data
            .iter()
            .zip(shapes.iter())
            .map(|(d, &(w, h))| ColMajorMatrix::new(d.clone(), w, h).unwrap())
            .collect();
        let (root, tree) = mmcs.commit(mats).unwrap();
        let bufs: Vec<B::Buffer<BabyBear>> = data.iter().map(|d| dev.upload(d).unwrap()).collect();
        let refs: Vec<MatrixRef<'_, B>> = bufs
            .iter()
            .zip(shapes.iter())
            .map(|(b, &(w, h))| MatrixRef::new(b, w, h))
            .collect();
        let dtree = dev.merkle_commit(&refs).unwrap();
        assert_eq!(dtree.root(), root, "{}: root of {shapes:?}", dev.name());
        let max_height = shapes.iter().map(|s| s.1).max().unwrap();
        let indices: Vec<usize> = (0..max_height.min(9))
            .map(|i| (i * 7919) % max_height)
            .collect();
        let got = dev.merkle_open(&dtree, &refs, &indices).unwrap();
        let want = mmcs.open_batches(&indices, &tree).unwrap();
        assert_eq!(got, want, "{}: openings of {shapes:?}", dev.name());
        let dims = tree.dimensions();
        for (o, &i) in got.iter().zip(&indices) {
            mmcs.verify_batch(&root, &dims, i, o).unwrap();
        }
        // Wrong index and wrong shapes are errors, not panics.
        assert!(dev.merkle_open(&dtree, &refs, &[max_height]).is_err());
        assert!(
            dev.merkle_open(&dtree, &refs[..refs.len() - 1], &[0])
                .is_err()
                || refs.len() == 1
        );
    }
    assert!(dev.merkle_commit(&[]).is_err());
    let odd = dev.upload(&random_vec(&mut rng, 3 * 6)).unwrap();
    assert!(dev.merkle_commit(&[MatrixRef::new(&odd, 3, 6)]).is_err());
    assert!(dev.merkle_commit(&[MatrixRef::new(&odd, 3, 4)]).is_err());
}

/// Batched permutations on `dev` equal `kiln_hash`'s.
pub fn check_permute<B: MerkleOps>(dev: &B, seed: u64) {
    let mut rng = rng(seed);
    for count in [0usize, 1, 3, 1000] {
        let s16 = random_vec(&mut rng, 16 * count);
        let mut want: Vec<[BabyBear; 16]> = s16.as_chunks::<16>().0.to_vec();
        Poseidon2W16::new().permute_many(&mut want);
        let mut buf = dev.upload(&s16).unwrap();
        dev.poseidon2_permute(&mut buf, 16).unwrap();
        assert_eq!(
            dev.download(&buf).unwrap(),
            want.concat(),
            "{}: w16 x{count}",
            dev.name()
        );

        let s24 = random_vec(&mut rng, 24 * count);
        let mut want: Vec<[BabyBear; 24]> = s24.as_chunks::<24>().0.to_vec();
        Poseidon2W24::new().permute_many(&mut want);
        let mut buf = dev.upload(&s24).unwrap();
        dev.poseidon2_permute(&mut buf, 24).unwrap();
        assert_eq!(
            dev.download(&buf).unwrap(),
            want.concat(),
            "{}: w24 x{count}",
            dev.name()
        );
    }
    let mut bad = dev.upload(&random_vec(&mut rng, 17)).unwrap();
    assert!(dev.poseidon2_permute(&mut bad, 16).is_err());
    assert!(dev.poseidon2_permute(&mut bad, 8).is_err());
}

#[test]
fn cpu_matches_reference_mmcs() {
    check_merkle(&CpuBackend::new(), 1);
    check_permute(&CpuBackend::new(), 2);
}
