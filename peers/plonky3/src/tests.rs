use std::panic::{AssertUnwindSafe, catch_unwind};

use super::*;

const SEED: u64 = 7;

fn instance(log_n: u32) -> MerklePathsInstance {
    merkle_paths_instance(log_n, SEED, &PeerParams::STANDARD)
}

/// A tampered instance must not give a proof that verifies: the prover refuses it, or the
/// verifier rejects what it made. In a debug build the prover's own constraint and bus
/// checks panic first; a release build (`cargo test --release`) reaches the verifier.
fn assert_rejected(inst: &MerklePathsInstance, what: &str) {
    match catch_unwind(AssertUnwindSafe(|| try_prove(inst))) {
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            // Only the debug build's checks may panic.
            #[cfg(not(debug_assertions))]
            panic!("{what}: the release prover panicked: {msg}");
            #[cfg(debug_assertions)]
            eprintln!("{what}: the prover's debug checks refused it: {msg}");
        }
        Ok(Err(e)) => eprintln!("{what}: the prover refused: {e}"),
        Ok(Ok(proof)) => {
            let res = verify(inst, &proof);
            assert!(res.is_err(), "{what}: a proof verified");
            eprintln!("{what}: the verifier rejected: {}", res.unwrap_err());
        }
    }
}

#[test]
fn table_shapes_match_kiln() {
    let inst = instance(2);
    assert_eq!(inst.heights(), [4, 128, 128]);
    assert_eq!(
        P2_COLS, 298,
        "kiln's NUM_POSEIDON2_COLS with one S-box register"
    );
    assert_eq!(PATH_WIDTH, 39);
    assert_eq!(REQ_WIDTH, 18);
}

/// The AIR's trace generator (with the round constants given to the AIR) computes the same
/// permutation as the hash of the commitments, `default_babybear_poseidon2_16`.
#[test]
fn poseidon2_air_constants_are_the_hash_constants() {
    let perm = default_babybear_poseidon2_16();
    let mut rng = SplitMix64(1);
    let mut hashes = HashRequests::default();
    let (l, r) = (rng.digest(), rng.digest());
    let out = hashes.compress(&perm, &l, &r);
    let trace = hashes.trace();
    let row = trace.row_slice(0).expect("row 0").to_vec();
    let mut state = [Val::ZERO; WIDTH];
    state[..DIGEST].copy_from_slice(&l);
    state[DIGEST..].copy_from_slice(&r);
    assert_eq!(row[..WIDTH], state);
    assert_eq!(row[P2_OUTPUT..P2_COLS], perm.permute(state));
    assert_eq!(row[P2_OUTPUT..P2_OUTPUT + DIGEST], out);
    assert_eq!(row[MULT_COMPRESS], Val::ONE);
    // The padding row permutes the zero state at multiplicity 0.
    let pad = trace.row_slice(1).expect("row 1").to_vec();
    assert_eq!(pad[P2_OUTPUT..P2_COLS], perm.permute([Val::ZERO; WIDTH]));
    assert_eq!(pad[MULT_COMPRESS], Val::ZERO);
}

#[test]
fn proves_and_verifies() {
    let inst = instance(2);
    let proof = prove(&inst);
    verify(&inst, &proof).expect("verifies");
    // A corrupted proof does not.
    let mut bad = proof.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    assert!(verify(&inst, &bad).is_err());
    // Another instance's tables (twice the paths) reject it.
    assert!(verify(&instance(3), &proof).is_err());
}

#[test]
fn wrong_root_in_request_is_rejected() {
    let mut inst = instance(2);
    let cell = REQ_WIDTH + REQ_ROOT + 3;
    inst.traces[0].values[cell] += Val::ONE;
    assert_rejected(&inst, "wrong root requested");
}

#[test]
fn wrong_root_everywhere_is_rejected() {
    // The claimed root changed consistently in the request and along the whole path:
    // the buses balance, but the last level's parent is not the root.
    let mut inst = instance(2);
    inst.traces[0].values[REQ_ROOT] += Val::ONE;
    for row in 0..DEPTH {
        inst.traces[1].values[row * PATH_WIDTH + ROOT] += Val::ONE;
    }
    assert_rejected(&inst, "wrong root along the path");
}

#[test]
fn wrong_sibling_is_rejected() {
    // A sibling changed without recomputing the parents: that level's compression is not
    // one the Poseidon2 table proves.
    let mut inst = instance(2);
    let row = DEPTH + 5;
    inst.traces[1].values[row * PATH_WIDTH + SIB] += Val::ONE;
    assert_rejected(&inst, "wrong sibling");
}

#[test]
fn non_canonical_index_is_rejected() {
    // index' = index + p < 2^31 is the same field element as index, and its bits give a
    // genuine path to another root; the witness is consistent everywhere except that the
    // index is not canonical (its top four bits are set and so is a low bit).
    let p = Val::ORDER_U32;
    let mut rng = SplitMix64(3);
    let mut paths: Vec<MerklePath> = (0..4)
        .map(|i| MerklePath {
            leaf: rng.digest(),
            index: 1000 + i,
            siblings: (0..DEPTH).map(|_| rng.digest()).collect(),
        })
        .collect();
    let honest = instance_of_paths(&paths, &PeerParams::STANDARD);
    verify(&honest, &prove(&honest)).expect("canonical indices verify");
    paths[2].index += p;
    assert!(paths[2].index < 1 << 31 && paths[2].index >> LOW_BITS == 0b1111);
    let forged = instance_of_paths(&paths, &PeerParams::STANDARD);
    assert_rejected(&forged, "index + p");
}

#[test]
fn index_bit_31_is_rejected() {
    // index + 2^31 has bit 31 set (level 31), which must be 0.
    let mut rng = SplitMix64(4);
    let mut paths: Vec<MerklePath> = (0..2)
        .map(|_| MerklePath {
            leaf: rng.digest(),
            index: rng.element().as_canonical_u32(),
            siblings: (0..DEPTH).map(|_| rng.digest()).collect(),
        })
        .collect();
    paths[1].index |= 1 << 31;
    let forged = instance_of_paths(&paths, &PeerParams::STANDARD);
    assert_rejected(&forged, "bit 31 set");
}
