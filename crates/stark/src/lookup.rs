//! The LogUp side of a proof (see [`kiln_air::lookup`]): the challenges, the auxiliary
//! trace the prover commits, and the fingerprint every evaluator computes the same way.

use kiln_air::{Air, AirBuilder, Bus, Direction, LookupPlan, Window};
use kiln_field::{BabyBear, BabyBearExt4, ColMajor, Field};
use rayon::prelude::*;

/// γ and the powers β, β², … that fingerprint a tuple: d = γ − (bus + Σ β^{i+1}·v_i).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LookupChallenges {
    pub gamma: BabyBearExt4,
    /// β^{i+1} for tuple position i.
    pub beta_powers: Vec<BabyBearExt4>,
}

impl LookupChallenges {
    /// The challenges for tuples of up to `max_len` values.
    pub fn new(gamma: BabyBearExt4, beta: BabyBearExt4, max_len: usize) -> Self {
        let mut beta_powers = Vec::with_capacity(max_len);
        let mut p = beta;
        for _ in 0..max_len {
            beta_powers.push(p);
            p *= beta;
        }
        Self { gamma, beta_powers }
    }

    /// The denominator of a tuple of extension values (the verifier's, at ζ).
    pub fn denominator_ext(&self, bus: Bus, values: &[BabyBearExt4]) -> BabyBearExt4 {
        let mut fp = BabyBearExt4::from(BabyBear::new(bus.id));
        for (v, b) in values.iter().zip(&self.beta_powers) {
            fp += *v * *b;
        }
        self.gamma - fp
    }

    /// The denominator of a tuple of base values (one row of the trace).
    pub fn denominator(&self, bus: Bus, values: &[BabyBear]) -> BabyBearExt4 {
        let mut fp = BabyBearExt4::from(BabyBear::new(bus.id));
        for (v, b) in values.iter().zip(&self.beta_powers) {
            fp += *b * *v;
        }
        self.gamma - fp
    }
}

/// Collects one row's interactions as (denominator, signed multiplicity): the builder the
/// prover builds the auxiliary trace with.
#[derive(Debug)]
pub struct AuxRowBuilder<'a> {
    main: Window<'a, BabyBear>,
    preprocessed: Window<'a, BabyBear>,
    public: &'a [BabyBear],
    first: bool,
    last: bool,
    challenges: &'a LookupChallenges,
    out: Vec<(BabyBearExt4, BabyBear)>,
}

impl AirBuilder for AuxRowBuilder<'_> {
    type Expr = BabyBear;
    type Var = BabyBear;

    fn main(&self) -> Window<'_, BabyBear> {
        self.main
    }

    fn preprocessed(&self) -> Window<'_, BabyBear> {
        self.preprocessed
    }

    fn public_values(&self) -> &[BabyBear] {
        self.public
    }

    fn is_first_row(&self) -> BabyBear {
        BabyBear::from(u32::from(self.first))
    }

    fn is_last_row(&self) -> BabyBear {
        BabyBear::from(u32::from(self.last))
    }

    fn is_transition(&self) -> BabyBear {
        BabyBear::from(u32::from(!self.last))
    }

    fn assert_zero<I: Into<BabyBear>>(&mut self, _x: I) {}

    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[BabyBear],
        multiplicity: BabyBear,
    ) {
        let d = self.challenges.denominator(bus, values);
        self.out.push((d, direction.sign() * multiplicity));
    }
}

/// The AIRs whose interactions the prover can collect row by row.
pub trait AuxAir: for<'a> Air<AuxRowBuilder<'a>> {}
impl<A: for<'a> Air<AuxRowBuilder<'a>>> AuxAir for A {}

/// Why the auxiliary trace could not be built.
#[derive(Debug)]
pub(crate) struct ZeroDenominator {
    pub row: usize,
    pub interaction: usize,
}

/// Rows per rayon task.
const TASK: usize = 1 << 10;

/// The auxiliary trace of one table: `plan.aux_width()` columns of BabyBear^4, each as 4
/// base columns (coefficient k of column c is base column 4c + k), column-major, and the
/// running sum's last value (the table's total).
pub(crate) fn aux_trace<A: AuxAir>(
    air: &A,
    plan: &LookupPlan,
    trace: ColMajor<'_>,
    preprocessed: Option<ColMajor<'_>>,
    public: &[BabyBear],
    challenges: &LookupChallenges,
) -> Result<(Vec<BabyBear>, BabyBearExt4), ZeroDenominator> {
    let n = trace.height();
    let batches = plan.batches.len();
    let width = plan.aux_width();
    // Per row: the batch columns a_j.
    let mut rows = vec![BabyBearExt4::ZERO; n * batches];
    rows.par_chunks_mut(TASK * batches)
        .enumerate()
        .try_for_each(|(task, out)| {
            let base = task * TASK;
            let count = out.len() / batches;
            let mut dens = Vec::new();
            let mut mults = Vec::new();
            for r in base..base + count {
                let next = (r + 1) % n;
                let (local, next_row) = (trace.row_to_vec(r), trace.row_to_vec(next));
                let (p_local, p_next) = match &preprocessed {
                    Some(p) => (p.row_to_vec(r), p.row_to_vec(next)),
                    None => (Vec::new(), Vec::new()),
                };
                let mut b = AuxRowBuilder {
                    main: Window {
                        local: &local,
                        next: &next_row,
                    },
                    preprocessed: Window {
                        local: &p_local,
                        next: &p_next,
                    },
                    public,
                    first: r == 0,
                    last: r == n - 1,
                    challenges,
                    out: Vec::new(),
                };
                air.eval(&mut b);
                for (d, m) in b.out {
                    dens.push(d);
                    mults.push(m);
                }
            }
            let per_row = dens.len() / count.max(1);
            if let Some(i) = dens.iter().position(|d| d.is_zero()) {
                return Err(ZeroDenominator {
                    row: base + i / per_row.max(1),
                    interaction: i % per_row.max(1),
                });
            }
            let inv = kiln_field::batch_inverse(&dens);
            for (row, a) in out.chunks_exact_mut(batches).enumerate() {
                for (j, batch) in plan.batches.iter().enumerate() {
                    let mut s = BabyBearExt4::ZERO;
                    for &i in batch {
                        let k = row * per_row + i;
                        s += inv[k] * mults[k];
                    }
                    a[j] = s;
                }
            }
            Ok(())
        })?;
    // The running sum, and the columns split into coefficients.
    let mut cols = vec![BabyBear::ZERO; 4 * width * n];
    let mut running = BabyBearExt4::ZERO;
    for r in 0..n {
        for j in 0..batches {
            let a = rows[r * batches + j];
            running += a;
            for k in 0..4 {
                cols[(4 * j + k) * n + r] = a.0[k];
            }
        }
        for k in 0..4 {
            cols[(4 * batches + k) * n + r] = running.0[k];
        }
    }
    Ok((cols, running))
}

#[cfg(test)]
mod tests {
    use kiln_air::{BaseAir, SymbolicConstraints};
    use kiln_field::ColMajorMatrix;

    use super::*;

    const BUS: Bus = Bus::new(1, "test");

    /// One column, sent once per row.
    struct SendColumn;

    impl BaseAir for SendColumn {
        fn width(&self) -> usize {
            1
        }
    }

    impl<AB: AirBuilder> Air<AB> for SendColumn {
        fn eval(&self, b: &mut AB) {
            let x = b.main().local[0];
            b.send(BUS, &[x.into()], BabyBear::ONE);
        }
    }

    fn column(values: &[u32]) -> ColMajorMatrix {
        ColMajorMatrix::new(
            values.iter().map(|&v| BabyBear::new(v)).collect(),
            1,
            values.len(),
        )
        .unwrap()
    }

    #[test]
    fn aux_trace_matches_a_naive_sum() {
        let beta = BabyBearExt4::new(BabyBear::new_array([3, 1, 4, 1]));
        let gamma = BabyBearExt4::new(BabyBear::new_array([5, 9, 2, 6]));
        let ch = LookupChallenges::new(gamma, beta, 1);
        let values = [7, 8, 9, 10];
        let trace = column(&values);
        let plan = SymbolicConstraints::of(&SendColumn).lookup;
        let (cols, total) = aux_trace(&SendColumn, &plan, trace.view(), None, &[], &ch).unwrap();
        let mut running = BabyBearExt4::ZERO;
        for (r, &v) in values.iter().enumerate() {
            let d = gamma - (BabyBearExt4::from(BabyBear::new(1)) + beta * BabyBear::new(v));
            let a = d.inverse();
            running += a;
            let at =
                |c: usize| BabyBearExt4::new(core::array::from_fn(|k| cols[(4 * c + k) * 4 + r]));
            assert_eq!(at(0), a, "row {r}");
            assert_eq!(at(1), running, "row {r}");
        }
        assert_eq!(total, running);
    }

    #[test]
    fn a_zero_denominator_is_an_error() {
        // γ chosen equal to the fingerprint of the tuple (5) on the bus.
        let beta = BabyBearExt4::new(BabyBear::new_array([3, 1, 4, 1]));
        let gamma = BabyBearExt4::from(BabyBear::new(BUS.id)) + beta * BabyBear::new(5);
        let ch = LookupChallenges::new(gamma, beta, 1);
        let trace = column(&[1, 2, 5, 4]);
        let plan = SymbolicConstraints::of(&SendColumn).lookup;
        let err = aux_trace(&SendColumn, &plan, trace.view(), None, &[], &ch).unwrap_err();
        assert_eq!((err.row, err.interaction), (2, 0));
    }
}
