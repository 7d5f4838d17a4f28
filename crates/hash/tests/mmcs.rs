//! Merkle commitments: roots and openings equal to Plonky3 0.8's `MerkleTreeMmcs` with
//! `PaddingFreeSponge<_, 16, 8, 8>` and `TruncatedPermutation<_, 2, 8, 16>`, mixed
//! heights included; openings verify both ways; errors for malformed inputs.

mod common;

use common::{digest_from_p3, from_p3, p3_mmcs, simd_levels, to_p3};
use kiln_field::{BabyBear, Field};
use kiln_hash::{
    ColMajor, ColMajorMatrix, CommitError, Digest, Dimensions, MerkleTree, MerkleTreeMmcs,
    MultiOpening, OpenError, Poseidon2W16, VerifyError, distinct_rows,
};
use p3_commit::{BatchOpening as P3BatchOpening, Mmcs};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_matrix(rng: &mut ChaCha20Rng, width: usize, height: usize) -> ColMajorMatrix {
    let data = (0..width * height).map(|_| rng.random()).collect();
    ColMajorMatrix::new(data, width, height).unwrap()
}

fn to_p3_matrix(m: &ColMajorMatrix) -> RowMajorMatrix<p3_baby_bear::BabyBear> {
    let rows = m.view().to_row_major().into_iter().map(to_p3).collect();
    RowMajorMatrix::new(rows, m.width())
}

/// (width, log2 height) of each matrix, in commit order.
const SHAPES: &[&[(usize, u32)]] = &[
    &[(1, 0)],
    &[(8, 0), (3, 0)],
    &[(1, 1)],
    &[(8, 3)],
    &[(9, 4)],
    &[(16, 5), (7, 5)],
    &[(5, 6), (3, 4), (9, 6), (2, 0), (11, 4)],
    &[(2, 3), (4, 5), (1, 1), (8, 2)],
    &[
        (24, 7),
        (17, 6),
        (8, 5),
        (1, 4),
        (3, 3),
        (2, 2),
        (5, 1),
        (7, 0),
    ],
    // Large enough for the parallel paths (leaf and injected layers).
    &[(10, 12), (3, 11), (4, 12)],
];

fn commit_both(
    mmcs: &MerkleTreeMmcs,
    shape: &[(usize, u32)],
    rng: &mut ChaCha20Rng,
) -> (Digest, MerkleTree<ColMajorMatrix>, Digest) {
    let matrices: Vec<ColMajorMatrix> = shape
        .iter()
        .map(|&(w, log_h)| random_matrix(rng, w, 1 << log_h))
        .collect();
    let p3_matrices = matrices.iter().map(to_p3_matrix).collect();
    let (p3_commit, _) = p3_mmcs().commit(p3_matrices);
    let (root, tree) = mmcs.commit(matrices).unwrap();
    (root, tree, digest_from_p3(p3_commit[0]))
}

#[test]
fn roots_match_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for level in simd_levels() {
        let mmcs = MerkleTreeMmcs::with_permutation(Poseidon2W16::with_simd_level(level).unwrap());
        for shape in SHAPES {
            let (root, tree, p3_root) = commit_both(&mmcs, shape, &mut rng);
            assert_eq!(root, p3_root, "{level:?}, shape {shape:?}");
            assert_eq!(tree.root(), root);
            let log_max = shape.iter().map(|s| s.1).max().unwrap() as usize;
            assert_eq!(tree.log_max_height(), log_max);
            assert_eq!(tree.digest_layers().len(), log_max + 1);
        }
    }
}

#[test]
fn wide_matrices_hashed_in_short_tasks_match_plonky3() {
    // Wide enough that leaf hashing splits rows into 16-row tasks (and 32-, 64-row ones),
    // tall enough for several tasks and a short injected matrix.
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mmcs = MerkleTreeMmcs::new();
    for shape in [
        &[(4100usize, 6u32)][..],
        &[(2100, 7), (3000, 5)],
        &[(1100, 8)],
    ] {
        let (root, _, p3_root) = commit_both(&mmcs, shape, &mut rng);
        assert_eq!(root, p3_root, "shape {shape:?}");
    }
}

#[test]
fn openings_match_and_verify_both_ways() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mmcs = MerkleTreeMmcs::new();
    let p3 = p3_mmcs();
    for shape in &SHAPES[..SHAPES.len() - 1] {
        let matrices: Vec<ColMajorMatrix> = shape
            .iter()
            .map(|&(w, log_h)| random_matrix(&mut rng, w, 1 << log_h))
            .collect();
        let (p3_commit, p3_tree) = p3.commit(matrices.iter().map(to_p3_matrix).collect());
        let (root, tree) = mmcs.commit(matrices).unwrap();
        let dims = tree.dimensions();
        let p3_dims: Vec<p3_matrix::Dimensions> = p3
            .get_matrices(&p3_tree)
            .iter()
            .map(|m| m.dimensions())
            .collect();
        let max_height = 1 << tree.log_max_height();
        for index in 0..max_height {
            let ours = mmcs.open_batch(index, &tree).unwrap();
            let theirs = p3.open_batch(index, &p3_tree);

            let their_rows: Vec<Vec<BabyBear>> = theirs
                .opened_values
                .iter()
                .map(|row| row.iter().copied().map(from_p3).collect())
                .collect();
            let their_siblings: Vec<Digest> = theirs
                .opening_proof
                .iter()
                .copied()
                .map(digest_from_p3)
                .collect();
            assert_eq!(
                ours.opened_rows, their_rows,
                "shape {shape:?}, index {index}"
            );
            assert_eq!(
                ours.siblings, their_siblings,
                "shape {shape:?}, index {index}"
            );

            mmcs.verify_batch(&root, &dims, index, &ours).unwrap();
            let ours_as_p3: P3BatchOpening<p3_baby_bear::BabyBear, common::P3Mmcs> =
                P3BatchOpening::new(
                    ours.opened_rows
                        .iter()
                        .map(|r| r.iter().copied().map(to_p3).collect())
                        .collect(),
                    ours.siblings.iter().map(|d| d.map(to_p3)).collect(),
                );
            p3.verify_batch(&p3_commit, &p3_dims, index, (&ours_as_p3).into())
                .unwrap();
        }
    }
}

#[test]
fn simd_levels_build_identical_trees() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let matrices: Vec<ColMajorMatrix> = vec![
        random_matrix(&mut rng, 13, 1 << 11),
        random_matrix(&mut rng, 6, 1 << 9),
    ];
    let reference = MerkleTreeMmcs::with_permutation(
        Poseidon2W16::with_simd_level(kiln_hash::SimdLevel::Scalar).unwrap(),
    )
    .commit(matrices.iter().collect::<Vec<_>>())
    .unwrap()
    .1;
    for level in simd_levels() {
        let mmcs = MerkleTreeMmcs::with_permutation(Poseidon2W16::with_simd_level(level).unwrap());
        let (_, tree) = mmcs.commit(matrices.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(tree.digest_layers(), reference.digest_layers(), "{level:?}");
    }
}

/// Hashing leaves and building the tree are separate steps a GPU backend can replace;
/// doing them by hand gives the committed tree.
#[test]
fn leaves_and_layers_compose_to_the_commitment() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let mmcs = MerkleTreeMmcs::new();
    let (a, b, c) = (
        random_matrix(&mut rng, 5, 64),
        random_matrix(&mut rng, 3, 16),
        random_matrix(&mut rng, 4, 64),
    );
    let (root, tree) = mmcs.commit(vec![a.view(), b.view(), c.view()]).unwrap();
    let leaves = mmcs.hash_leaves(&[a.view(), c.view()]);
    let injected = mmcs.hash_leaves(&[b.view()]);
    let layers = mmcs.build_layers(leaves, vec![injected]).unwrap();
    assert_eq!(layers, tree.digest_layers());

    let rebuilt =
        MerkleTree::from_digest_layers(vec![a.view(), b.view(), c.view()], layers).unwrap();
    assert_eq!(rebuilt.root(), root);
    assert_eq!(
        mmcs.open_batch(37, &rebuilt).unwrap(),
        mmcs.open_batch(37, &tree).unwrap()
    );
}

#[test]
fn zero_width_matrices_hash_to_zero_rows() {
    let mmcs = MerkleTreeMmcs::new();
    let empty = ColMajor::new(&[], 0, 4).unwrap();
    let (root, tree) = mmcs.commit(vec![empty]).unwrap();
    let zero = [BabyBear::ZERO; 8];
    let c = mmcs.compression();
    assert_eq!(
        root,
        c.compress([c.compress([zero, zero]), c.compress([zero, zero])])
    );
    let opening = mmcs.open_batch(2, &tree).unwrap();
    mmcs.verify_batch(&root, &tree.dimensions(), 2, &opening)
        .unwrap();
}

#[test]
fn commit_errors() {
    let mmcs = MerkleTreeMmcs::new();
    let data = vec![BabyBear::ONE; 12];
    assert_eq!(
        mmcs.commit(Vec::<ColMajor<'_>>::new()).unwrap_err(),
        CommitError::NoMatrices
    );
    let three = ColMajor::new(&data, 4, 3).unwrap();
    let four = ColMajor::new(&data[..8], 2, 4).unwrap();
    let zero = ColMajor::new(&[], 3, 0).unwrap();
    assert_eq!(
        mmcs.commit(vec![four, three]).unwrap_err(),
        CommitError::HeightNotPowerOfTwo {
            matrix: 1,
            height: 3
        }
    );
    assert_eq!(
        mmcs.commit(vec![zero]).unwrap_err(),
        CommitError::HeightNotPowerOfTwo {
            matrix: 0,
            height: 0
        }
    );
    let d = [BabyBear::ZERO; 8];
    assert_eq!(
        mmcs.build_layers(vec![d; 6], vec![]).unwrap_err(),
        CommitError::LeafCountNotPowerOfTwo { got: 6 }
    );
    for bad in [
        vec![vec![d; 8]],
        vec![vec![d; 3]],
        vec![vec![d; 2], vec![d; 2]],
    ] {
        assert!(matches!(
            mmcs.build_layers(vec![d; 8], bad).unwrap_err(),
            CommitError::BadInjection { max_height: 8, .. }
        ));
    }
    assert_eq!(
        MerkleTree::from_digest_layers(vec![four], vec![vec![d; 4], vec![d; 2]]).unwrap_err(),
        CommitError::WrongLayerCount {
            expected: 3,
            got: 2
        }
    );
    assert_eq!(
        MerkleTree::from_digest_layers(vec![four], vec![vec![d; 4], vec![d; 3], vec![d]])
            .unwrap_err(),
        CommitError::WrongLayerLength {
            layer: 1,
            expected: 2,
            got: 3
        }
    );
}

#[test]
fn open_and_verify_errors() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mmcs = MerkleTreeMmcs::new();
    let (a, b) = (random_matrix(&mut rng, 3, 8), random_matrix(&mut rng, 2, 2));
    let (root, tree) = mmcs.commit(vec![a, b]).unwrap();
    assert_eq!(
        mmcs.open_batch(8, &tree).unwrap_err(),
        OpenError::IndexOutOfBounds {
            index: 8,
            max_height: 8
        }
    );
    let dims = tree.dimensions();
    let good = mmcs.open_batch(5, &tree).unwrap();
    mmcs.verify_batch(&root, &dims, 5, &good).unwrap();

    let verify = |dims: &[Dimensions], index, opening: &kiln_hash::BatchOpening| {
        mmcs.verify_batch(&root, dims, index, opening).unwrap_err()
    };
    assert_eq!(verify(&[], 5, &good), VerifyError::NoMatrices);
    assert_eq!(
        verify(&dims[..1], 5, &good),
        VerifyError::WrongBatchSize {
            expected: 1,
            got: 2
        }
    );
    let mut bad_dims = dims.clone();
    bad_dims[1].height = 3;
    assert_eq!(
        verify(&bad_dims, 5, &good),
        VerifyError::HeightNotPowerOfTwo {
            matrix: 1,
            height: 3
        }
    );
    bad_dims[1].height = 2;
    bad_dims[1].width = 5;
    assert_eq!(
        verify(&bad_dims, 5, &good),
        VerifyError::WrongWidth {
            matrix: 1,
            expected: 5,
            got: 2
        }
    );
    assert_eq!(
        verify(&dims, 8, &good),
        VerifyError::IndexOutOfBounds {
            index: 8,
            max_height: 8
        }
    );
    let mut short = good.clone();
    short.siblings.pop();
    assert_eq!(
        verify(&dims, 5, &short),
        VerifyError::WrongProofLength {
            expected: 3,
            got: 2
        }
    );
    assert_eq!(verify(&dims, 4, &good), VerifyError::RootMismatch);
    let mut tampered = good.clone();
    tampered.opened_rows[1][0] += BabyBear::ONE;
    assert_eq!(verify(&dims, 5, &tampered), VerifyError::RootMismatch);
}

/// The number of sibling digests a pruned multi-opening needs, counted naively: per
/// layer, the siblings of the opened leaves' ancestors that are not ancestors themselves.
fn naive_pruned_count(indices: &[usize], log_max: usize) -> usize {
    let mut count = 0;
    for layer in 0..log_max {
        let nodes: std::collections::BTreeSet<usize> = indices.iter().map(|i| i >> layer).collect();
        count += nodes.iter().filter(|&&n| !nodes.contains(&(n ^ 1))).count();
    }
    count
}

#[test]
fn multi_openings_are_pruned_and_verify() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let mmcs = MerkleTreeMmcs::new();
    for shape in SHAPES {
        let (root, tree, _) = commit_both(&mmcs, shape, &mut rng);
        let dims = tree.dimensions();
        let max_height = dims.iter().map(|d| d.height).max().unwrap();
        let log_max = max_height.trailing_zeros() as usize;
        for count in [1, 2, 5, 40] {
            // Repeats included: queries land on the same leaf.
            let indices: Vec<usize> = (0..count)
                .map(|_| rng.random_range(0..max_height))
                .collect();
            let singles: Vec<_> = indices
                .iter()
                .map(|&i| mmcs.open_batch(i, &tree).unwrap())
                .collect();
            let heights: Vec<usize> = dims.iter().map(|d| d.height).collect();
            let multi = MultiOpening::from_openings(&heights, &indices, &singles);
            assert_eq!(multi.siblings.len(), naive_pruned_count(&indices, log_max));
            mmcs.verify_multi(&root, &dims, &indices, &multi.rows, &multi.siblings)
                .unwrap();
            // Every query's rows are found where the single opening had them.
            for (&i, single) in indices.iter().zip(&singles) {
                for (m, d) in dims.iter().enumerate() {
                    let shift = log_max - d.height.trailing_zeros() as usize;
                    let opened = distinct_rows(&indices, shift);
                    assert_eq!(
                        multi.row(m, i >> shift, &opened),
                        Some(single.opened_rows[m].as_slice())
                    );
                }
            }
        }
    }
}

#[test]
fn tampered_multi_openings_are_rejected() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let mmcs = MerkleTreeMmcs::new();
    let (a, b) = (
        random_matrix(&mut rng, 3, 64),
        random_matrix(&mut rng, 2, 8),
    );
    let (root, tree) = mmcs.commit(vec![a, b]).unwrap();
    let dims = tree.dimensions();
    let indices = [5, 9, 5, 63, 8];
    let singles: Vec<_> = indices
        .iter()
        .map(|&i| mmcs.open_batch(i, &tree).unwrap())
        .collect();
    let good = MultiOpening::from_openings(&[64, 8], &indices, &singles);
    let verify = |idx: &[usize], m: &MultiOpening| {
        mmcs.verify_multi(&root, &dims, idx, &m.rows, &m.siblings)
    };
    verify(&indices, &good).unwrap();
    // Order of the indices does not matter; repeats do not either.
    verify(&[63, 8, 9, 5], &good).unwrap();

    let mut m = good.clone();
    m.siblings.pop();
    assert_eq!(verify(&indices, &m), Err(VerifyError::MissingSiblings));
    let mut m = good.clone();
    m.siblings.push(m.siblings[0]);
    assert_eq!(
        verify(&indices, &m),
        Err(VerifyError::ExtraSiblings { extra: 1 })
    );
    for k in 0..good.siblings.len() {
        let mut m = good.clone();
        m.siblings[k][3] += BabyBear::ONE;
        assert_eq!(
            verify(&indices, &m),
            Err(VerifyError::RootMismatch),
            "sibling {k}"
        );
    }
    for (matrix, rows) in good.rows.iter().enumerate() {
        for r in 0..rows.len() {
            let mut m = good.clone();
            m.rows[matrix][r][0] += BabyBear::ONE;
            assert_eq!(verify(&indices, &m), Err(VerifyError::RootMismatch));
        }
    }
    let mut m = good.clone();
    m.rows[1].pop();
    assert_eq!(
        verify(&indices, &m),
        Err(VerifyError::WrongRowCount {
            matrix: 1,
            expected: 3,
            got: 2
        })
    );
    let mut m = good.clone();
    m.rows[0][1].push(BabyBear::ONE);
    assert_eq!(
        verify(&indices, &m),
        Err(VerifyError::WrongWidth {
            matrix: 0,
            expected: 3,
            got: 4
        })
    );
    // Other indices: different rows and digests are needed.
    assert!(verify(&[5, 9, 62, 8], &good).is_err());
    assert_eq!(
        verify(&[64], &good),
        Err(VerifyError::IndexOutOfBounds {
            index: 64,
            max_height: 64
        })
    );
    assert_eq!(
        mmcs.verify_multi(&root, &dims, &[], &[vec![], vec![]], &[]),
        Err(VerifyError::RootMismatch)
    );
}
