use kiln_air::{AirBuilder, Bus, Direction, LookupPlan, Window};
use kiln_field::{BabyBear, PackedField, Simd};

use super::ext::PackedExt;

/// Evaluates constraints at `P::WIDTH` points of the quotient domain at once and folds
/// them with powers of α: `Σ_i α^{k−1−i}·c_i`, the same combination the verifier computes
/// by Horner's rule. α's powers arrive split into their four base coefficients, so each
/// constraint costs four base-field multiplications. The lookup constraints (in
/// BabyBear^4) follow the AIR's own, once [`ProverConstraintFolder::finish`] runs.
#[derive(Debug)]
pub struct ProverConstraintFolder<'a, P: PackedField> {
    pub(crate) main: Window<'a, P>,
    pub(crate) preprocessed: Window<'a, P>,
    pub(crate) public: &'a [P],
    pub(crate) is_first_row: P,
    pub(crate) is_last_row: P,
    pub(crate) is_transition: P,
    pub(crate) alpha_powers: &'a [[BabyBear; 4]],
    pub(crate) acc: [P; 4],
    pub(crate) index: usize,
    pub(crate) lookup: Option<LookupFolder<'a, P>>,
}

/// The lookup side of the prover's folder.
#[derive(Debug)]
pub(crate) struct LookupFolder<'a, P: PackedField> {
    pub simd: Simd<P>,
    pub plan: &'a LookupPlan,
    pub gamma: PackedExt<P>,
    /// β^{i+1}, four coefficients each.
    pub beta_powers: &'a [[BabyBear; 4]],
    pub aux_local: &'a [PackedExt<P>],
    pub aux_next: &'a [PackedExt<P>],
    pub total: PackedExt<P>,
    /// This evaluation's denominators and signed multiplicities (cleared by the caller).
    pub dens: &'a mut Vec<PackedExt<P>>,
    pub mults: &'a mut Vec<PackedExt<P>>,
}

impl<P: PackedField> ProverConstraintFolder<'_, P> {
    /// Folds in the lookup constraints, after `eval` stated the AIR's own.
    #[inline(always)]
    pub(crate) fn finish(&mut self) {
        let Some(l) = self.lookup.take() else {
            return;
        };
        let lift = |x: P| PackedExt::from_base(l.simd, x);
        let alpha_powers = self.alpha_powers;
        let mut index = self.index;
        let acc = &mut self.acc;
        l.plan.constraints(
            l.dens,
            l.mults,
            l.aux_local,
            l.aux_next,
            [
                lift(self.is_first_row),
                lift(self.is_last_row),
                lift(self.is_transition),
            ],
            l.total,
            |c: PackedExt<P>| {
                let t = c.mul_const(alpha_powers[index]);
                for (a, v) in acc.iter_mut().zip(t.0) {
                    *a += v;
                }
                index += 1;
            },
        );
        self.index = index;
    }
}

impl<P: PackedField> AirBuilder for ProverConstraintFolder<'_, P> {
    type Expr = P;
    type Var = P;

    #[inline(always)]
    fn main(&self) -> Window<'_, P> {
        self.main
    }

    #[inline(always)]
    fn preprocessed(&self) -> Window<'_, P> {
        self.preprocessed
    }

    #[inline(always)]
    fn public_values(&self) -> &[P] {
        self.public
    }

    #[inline(always)]
    fn is_first_row(&self) -> P {
        self.is_first_row
    }

    #[inline(always)]
    fn is_last_row(&self) -> P {
        self.is_last_row
    }

    #[inline(always)]
    fn is_transition(&self) -> P {
        self.is_transition
    }

    /// # Panics
    /// If the AIR states more constraints than its symbolic evaluation did (an AIR whose
    /// constraints depend on the values it is given).
    #[inline(always)]
    fn assert_zero<I: Into<P>>(&mut self, x: I) {
        let x = x.into();
        let p = self.alpha_powers[self.index];
        for (a, c) in self.acc.iter_mut().zip(p) {
            *a += x * c;
        }
        self.index += 1;
    }

    #[inline(always)]
    fn interact(&mut self, bus: Bus, direction: Direction, values: &[P], multiplicity: P) {
        let Some(l) = &mut self.lookup else {
            return;
        };
        let mut fp = [l.simd.zero(); 4];
        fp[0] = l.simd.splat(BabyBear::new(bus.id));
        for (v, b) in values.iter().zip(l.beta_powers) {
            for (f, c) in fp.iter_mut().zip(b) {
                *f += *v * *c;
            }
        }
        l.dens.push(l.gamma - PackedExt(fp));
        l.mults.push(PackedExt::from_base(
            l.simd,
            multiplicity * direction.sign(),
        ));
    }
}
