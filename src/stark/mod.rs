//! Device operations of the STARK prover: the quotient evaluated from a compiled
//! constraint program ([`ConstraintProgram`]), and the quotient-domain view of an LDE.
//!
//! The CPU implementation interprets the same program in Rust: the reference the
//! emulator and the CUDA kernel must equal word for word.

mod cpu;
mod kernel;

use kiln_air::ConstraintProgram;
use kiln_field::{BabyBear, BabyBearExt4, Field, TwoAdicField, batch_inverse, reverse_bits_len};

use crate::backend::Backend;
use crate::ntt::MAX_LOG_N;
use crate::{Error, Result};

/// Opening groups one [`StarkOps::reduced_openings`] call of the kernels takes; callers
/// with more split them (by [`StarkOps::max_opening_groups`]) and add the results.
pub const MAX_OPENING_GROUPS: usize = 8;

/// FRI folds by at most 2^MAX_LOG_ARITY per round (`KILN_FRI_MAX_LOG_ARITY` in `kiln.h`).
pub const MAX_LOG_ARITY: u32 = 4;

/// The inputs of a quotient evaluation, besides the columns.
#[derive(Debug, Clone)]
pub struct QuotientSpec<'a> {
    pub program: &'a ConstraintProgram,
    pub public_values: &'a [BabyBear],
    /// The constraint-folding challenge.
    pub alpha: BabyBearExt4,
    pub log_n: u32,
    pub log_chunks: u32,
    /// The quotient domain's shift g.
    pub shift: BabyBear,
}

impl QuotientSpec<'_> {
    fn m(&self) -> usize {
        1 << (self.log_n + self.log_chunks)
    }

    /// α^{k−1−i} for constraint i, four base words each.
    fn alpha_powers(&self) -> Vec<BabyBear> {
        let k = self.program.constraints as usize;
        let mut out = vec![BabyBear::ZERO; 4 * k];
        let mut p = BabyBearExt4::ONE;
        for i in (0..k).rev() {
            out[4 * i..4 * i + 4].copy_from_slice(&p.0);
            p *= self.alpha;
        }
        out
    }

    /// 1/Z_H(g·ω_M^i) for i < 2^chunks (Z_H(x) = x^n − 1 takes these values only).
    fn inv_z(&self) -> Result<Vec<BabyBear>> {
        let step = 1usize << self.log_chunks;
        let g_n = self.shift.exp_power_of_2(self.log_n as usize);
        let w = BabyBear::two_adic_generator(self.log_chunks as usize);
        let z: Vec<BabyBear> = (0..step)
            .map(|i| g_n * w.exp_u64(i as u64) - BabyBear::ONE)
            .collect();
        if z.iter().any(|v| v.is_zero()) {
            return Err(Error::InvalidArgument(
                "the quotient domain meets the trace domain (bad shift)".into(),
            ));
        }
        Ok(batch_inverse(&z))
    }

    fn check(&self, main_len: usize, pre_len: usize) -> Result<()> {
        if self.log_n + self.log_chunks > MAX_LOG_N {
            return Err(Error::TooLarge {
                what: "quotient domain",
                log_size: self.log_n + self.log_chunks,
                max_log_size: MAX_LOG_N,
            });
        }
        let p = self.program;
        let m = self.m();
        if main_len != p.main_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient main columns",
                expected: p.main_width as usize * m,
                got: main_len,
            });
        }
        if pre_len != p.preprocessed_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient preprocessed columns",
                expected: p.preprocessed_width as usize * m,
                got: pre_len,
            });
        }
        if self.public_values.len() != p.public_values as usize {
            return Err(Error::LengthMismatch {
                what: "public values",
                expected: p.public_values as usize,
                got: self.public_values.len(),
            });
        }
        Ok(())
    }
}

/// Device operations of the STARK prover.
pub trait StarkOps: Backend {
    /// The first 2^log_m rows of each of `width` bit-reversed LDE columns (`lde_height`
    /// rows each), in natural order: the trace over the quotient domain.
    fn quotient_domain_columns(
        &self,
        lde: &Self::Buffer<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// The quotient chunks (4·2^chunks columns of n) from natural-order quotient-domain
    /// columns of the main trace and of the preprocessed columns.
    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Self::Buffer<BabyBear>,
        preprocessed: Option<&Self::Buffer<BabyBear>>,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// `Σ_t cols[c][t]·weights[t]` for every column c of height `height` (barycentric
    /// evaluation with host-computed extension weights).
    fn columns_dot(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>> {
        let width = self.buffer_len(cols) / height.max(1);
        self.columns_dot_range(cols, height, 0..width, weights)
    }

    /// [`StarkOps::columns_dot`] for the columns in `range` only.
    fn columns_dot_range(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>>;

    /// [`StarkOps::columns_dot_range`] for several weight vectors at once (one result per
    /// weight vector): the CPU reads each column once for all of them.
    fn columns_dot_many(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[&[BabyBearExt4]],
    ) -> Result<Vec<Vec<BabyBearExt4>>> {
        weights
            .iter()
            .map(|w| self.columns_dot_range(cols, height, range.clone(), w))
            .collect()
    }

    /// The most opening groups one [`StarkOps::reduced_openings`] call takes: the kernel's
    /// [`MAX_OPENING_GROUPS`]; the CPU takes any number (one call per height spares it
    /// recomputing the domain's inverses).
    fn max_opening_groups(&self) -> usize {
        MAX_OPENING_GROUPS
    }

    /// The batched opening polynomial R over the bit-reversed LDE domain (see
    /// [`ReducedSpec`]).
    fn reduced_openings(
        &self,
        groups: &[OpeningGroup<'_, Self::Buffer<BabyBear>>],
        spec: &ReducedSpec,
    ) -> Result<Self::Buffer<BabyBearExt4>>;

    /// One FRI round (see [`FriFolder`]): 2^log_size values over shift·⟨ω⟩ → 2^(log_size − a).
    fn fri_fold(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
        shift: BabyBear,
        beta: BabyBearExt4,
    ) -> Result<Self::Buffer<BabyBearExt4>>;

    /// `acc ← acc + coeff·x` elementwise (FRI rolls a shorter input into a folded layer
    /// of its size). The default moves both through the host; backends override it.
    fn ext_add_scaled(
        &self,
        acc: &mut Self::Buffer<BabyBearExt4>,
        coeff: BabyBearExt4,
        x: &Self::Buffer<BabyBearExt4>,
    ) -> Result<()> {
        let mut a = self.download(acc)?;
        let b = self.download(x)?;
        check_scaled(a.len(), b.len())?;
        for (a, b) in a.iter_mut().zip(&b) {
            *a += coeff * *b;
        }
        *acc = self.upload(&a)?;
        Ok(())
    }

    /// A FRI layer in commitment layout: 4·2^a columns, row q = group q's values.
    fn fri_layer_matrix(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
    ) -> Result<Self::Buffer<BabyBear>>;
}

/// One group of a batched opening: every column of `matrix` (bit-reversed LDE, `width`
/// columns of the domain size) at ζ or, with `at_next`, at ζω.
#[derive(Debug)]
pub struct OpeningGroup<'a, Buf> {
    pub matrix: &'a Buf,
    pub width: usize,
    pub at_next: bool,
}

/// The rest of a batched opening: R(x) = (Σ_{ζ groups} α^k f(x) − b_zeta)/(x − ζ) +
/// (Σ_{ζω groups} α^k f(x) − b_next)/(x − ζω) over shift·⟨ω_N⟩, N = 2^log_big.
#[derive(Debug, Clone)]
pub struct ReducedSpec {
    /// α^k per (group, column), in order.
    pub powers: Vec<BabyBearExt4>,
    pub zeta: BabyBearExt4,
    pub zeta_next: BabyBearExt4,
    pub b_zeta: BabyBearExt4,
    pub b_next: BabyBearExt4,
    pub log_big: u32,
    pub shift: BabyBear,
}

/// Folding by 2^a, the constants computed once per round: the fold of one group of 2^a
/// values, f'(y^{2^a}) = 2^{-a} Σ_i (β/y)^i Σ_e ε^{-ei} f(y ε^e) (ε a primitive 2^a-th root
/// of unity). The derivation is in kiln-stark's `fri` module, which folds with this type;
/// the CUDA kernel (`kernels/stark/fri.cuh`) computes the same words.
#[derive(Clone, Debug)]
pub struct FriFolder {
    log_arity: usize,
    inv_dft: Vec<Vec<BabyBear>>,
    k_inv: BabyBear,
}

impl FriFolder {
    pub fn new(log_arity: usize) -> Self {
        let k = 1usize << log_arity;
        let eps_inv = BabyBear::two_adic_generator(log_arity).inverse();
        let inv_dft = (0..k)
            .map(|i| eps_inv.exp_u64(i as u64).powers(k))
            .collect();
        Self {
            log_arity,
            inv_dft,
            k_inv: BabyBear::new(k as u32).inverse(),
        }
    }

    /// Folds one group (bit-reversed within the group) whose first point has inverse `y_inv`.
    pub fn fold(
        &self,
        group: &[BabyBearExt4],
        y_inv: BabyBear,
        beta: BabyBearExt4,
    ) -> BabyBearExt4 {
        let k = 1usize << self.log_arity;
        if k == 2 {
            let (a, b) = (group[0], group[1]);
            return ((a + b) + (a - b) * (beta * y_inv)) * self.k_inv;
        }
        let mut vals = [BabyBearExt4::ZERO; 16];
        for (r, &v) in group.iter().enumerate().take(k) {
            vals[reverse_bits_len(r, self.log_arity)] = v;
        }
        let beta_over_y = beta * y_inv;
        let mut acc = BabyBearExt4::ZERO;
        let mut weight = BabyBearExt4::ONE;
        for row in &self.inv_dft {
            let mut c = BabyBearExt4::ZERO;
            for (&v, &w) in vals[..k].iter().zip(row) {
                c += v * w;
            }
            acc += weight * c;
            weight *= beta_over_y;
        }
        acc * self.k_inv
    }
}

fn check_prefix(len: usize, lde_height: usize, log_m: u32, width: usize) -> Result<()> {
    if lde_height.checked_mul(width) != Some(len) {
        return Err(Error::LengthMismatch {
            what: "LDE columns",
            expected: lde_height.saturating_mul(width),
            got: len,
        });
    }
    if log_m > MAX_LOG_N || (1usize << log_m) > lde_height {
        return Err(Error::InvalidArgument(format!(
            "quotient domain 2^{log_m} exceeds the LDE height {lde_height}"
        )));
    }
    Ok(())
}

fn check_dot(
    len: usize,
    height: usize,
    range: &core::ops::Range<usize>,
    weights: usize,
) -> Result<()> {
    if weights != height {
        return Err(Error::LengthMismatch {
            what: "barycentric weights",
            expected: height,
            got: weights,
        });
    }
    if height == 0 || !len.is_multiple_of(height) {
        return Err(Error::LengthMismatch {
            what: "columns",
            expected: len.div_ceil(height.max(1)) * height,
            got: len,
        });
    }
    if range.start > range.end || range.end > len / height {
        return Err(Error::InvalidArgument(format!(
            "columns {range:?} of a matrix of {}",
            len / height
        )));
    }
    Ok(())
}

/// The two operands of [`StarkOps::ext_add_scaled`] have the same length.
fn check_scaled(acc: usize, x: usize) -> Result<()> {
    if acc != x {
        return Err(Error::LengthMismatch {
            what: "scaled addition",
            expected: acc,
            got: x,
        });
    }
    Ok(())
}

fn check_reduced(
    groups: impl Iterator<Item = (usize, usize)>,
    spec: &ReducedSpec,
    max_groups: usize,
) -> Result<()> {
    if spec.log_big > MAX_LOG_N {
        return Err(Error::TooLarge {
            what: "LDE domain",
            log_size: spec.log_big,
            max_log_size: MAX_LOG_N,
        });
    }
    let big = 1usize << spec.log_big;
    let mut columns = 0;
    let mut count = 0;
    for (len, width) in groups {
        if len != width * big {
            return Err(Error::LengthMismatch {
                what: "opening group matrix",
                expected: width * big,
                got: len,
            });
        }
        columns += width;
        count += 1;
    }
    if count > max_groups {
        return Err(Error::InvalidArgument(format!(
            "{count} opening groups; at most {max_groups}"
        )));
    }
    if spec.powers.len() != columns {
        return Err(Error::LengthMismatch {
            what: "batching powers",
            expected: columns,
            got: spec.powers.len(),
        });
    }
    Ok(())
}

fn check_fold(len: usize, log_size: u32, log_arity: u32) -> Result<()> {
    if log_arity == 0 || log_arity > MAX_LOG_ARITY || log_arity > log_size || log_size > MAX_LOG_N {
        return Err(Error::InvalidArgument(format!(
            "FRI fold of 2^{log_size} by 2^{log_arity}"
        )));
    }
    if len != 1 << log_size {
        return Err(Error::LengthMismatch {
            what: "FRI layer",
            expected: 1 << log_size,
            got: len,
        });
    }
    Ok(())
}
