//! kiln-peer-plonky3: the "merkle-paths" workload of kiln, written with Plonky3's
//! `p3-batch-stark` + `p3-lookup` (0.9.0-rc.2).
//!
//! **This crate is a benchmark peer only.** It exists so that kiln's command line can time
//! the same statement proven by Plonky3; it is not a library to build on, and its
//! parameters are chosen to match kiln's `standard` preset, not to be recommended.
//!
//! # The workload
//!
//! 2^k Merkle paths of depth 32 over the 2-to-1 compression `Poseidon2_16(left ‖ right)[0..8]`
//! (BabyBear, Horizen constants of `p3_baby_bear::default_babybear_poseidon2_16`), proven
//! with three tables tied by LogUp buses:
//!
//! * **requests** (18 columns, 2^k rows): `is_real, index, leaf[8], root[8]`; each real
//!   row sends `(index, leaf, root)` once on the `merkle` bus.
//! * **paths** (39 main + 5 preprocessed columns, 2^(k+5) rows, one level per row, a path
//!   on 32 consecutive rows): receives `(index, leaf, root)` on the `merkle` bus at the
//!   path's first level, and sends every level's compression `(2, left[8], right[8],
//!   parent[8], 0[8])` on the `poseidon2` bus. Constraints: the bit is boolean; the bits
//!   accumulate (Σ bit·2^level) to the index, which is constant along the path; bits are
//!   0 from level 31 up; the index is canonical (< p = 15·2^27 + 1: not all of the top four
//!   bits 27..=30 set while any of the low 27 bits is set); `cur` of a level is the
//!   `parent` of the previous one; the last level's parent is the root (constant along
//!   the path); the node is the left child when the bit is 0.
//! * **poseidon2** (298 + 2 columns, one permutation per row, 2^(k+5) rows): the
//!   `p3-poseidon2-air` AIR (1 permutation per row, S-box x^7 with one register, 4 + 4
//!   full rounds, 13 partial rounds), plus two free multiplicity columns with which it
//!   receives permutation requests `(1, input[16], output[16])` and compression requests
//!   `(2, input[16], output[0..8], 0[8])` on the `poseidon2` bus. Rows are the distinct requested
//!   inputs, padded to a power of two with the zero state at multiplicity 0.
//!
//! # Where this differs from kiln's tables (necessarily or by Plonky3's design)
//!
//! * **Lookup layout.** Plonky3's LogUp (`p3_lookup::LogUpGadget`) commits one
//!   extension-field fraction column per lookup plus one running-sum accumulator per AIR,
//!   and folds same-bus lookups of one AIR into a shared fraction column when the
//!   constraint degree allows it (`pack_same_bus_with_degree`). Here: requests 1 fraction
//!   and 1 accumulator, paths 2 and 1 (one per bus), poseidon2 1 and 1 (its two receives
//!   folded). kiln batches interactions into its own plan of columns. The statements are
//!   the same; the auxiliary column counts may differ.
//! * **Compression tuples are padded.** `p3-lookup` refuses tuples of different widths
//!   on one bus within an AIR (a shorter tuple could alias a longer one under its
//!   fingerprint), so the compression tuple `(2, input[16], output[0..8])` carries 8 zeros
//!   to the width 33 of the permutation tuple `(1, input[16], output[16])`. kiln sends the
//!   25-element tuple.
//! * **Bus encoding.** A Plonky3 bus is a name (`"merkle"`, `"poseidon2"`) and every bus
//!   draws its own challenge pair (α, β); a tuple is fingerprinted as
//!   `α − Σ e_i β^(k-1-i)`. kiln draws one (γ, β) for all buses and puts the bus id in
//!   the fingerprint, `γ − (bus + Σ β^(i+1) v_i)`. The mode tags (1 permute, 2 compress)
//!   are the first tuple element in both.
//! * **Multiplicity bounds.** `p3-lookup` asks each interaction for a declared per-row
//!   magnitude bound (`Count`) and checks Σ weight·height < p; the sends are
//!   `Count::bounded(_, 1)`, the Poseidon2 table's free multiplicities `Count::provided`
//!   (weight 0, the table side). kiln checks Σ height × interactions < p without a
//!   declaration.
//! * **Poseidon2 AIR.** `p3_poseidon2_air::Poseidon2Air` borrows the whole row as its
//!   column struct (debug-asserting the row length), so the multiplicity columns cannot
//!   simply be appended to the row it sees; the table evaluates it through
//!   [`PrefixBuilder`], a builder that narrows the main window to the first 298 columns.
//!   Its column layout is the same as kiln's (inputs, 4 full rounds of (cube[16],
//!   post[16]), 13 partial rounds of (cube, post_sbox), 4 full rounds; the output is the
//!   last `post`); its constraints are the same (degree 3).
//! * **Preprocessed columns** are supported by `p3-batch-stark` 0.9 and used as in kiln
//!   (2^level, 2^level below level 27, first level, top levels 27..=30, levels ≥ 31). They
//!   are committed inside [`prove`] (kiln commits them in every proof too; Plonky3 would
//!   normally do this once, in `ProverData`), and the verifier recomputes the commitment.
//! * **Next-row openings.** Plonky3 lets an AIR name the columns it reads at the next
//!   row (`p3_poseidon2_air::Poseidon2Air` itself declares none); only those are opened
//!   at `g·ζ`: the path table's 23 main and 3 preprocessed columns, none of the other two
//!   tables'. kiln derives the same set from the constraints and opens only it too.
//! * **Transcript and proof format** are Plonky3's (`BatchProof`, serialised with
//!   postcard); the lookup-phase and out-of-domain proof-of-work sites of `p3-batch-stark`
//!   are set to 0 bits and FRI's batch and commit-phase proof of work to 0, since kiln
//!   grinds only before the queries.
//! * **Trace layout.** Plonky3's traces are row-major, kiln's column-major; the Merkle
//!   commitments hash a row (all of one matrix's columns at one point) per leaf in both.

#![forbid(unsafe_code)]

use std::collections::HashMap;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_baby_bear::{
    BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS, BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
    BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
    BABYBEAR_POSEIDON2_RC_16_INTERNAL, BABYBEAR_S_BOX_DEGREE, BabyBear,
    GenericPoseidon2LinearLayersBabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16,
};
use p3_batch_stark::{BatchProof, ProverData, StarkInstance, prove_batch, verify_batch};
use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::extension::BinomialExtensionField;
use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_lookup::{Count, InteractionBuilder, LookupBus, PermutationCheckBus};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_poseidon2_air::{Poseidon2Air, RoundConstants, generate_trace_rows, num_cols};
use p3_symmetric::{PaddingFreeSponge, Permutation, TruncatedPermutation};
use p3_uni_stark::StarkConfig;
use p3_util::log2_strict_usize;

// ---------------------------------------------------------------------------------------
// Configuration: kiln's `standard` preset in Plonky3 types.
// ---------------------------------------------------------------------------------------

type Val = BabyBear;
type Challenge = BinomialExtensionField<Val, 4>;
type Perm16 = Poseidon2BabyBear<16>;
type LeafHash = PaddingFreeSponge<Perm16, 16, 8, 8>;
type NodeCompress = TruncatedPermutation<Perm16, 2, 8, 16>;
type ValMmcs =
    MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, LeafHash, NodeCompress, 2, 8>;
type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
type Challenger = DuplexChallenger<Val, Perm16, 16, 8>;
type Dft = Radix2DitParallel<Val>;
type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
type Config = StarkConfig<Pcs, Challenge, Challenger>;

/// The FRI parameters a caller may choose. Folding is always by 2, the final polynomial
/// is sent in the clear, and only the query phase grinds (as in kiln).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerParams {
    pub log_blowup: usize,
    pub num_queries: usize,
    pub query_pow_bits: usize,
    pub log_final_poly_len: usize,
}

impl PeerParams {
    /// kiln's `standard` preset: rate 1/2, 87 queries, 16 bits of query grinding, folding
    /// by 2 down to a constant.
    pub const STANDARD: Self = Self {
        log_blowup: 1,
        num_queries: 87,
        query_pow_bits: 16,
        log_final_poly_len: 0,
    };
}

impl Default for PeerParams {
    fn default() -> Self {
        Self::STANDARD
    }
}

fn make_config(params: &PeerParams) -> Config {
    let perm = default_babybear_poseidon2_16();
    let val_mmcs = ValMmcs::new(
        LeafHash::new(perm.clone()),
        NodeCompress::new(perm.clone()),
        0,
    );
    let fri = FriParameters {
        log_blowup: params.log_blowup,
        log_final_poly_len: params.log_final_poly_len,
        max_log_arity: 1,
        num_queries: params.num_queries,
        batch_proof_of_work_bits: 0,
        commit_proof_of_work_bits: 0,
        query_proof_of_work_bits: params.query_pow_bits,
        mmcs: ChallengeMmcs::new(val_mmcs.clone()),
    };
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    Config::new(pcs, Challenger::new(perm))
}

// ---------------------------------------------------------------------------------------
// Buses.
// ---------------------------------------------------------------------------------------

/// Requests table → path table: (index, leaf[8], root[8]).
const MERKLE_BUS: PermutationCheckBus<'static> = PermutationCheckBus::new("merkle");
/// Path table → Poseidon2 table: (mode, input[16], output[16] or output[0..8] ‖ 0[8]).
const POSEIDON2_BUS: LookupBus<'static> = LookupBus::new("poseidon2");
/// Mode tag of a permutation request: (1, input[16], output[16]).
const MODE_PERMUTE: u32 = 1;
/// Mode tag of a compression request: (2, left[8] ‖ right[8], output[0..8], 0[8]).
const MODE_COMPRESS: u32 = 2;

/// `p3-lookup` requires the tuples folded into one lookup to share a width, so a
/// compression tuple is padded with 8 zeros to the width of a permutation tuple.
fn compression_padding<AB: AirBuilder>() -> impl Iterator<Item = AB::Expr> {
    core::iter::repeat_n(AB::Expr::ZERO, WIDTH - DIGEST)
}

const DEPTH: usize = 32;
const DIGEST: usize = 8;
const WIDTH: usize = 16;
type Digest = [Val; DIGEST];

// ---------------------------------------------------------------------------------------
// Requests table.
// ---------------------------------------------------------------------------------------

const REQ_IS_REAL: usize = 0;
const REQ_INDEX: usize = 1;
const REQ_LEAF: usize = 2;
const REQ_ROOT: usize = REQ_LEAF + DIGEST;
const REQ_WIDTH: usize = REQ_ROOT + DIGEST;

fn eval_requests<AB: InteractionBuilder>(b: &mut AB) {
    let main = b.main();
    let l = main.current_slice();
    b.assert_bool(l[REQ_IS_REAL]);
    MERKLE_BUS.send(
        b,
        l[REQ_INDEX..REQ_WIDTH].iter().copied(),
        Count::bounded(l[REQ_IS_REAL].into(), 1),
    );
}

// ---------------------------------------------------------------------------------------
// Path table: one tree level per row.
// ---------------------------------------------------------------------------------------

/// Levels below this carry the index's low 27 bits; levels 27..=30 carry its top 4 bits.
const LOW_BITS: usize = 27;
/// Levels from here up must carry a 0 bit (indices are below p < 2^31).
const CANONICAL_LEVELS: usize = 31;

const IS_REAL: usize = 0;
const CUR: usize = 1;
const SIB: usize = CUR + DIGEST;
const BIT: usize = SIB + DIGEST;
const PARENT: usize = BIT + 1;
const ROOT: usize = PARENT + DIGEST;
const INDEX: usize = ROOT + DIGEST;
/// Σ bit·2^level over the levels of the path so far.
const ACC: usize = INDEX + 1;
/// The same over the levels below 27.
const LOW: usize = ACC + 1;
/// Π over the levels so far of `F_COL`: 1 while every top bit so far is set.
const TOP_ALL: usize = LOW + 1;
/// 1 at a level that is not a top level, the bit at a top level.
const F_COL: usize = TOP_ALL + 1;
const PATH_WIDTH: usize = F_COL + 1;

const PRE_POW2: usize = 0;
const PRE_POW2_LOW: usize = 1;
const PRE_FIRST: usize = 2;
const PRE_TOP: usize = 3;
const PRE_HIGH: usize = 4;
const PRE_WIDTH: usize = 5;

/// The path table's shape: `2^log_height` rows, paths of [`DEPTH`] levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathTable {
    log_height: usize,
}

impl PathTable {
    fn for_paths(paths: usize) -> Self {
        Self {
            log_height: log2_strict_usize((paths * DEPTH).max(1).next_power_of_two()),
        }
    }

    fn preprocessed(&self) -> RowMajorMatrix<Val> {
        let n = 1usize << self.log_height;
        let mut values = Val::zero_vec(n * PRE_WIDTH);
        for (r, row) in values.chunks_exact_mut(PRE_WIDTH).enumerate() {
            let level = r % DEPTH;
            let pow2 = Val::from_u64(1u64 << level);
            row[PRE_POW2] = pow2;
            if level < LOW_BITS {
                row[PRE_POW2_LOW] = pow2;
            }
            row[PRE_FIRST] = Val::from_bool(level == 0);
            row[PRE_TOP] = Val::from_bool((LOW_BITS..CANONICAL_LEVELS).contains(&level));
            row[PRE_HIGH] = Val::from_bool(level >= CANONICAL_LEVELS);
        }
        RowMajorMatrix::new(values, PRE_WIDTH)
    }
}

fn eval_paths<AB: InteractionBuilder>(b: &mut AB) {
    let main = b.main();
    let (l, nx) = (main.current_slice(), main.next_slice());
    let pre = b.preprocessed().clone();
    let (p, pn) = (pre.current_slice(), pre.next_slice());
    let e = |v: AB::Var| -> AB::Expr { v.into() };

    // `first`: this row is a path's level 0; `last`: the next row starts another path;
    // `cont`: the next row continues this path.
    let first = e(p[PRE_FIRST]);
    let last = e(pn[PRE_FIRST]);
    let cont = AB::Expr::ONE - pn[PRE_FIRST];

    b.assert_bool(l[IS_REAL]);
    b.assert_bool(l[BIT]);
    b.assert_zero(e(p[PRE_HIGH]) * l[BIT]);
    b.assert_eq(
        l[F_COL],
        AB::Expr::ONE - p[PRE_TOP] + e(p[PRE_TOP]) * l[BIT],
    );

    {
        let mut t = b.when(first.clone());
        t.assert_eq(l[ACC], l[BIT]);
        t.assert_eq(l[LOW], e(l[BIT]) * p[PRE_POW2_LOW]);
        t.assert_eq(l[TOP_ALL], l[F_COL]);
    }
    {
        let mut t = b.when(cont);
        t.assert_eq(nx[ACC], e(l[ACC]) + e(nx[BIT]) * pn[PRE_POW2]);
        t.assert_eq(nx[LOW], e(l[LOW]) + e(nx[BIT]) * pn[PRE_POW2_LOW]);
        t.assert_eq(nx[TOP_ALL], e(l[TOP_ALL]) * nx[F_COL]);
        for i in 0..DIGEST {
            t.assert_eq(nx[CUR + i], l[PARENT + i]);
            t.assert_eq(nx[ROOT + i], l[ROOT + i]);
        }
        t.assert_eq(nx[INDEX], l[INDEX]);
        t.assert_eq(nx[IS_REAL], l[IS_REAL]);
    }
    {
        let mut t = b.when(last);
        t.assert_eq(l[ACC], l[INDEX]);
        for i in 0..DIGEST {
            t.assert_eq(l[PARENT + i], l[ROOT + i]);
        }
        // Canonical index: all four top bits set forces the low 27 bits to 0.
        t.assert_zero(e(l[TOP_ALL]) * l[LOW]);
    }

    // The request this path serves, on its first level: (index, leaf, root).
    let request = core::iter::once(e(l[INDEX]))
        .chain(l[CUR..CUR + DIGEST].iter().map(|&v| e(v)))
        .chain(l[ROOT..ROOT + DIGEST].iter().map(|&v| e(v)));
    MERKLE_BUS.receive(b, request, Count::bounded(first * l[IS_REAL], 1));

    // This level's compression: the node is the left child when the bit is 0.
    let bit = e(l[BIT]);
    let left = (0..DIGEST).map(|i| e(l[CUR + i]) + bit.clone() * (e(l[SIB + i]) - l[CUR + i]));
    let right = (0..DIGEST).map(|i| e(l[SIB + i]) + bit.clone() * (e(l[CUR + i]) - l[SIB + i]));
    let compression = core::iter::once(AB::Expr::from_u32(MODE_COMPRESS))
        .chain(left)
        .chain(right)
        .chain(l[PARENT..PARENT + DIGEST].iter().map(|&v| e(v)))
        .chain(compression_padding::<AB>());
    POSEIDON2_BUS.lookup_key(b, compression, Count::bounded(l[IS_REAL].into(), 1));
}

// ---------------------------------------------------------------------------------------
// Poseidon2 table: one permutation per row (p3-poseidon2-air) + two multiplicities.
// ---------------------------------------------------------------------------------------

type P2Air = Poseidon2Air<
    Val,
    GenericPoseidon2LinearLayersBabyBear,
    WIDTH,
    BABYBEAR_S_BOX_DEGREE,
    1,
    BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS,
    BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
>;
const P2_COLS: usize = num_cols::<
    WIDTH,
    BABYBEAR_S_BOX_DEGREE,
    1,
    BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS,
    BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
>();
/// The permutation's output: the `post` state of the last full round, the row's last
/// 16 columns of `Poseidon2Cols`.
const P2_OUTPUT: usize = P2_COLS - WIDTH;
const MULT_PERMUTE: usize = P2_COLS;
const MULT_COMPRESS: usize = P2_COLS + 1;
const HASH_WIDTH: usize = P2_COLS + 2;

fn round_constants() -> RoundConstants<
    Val,
    WIDTH,
    BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS,
    BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
> {
    RoundConstants::new(
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
        BABYBEAR_POSEIDON2_RC_16_INTERNAL,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
    )
}

/// A window showing only the first `width` columns of another.
#[derive(Clone, Debug)]
pub struct PrefixWindow<W> {
    inner: W,
    width: usize,
}

impl<T, W: WindowAccess<T>> WindowAccess<T> for PrefixWindow<W> {
    fn current_slice(&self) -> &[T] {
        let s = self.inner.current_slice();
        &s[..self.width.min(s.len())]
    }

    fn next_slice(&self) -> &[T] {
        let s = self.inner.next_slice();
        &s[..self.width.min(s.len())]
    }
}

/// A builder that forwards everything to `inner` but shows only the first `width` main
/// columns: how an AIR that owns a whole row (`Poseidon2Air`) is run on a wider table.
pub struct PrefixBuilder<'a, AB: AirBuilder> {
    inner: &'a mut AB,
    width: usize,
}

impl<AB: AirBuilder> AirBuilder for PrefixBuilder<'_, AB> {
    type F = AB::F;
    type Expr = AB::Expr;
    type Var = AB::Var;
    type PreprocessedWindow = AB::PreprocessedWindow;
    type MainWindow = PrefixWindow<AB::MainWindow>;
    type PublicVar = AB::PublicVar;
    type PeriodicVar = AB::PeriodicVar;

    fn main(&self) -> Self::MainWindow {
        PrefixWindow {
            inner: self.inner.main(),
            width: self.width,
        }
    }

    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        self.inner.preprocessed()
    }

    fn is_first_row(&self) -> Self::Expr {
        self.inner.is_first_row()
    }

    fn is_last_row(&self) -> Self::Expr {
        self.inner.is_last_row()
    }

    fn is_transition(&self) -> Self::Expr {
        self.inner.is_transition()
    }

    #[inline]
    fn assert_zero<I: Into<Self::Expr>>(&mut self, x: I) {
        self.inner.assert_zero(x);
    }

    #[inline]
    fn assert_zeros<const N: usize, I: Into<Self::Expr>>(&mut self, array: [I; N]) {
        self.inner.assert_zeros(array);
    }

    fn public_values(&self) -> &[Self::PublicVar] {
        self.inner.public_values()
    }

    fn periodic_values(&self) -> &[Self::PeriodicVar] {
        self.inner.periodic_values()
    }
}

fn eval_hash<AB: InteractionBuilder<F = Val>>(air: &P2Air, b: &mut AB) {
    air.eval(&mut PrefixBuilder {
        inner: b,
        width: P2_COLS,
    });
    let main = b.main();
    let l = main.current_slice();
    let tag = |m: u32| core::iter::once(AB::Expr::from_u32(m));
    let input = l[..WIDTH].iter().map(|&v| v.into());
    let output = l[P2_OUTPUT..P2_COLS].iter().map(|&v| v.into());
    POSEIDON2_BUS.table_entry(
        b,
        tag(MODE_PERMUTE).chain(input.clone()).chain(output.clone()),
        l[MULT_PERMUTE],
    );
    POSEIDON2_BUS.table_entry(
        b,
        tag(MODE_COMPRESS)
            .chain(input)
            .chain(output.take(DIGEST))
            .chain(compression_padding::<AB>()),
        l[MULT_COMPRESS],
    );
}

// ---------------------------------------------------------------------------------------
// The three tables as one AIR type (p3-batch-stark proves a slice of one type).
// ---------------------------------------------------------------------------------------

/// One of the workload's tables.
#[derive(Clone)]
pub enum MerkleAir {
    Requests,
    Paths(PathTable),
    Hash(Box<P2Air>),
}

impl BaseAir<Val> for MerkleAir {
    fn width(&self) -> usize {
        match self {
            Self::Requests => REQ_WIDTH,
            Self::Paths(_) => PATH_WIDTH,
            Self::Hash(_) => HASH_WIDTH,
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        match self {
            Self::Paths(t) => Some(t.preprocessed()),
            _ => None,
        }
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            Self::Paths(_) => PRE_WIDTH,
            _ => 0,
        }
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        match self {
            Self::Paths(_) => vec![PRE_POW2, PRE_POW2_LOW, PRE_FIRST],
            _ => vec![],
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            Self::Paths(_) => {
                let mut cols = vec![IS_REAL, BIT, INDEX, ACC, LOW, TOP_ALL, F_COL];
                cols.extend(CUR..CUR + DIGEST);
                cols.extend(ROOT..ROOT + DIGEST);
                cols.sort_unstable();
                cols
            }
            _ => vec![],
        }
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        match self {
            Self::Hash(air) => air.max_constraint_degree(),
            _ => None,
        }
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for MerkleAir {
    #[inline]
    fn eval(&self, b: &mut AB) {
        match self {
            Self::Requests => eval_requests(b),
            Self::Paths(_) => eval_paths(b),
            Self::Hash(air) => eval_hash(air, b),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Witness.
// ---------------------------------------------------------------------------------------

/// SplitMix64: a small deterministic generator for the random instance.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, p).
    fn element(&mut self) -> Val {
        loop {
            let x = (self.next_u64() >> 33) as u32;
            if x < Val::ORDER_U32 {
                return Val::new(x);
            }
        }
    }

    fn digest(&mut self) -> Digest {
        core::array::from_fn(|_| self.element())
    }
}

/// A Merkle path: the leaf, its index, the siblings from the leaf's level up.
#[derive(Clone, Debug)]
struct MerklePath {
    leaf: Digest,
    index: u32,
    siblings: Vec<Digest>,
}

/// Compression requests to the Poseidon2 table, deduplicated in first-request order.
#[derive(Default)]
struct HashRequests {
    inputs: Vec<[Val; WIDTH]>,
    /// (permutation requests, compression requests) per distinct input.
    counts: Vec<(u32, u32)>,
    slots: HashMap<[u32; WIDTH], usize>,
}

impl HashRequests {
    fn compress(&mut self, perm: &Perm16, left: &Digest, right: &Digest) -> Digest {
        let mut state = [Val::ZERO; WIDTH];
        state[..DIGEST].copy_from_slice(left);
        state[DIGEST..].copy_from_slice(right);
        let key = state.map(|x| x.as_canonical_u32());
        let slot = *self.slots.entry(key).or_insert_with(|| {
            self.inputs.push(state);
            self.counts.push((0, 0));
            self.inputs.len() - 1
        });
        self.counts[slot].1 += 1;
        perm.permute(state)[..DIGEST]
            .try_into()
            .expect("8 elements")
    }

    /// The Poseidon2 table: one row per distinct input, padded with the zero state (both
    /// multiplicities 0) to a power of two, at least 2 rows.
    fn trace(&self) -> RowMajorMatrix<Val> {
        let n = self.inputs.len().next_power_of_two().max(2);
        let mut inputs = self.inputs.clone();
        inputs.resize(n, [Val::ZERO; WIDTH]);
        let perms = generate_trace_rows::<
            Val,
            GenericPoseidon2LinearLayersBabyBear,
            WIDTH,
            BABYBEAR_S_BOX_DEGREE,
            1,
            BABYBEAR_POSEIDON2_HALF_FULL_ROUNDS,
            BABYBEAR_POSEIDON2_PARTIAL_ROUNDS_16,
        >(inputs, &round_constants(), 0);
        let mut values = Vec::with_capacity(n * HASH_WIDTH);
        for (r, row) in perms.values.chunks_exact(P2_COLS).enumerate() {
            values.extend_from_slice(row);
            let (m_perm, m_comp) = self.counts.get(r).copied().unwrap_or((0, 0));
            values.push(Val::from_u32(m_perm));
            values.push(Val::from_u32(m_comp));
        }
        RowMajorMatrix::new(values, HASH_WIDTH)
    }
}

fn requests_trace(claims: &[(u32, Digest, Digest)]) -> RowMajorMatrix<Val> {
    let n = claims.len().next_power_of_two().max(1);
    let mut values = Val::zero_vec(n * REQ_WIDTH);
    for (row, (index, leaf, root)) in values.chunks_exact_mut(REQ_WIDTH).zip(claims) {
        row[REQ_IS_REAL] = Val::ONE;
        row[REQ_INDEX] = Val::new(*index);
        row[REQ_LEAF..REQ_ROOT].copy_from_slice(leaf);
        row[REQ_ROOT..REQ_WIDTH].copy_from_slice(root);
    }
    RowMajorMatrix::new(values, REQ_WIDTH)
}

/// The path table's trace; returns it and each path's root. The compressions are
/// requested of `hashes`.
fn paths_trace(
    table: &PathTable,
    paths: &[MerklePath],
    perm: &Perm16,
    hashes: &mut HashRequests,
) -> (RowMajorMatrix<Val>, Vec<Digest>) {
    let n = 1usize << table.log_height;
    assert!(paths.len() * DEPTH <= n, "more paths than the table holds");
    let mut values = Val::zero_vec(n * PATH_WIDTH);
    let mut roots = Vec::with_capacity(paths.len());
    for (path, rows) in paths
        .iter()
        .zip(values.chunks_exact_mut(PATH_WIDTH * DEPTH))
    {
        assert_eq!(path.siblings.len(), DEPTH);
        let mut cur = path.leaf;
        for (level, (sib, row)) in path
            .siblings
            .iter()
            .zip(rows.chunks_exact_mut(PATH_WIDTH))
            .enumerate()
        {
            let bit = (path.index >> level) & 1 == 1;
            let parent = if bit {
                hashes.compress(perm, sib, &cur)
            } else {
                hashes.compress(perm, &cur, sib)
            };
            row[IS_REAL] = Val::ONE;
            row[CUR..CUR + DIGEST].copy_from_slice(&cur);
            row[SIB..SIB + DIGEST].copy_from_slice(sib);
            row[BIT] = Val::from_bool(bit);
            row[PARENT..PARENT + DIGEST].copy_from_slice(&parent);
            row[INDEX] = Val::new(path.index);
            cur = parent;
        }
        for row in rows.chunks_exact_mut(PATH_WIDTH) {
            row[ROOT..ROOT + DIGEST].copy_from_slice(&cur);
        }
        roots.push(cur);
    }
    // The running columns, on every row (padding rows included).
    let pre = table.preprocessed();
    let mut prev = [Val::ZERO; 3];
    for (row, p) in values
        .chunks_exact_mut(PATH_WIDTH)
        .zip(pre.values.chunks_exact(PRE_WIDTH))
    {
        let bit = row[BIT];
        let f = Val::ONE - p[PRE_TOP] + p[PRE_TOP] * bit;
        let [acc, low, top] = if p[PRE_FIRST] == Val::ONE {
            [Val::ZERO, Val::ZERO, Val::ONE]
        } else {
            prev
        };
        row[F_COL] = f;
        row[ACC] = acc + bit * p[PRE_POW2];
        row[LOW] = low + bit * p[PRE_POW2_LOW];
        row[TOP_ALL] = top * f;
        prev = [row[ACC], row[LOW], row[TOP_ALL]];
    }
    (RowMajorMatrix::new(values, PATH_WIDTH), roots)
}

// ---------------------------------------------------------------------------------------
// The API kiln's command line calls.
// ---------------------------------------------------------------------------------------

/// A random instance of the workload: its tables, their traces and the configuration.
pub struct MerklePathsInstance {
    config: Config,
    airs: Vec<MerkleAir>,
    traces: Vec<RowMajorMatrix<Val>>,
}

impl MerklePathsInstance {
    /// Rows of the (requests, paths, Poseidon2) tables.
    pub fn heights(&self) -> [usize; 3] {
        [0, 1, 2].map(|i| self.traces[i].height())
    }

    fn log_degrees(&self) -> Vec<usize> {
        self.traces
            .iter()
            .map(|t| log2_strict_usize(t.height()))
            .collect()
    }
}

/// Random instance of 2^log_n paths (deterministic from seed).
pub fn merkle_paths_instance(log_n: u32, seed: u64, params: &PeerParams) -> MerklePathsInstance {
    let mut rng = SplitMix64(seed);
    let paths: Vec<MerklePath> = (0..1usize << log_n)
        .map(|_| MerklePath {
            leaf: rng.digest(),
            // Below p: the canonical indices of a depth-32 tree.
            index: rng.element().as_canonical_u32(),
            siblings: (0..DEPTH).map(|_| rng.digest()).collect(),
        })
        .collect();
    instance_of_paths(&paths, params)
}

/// The instance proving `paths`. Their indices are taken as 32-bit integers (bit l at
/// level l) and are not checked to be below p: the AIR must refuse those that are not.
fn instance_of_paths(paths: &[MerklePath], params: &PeerParams) -> MerklePathsInstance {
    let perm = default_babybear_poseidon2_16();
    let table = PathTable::for_paths(paths.len());
    let mut hashes = HashRequests::default();
    let (paths_trace, roots) = paths_trace(&table, paths, &perm, &mut hashes);
    let claims: Vec<(u32, Digest, Digest)> = paths
        .iter()
        .zip(roots)
        .map(|(p, root)| (p.index, p.leaf, root))
        .collect();
    MerklePathsInstance {
        config: make_config(params),
        airs: vec![
            MerkleAir::Requests,
            MerkleAir::Paths(table),
            MerkleAir::Hash(Box::new(P2Air::new(round_constants()))),
        ],
        traces: vec![requests_trace(&claims), paths_trace, hashes.trace()],
    }
}

/// The preprocessed commitment and the lookup layout (part of every proof in kiln; in
/// Plonky3 a one-off `ProverData`).
fn prover_data(inst: &MerklePathsInstance) -> Result<ProverData<Config>, String> {
    ProverData::from_airs_and_degrees(&inst.config, &inst.airs, &inst.log_degrees())
        .map_err(|e| format!("prover data: {e:?}"))
}

/// Builds and drops what [`prove`] builds before it proves (the preprocessed commitment
/// and the lookup layout): to time that share of [`prove`].
#[doc(hidden)]
pub fn prover_setup(inst: &MerklePathsInstance) -> Result<(), String> {
    prover_data(inst).map(drop)
}

/// Proves, or says why not.
pub fn try_prove(inst: &MerklePathsInstance) -> Result<Vec<u8>, String> {
    let data = prover_data(inst)?;
    let instances: Vec<StarkInstance<'_, Config, MerkleAir>> = inst
        .airs
        .iter()
        .zip(&inst.traces)
        .map(|(air, trace)| StarkInstance {
            air,
            trace,
            public_values: vec![],
        })
        .collect();
    let proof = prove_batch(&inst.config, &instances, &data).map_err(|e| format!("{e:?}"))?;
    postcard::to_allocvec(&proof).map_err(|e| format!("serialise: {e}"))
}

/// Proves; returns the serialised proof (postcard, as Plonky3's proof derives serde).
/// Only this is timed.
///
/// # Panics
/// If the instance does not prove (a tampered witness).
pub fn prove(inst: &MerklePathsInstance) -> Vec<u8> {
    try_prove(inst).unwrap_or_else(|e| panic!("proving failed: {e}"))
}

/// Deserialises and verifies; Err(String) on failure.
pub fn verify(inst: &MerklePathsInstance, proof: &[u8]) -> Result<(), String> {
    let proof: BatchProof<Config> =
        postcard::from_bytes(proof).map_err(|e| format!("deserialise: {e}"))?;
    // The verifier recomputes the preprocessed commitment from the tables' shapes.
    let data = prover_data(inst)?;
    let public_values = vec![vec![]; inst.airs.len()];
    verify_batch(
        &inst.config,
        &inst.airs,
        &proof,
        &public_values,
        &data.common,
    )
    .map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests;
