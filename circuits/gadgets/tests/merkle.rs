//! The Merkle-path gadget against the native path hash, alone and with the Poseidon2
//! table: random trees and paths prove and verify; a wrong sibling, a wrong root, an
//! index that is not the path's, and a non-canonical index are refused.

use kiln_air::TraceError;
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_gadgets::{
    MerklePath, MerklePathTable, MerkleRequests, Poseidon2Requests, Poseidon2Table,
    merkle_root_of_path, table_set,
};
use kiln_hash::{Digest, MerkleTreeMmcs};
use kiln_stark::{
    ProveError, StarkConfig, prove_tables, prove_tables_unchecked_with, verify_tables,
};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

table_set! {
    #[derive(Clone, Copy, Debug)]
    enum Tables {
        Requests(MerkleRequests),
        Paths(MerklePathTable),
        Hash(Poseidon2Table),
    }
}

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 12,
    query_pow_bits: 0,
    ..StarkConfig::TEST
};

fn digest(rng: &mut ChaCha20Rng) -> Digest {
    core::array::from_fn(|_| BabyBear::new(rng.random_range(0..BabyBear::ORDER)))
}

fn random_path(rng: &mut ChaCha20Rng, depth: usize) -> MerklePath {
    let max = if depth >= 31 {
        BabyBear::ORDER
    } else {
        1 << depth
    };
    MerklePath {
        leaf: digest(rng),
        index: rng.random_range(0..max),
        siblings: (0..depth).map(|_| digest(rng)).collect(),
    }
}

/// The three tables' traces for `paths`, requesting `claims` (index, leaf, root).
fn witness(
    depth: usize,
    paths: &[MerklePath],
    claims: &[(u32, Digest, Digest)],
) -> ([Tables; 3], [ColMajorMatrix; 3]) {
    let table = MerklePathTable::for_paths(depth, paths.len());
    let mut hashes = Poseidon2Requests::new();
    let path_trace = table.trace(paths, &mut hashes);
    (
        [
            Tables::Requests(MerkleRequests),
            Tables::Paths(table),
            Tables::Hash(Poseidon2Table),
        ],
        [MerkleRequests::trace(claims), path_trace, hashes.trace()],
    )
}

fn claims(paths: &[MerklePath]) -> Vec<(u32, Digest, Digest)> {
    paths
        .iter()
        .map(|p| (p.index, p.leaf, merkle_root_of_path(p)))
        .collect()
}

const NO_PUBLICS: [&[BabyBear]; 3] = [&[], &[], &[]];

#[test]
fn the_native_path_hash_is_the_mmcs_root() {
    // A tree committed by kiln-hash's MMCS: every leaf's path leads to its root.
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let depth = 4;
    let leaves: Vec<Digest> = (0..1 << depth).map(|_| digest(&mut rng)).collect();
    let c = kiln_hash::TruncatedPermutation::new(kiln_hash::Poseidon2W16::new());
    let mut layers = vec![leaves.clone()];
    while layers.last().unwrap().len() > 1 {
        let l = layers.last().unwrap();
        layers.push(l.chunks(2).map(|p| c.compress([p[0], p[1]])).collect());
    }
    let root = layers[depth][0];
    for index in 0..1u32 << depth {
        let siblings = (0..depth)
            .map(|lvl| layers[lvl][((index as usize) >> lvl) ^ 1])
            .collect();
        let path = MerklePath {
            leaf: leaves[index as usize],
            index,
            siblings,
        };
        assert_eq!(merkle_root_of_path(&path), root);
    }
    let _ = MerkleTreeMmcs::new();
}

#[test]
fn paths_prove_and_verify() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for (depth, count) in [(4usize, 5usize), (32, 3), (31, 2), (1, 1)] {
        let paths: Vec<MerklePath> = (0..count).map(|_| random_path(&mut rng, depth)).collect();
        let (tables, traces) = witness(depth, &paths, &claims(&paths));
        let proof = prove_tables(&CONFIG, &tables, &traces, &NO_PUBLICS)
            .unwrap_or_else(|e| panic!("depth {depth}: {e}"));
        verify_tables(&CONFIG, &tables, &proof, &NO_PUBLICS).unwrap();
    }
}

/// Only with `KILN_LARGE=1`: the merkle-paths workload at the large sizes (2^14
/// and 2^16 paths of depth 32: 2^19 and 2^21 rows in the path and Poseidon2 tables) under
/// the `standard` preset, proven and verified.
#[test]
fn large_path_sets_prove_and_verify() {
    if !std::env::var("KILN_LARGE").is_ok_and(|v| v == "1") {
        eprintln!("skipped: set KILN_LARGE=1 (2^14 and 2^16 paths of depth 32)");
        return;
    }
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    for log_paths in [14u32, 16] {
        let paths: Vec<MerklePath> = (0..1usize << log_paths)
            .map(|_| random_path(&mut rng, 32))
            .collect();
        let (tables, traces) = witness(32, &paths, &claims(&paths));
        let config = StarkConfig::STANDARD;
        let proof = prove_tables(&config, &tables, &traces, &NO_PUBLICS)
            .unwrap_or_else(|e| panic!("2^{log_paths} paths: {e}"));
        verify_tables(&config, &tables, &proof, &NO_PUBLICS).unwrap();
        eprintln!("2^{log_paths} paths: proof of {} bytes", proof.size_bytes());
    }
}

/// Refused by the prover naming a bus or a constraint, and a cheating prover's proof is
/// rejected.
fn refused(tables: &[Tables; 3], traces: &[ColMajorMatrix; 3]) -> ProveError {
    let err = prove_tables(&CONFIG, tables, traces, &NO_PUBLICS).unwrap_err();
    assert!(
        matches!(
            err,
            ProveError::Trace(TraceError::UnbalancedBus(_) | TraceError::InTable { .. })
        ),
        "{err}"
    );
    let proof = prove_tables_unchecked_with(
        &kiln::CpuBackend::new(),
        &CONFIG,
        tables,
        traces,
        &NO_PUBLICS,
    )
    .unwrap();
    assert!(verify_tables(&CONFIG, tables, &proof, &NO_PUBLICS).is_err());
    err
}

#[test]
fn wrong_claims_are_refused() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let depth = 8;
    let paths: Vec<MerklePath> = (0..3).map(|_| random_path(&mut rng, depth)).collect();
    let good = claims(&paths);
    // A root that is not the path's.
    let mut bad = good.clone();
    bad[1].2[0] += BabyBear::new(1);
    let (t, tr) = witness(depth, &paths, &bad);
    let e = refused(&t, &tr);
    assert!(e.to_string().contains("merkle"), "{e}");
    // A leaf claimed at another index.
    let mut bad = good.clone();
    bad[0].0 ^= 1;
    let (t, tr) = witness(depth, &paths, &bad);
    refused(&t, &tr);
    // A forged compression: the path table's parent changed in one level, the Poseidon2
    // table unchanged (the compression it sends is not served).
    let (t, tr) = witness(depth, &paths, &good);
    let mut data = tr[1].clone().into_data();
    let n = tr[1].height();
    data[18 * n + 3] += BabyBear::new(1); // parent[0] of row 3
    data[n + 4] += BabyBear::new(1); // and cur[0] of row 4, so the path stays linked
    let forged = [
        tr[0].clone(),
        ColMajorMatrix::new(data, 39, n).unwrap(),
        tr[2].clone(),
    ];
    refused(&t, &forged);
}

#[test]
fn a_non_canonical_index_is_refused() {
    // The path whose bits are those of x + p (31 bits, the top four set): they add up to
    // x in the field, so the claim "leaf at index x" would pass every other check.
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let depth = 32;
    let x = 5u32;
    let mut path = random_path(&mut rng, depth);
    path.index = x + BabyBear::ORDER; // < 2^31
    let root = merkle_root_of_path(&path);
    let table = MerklePathTable::for_paths(depth, 1);
    let mut hashes = Poseidon2Requests::new();
    let path_trace = table.trace_unchecked(&[path.clone()], &mut hashes);
    let tables = [
        Tables::Requests(MerkleRequests),
        Tables::Paths(table),
        Tables::Hash(Poseidon2Table),
    ];
    let traces = [
        MerkleRequests::trace(&[(x, path.leaf, root)]),
        path_trace,
        hashes.trace(),
    ];
    let err = refused(&tables, &traces);
    assert!(
        matches!(err, ProveError::Trace(TraceError::InTable { table: 1, .. })),
        "{err}"
    );
    // The canonical index of the same leaf and siblings proves (another root).
    path.index = x;
    let (t, tr) = witness(depth, &[path.clone()], &claims(&[path]));
    prove_tables(&CONFIG, &t, &tr, &NO_PUBLICS).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    #[test]
    fn the_gadget_root_is_the_native_root(seed in any::<u64>(), depth in 1usize..12, count in 1usize..4) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let paths: Vec<MerklePath> = (0..count).map(|_| random_path(&mut rng, depth)).collect();
        let (tables, traces) = witness(depth, &paths, &claims(&paths));
        let proof = prove_tables(&CONFIG, &tables, &traces, &NO_PUBLICS).unwrap();
        prop_assert!(verify_tables(&CONFIG, &tables, &proof, &NO_PUBLICS).is_ok());
    }
}
