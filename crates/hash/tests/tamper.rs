//! The verifier never panics and never accepts a changed opening: random mutations of
//! honest openings (rows, siblings, lengths, index, root), of the claimed dimensions, and
//! random garbage.
//!
//! Dimensions and opening are mutated separately: the dimensions are the verifier's own
//! statement, and a padding-free sponge cannot tell a row from the same row with zeros
//! appended, so "width + 1 and a trailing zero" verifies, as it does in Plonky3.

use kiln_field::{BabyBear, Field};
use kiln_hash::{BatchOpening, ColMajorMatrix, Digest, Dimensions, MerkleTreeMmcs};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// An honest commitment: root, dimensions, query index and opening.
#[derive(Debug, Clone)]
struct Honest {
    root: Digest,
    dims: Vec<Dimensions>,
    index: usize,
    opening: BatchOpening,
}

fn honest(shape: &[(usize, u32)], seed: u64, index_seed: usize) -> Honest {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let matrices: Vec<ColMajorMatrix> = shape
        .iter()
        .map(|&(w, log_h)| {
            let h = 1 << log_h;
            ColMajorMatrix::new((0..w * h).map(|_| rng.random()).collect(), w, h).unwrap()
        })
        .collect();
    let mmcs = MerkleTreeMmcs::new();
    let (root, tree) = mmcs.commit(matrices).unwrap();
    let index = index_seed % (1 << tree.log_max_height());
    let opening = mmcs.open_batch(index, &tree).unwrap();
    Honest {
        root,
        dims: tree.dimensions(),
        index,
        opening,
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    RowElement { pick: usize, delta: u32 },
    SiblingElement { pick: usize, delta: u32 },
    PushRowElement { pick: usize },
    PopRowElement { pick: usize },
    PushSibling,
    PopSibling,
    SwapSiblings { a: usize, b: usize },
    PushRow,
    PopRow,
    SwapRows { a: usize, b: usize },
    Index { new: usize },
    Root { pick: usize, delta: u32 },
    Width { pick: usize, new: usize },
    Height { pick: usize, log: u32 },
}

fn opening_mutation() -> impl Strategy<Value = Mutation> {
    let delta = 1..kiln_field::P;
    prop_oneof![
        (any::<usize>(), delta.clone())
            .prop_map(|(pick, delta)| Mutation::RowElement { pick, delta }),
        (any::<usize>(), delta.clone())
            .prop_map(|(pick, delta)| Mutation::SiblingElement { pick, delta }),
        any::<usize>().prop_map(|pick| Mutation::PushRowElement { pick }),
        any::<usize>().prop_map(|pick| Mutation::PopRowElement { pick }),
        Just(Mutation::PushSibling),
        Just(Mutation::PopSibling),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapSiblings { a, b }),
        Just(Mutation::PushRow),
        Just(Mutation::PopRow),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapRows { a, b }),
        prop_oneof![0..64usize, any::<usize>()].prop_map(|new| Mutation::Index { new }),
        (0..8usize, delta).prop_map(|(pick, delta)| Mutation::Root { pick, delta }),
    ]
}

fn dimension_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), prop_oneof![0..20usize, any::<usize>()])
            .prop_map(|(pick, new)| Mutation::Width { pick, new }),
        (any::<usize>(), 0..64u32).prop_map(|(pick, log)| Mutation::Height { pick, log }),
    ]
}

/// Applies `m`; `false` when it does not apply (nothing to change).
fn apply(h: &mut Honest, m: &Mutation) -> bool {
    let o = &mut h.opening;
    let nonempty_rows: Vec<usize> = (0..o.opened_rows.len())
        .filter(|&i| !o.opened_rows[i].is_empty())
        .collect();
    match *m {
        Mutation::RowElement { pick, delta } => {
            let Some(&r) = nonempty_rows.get(pick % nonempty_rows.len().max(1)) else {
                return false;
            };
            let row = &mut o.opened_rows[r];
            let c = pick % row.len();
            row[c] += BabyBear::new(delta);
        }
        Mutation::SiblingElement { pick, delta } => {
            if o.siblings.is_empty() {
                return false;
            }
            let n = o.siblings.len();
            o.siblings[pick % n][pick % 8] += BabyBear::new(delta);
        }
        Mutation::PushRowElement { pick } => {
            let n = o.opened_rows.len();
            if n == 0 {
                return false;
            }
            o.opened_rows[pick % n].push(BabyBear::ZERO);
        }
        Mutation::PopRowElement { pick } => {
            let Some(&r) = nonempty_rows.get(pick % nonempty_rows.len().max(1)) else {
                return false;
            };
            o.opened_rows[r].pop();
        }
        Mutation::PushSibling => o.siblings.push([BabyBear::ZERO; 8]),
        Mutation::PopSibling => {
            if o.siblings.pop().is_none() {
                return false;
            }
        }
        Mutation::SwapSiblings { a, b } => {
            let n = o.siblings.len();
            if n == 0 || o.siblings[a % n] == o.siblings[b % n] {
                return false;
            }
            o.siblings.swap(a % n, b % n);
        }
        Mutation::PushRow => o.opened_rows.push(vec![]),
        Mutation::PopRow => {
            if o.opened_rows.pop().is_none() {
                return false;
            }
        }
        Mutation::SwapRows { a, b } => {
            let n = o.opened_rows.len();
            if n == 0 || o.opened_rows[a % n] == o.opened_rows[b % n] {
                return false;
            }
            o.opened_rows.swap(a % n, b % n);
        }
        Mutation::Index { new } => {
            if new == h.index {
                return false;
            }
            h.index = new;
        }
        Mutation::Width { pick, new } => {
            let n = h.dims.len();
            if h.dims[pick % n].width == new {
                return false;
            }
            h.dims[pick % n].width = new;
        }
        Mutation::Height { pick, log } => {
            let n = h.dims.len();
            let new = 1usize << log;
            if h.dims[pick % n].height == new {
                return false;
            }
            h.dims[pick % n].height = new;
        }
        Mutation::Root { pick, delta } => h.root[pick] += BabyBear::new(delta),
    }
    true
}

fn check_rejected(
    shape: Vec<(usize, u32)>,
    seed: u64,
    index: usize,
    mutations: Vec<Mutation>,
) -> Result<(), TestCaseError> {
    let original = honest(&shape, seed, index);
    let mut h = original.clone();
    let mut changed = false;
    for m in &mutations {
        changed |= apply(&mut h, m);
    }
    let same = h.root == original.root
        && h.dims == original.dims
        && h.index == original.index
        && h.opening == original.opening;
    prop_assume!(changed && !same);
    // With only empty rows every leaf and every injected row digest is the digest of the
    // empty input, so the index and the heights bind nothing: moving the index or
    // reshaping the (empty) matrices yields the same tree. Plonky3's MMCS is the same.
    let all_empty = original.dims.iter().all(|d| d.width == 0);
    prop_assume!(!(all_empty && h.dims != original.dims));
    // Likewise the index binds only its top log2(tallest non-empty height) bits: below a
    // non-empty row, the subtrees of empty rows are all alike.
    let log_max = original
        .dims
        .iter()
        .map(|d| d.height.trailing_zeros())
        .max()
        .unwrap_or(0);
    let bound = original
        .dims
        .iter()
        .filter(|d| d.width > 0)
        .map(|d| d.height.trailing_zeros())
        .max();
    let unbound_bits = bound.map_or(usize::BITS, |b| log_max - b);
    let same_bound = |i: usize| i.checked_shr(unbound_bits).unwrap_or(0);
    prop_assume!(
        h.index >= 1 << log_max
            || h.dims != original.dims
            || same_bound(h.index) != same_bound(original.index)
            || h.opening != original.opening
            || h.root != original.root
    );
    let result = MerkleTreeMmcs::new().verify_batch(&h.root, &h.dims, h.index, &h.opening);
    prop_assert!(result.is_err(), "accepted after {mutations:?}");
    Ok(())
}

fn shape() -> impl Strategy<Value = Vec<(usize, u32)>> {
    prop::collection::vec((0..12usize, 0..6u32), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn honest_openings_verify(shape in shape(), seed: u64, index: usize) {
        let h = honest(&shape, seed, index);
        prop_assert!(MerkleTreeMmcs::new().verify_batch(&h.root, &h.dims, h.index, &h.opening).is_ok());
    }

    #[test]
    fn mutated_openings_are_rejected(
        shape in shape(),
        seed: u64,
        index: usize,
        mutations in prop::collection::vec(opening_mutation(), 1..4),
    ) {
        check_rejected(shape, seed, index, mutations)?;
    }

    #[test]
    fn wrong_dimensions_are_rejected(
        shape in shape(),
        seed: u64,
        index: usize,
        mutations in prop::collection::vec(dimension_mutation(), 1..3),
    ) {
        check_rejected(shape, seed, index, mutations)?;
    }

    /// Arbitrary input, most of it nonsense: any result but a panic or an acceptance.
    #[test]
    fn garbage_never_panics(
        dims in prop::collection::vec(
            (prop_oneof![0..10usize, any::<usize>()], prop_oneof![0..70usize, any::<usize>()])
                .prop_map(|(width, height)| Dimensions { width, height }),
            0..4,
        ),
        rows in prop::collection::vec(prop::collection::vec(0..kiln_field::P, 0..10), 0..4),
        siblings in prop::collection::vec(prop::array::uniform8(0..kiln_field::P), 0..8),
        index in prop_oneof![0..70usize, any::<usize>()],
        root in prop::array::uniform8(0..kiln_field::P),
    ) {
        let opening = BatchOpening {
            opened_rows: rows.into_iter().map(|r| r.into_iter().map(BabyBear::new).collect()).collect(),
            siblings: siblings.into_iter().map(|d| d.map(BabyBear::new)).collect(),
        };
        let root = root.map(BabyBear::new);
        prop_assert!(MerkleTreeMmcs::new().verify_batch(&root, &dims, index, &opening).is_err());
    }
}
