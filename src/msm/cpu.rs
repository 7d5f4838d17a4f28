//! [`MsmOps`] on the CPU: ark-ec's `VariableBaseMSM`, the reference.

use ark_ec::VariableBaseMSM;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::PrimeField;

use super::{Bases, DeviceRepr, DeviceVec, MsmCurve, MsmOps, MsmScalar, ScalarForm, check_prefix};
use crate::{CpuBackend, Result};

impl MsmOps for CpuBackend {
    fn msm_prefix<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
    ) -> Result<Projective<P>> {
        check_prefix(bases.len(), scalars.len())?;
        let n = scalars.len();
        let bases: Vec<Affine<P>> = bases
            .words
            .chunks_exact(<Affine<P> as DeviceRepr>::WORDS)
            .take(n)
            .map(Affine::<P>::read_words)
            .collect::<Result<_>>()?;
        let words = scalars.words.chunks_exact(S::WORDS);
        let out = match S::FORM {
            ScalarForm::Montgomery => {
                let s: Vec<P::ScalarField> = words
                    .map(P::ScalarField::read_words)
                    .collect::<Result<_>>()?;
                Projective::<P>::msm_unchecked(&bases, &s)
            }
            ScalarForm::Standard => {
                // Reduce mod r first: ark-ec expects scalars below r.
                let s: Vec<_> = words
                    .map(|w| S::read_words(w).map(|x| x.to_field().into_bigint()))
                    .collect::<Result<_>>()?;
                Projective::<P>::msm_bigint(&bases, &s)
            }
        };
        Ok(out)
    }
}
