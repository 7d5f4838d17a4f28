use kiln_air::{AirBuilder, Window};
use kiln_field::{BabyBear, PackedField};

/// Evaluates constraints at `P::WIDTH` points of the quotient domain at once and folds
/// them with powers of α: `Σ_i α^{k−1−i}·c_i`, the same combination the verifier computes
/// by Horner's rule. α's powers arrive split into their four base coefficients, so each
/// constraint costs four base-field multiplications.
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
}
