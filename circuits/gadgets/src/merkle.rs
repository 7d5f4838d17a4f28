//! Merkle paths: a table that proves "leaf sits at index under root", one tree level per
//! row, for trees hashed with `kiln_hash`'s 2-to-1 compression (the MMCS's), and the
//! requests table a circuit uses to ask for it.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};
use kiln_hash::{Digest, Poseidon2W16, TruncatedPermutation};

use crate::poseidon2::{MODE_COMPRESS, Poseidon2Requests};
use crate::{MERKLE_BUS, POSEIDON2_BUS};

/// Levels below this carry the index's low 27 bits; levels 27..=30 its top 4 bits.
const LOW_BITS: usize = 27;
/// BabyBear's p = 15·2^27 + 1: an index of 31 bits is canonical (below p) unless its top
/// four bits are all set and any low bit is.
const CANONICAL_LEVELS: usize = 31;

// Main columns.
const IS_REAL: usize = 0;
const CUR: usize = 1;
const SIB: usize = 9;
const BIT: usize = 17;
const PARENT: usize = 18;
const ROOT: usize = 26;
const INDEX: usize = 34;
/// Σ bit·2^level over the path's levels so far.
const ACC: usize = 35;
/// The same over the levels below 27.
const LOW: usize = 36;
/// Π over the levels so far of `F`: 1 when every top bit so far is set.
const TOP_ALL: usize = 37;
/// 1 at a level that is not a top level, the bit at a top level.
const F: usize = 38;
const WIDTH: usize = 39;

// Preprocessed columns (by level = row mod depth).
const PRE_POW2: usize = 0;
/// 2^level below level 27, else 0.
const PRE_POW2_LOW: usize = 1;
const PRE_FIRST: usize = 2;
/// Levels 27..=30.
const PRE_TOP: usize = 3;
/// Levels from 31 up: the bit must be 0.
const PRE_HIGH: usize = 4;
const PRE_WIDTH: usize = 5;

/// A Merkle path: the leaf, its index, the siblings from the leaf's level up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
    pub leaf: Digest,
    pub index: u32,
    pub siblings: Vec<Digest>,
}

/// The root a path leads to, natively: at level l, the node is the left child when bit l
/// of the index is 0 (`kiln_hash::MerkleTreeMmcs`'s convention).
pub fn merkle_root_of_path(path: &MerklePath) -> Digest {
    let c = TruncatedPermutation::new(Poseidon2W16::new());
    let mut node = path.leaf;
    for (level, sib) in path.siblings.iter().enumerate() {
        let bit = level < 32 && (path.index >> level) & 1 == 1;
        node = if bit {
            c.compress([*sib, node])
        } else {
            c.compress([node, *sib])
        };
    }
    node
}

/// Proves Merkle paths of `depth` levels, one level per row (a path occupies `depth`
/// consecutive rows), in a table of 2^log_height rows, and receives on [`MERKLE_BUS`] the
/// request (index, leaf, root) of every real path (multiplicity 1 each). Each level sends
/// its compression (mode 2: left ‖ right, parent) to the Poseidon2 table. The index bits
/// are boolean, add up to the index, are 0 from level 31 up, and form the canonical
/// binary of an index below p (x and x + p would share their low bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MerklePathTable {
    pub depth: usize,
    pub log_height: usize,
}

impl MerklePathTable {
    /// The table for `paths` paths of `depth` levels (at least one row).
    pub fn for_paths(depth: usize, paths: usize) -> Self {
        assert!(depth > 0, "a path has at least one level");
        Self {
            depth,
            log_height: (paths * depth).max(1).next_power_of_two().trailing_zeros() as usize,
        }
    }

    /// The trace proving `paths` (each of `self.depth` levels, with an index below p and
    /// below 2^depth); their compressions are requested of `hashes`.
    ///
    /// # Panics
    /// If a path has the wrong length or index, or there are more than the table holds.
    pub fn trace(&self, paths: &[MerklePath], hashes: &mut Poseidon2Requests) -> ColMajorMatrix {
        self.trace_inner(paths, hashes, true)
    }

    /// [`MerklePathTable::trace`] without the index check: the bits are those of the
    /// integer `index` even past p (soundness tests: such a witness must be refused).
    #[doc(hidden)]
    pub fn trace_unchecked(
        &self,
        paths: &[MerklePath],
        hashes: &mut Poseidon2Requests,
    ) -> ColMajorMatrix {
        self.trace_inner(paths, hashes, false)
    }

    fn trace_inner(
        &self,
        paths: &[MerklePath],
        hashes: &mut Poseidon2Requests,
        check: bool,
    ) -> ColMajorMatrix {
        let n = 1usize << self.log_height;
        let depth = self.depth;
        assert!(paths.len() * depth <= n, "more paths than the table holds");
        let mut rows = vec![[BabyBear::ZERO; WIDTH]; n];
        let pre = self.preprocessed_rows();
        for (p, path) in paths.iter().enumerate() {
            assert_eq!(path.siblings.len(), depth, "path {p}: wrong depth");
            assert!(
                !check
                    || (path.index < BabyBear::ORDER && (depth >= 32 || path.index >> depth == 0)),
                "path {p}: index {} out of range",
                path.index
            );
            let mut cur = path.leaf;
            let mut parents = Vec::with_capacity(depth);
            for (level, sib) in path.siblings.iter().enumerate() {
                let bit = level < 32 && (path.index >> level) & 1 == 1;
                let parent = if bit {
                    hashes.compress(*sib, cur)
                } else {
                    hashes.compress(cur, *sib)
                };
                parents.push((cur, parent));
                cur = parent;
            }
            let root = cur;
            for (level, (cur, parent)) in parents.into_iter().enumerate() {
                let row = &mut rows[p * depth + level];
                row[IS_REAL] = BabyBear::ONE;
                row[CUR..CUR + 8].copy_from_slice(&cur);
                row[SIB..SIB + 8].copy_from_slice(&path.siblings[level]);
                row[BIT] = BabyBear::new(u32::from(level < 32 && (path.index >> level) & 1 == 1));
                row[PARENT..PARENT + 8].copy_from_slice(&parent);
                row[ROOT..ROOT + 8].copy_from_slice(&root);
                row[INDEX] = BabyBear::from_u64(u64::from(path.index));
            }
        }
        // The running columns, on every row (padding included).
        for r in 0..n {
            let first = pre[r][PRE_FIRST] == BabyBear::ONE;
            let is_top = pre[r][PRE_TOP];
            let bit = rows[r][BIT];
            let f = BabyBear::ONE - is_top + is_top * bit;
            let (acc, low, top) = if first {
                (BabyBear::ZERO, BabyBear::ZERO, BabyBear::ONE)
            } else {
                (rows[r - 1][ACC], rows[r - 1][LOW], rows[r - 1][TOP_ALL])
            };
            let row = &mut rows[r];
            row[F] = f;
            row[ACC] = acc + bit * pre[r][PRE_POW2];
            row[LOW] = low + bit * pre[r][PRE_POW2_LOW];
            row[TOP_ALL] = top * f;
        }
        let mut data = vec![BabyBear::ZERO; WIDTH * n];
        for (r, row) in rows.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                data[c * n + r] = v;
            }
        }
        ColMajorMatrix::new(data, WIDTH, n).expect("shape")
    }

    fn preprocessed_rows(&self) -> Vec<[BabyBear; PRE_WIDTH]> {
        let n = 1usize << self.log_height;
        (0..n)
            .map(|r| {
                let level = r % self.depth;
                let pow2 = BabyBear::new(2).exp_u64(level as u64);
                let mut row = [BabyBear::ZERO; PRE_WIDTH];
                row[PRE_POW2] = pow2;
                if level < LOW_BITS {
                    row[PRE_POW2_LOW] = pow2;
                }
                row[PRE_FIRST] = BabyBear::new(u32::from(level == 0));
                row[PRE_TOP] =
                    BabyBear::new(u32::from((LOW_BITS..CANONICAL_LEVELS).contains(&level)));
                row[PRE_HIGH] = BabyBear::new(u32::from(level >= CANONICAL_LEVELS));
                row
            })
            .collect()
    }
}

impl BaseAir for MerklePathTable {
    fn width(&self) -> usize {
        WIDTH
    }

    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        let rows = self.preprocessed_rows();
        let n = rows.len();
        let mut data = vec![BabyBear::ZERO; PRE_WIDTH * n];
        for (r, row) in rows.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                data[c * n + r] = v;
            }
        }
        Some(ColMajorMatrix::new(data, PRE_WIDTH, n).expect("shape"))
    }

    fn name(&self) -> String {
        format!("merkle-paths (depth {})", self.depth)
    }
}

impl<AB: AirBuilder> Air<AB> for MerklePathTable {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let (l, nx) = (main.local.to_vec(), main.next.to_vec());
        let pre = b.preprocessed();
        let (p, pn) = (pre.local.to_vec(), pre.next.to_vec());
        let one = || AB::Expr::from(BabyBear::ONE);
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        // `last`: the next row starts another path; `cont`: it continues this one.
        let last = e(pn[PRE_FIRST]);
        let cont = one() - pn[PRE_FIRST];
        let first = e(p[PRE_FIRST]);

        b.assert_bool(l[IS_REAL]);
        b.assert_bool(l[BIT]);
        b.assert_zero(e(p[PRE_HIGH]) * l[BIT]);
        b.assert_eq(l[F], one() - p[PRE_TOP] + e(p[PRE_TOP]) * l[BIT]);

        b.when(first.clone()).assert_eq(l[ACC], l[BIT]);
        b.when(first.clone())
            .assert_eq(l[LOW], e(l[BIT]) * p[PRE_POW2_LOW]);
        b.when(first.clone()).assert_eq(l[TOP_ALL], l[F]);

        {
            let mut t = b.when(cont.clone());
            t.assert_eq(nx[ACC], e(l[ACC]) + e(nx[BIT]) * pn[PRE_POW2]);
            t.assert_eq(nx[LOW], e(l[LOW]) + e(nx[BIT]) * pn[PRE_POW2_LOW]);
            t.assert_eq(nx[TOP_ALL], e(l[TOP_ALL]) * nx[F]);
            for i in 0..8 {
                t.assert_eq(nx[CUR + i], l[PARENT + i]);
                t.assert_eq(nx[ROOT + i], l[ROOT + i]);
            }
            t.assert_eq(nx[INDEX], l[INDEX]);
            t.assert_eq(nx[IS_REAL], l[IS_REAL]);
        }
        {
            let mut t = b.when(last.clone());
            t.assert_eq(l[ACC], l[INDEX]);
            for i in 0..8 {
                t.assert_eq(l[PARENT + i], l[ROOT + i]);
            }
            if self.depth >= CANONICAL_LEVELS {
                t.assert_zero(e(l[TOP_ALL]) * l[LOW]);
            }
        }

        // The request this path serves, on its first row.
        let mut request: Vec<AB::Expr> = Vec::with_capacity(17);
        request.push(l[INDEX].into());
        request.extend((0..8).map(|i| e(l[CUR + i])));
        request.extend((0..8).map(|i| e(l[ROOT + i])));
        b.receive(MERKLE_BUS, &request, first * l[IS_REAL]);

        // This level's compression: the node is the left child when the bit is 0.
        let mut comp: Vec<AB::Expr> = Vec::with_capacity(25);
        comp.push(BabyBear::new(MODE_COMPRESS).into());
        let bit = e(l[BIT]);
        comp.extend((0..8).map(|i| e(l[CUR + i]) + bit.clone() * (e(l[SIB + i]) - l[CUR + i])));
        comp.extend((0..8).map(|i| e(l[SIB + i]) + bit.clone() * (e(l[CUR + i]) - l[SIB + i])));
        comp.extend((0..8).map(|i| e(l[PARENT + i])));
        b.send(POSEIDON2_BUS, &comp, l[IS_REAL]);
        let _ = last;
    }
}

/// The requests of a circuit to the path table: each real row sends (index, leaf, root)
/// on [`MERKLE_BUS`] once. Columns: is_real, index, leaf[8], root[8].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MerkleRequests;

impl MerkleRequests {
    /// The trace of requests (index, leaf, root), padded to a power of two.
    pub fn trace(requests: &[(u32, Digest, Digest)]) -> ColMajorMatrix {
        let n = requests.len().max(1).next_power_of_two();
        let mut data = vec![BabyBear::ZERO; 18 * n];
        for (r, (index, leaf, root)) in requests.iter().enumerate() {
            data[r] = BabyBear::ONE;
            data[n + r] = BabyBear::new(*index);
            for i in 0..8 {
                data[(2 + i) * n + r] = leaf[i];
                data[(10 + i) * n + r] = root[i];
            }
        }
        ColMajorMatrix::new(data, 18, n).expect("shape")
    }
}

impl BaseAir for MerkleRequests {
    fn width(&self) -> usize {
        18
    }

    fn name(&self) -> String {
        "merkle-requests".into()
    }
}

impl<AB: AirBuilder> Air<AB> for MerkleRequests {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let l = b.main().local.to_vec();
        b.assert_bool(l[0]);
        let values: Vec<AB::Expr> = l[1..18].iter().map(|&v| v.into()).collect();
        b.send(MERKLE_BUS, &values, l[0]);
    }
}
