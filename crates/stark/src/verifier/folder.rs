use kiln_air::{AirBuilder, Window};
use kiln_field::BabyBearExt4;

use crate::domain::Selectors;

/// Evaluates constraints at the out-of-domain point ζ and folds them by Horner's rule:
/// `acc ← acc·α + c_i`.
#[derive(Debug)]
pub struct VerifierConstraintFolder<'a> {
    pub(crate) main: Window<'a, BabyBearExt4>,
    pub(crate) preprocessed: Window<'a, BabyBearExt4>,
    pub(crate) public: &'a [BabyBearExt4],
    pub(crate) selectors: Selectors<BabyBearExt4>,
    pub(crate) alpha: BabyBearExt4,
    pub(crate) acc: BabyBearExt4,
}

impl AirBuilder for VerifierConstraintFolder<'_> {
    type Expr = BabyBearExt4;
    type Var = BabyBearExt4;

    fn main(&self) -> Window<'_, BabyBearExt4> {
        self.main
    }

    fn preprocessed(&self) -> Window<'_, BabyBearExt4> {
        self.preprocessed
    }

    fn public_values(&self) -> &[BabyBearExt4] {
        self.public
    }

    fn is_first_row(&self) -> BabyBearExt4 {
        self.selectors.is_first_row
    }

    fn is_last_row(&self) -> BabyBearExt4 {
        self.selectors.is_last_row
    }

    fn is_transition(&self) -> BabyBearExt4 {
        self.selectors.is_transition
    }

    fn assert_zero<I: Into<BabyBearExt4>>(&mut self, x: I) {
        self.acc = self.acc * self.alpha + x.into();
    }
}
