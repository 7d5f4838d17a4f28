//! Merkle commitments on every backend against `kiln_hash::MerkleTreeMmcs` (itself checked
//! against Plonky3's `MerkleTreeMmcs`): roots, openings and errors.

mod common;

use common::{cuda_or_skip, random_vec, rng};
use kiln::field::{BabyBear, TwoAdicField};
use kiln::merkle::{MatrixRef, MerkleOps};
use kiln::{Backend, CpuBackend, EmuBackend, NttOps, Order};
use kiln_hash::{ColMajorMatrix, MerkleTreeMmcs, Permutation, Poseidon2W16, Poseidon2W24};
use rand_chacha::ChaCha20Rng;

/// Shapes (width, height) committed together: one row, odd widths, mixed heights.
const CASES: &[&[(usize, usize)]] = &[
    &[(1, 1)],
    &[(8, 1)],
    &[(3, 16)],
    &[(17, 64), (5, 64)],
    &[(7, 256), (2, 32), (9, 256), (1, 4)],
    &[(4, 8), (13, 2048), (3, 1)],
];

/// Commitment and openings of matrices of `shapes` (random contents) on `dev` equal the
/// CPU reference MMCS; the openings verify.
fn check_shapes<B: MerkleOps>(dev: &B, shapes: &[(usize, usize)], rng: &mut ChaCha20Rng) {
    let mmcs = MerkleTreeMmcs::new();
    let data: Vec<Vec<BabyBear>> = shapes
        .iter()
        .map(|&(w, h)| random_vec(rng, w * h))
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
    // Both ends and spread indices, one repeated.
    let mut indices: Vec<usize> = (0..max_height.min(9))
        .map(|i| (i * 7919) % max_height)
        .collect();
    indices.extend([max_height - 1, 0]);
    let got = dev.merkle_open(&dtree, &refs, &indices).unwrap();
    let want = mmcs.open_batches(&indices, &tree).unwrap();
    assert_eq!(got, want, "{}: openings of {shapes:?}", dev.name());
    let dims = tree.dimensions();
    for (o, &i) in got.iter().zip(&indices) {
        mmcs.verify_batch(&root, &dims, i, o).unwrap();
    }
    assert!(dev.merkle_open(&dtree, &refs, &[]).unwrap().is_empty());
    // Wrong index and wrong shapes are errors, not panics.
    assert!(dev.merkle_open(&dtree, &refs, &[max_height]).is_err());
    assert!(
        dev.merkle_open(&dtree, &refs[..refs.len() - 1], &[0])
            .is_err()
            || refs.len() == 1
    );
}

/// Commitment and openings on `dev` equal the CPU reference MMCS.
pub fn check_merkle<B: MerkleOps>(dev: &B, seed: u64) {
    let mut rng = rng(seed);
    for shapes in CASES {
        check_shapes(dev, shapes, &mut rng);
    }
    assert!(dev.merkle_commit(&[]).is_err());
    let odd = dev.upload(&random_vec(&mut rng, 3 * 6)).unwrap();
    assert!(dev.merkle_commit(&[MatrixRef::new(&odd, 3, 6)]).is_err());
    assert!(dev.merkle_commit(&[MatrixRef::new(&odd, 3, 4)]).is_err());
}

/// Shapes that exercise the kernels' structure: several 256-row blocks and launches (a
/// launch covers 3 layers below the top 256 nodes), injections inside a launch and at its
/// first layer, empty matrices, rows that cross matrices inside a sponge chunk.
const KERNEL_CASES: &[&[(usize, usize)]] = &[
    &[(0, 4)],
    &[(0, 8), (3, 8), (0, 2)],
    &[(5, 2048), (0, 2048), (6, 2048), (2, 256), (9, 128), (1, 2)],
    &[(2, 4096), (8, 512), (16, 8), (3, 1)],
    &[(1, 16), (24, 1024), (4, 32)],
];

/// A commitment to an LDE computed on `dev` (bit-reversed, the prover's layout) equals the
/// CPU's commitment to the CPU's LDE, and so do its openings.
fn check_lde_commit<B: NttOps + MerkleOps>(
    dev: &B,
    log_n: u32,
    log_blowup: u32,
    width: usize,
    seed: u64,
) {
    let cpu = CpuBackend::new();
    let mut rng = rng(seed);
    let evals = random_vec(&mut rng, width << log_n);
    let shift = BabyBear::GENERATOR;
    let cpu_lde = cpu
        .coset_lde_batch(&evals, log_n, log_blowup, shift, Order::BitReversed)
        .unwrap();
    let height = 1usize << (log_n + log_blowup);
    let cpu_tree = cpu
        .merkle_commit(&[MatrixRef::new(&cpu_lde, width, height)])
        .unwrap();

    let d_evals = dev.upload(&evals).unwrap();
    let d_lde = dev
        .coset_lde_batch(&d_evals, log_n, log_blowup, shift, Order::BitReversed)
        .unwrap();
    let refs = [MatrixRef::new(&d_lde, width, height)];
    let tree = dev.merkle_commit(&refs).unwrap();
    assert_eq!(tree.root(), cpu_tree.root(), "{}: LDE root", dev.name());
    let indices = [0, 1, height / 3, height - 1];
    let want = cpu
        .merkle_open(
            &cpu_tree,
            &[MatrixRef::new(&cpu_lde, width, height)],
            &indices,
        )
        .unwrap();
    assert_eq!(
        dev.merkle_open(&tree, &refs, &indices).unwrap(),
        want,
        "{}: LDE openings",
        dev.name()
    );
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

#[test]
fn emulated_matches_cpu() {
    let emu = EmuBackend::new();
    check_merkle(&emu, 3);
    check_permute(&emu, 4);
    let mut rng = rng(5);
    for shapes in KERNEL_CASES {
        check_shapes(&emu, shapes, &mut rng);
    }
    check_lde_commit(&emu, 6, 2, 5, 6);
}

#[test]
fn cuda_matches_cpu() {
    let Some(gpu) = cuda_or_skip("cuda_matches_cpu") else {
        return;
    };
    check_merkle(&gpu, 7);
    check_permute(&gpu, 8);
    let mut rng = rng(9);
    for shapes in KERNEL_CASES {
        check_shapes(&gpu, shapes, &mut rng);
    }
    // Large trees: one height, and mixed heights with several matrices per height.
    check_shapes(&gpu, &[(8, 1 << 16)], &mut rng);
    check_shapes(
        &gpu,
        &[
            (8, 1 << 20),
            (8, 1 << 16),
            (3, 1 << 20),
            (5, 1 << 10),
            (11, 1 << 16),
        ],
        &mut rng,
    );
    check_lde_commit(&gpu, 6, 2, 5, 10);
    check_lde_commit(&gpu, 18, 2, 8, 11);
    // Many states, the last block partly filled.
    for width in [16usize, 24] {
        let count = (1usize << 20) + 3;
        let states = random_vec(&mut rng, width * count);
        let mut want = states.clone();
        CpuBackend::new()
            .poseidon2_permute(&mut want, width)
            .unwrap();
        let mut buf = gpu.upload(&states).unwrap();
        gpu.poseidon2_permute(&mut buf, width).unwrap();
        assert_eq!(gpu.download(&buf).unwrap(), want, "w{width} x{count}");
    }
}
