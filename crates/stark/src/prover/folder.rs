use kiln_air::{AirBuilder, Window};
use kiln_field::{BabyBear, PackedBabyBear};

/// Evaluates constraints at `PACKED_WIDTH` points of the quotient domain at once and folds
/// them with powers of α: `Σ_i α^{k−1−i}·c_i`, the same combination the verifier computes
/// by Horner's rule. α's powers arrive split into their four base coefficients, so each
/// constraint costs four base-field multiplications.
#[derive(Debug)]
pub struct ProverConstraintFolder<'a> {
    pub(crate) main: Window<'a, PackedBabyBear>,
    pub(crate) preprocessed: Window<'a, PackedBabyBear>,
    pub(crate) public: &'a [PackedBabyBear],
    pub(crate) is_first_row: PackedBabyBear,
    pub(crate) is_last_row: PackedBabyBear,
    pub(crate) is_transition: PackedBabyBear,
    pub(crate) alpha_powers: &'a [[BabyBear; 4]],
    pub(crate) acc: [PackedBabyBear; 4],
    pub(crate) index: usize,
}

impl AirBuilder for ProverConstraintFolder<'_> {
    type Expr = PackedBabyBear;
    type Var = PackedBabyBear;

    fn main(&self) -> Window<'_, PackedBabyBear> {
        self.main
    }

    fn preprocessed(&self) -> Window<'_, PackedBabyBear> {
        self.preprocessed
    }

    fn public_values(&self) -> &[PackedBabyBear] {
        self.public
    }

    fn is_first_row(&self) -> PackedBabyBear {
        self.is_first_row
    }

    fn is_last_row(&self) -> PackedBabyBear {
        self.is_last_row
    }

    fn is_transition(&self) -> PackedBabyBear {
        self.is_transition
    }

    /// # Panics
    /// If the AIR states more constraints than its symbolic evaluation did (an AIR whose
    /// constraints depend on the values it is given).
    #[inline]
    fn assert_zero<I: Into<PackedBabyBear>>(&mut self, x: I) {
        let x = x.into();
        let p = self.alpha_powers[self.index];
        for (a, c) in self.acc.iter_mut().zip(p) {
            *a += x * c;
        }
        self.index += 1;
    }
}
