//! The LogUp side of a proof (see [`kiln_air::lookup`]): the challenges, the auxiliary
//! trace the prover commits, and the fingerprint every evaluator computes the same way.

use kiln_air::{Bus, ConstraintProgram, LookupPlan, SymbolicConstraints};
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

    /// The denominator of a tuple of base values (one row of the trace; the prover
    /// computes it inline in [`aux_trace`]).
    #[cfg(test)]
    pub fn denominator(&self, bus: Bus, values: &[BabyBear]) -> BabyBearExt4 {
        let mut fp = BabyBearExt4::from(BabyBear::new(bus.id));
        for (v, b) in values.iter().zip(&self.beta_powers) {
            fp += *b * *v;
        }
        self.gamma - fp
    }
}

/// Why the auxiliary trace could not be built.
#[derive(Debug)]
pub(crate) struct ZeroDenominator {
    pub row: usize,
    pub interaction: usize,
}

/// Rows per rayon task.
const TASK: usize = 1 << 10;
/// Rows per block of the interaction program (its registers hold a block each).
const BLOCK: usize = 64;

/// The interactions' values and multiplicities on rows `r0 .. r0 + len` (len ≤ BLOCK):
/// the program of [`ConstraintProgram::of_interactions`] run on a block of rows at once,
/// each register holding one value per row. `out[k·BLOCK + i]` is output k on row r0 + i.
struct RowBlocks<'a> {
    program: &'a ConstraintProgram,
    trace: ColMajor<'a>,
    preprocessed: Option<ColMajor<'a>>,
    public: &'a [BabyBear],
    regs: Vec<BabyBear>,
    out: Vec<BabyBear>,
}

impl<'a> RowBlocks<'a> {
    fn new(
        program: &'a ConstraintProgram,
        trace: ColMajor<'a>,
        preprocessed: Option<ColMajor<'a>>,
        public: &'a [BabyBear],
    ) -> Self {
        Self {
            program,
            trace,
            preprocessed,
            public,
            regs: vec![BabyBear::ZERO; program.registers as usize * BLOCK],
            out: vec![BabyBear::ZERO; program.constraints as usize * BLOCK],
        }
    }

    fn run(&mut self, r0: usize, len: usize) {
        use kiln_air::opcode::*;
        let n = self.trace.height();
        for &[op, dst, a, b] in &self.program.code {
            let (d, a, b) = (dst as usize, a as usize, b as usize);
            let fill = |regs: &mut [BabyBear], f: &dyn Fn(usize) -> BabyBear| {
                for (i, x) in regs[d * BLOCK..d * BLOCK + len].iter_mut().enumerate() {
                    *x = f(r0 + i);
                }
            };
            match op {
                LOAD_MAIN | LOAD_PREPROCESSED => {
                    let m = if op == LOAD_MAIN {
                        Some(self.trace)
                    } else {
                        self.preprocessed
                    };
                    let col = m.map_or(&[][..], |m| m.column(a));
                    // Row r + b, wrapping at the end (the next row of the last is the first).
                    let dst = &mut self.regs[d * BLOCK..d * BLOCK + len];
                    let start = r0 + b;
                    if start + len <= n {
                        dst.copy_from_slice(&col[start..start + len]);
                    } else {
                        for (i, x) in dst.iter_mut().enumerate() {
                            *x = col[(start + i) % n];
                        }
                    }
                }
                LOAD_PUBLIC => {
                    let v = self.public[a];
                    fill(&mut self.regs, &|_| v);
                }
                CONST => {
                    let v = BabyBear::from_monty(a as u32);
                    fill(&mut self.regs, &|_| v);
                }
                IS_FIRST_ROW => fill(&mut self.regs, &|r| BabyBear::from(u32::from(r == 0))),
                IS_LAST_ROW => fill(&mut self.regs, &|r| BabyBear::from(u32::from(r == n - 1))),
                IS_TRANSITION => fill(&mut self.regs, &|r| BabyBear::from(u32::from(r != n - 1))),
                ADD | SUB | MUL | NEG => {
                    let mut x = [BabyBear::ZERO; BLOCK];
                    let mut y = [BabyBear::ZERO; BLOCK];
                    x[..len].copy_from_slice(&self.regs[a * BLOCK..a * BLOCK + len]);
                    if op != NEG {
                        y[..len].copy_from_slice(&self.regs[b * BLOCK..b * BLOCK + len]);
                    }
                    let dst = &mut self.regs[d * BLOCK..d * BLOCK + len];
                    for (i, z) in dst.iter_mut().enumerate() {
                        *z = match op {
                            ADD => x[i] + y[i],
                            SUB => x[i] - y[i],
                            MUL => x[i] * y[i],
                            _ => -x[i],
                        };
                    }
                }
                EMIT => {
                    let (src, dst) = (a * BLOCK, b * BLOCK);
                    self.out[dst..dst + len].copy_from_slice(&self.regs[src..src + len]);
                }
                _ => unreachable!("the compiler emits no opcode {op}"),
            }
        }
    }
}

/// The auxiliary trace of one table: `plan.aux_width()` columns of BabyBear^4, each as 4
/// base columns (coefficient k of column c is base column 4c + k), column-major, and the
/// running sum's last value (the table's total). The interactions' tuples and
/// multiplicities come from their compiled program, evaluated on blocks of rows.
pub(crate) fn aux_trace(
    symbolic: &SymbolicConstraints,
    trace: ColMajor<'_>,
    preprocessed: Option<ColMajor<'_>>,
    public: &[BabyBear],
    challenges: &LookupChallenges,
) -> Result<(Vec<BabyBear>, BabyBearExt4), ZeroDenominator> {
    let plan = &symbolic.lookup;
    let program = ConstraintProgram::of_interactions(symbolic);
    let interactions = &symbolic.interactions;
    let per_row = interactions.len();
    let n = trace.height();
    let batches = plan.batches.len();
    let width = plan.aux_width();
    // Where each interaction's outputs start, and its sign.
    let mut first = Vec::with_capacity(per_row);
    let mut k = 0;
    for i in interactions {
        first.push(k);
        k += i.values.len() + 1;
    }
    // Per row: the batch columns a_j.
    let mut rows = vec![BabyBearExt4::ZERO; n * batches];
    rows.par_chunks_mut(TASK * batches)
        .enumerate()
        .try_for_each(|(task, out)| {
            let base = task * TASK;
            let count = out.len() / batches;
            let mut dens = Vec::with_capacity(count * per_row);
            let mut mults = Vec::with_capacity(count * per_row);
            let mut blocks = RowBlocks::new(&program, trace, preprocessed, public);
            for r0 in (base..base + count).step_by(BLOCK) {
                let len = BLOCK.min(base + count - r0);
                blocks.run(r0, len);
                let at = |k: usize, i: usize| blocks.out[k * BLOCK + i];
                for i in 0..len {
                    for (inter, &k) in interactions.iter().zip(&first) {
                        let arity = inter.values.len();
                        let mut fp = BabyBearExt4::from(BabyBear::new(inter.bus.id));
                        for (j, b) in challenges.beta_powers[..arity].iter().enumerate() {
                            fp += *b * at(k + j, i);
                        }
                        dens.push(challenges.gamma - fp);
                        mults.push(inter.direction.sign() * at(k + arity, i));
                    }
                }
            }
            batch_fractions(plan, base, per_row, &dens, &mults, out)
        })?;
    Ok(aux_columns(&rows, batches, width, n))
}

/// A task's batch columns: `out[row·batches + j]` = Σ over batch j's interactions of
/// m/d on that row, from the task's denominators and signed multiplicities (`per_row`
/// per row, rows from `base`); a zero denominator is an error.
fn batch_fractions(
    plan: &LookupPlan,
    base: usize,
    per_row: usize,
    dens: &[BabyBearExt4],
    mults: &[BabyBear],
    out: &mut [BabyBearExt4],
) -> Result<(), ZeroDenominator> {
    if let Some(i) = dens.iter().position(|d| d.is_zero()) {
        return Err(ZeroDenominator {
            row: base + i / per_row.max(1),
            interaction: i % per_row.max(1),
        });
    }
    let inv = kiln_field::batch_inverse(dens);
    for (row, a) in out.chunks_exact_mut(plan.batches.len()).enumerate() {
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
}

/// The batch columns (`batches` per row, `n` rows) and their running sum as `width`
/// BabyBear^4 columns, each as 4 base columns, column-major; and the total.
fn aux_columns(
    rows: &[BabyBearExt4],
    batches: usize,
    width: usize,
    n: usize,
) -> (Vec<BabyBear>, BabyBearExt4) {
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
    (cols, running)
}

#[cfg(test)]
mod tests {
    use kiln_air::{Air, AirBuilder, BaseAir, Direction, LookupPlan, Window};
    use kiln_field::ColMajorMatrix;

    use super::*;

    const BUS: Bus = Bus::new(1, "test");

    /// Collects one row's interactions as (denominator, signed multiplicity): the builder the
    /// prover builds the auxiliary trace with.
    #[derive(Debug)]
    struct AuxRowBuilder<'a> {
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

    /// The auxiliary trace of one table: `plan.aux_width()` columns of BabyBear^4, each as 4
    /// base columns (coefficient k of column c is base column 4c + k), column-major, and the
    /// running sum's last value (the table's total).
    fn aux_trace_by_eval<A: for<'a> Air<AuxRowBuilder<'a>>>(
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
        rows.par_chunks_mut(super::TASK * batches)
            .enumerate()
            .try_for_each(|(task, out)| {
                let base = task * super::TASK;
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
                batch_fractions(plan, base, per_row, &dens, &mults, out)
            })?;
        Ok(aux_columns(&rows, batches, width, n))
    }

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
        let sym = SymbolicConstraints::of(&SendColumn);
        let (cols, total) = aux_trace(&sym, trace.view(), None, &[], &ch).unwrap();
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
        let sym = SymbolicConstraints::of(&SendColumn);
        let err = aux_trace(&sym, trace.view(), None, &[], &ch).unwrap_err();
        assert_eq!((err.row, err.interaction), (2, 0));
    }

    /// Interactions of every kind of expression: arithmetic on columns, the next row,
    /// preprocessed columns, a public value, the selectors, two buses, both directions.
    struct Mixed {
        log_n: usize,
    }

    const OTHER: Bus = Bus::new(7, "other");

    impl BaseAir for Mixed {
        fn width(&self) -> usize {
            3
        }

        fn num_public_values(&self) -> usize {
            1
        }

        fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
            let n = 1u32 << self.log_n;
            Some(column(&(0..n).map(|i| 3 * i + 1).collect::<Vec<_>>()))
        }
    }

    impl<AB: AirBuilder> Air<AB> for Mixed {
        fn eval(&self, b: &mut AB) {
            let main = b.main();
            let (x, y, z) = (main.local[0], main.local[1], main.local[2]);
            let (xn, zn) = (main.next[0], main.next[2]);
            let pre = b.preprocessed();
            let (q, qn) = (pre.local[0], pre.next[0]);
            let p = b.public_values()[0];
            let first = b.is_first_row();
            let last = b.is_last_row();
            let trans = b.is_transition();
            b.send(BUS, &[x.into(), y.into() * z.into() - p.into()], q.into());
            b.receive(BUS, &[qn.into()], BabyBear::ONE);
            b.receive(OTHER, &[xn.into() + first.clone()], z.into() * z.into());
            b.send(
                OTHER,
                &[zn.into(), -(y.into()), last + BabyBear::new(3)],
                trans,
            );
        }
    }

    #[test]
    fn the_interaction_program_matches_the_air_evaluated_row_by_row() {
        let beta = BabyBearExt4::new(BabyBear::new_array([3, 1, 4, 1]));
        let gamma = BabyBearExt4::new(BabyBear::new_array([5, 9, 2, 6]));
        let ch = LookupChallenges::new(gamma, beta, 3);
        let public = [BabyBear::new(11)];
        for log_n in [0usize, 1, 6, 7, 12] {
            let air = Mixed { log_n };
            let sym = SymbolicConstraints::of(&air);
            let pre = air.preprocessed_trace().unwrap();
            let n = 1usize << log_n;
            let data = (0..3 * n as u32)
                .map(|i| BabyBear::new(i.wrapping_mul(2_654_435_761) % 1_000_003))
                .collect();
            let trace = ColMajorMatrix::new(data, 3, n).unwrap();
            let (t, p) = (trace.view(), Some(pre.view()));
            let fast = aux_trace(&sym, t, p, &public, &ch).unwrap();
            let naive = aux_trace_by_eval(&air, &sym.lookup, t, p, &public, &ch).unwrap();
            assert_eq!(fast, naive, "2^{log_n} rows");
        }
    }
}
