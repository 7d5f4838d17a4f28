use kiln_air::{AirBuilder, Bus, Direction, LookupPlan, Window};
use kiln_field::BabyBearExt4;

use crate::domain::Selectors;
use crate::lookup::LookupChallenges;

/// Evaluates constraints at the out-of-domain point ζ and folds them by Horner's rule:
/// `acc ← acc·α + c_i`; the lookup constraints follow the AIR's own once
/// [`VerifierConstraintFolder::finish`] runs.
#[derive(Debug)]
pub struct VerifierConstraintFolder<'a> {
    pub(crate) main: Window<'a, BabyBearExt4>,
    pub(crate) preprocessed: Window<'a, BabyBearExt4>,
    pub(crate) public: &'a [BabyBearExt4],
    pub(crate) selectors: Selectors<BabyBearExt4>,
    pub(crate) alpha: BabyBearExt4,
    pub(crate) acc: BabyBearExt4,
    pub(crate) lookup: Option<VerifierLookup<'a>>,
}

/// The lookup side of the verifier's folder.
#[derive(Debug)]
pub(crate) struct VerifierLookup<'a> {
    pub plan: &'a LookupPlan,
    pub challenges: &'a LookupChallenges,
    pub aux_local: &'a [BabyBearExt4],
    pub aux_next: &'a [BabyBearExt4],
    pub total: BabyBearExt4,
    pub dens: Vec<BabyBearExt4>,
    pub mults: Vec<BabyBearExt4>,
}

impl VerifierConstraintFolder<'_> {
    /// Folds in the lookup constraints, after `eval` stated the AIR's own.
    pub(crate) fn finish(&mut self) {
        let Some(l) = self.lookup.take() else {
            return;
        };
        let (alpha, mut acc) = (self.alpha, self.acc);
        let s = self.selectors;
        l.plan.constraints(
            &l.dens,
            &l.mults,
            l.aux_local,
            l.aux_next,
            [s.is_first_row, s.is_last_row, s.is_transition],
            l.total,
            |c| acc = acc * alpha + c,
        );
        self.acc = acc;
    }
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

    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[BabyBearExt4],
        multiplicity: BabyBearExt4,
    ) {
        if let Some(l) = &mut self.lookup {
            l.dens.push(l.challenges.denominator_ext(bus, values));
            l.mults.push(multiplicity * direction.sign());
        }
    }
}
