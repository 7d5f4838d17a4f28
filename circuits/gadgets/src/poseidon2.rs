//! The Poseidon2 table: one width-16 permutation per row (the AIR of
//! `kiln-poseidon2-air`), and two multiplicity columns with which it receives
//! permutation and compression requests.

use std::collections::HashMap;

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};
use kiln_hash::{Digest, Permutation, Poseidon2W16};
use kiln_poseidon2_air::{NUM_POSEIDON2_COLS, Poseidon2Air, WIDTH, generate_trace};

use crate::POSEIDON2_BUS;

/// Mode tag of a permutation request: (1, input[16], output[16]).
pub const MODE_PERMUTE: u32 = 1;
/// Mode tag of a 2-to-1 compression request: (2, left[8] ‖ right[8], output[0..8]) — the
/// full input state, as `kiln_hash::TruncatedPermutation` compresses.
pub const MODE_COMPRESS: u32 = 2;

/// Column of the permutation requests' multiplicity.
const MULT_PERMUTE: usize = NUM_POSEIDON2_COLS;
/// Column of the compression requests' multiplicity.
const MULT_COMPRESS: usize = NUM_POSEIDON2_COLS + 1;

/// Proves one Poseidon2 permutation per row and receives, on [`POSEIDON2_BUS`], each
/// row's permutation (mode 1) and compression (mode 2) as often as its multiplicity
/// columns say. Every row is fully constrained by the permutation's own constraints, so
/// the multiplicities are free (the table serves any number of identical requests with
/// one row); padding rows permute the zero state with multiplicity 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Poseidon2Table;

impl BaseAir for Poseidon2Table {
    fn width(&self) -> usize {
        NUM_POSEIDON2_COLS + 2
    }

    fn constraint_name(&self, index: usize) -> String {
        BaseAir::constraint_name(&Poseidon2Air::<1>::new(), index)
    }

    fn name(&self) -> String {
        "poseidon2".into()
    }
}

impl<AB: AirBuilder> Air<AB> for Poseidon2Table {
    #[inline(always)]
    fn eval(&self, builder: &mut AB) {
        Poseidon2Air::<1>::new().eval(builder);
        let row = builder.main().local;
        let input = |i: usize| -> AB::Expr { row[Poseidon2Air::<1>::input_column(0, i)].into() };
        let output = |i: usize| -> AB::Expr { row[Poseidon2Air::<1>::output_column(0, i)].into() };
        let (m_perm, m_comp) = (row[MULT_PERMUTE], row[MULT_COMPRESS]);
        let mut perm: Vec<AB::Expr> = Vec::with_capacity(1 + 2 * WIDTH);
        perm.push(BabyBear::new(MODE_PERMUTE).into());
        perm.extend((0..WIDTH).map(input));
        perm.extend((0..WIDTH).map(output));
        let mut comp: Vec<AB::Expr> = Vec::with_capacity(1 + WIDTH + WIDTH / 2);
        comp.push(BabyBear::new(MODE_COMPRESS).into());
        comp.extend((0..WIDTH).map(input));
        comp.extend((0..WIDTH / 2).map(output));
        builder.receive(POSEIDON2_BUS, &perm, m_perm);
        builder.receive(POSEIDON2_BUS, &comp, m_comp);
    }
}

/// The permutations and compressions other tables request, counted, in first-request
/// order; [`Poseidon2Requests::trace`] is the Poseidon2 table that serves them.
#[derive(Clone, Debug, Default)]
pub struct Poseidon2Requests {
    perm: Poseidon2W16,
    inputs: Vec<[BabyBear; WIDTH]>,
    /// (permutation requests, compression requests) per input.
    counts: Vec<(u32, u32)>,
    index: HashMap<[u32; WIDTH], usize>,
}

impl Poseidon2Requests {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&mut self, input: [BabyBear; WIDTH]) -> usize {
        let key = input.map(|x| x.as_canonical_u32());
        *self.index.entry(key).or_insert_with(|| {
            self.inputs.push(input);
            self.counts.push((0, 0));
            self.inputs.len() - 1
        })
    }

    /// Requests the permutation of `input`; returns the output.
    pub fn permute(&mut self, input: [BabyBear; WIDTH]) -> [BabyBear; WIDTH] {
        let s = self.slot(input);
        self.counts[s].0 += 1;
        self.perm.permute(input)
    }

    /// Requests the compression of `left ‖ right`; returns the digest (what
    /// `kiln_hash::TruncatedPermutation::compress` gives).
    pub fn compress(&mut self, left: Digest, right: Digest) -> Digest {
        let mut state = [BabyBear::ZERO; WIDTH];
        state[..8].copy_from_slice(&left);
        state[8..].copy_from_slice(&right);
        let s = self.slot(state);
        self.counts[s].1 += 1;
        self.perm.permute(state)[..8]
            .try_into()
            .expect("8 elements")
    }

    /// Distinct permutations requested.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The Poseidon2 table's trace: one row per distinct input (padded with zero-state
    /// rows of multiplicity 0 to a power of two, at least 2).
    pub fn trace(&self) -> ColMajorMatrix {
        let perms = generate_trace::<1>(&self.inputs);
        let n = perms.height();
        let mut data = perms.into_data();
        let mut mult = |pick: fn(&(u32, u32)) -> u32| {
            let mut col = vec![BabyBear::ZERO; n];
            for (c, x) in col.iter_mut().zip(&self.counts) {
                *c = BabyBear::new(pick(x));
            }
            data.extend(col);
        };
        mult(|c| c.0);
        mult(|c| c.1);
        ColMajorMatrix::new(data, NUM_POSEIDON2_COLS + 2, n).expect("shape")
    }
}
