//! [`ScalarNttOps`] on the CPU: ark-poly's `Radix2EvaluationDomain`, the reference.

use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

use super::{NttField, ScalarNttOps, ScalarNttPlan, check_len, log_n_of};
use crate::repr::DeviceVec;
use crate::{CpuBackend, Result};

impl ScalarNttOps for CpuBackend {
    fn ntt_plan<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
    ) -> Result<ScalarNttPlan<Self, F>> {
        Ok(ScalarNttPlan {
            domain: *domain,
            log_n: log_n_of(domain)?,
            tables: None,
        })
    }

    fn fft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        check_len(plan.log_n, data.len())?;
        let mut v = data.download(self)?;
        plan.domain.fft_in_place(&mut v);
        *data = DeviceVec::upload(self, &v)?;
        Ok(())
    }

    fn ifft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        check_len(plan.log_n, data.len())?;
        let mut v = data.download(self)?;
        plan.domain.ifft_in_place(&mut v);
        *data = DeviceVec::upload(self, &v)?;
        Ok(())
    }
}
