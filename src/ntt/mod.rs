//! Batched NTT and coset low-degree extension over BabyBear.
//!
//! # Mathematical description
//! For a column `a` of `n = 2^log_n` values and ω_n the generator of the subgroup of
//! order n returned by [`TwoAdicField::two_adic_generator`], the forward NTT maps
//! coefficients to evaluations, `A_j = Σ_i a_i·ω_n^{ij}`, and the inverse maps them back
//! (with the 1/n factor). The coset LDE of evaluations `v` over ⟨ω_n⟩ with blowup 2^b and
//! shift s gives the evaluations of the same polynomial of degree < n over s·⟨ω_N⟩,
//! N = n·2^b.
//!
//! [`Order::BitReversed`] means the value for index j sits at position rev(j), the
//! bit-reversal of j on `log_n` bits (as in Plonky3's `bit_reverse_rows`).

pub(crate) mod cpu;
mod kernel;
pub mod reference;

use kiln_field::{BabyBear, Field, TwoAdicField};

use crate::backend::Backend;
use crate::{Error, Result};

/// Largest supported transform: BabyBear's two-adicity (`KILN_BABYBEAR_TWO_ADICITY` in
/// `kiln.h`).
pub const MAX_LOG_N: u32 = BabyBear::TWO_ADICITY as u32;

/// The order of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    Natural,
    BitReversed,
}

/// Batched NTT operations. `data` holds `batch` columns of `2^log_n` elements, column after
/// column; the batch is `len / 2^log_n`, and a length that is not a multiple of `2^log_n`
/// is an error.
pub trait NttOps: Backend {
    /// Forward (`inverse = false`) or inverse NTT of every column, in place.
    fn ntt_batch(
        &self,
        data: &mut Self::Buffer<BabyBear>,
        log_n: u32,
        inverse: bool,
        input: Order,
        output: Order,
    ) -> Result<()>;

    /// Coset LDE of every column: `evals` holds evaluations over ⟨ω_n⟩ in natural order;
    /// the result holds, per column, `n·2^log_blowup` evaluations over `shift·⟨ω_N⟩` in
    /// `output` order.
    fn coset_lde_batch(
        &self,
        evals: &Self::Buffer<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shift: BabyBear,
        output: Order,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// Bit-reversal permutation of every column, in place.
    fn bit_reverse_batch(&self, data: &mut Self::Buffer<BabyBear>, log_n: u32) -> Result<()>;

    /// [`NttOps::coset_lde_batch`] with one shift per group of columns: the columns split
    /// into `shifts.len()` equal groups, group g extended with `shifts[g]`, all into one
    /// output (for polynomials given over different cosets that must land on one domain).
    fn coset_lde_batch_shifts(
        &self,
        evals: &Self::Buffer<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shifts: &[BabyBear],
        output: Order,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// Forward NTT, natural order in and out.
    fn ntt(&self, data: &mut Self::Buffer<BabyBear>, log_n: u32) -> Result<()> {
        self.ntt_batch(data, log_n, false, Order::Natural, Order::Natural)
    }

    /// Inverse NTT, natural order in and out.
    fn intt(&self, data: &mut Self::Buffer<BabyBear>, log_n: u32) -> Result<()> {
        self.ntt_batch(data, log_n, true, Order::Natural, Order::Natural)
    }
}

/// The number of columns in a buffer of `len` elements, or an error naming the mismatch.
pub(crate) fn batch_of(
    len: usize,
    log_n: u32,
    max_log_n: u32,
    what: &'static str,
) -> Result<usize> {
    if log_n > max_log_n {
        return Err(Error::TooLarge {
            what,
            log_size: log_n,
            max_log_size: max_log_n,
        });
    }
    let n = 1usize << log_n;
    if !len.is_multiple_of(n) {
        return Err(Error::LengthMismatch {
            what,
            expected: len.div_ceil(n) * n,
            got: len,
        });
    }
    Ok(len / n)
}

fn check_lde(log_n: u32, log_blowup: u32) -> Result<()> {
    if log_blowup > MAX_LOG_N || log_n + log_blowup > MAX_LOG_N {
        return Err(Error::TooLarge {
            what: "LDE size n·2^log_blowup",
            log_size: log_n + log_blowup,
            max_log_size: MAX_LOG_N,
        });
    }
    Ok(())
}

/// Host image of the device twiddle tables (`kernels/ntt/twiddles.cuh`): powers of the
/// 2^27-th root of unity ω, as `[ω^e, e < 2^12 | ω^(e·2^12), e < 2^15]` followed by the
/// same for ω^{-1}, in Montgomery form.
pub fn twiddle_tables() -> Vec<u32> {
    twiddle_tables_impl()
}

/// The tables for a kernel library, after checking that it expects the same layout.
pub(crate) fn twiddle_tables_for(table: &crate::ffi::KernelTable) -> Result<Vec<u32>> {
    let host = twiddle_tables();
    // SAFETY: a pure function of the kernel library, no arguments.
    let expected = unsafe { (table.ntt_twiddles_len)() } as usize;
    if expected != host.len() {
        return Err(Error::LengthMismatch {
            what: "NTT twiddle tables (kernel ABI)",
            expected,
            got: host.len(),
        });
    }
    Ok(host)
}

fn twiddle_tables_impl() -> Vec<u32> {
    const LO: usize = 1 << 12;
    const HI: usize = 1 << 15;
    let w = BabyBear::two_adic_generator(MAX_LOG_N as usize);
    let mut out = Vec::with_capacity(2 * (LO + HI));
    for root in [w, w.inverse()] {
        out.extend(root.powers(LO).into_iter().map(BabyBear::to_monty));
        out.extend(
            root.exp_u64(LO as u64)
                .powers(HI)
                .into_iter()
                .map(BabyBear::to_monty),
        );
    }
    out
}

fn group_size(batch: usize, shifts: &[BabyBear]) -> Result<usize> {
    if shifts.is_empty() || !batch.is_multiple_of(shifts.len()) {
        return Err(Error::InvalidArgument(format!(
            "{batch} columns do not split into {} equal shift groups",
            shifts.len()
        )));
    }
    Ok(batch / shifts.len())
}

fn check_shift(shift: BabyBear) -> Result<()> {
    if shift.is_zero() {
        return Err(Error::InvalidArgument(
            "the coset shift must be non-zero".into(),
        ));
    }
    Ok(())
}
