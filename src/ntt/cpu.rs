//! The CPU NTT: radix-2, cache-blocked (stages whose butterflies stay inside a block of
//! 2^BLOCK_LOG elements run block by block), rayon across columns, or across butterflies
//! within a column when there are fewer columns than threads.
//!
//! Stage j pairs i and i + 2^j with twiddle ω_{2^(j+1)}^t, t = i mod 2^j. DIF runs the
//! stages downwards (natural → bit-reversed), DIT upwards (bit-reversed → natural).
//!
//! The butterflies are generic over the vector type `P` of the backend's SIMD level
//! (`kiln_field::packed`): each entry point runs at the level through
//! [`SimdLevel::run`], every function on the hot path is inlined into it, and closures that
//! rayon runs on other threads enter the level again ([`Simd::enter`]). All levels give
//! the same result.

use std::sync::{Arc, OnceLock};

use kiln_field::{
    BabyBear, Field, MAX_PACKED_WIDTH, PackedField, Simd, SimdLevel, SimdOp, TwoAdicField,
    reverse_bits_len,
};
use rayon::prelude::*;

use super::{MAX_LOG_N, NttOps, Order, batch_of, check_lde, check_shift, group_size};
use crate::{CpuBackend, Result};

impl NttOps for CpuBackend {
    fn ntt_batch(
        &self,
        data: &mut Vec<BabyBear>,
        log_n: u32,
        inverse: bool,
        input: Order,
        output: Order,
    ) -> Result<()> {
        batch_of(data.len(), log_n, MAX_LOG_N, "NTT column length")?;
        ntt_batch(self.simd_level(), data, log_n, inverse, input, output);
        Ok(())
    }

    fn coset_lde_batch(
        &self,
        evals: &Vec<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shift: BabyBear,
        output: Order,
    ) -> Result<Vec<BabyBear>> {
        check_lde(log_n, log_blowup)?;
        batch_of(evals.len(), log_n, MAX_LOG_N, "LDE column length")?;
        check_shift(shift)?;
        Ok(coset_lde_batch(
            self.simd_level(),
            evals,
            log_n,
            log_blowup,
            shift,
            output,
        ))
    }

    fn bit_reverse_batch(&self, data: &mut Vec<BabyBear>, log_n: u32) -> Result<()> {
        batch_of(data.len(), log_n, 31, "bit-reversal column length")?;
        bit_reverse_batch(data, log_n);
        Ok(())
    }

    fn coset_lde_batch_shifts(
        &self,
        evals: &Vec<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shifts: &[BabyBear],
        output: Order,
    ) -> Result<Vec<BabyBear>> {
        check_lde(log_n, log_blowup)?;
        let batch = batch_of(evals.len(), log_n, MAX_LOG_N, "LDE column length")?;
        let per_group = group_size(batch, shifts)?;
        let n = 1usize << log_n;
        let mut out = Vec::with_capacity(evals.len() << log_blowup);
        for (g, &shift) in shifts.iter().enumerate() {
            check_shift(shift)?;
            let cols = &evals[g * per_group * n..(g + 1) * per_group * n];
            out.extend(coset_lde_batch(
                self.simd_level(),
                cols,
                log_n,
                log_blowup,
                shift,
                output,
            ));
        }
        Ok(out)
    }
}

/// Stages whose 2^(j+1)-element groups fit in 2^BLOCK_LOG elements (16 KiB) run
/// depth-first per block, in L1.
const BLOCK_LOG: u32 = 12;
/// Twiddles of stages up to this have full tables; above, they are made per chunk from
/// two small tables (saves memory: a full table of stage 26 is 256 MiB).
const TABLE_MAX_STAGE: u32 = 20;
const CHUNK_LOG: u32 = 12;
const CHUNK: usize = 1 << CHUNK_LOG;

enum StageTwiddles {
    /// `t[k] = ω^k` for every k < 2^j.
    Table(Arc<[BabyBear]>),
    /// `ω^k = lo[k mod CHUNK] · hi[k / CHUNK]`.
    Split {
        lo: Arc<[BabyBear]>,
        hi: Arc<[BabyBear]>,
    },
}

type Cache = [[OnceLock<Arc<[BabyBear]>>; 28]; 2];
static TABLES: Cache = [const { [const { OnceLock::new() }; 28] }; 2];
static SPLIT_HI: Cache = [const { [const { OnceLock::new() }; 28] }; 2];

/// ω_{2^(j+1)} or its inverse.
fn stage_root(j: u32, inverse: bool) -> BabyBear {
    let w = BabyBear::two_adic_generator(j as usize + 1);
    if inverse { w.inverse() } else { w }
}

fn stage_twiddles(j: u32, inverse: bool) -> StageTwiddles {
    let dir = inverse as usize;
    if j <= TABLE_MAX_STAGE {
        let t =
            TABLES[dir][j as usize].get_or_init(|| stage_root(j, inverse).powers(1 << j).into());
        StageTwiddles::Table(t.clone())
    } else {
        let w = stage_root(j, inverse);
        let lo = TABLES[dir][j as usize]
            .get_or_init(|| w.powers(CHUNK).into())
            .clone();
        let hi = SPLIT_HI[dir][j as usize]
            .get_or_init(|| w.exp_u64(CHUNK as u64).powers(1 << (j - CHUNK_LOG)).into())
            .clone();
        StageTwiddles::Split { lo, hi }
    }
}

#[inline(always)]
fn butterfly<P: PackedField, const DIT: bool>(x: P, y: P, w: P) -> (P, P) {
    if DIT {
        let t = y * w;
        (x + t, x - t)
    } else {
        (x + y, (x - y) * w)
    }
}

#[inline(always)]
fn butterflies<P: PackedField, const DIT: bool>(
    simd: Simd<P>,
    a: &mut [BabyBear],
    b: &mut [BabyBear],
    tw: &[BabyBear],
) {
    let n = a.len();
    let (b, tw) = (&mut b[..n], &tw[..n]);
    let w = P::WIDTH;
    if n >= w {
        // Index loops rather than zipped chunk iterators: this runs once per group of the
        // small stages, and the iterators' set-up is not always inlined into the level's
        // code (measured: 14% of an NTT).
        let mut i = 0;
        while i + w <= n {
            let (x, y) = butterfly::<P, DIT>(
                simd.load(&a[i..i + w]),
                simd.load(&b[i..i + w]),
                simd.load(&tw[i..i + w]),
            );
            x.store(&mut a[i..i + w]);
            y.store(&mut b[i..i + w]);
            i += w;
        }
        return;
    }
    for k in 0..n {
        let (x, y) = butterfly::<BabyBear, DIT>(a[k], b[k], tw[k]);
        (a[k], b[k]) = (x, y);
    }
}

/// Butterflies of one chunk of a stage: `a` and `b` are the halves' slices starting at
/// twiddle index `t0` (a multiple of CHUNK when the halves are longer than CHUNK).
#[inline(always)]
fn chunk<P: PackedField, const DIT: bool>(
    simd: Simd<P>,
    tw: &StageTwiddles,
    a: &mut [BabyBear],
    b: &mut [BabyBear],
    t0: usize,
) {
    match tw {
        StageTwiddles::Table(t) => butterflies::<P, DIT>(simd, a, b, &t[t0..t0 + a.len()]),
        StageTwiddles::Split { lo, hi } => {
            let h = hi[t0 >> CHUNK_LOG];
            let mut buf = [BabyBear::ZERO; CHUNK];
            let buf = &mut buf[..a.len()];
            scale_into(simd, buf, &lo[..a.len()], h);
            butterflies::<P, DIT>(simd, a, b, buf);
        }
    }
}

/// log2 of the most lanes: the small stages handled by [`small_stages`].
const MAX_LOG_W: usize = MAX_PACKED_WIDTH.trailing_zeros() as usize;

/// Twiddles of the stages below LOG_WIDTH, broadcast: `small[j][t] = ω_{2^(j+1)}^t`.
#[inline(always)]
fn small_twiddles<P: PackedField>(
    simd: Simd<P>,
    inverse: bool,
) -> [[P; MAX_PACKED_WIDTH]; MAX_LOG_W] {
    core::array::from_fn(|j| {
        let mut out = [simd.one(); MAX_PACKED_WIDTH];
        if j < P::LOG_WIDTH as usize {
            let w = stage_root(j as u32, inverse);
            for (t, o) in out.iter_mut().enumerate().take(1 << j) {
                *o = simd.splat(w.exp_u64(t as u64));
            }
        }
        out
    })
}

/// Stages `lo..hi` (all below LOG_WIDTH) of a DIF or DIT over `x`, whose length is a
/// multiple of W². Each W×W tile is transposed, so that element k of each of its W rows
/// (one row = one W-element group these stages stay inside) sits in vector k; the
/// butterflies then pair whole vectors with broadcast twiddles; the tile is transposed
/// back.
#[inline(always)]
fn small_stages<P: PackedField, const DIT: bool>(
    simd: Simd<P>,
    x: &mut [BabyBear],
    lo: u32,
    hi: u32,
    inverse: bool,
) {
    if lo >= hi {
        return;
    }
    let w = P::WIDTH;
    let tw = small_twiddles(simd, inverse);
    let mut v = [simd.zero(); MAX_PACKED_WIDTH];
    let v = &mut v[..w];
    for tile in x.chunks_exact_mut(w * w) {
        for (i, r) in v.iter_mut().enumerate() {
            *r = simd.load(&tile[i * w..]);
        }
        P::transpose(v);
        // Inlined into the level's code (a closure is otherwise compiled alone,
        // without the level's CPU features).
        let mut stage = core::convert::identity(
            #[inline(always)]
            |j: u32| {
                let h = 1usize << j;
                for base in (0..w).step_by(2 * h) {
                    for t in 0..h {
                        let (a, b) =
                            butterfly::<P, DIT>(v[base + t], v[base + t + h], tw[j as usize][t]);
                        v[base + t] = a;
                        v[base + t + h] = b;
                    }
                }
            },
        );
        if DIT {
            for j in lo..hi {
                stage(j);
            }
        } else {
            for j in (lo..hi).rev() {
                stage(j);
            }
        }
        P::transpose(v);
        for (i, r) in v.iter().enumerate() {
            r.store(&mut tile[i * w..]);
        }
    }
}

/// Whether a column of 2^log_n elements takes the SIMD path (at least one W×W tile).
#[inline(always)]
fn simd_path<P: PackedField>(log_n: u32) -> bool {
    log_n >= 2 * P::LOG_WIDTH
}

/// One stage over a whole column (or block).
#[inline(always)]
fn stage<P: PackedField, const DIT: bool>(
    simd: Simd<P>,
    x: &mut [BabyBear],
    j: u32,
    inverse: bool,
    parallel: bool,
) {
    let half = 1usize << j;
    let tw = stage_twiddles(j, inverse);
    // Inlined into the level's code (a closure is otherwise compiled alone,
    // without the level's CPU features).
    let group = core::convert::identity(
        #[inline(always)]
        |g: &mut [BabyBear]| {
            let (a, b) = g.split_at_mut(half);
            if half <= CHUNK {
                chunk::<P, DIT>(simd, &tw, a, b, 0);
            } else if parallel {
                a.par_chunks_mut(CHUNK)
                    .zip(b.par_chunks_mut(CHUNK))
                    .enumerate()
                    .for_each(|(c, (a, b))| {
                        simd.enter(
                            #[inline(always)]
                            || chunk::<P, DIT>(simd, &tw, a, b, c * CHUNK),
                        )
                    });
            } else {
                for (c, (a, b)) in a.chunks_mut(CHUNK).zip(b.chunks_mut(CHUNK)).enumerate() {
                    chunk::<P, DIT>(simd, &tw, a, b, c * CHUNK);
                }
            }
        },
    );
    if parallel && x.len() / (2 * half) > 1 {
        x.par_chunks_exact_mut(2 * half).for_each(|g| {
            simd.enter(
                #[inline(always)]
                || group(g),
            )
        });
    } else {
        // Plain loops, not `Iterator::for_each`: its fold is compiled alone, without the
        // level's CPU features.
        for g in x.chunks_exact_mut(2 * half) {
            group(g);
        }
    }
}

/// DIF over all stages: natural order in, bit-reversed out.
#[inline(always)]
pub(crate) fn dif<P: PackedField>(
    simd: Simd<P>,
    x: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    parallel: bool,
) {
    let mut j = log_n;
    while j > 0 {
        if j <= BLOCK_LOG {
            // Every remaining stage stays inside a block of 2^j elements.
            // Inlined into the level's code (a closure is otherwise compiled alone,
            // without the level's CPU features).
            let run = core::convert::identity(
                #[inline(always)]
                |blk: &mut [BabyBear]| {
                    if simd_path::<P>(log_n) {
                        for jj in (P::LOG_WIDTH..j).rev() {
                            stage::<P, false>(simd, blk, jj, inverse, false);
                        }
                        small_stages::<P, false>(simd, blk, 0, P::LOG_WIDTH.min(j), inverse);
                    } else {
                        for jj in (0..j).rev() {
                            stage::<P, false>(simd, blk, jj, inverse, false);
                        }
                    }
                },
            );
            if parallel {
                x.par_chunks_exact_mut(1 << j).for_each(|blk| {
                    simd.enter(
                        #[inline(always)]
                        || run(blk),
                    )
                });
            } else {
                for blk in x.chunks_exact_mut(1 << j) {
                    run(blk);
                }
            }
            return;
        }
        j -= 1;
        stage::<P, false>(simd, x, j, inverse, parallel);
    }
}

/// DIT over stages `from..log_n`: bit-reversed order in, natural out.
#[inline(always)]
pub(crate) fn dit<P: PackedField>(
    simd: Simd<P>,
    x: &mut [BabyBear],
    log_n: u32,
    from: u32,
    inverse: bool,
    parallel: bool,
) {
    let block = log_n.min(BLOCK_LOG);
    if from < block {
        // Inlined into the level's code (a closure is otherwise compiled alone,
        // without the level's CPU features).
        let run = core::convert::identity(
            #[inline(always)]
            |blk: &mut [BabyBear]| {
                if simd_path::<P>(log_n) {
                    if from < P::LOG_WIDTH {
                        small_stages::<P, true>(simd, blk, from, P::LOG_WIDTH, inverse);
                    }
                    for j in from.max(P::LOG_WIDTH)..block {
                        stage::<P, true>(simd, blk, j, inverse, false);
                    }
                } else {
                    for j in from..block {
                        stage::<P, true>(simd, blk, j, inverse, false);
                    }
                }
            },
        );
        if parallel {
            x.par_chunks_exact_mut(1 << block).for_each(|blk| {
                simd.enter(
                    #[inline(always)]
                    || run(blk),
                )
            });
        } else {
            for blk in x.chunks_exact_mut(1 << block) {
                run(blk);
            }
        }
    }
    for j in from.max(block)..log_n {
        stage::<P, true>(simd, x, j, inverse, parallel);
    }
}

/// Bits on each side of a bit-reversal tile: tiles of 2^TILE_BITS × 2^TILE_BITS elements
/// (4 KiB) stay in L1 while rows are read and written whole.
const REV_TILE_BITS: u32 = 5;

/// `dst[rev(i)] = src[i]` on `log_n` bits.
///
/// Index i = (h, m, l) with h and l the top and bottom REV_TILE_BITS bits maps to
/// (rev(l), rev(m), rev(h)): for each middle m, the 2^k × 2^k tile of source rows h
/// (contiguous in l) is read into a local buffer and written out as whole destination
/// rows rev(l). Rows of one tile are 2^(log_n−k) apart, a multiple of 4 KiB, so touching
/// them element by element would evict each other from L1 (measured: 5.7 ns per element
/// at 2^16; a naive permutation, 4.7 ns).
#[inline(always)]
pub(crate) fn bit_reverse_into(src: &[BabyBear], dst: &mut [BabyBear], log_n: u32) {
    const K: u32 = REV_TILE_BITS;
    const SIDE: usize = 1 << REV_TILE_BITS;
    if log_n < 2 * K {
        for (i, &v) in src.iter().enumerate() {
            dst[reverse_bits_len(i, log_n as usize)] = v;
        }
        return;
    }
    let rev_k: [usize; SIDE] = core::array::from_fn(|i| reverse_bits_len(i, K as usize));
    let mid_bits = log_n - 2 * K;
    let top_shift = log_n - K;
    let mut tile = [[BabyBear::ZERO; SIDE]; SIDE];
    for m in 0..1usize << mid_bits {
        let src_mid = m << K;
        for (h, t) in tile.iter_mut().enumerate() {
            t.copy_from_slice(&src[(h << top_shift) | src_mid..][..SIDE]);
        }
        let dst_mid = reverse_bits_len(m, mid_bits as usize) << K;
        for (l, &rl) in rev_k.iter().enumerate() {
            let row = &mut dst[(rl << top_shift) | dst_mid..][..SIDE];
            for (h, &rh) in rev_k.iter().enumerate() {
                row[rh] = tile[h][l];
            }
        }
    }
}

/// In-place bit reversal, through a scratch copy.
pub(crate) fn bit_reverse(x: &mut [BabyBear], log_n: u32) {
    if log_n < 2 {
        return;
    }
    let src = x.to_vec();
    bit_reverse_into(&src, x, log_n);
}

/// `out[i] = x[i]·s`, W lanes at a time.
#[inline(always)]
fn scale_into<P: PackedField>(simd: Simd<P>, out: &mut [BabyBear], x: &[BabyBear], s: BabyBear) {
    let n = out.len();
    let x = &x[..n];
    let w = P::WIDTH;
    let split = n - n % w;
    let sv = simd.splat(s);
    let mut i = 0;
    while i < split {
        (simd.load(&x[i..i + w]) * sv).store(&mut out[i..i + w]);
        i += w;
    }
    for i in split..n {
        out[i] = x[i] * s;
    }
}

/// `x[i] *= s`, W lanes at a time.
#[inline(always)]
fn scale_in_place<P: PackedField>(simd: Simd<P>, x: &mut [BabyBear], s: BabyBear) {
    let sv = simd.splat(s);
    let (n, w) = (x.len(), P::WIDTH);
    let split = n - n % w;
    let mut i = 0;
    while i < split {
        let v = &mut x[i..i + w];
        (simd.load(v) * sv).store(v);
        i += w;
    }
    for v in &mut x[split..] {
        *v *= s;
    }
}

#[inline(always)]
fn scale<P: PackedField>(simd: Simd<P>, x: &mut [BabyBear], s: BabyBear, parallel: bool) {
    if parallel {
        x.par_chunks_mut(CHUNK).for_each(|c| {
            simd.enter(
                #[inline(always)]
                || scale_in_place(simd, c, s),
            )
        });
    } else {
        scale_in_place(simd, x, s);
    }
}

fn inv_n(log_n: u32) -> BabyBear {
    BabyBear::new(1 << log_n).inverse()
}

/// One column, forward or inverse, any orders.
#[inline(always)]
fn ntt_column<P: PackedField>(
    simd: Simd<P>,
    x: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
    parallel: bool,
) {
    match (input, output) {
        (Order::Natural, Order::BitReversed) => dif(simd, x, log_n, inverse, parallel),
        (Order::BitReversed, Order::Natural) => dit(simd, x, log_n, 0, inverse, parallel),
        (Order::Natural, Order::Natural) => {
            dif(simd, x, log_n, inverse, parallel);
            bit_reverse(x, log_n);
        }
        (Order::BitReversed, Order::BitReversed) => {
            dit(simd, x, log_n, 0, inverse, parallel);
            bit_reverse(x, log_n);
        }
    }
    if inverse && log_n > 0 {
        scale(simd, x, inv_n(log_n), parallel);
    }
}

fn columns_in_parallel(batch: usize) -> bool {
    batch >= rayon::current_num_threads()
}

/// A batch of NTTs at SIMD level `level`.
pub(crate) fn ntt_batch(
    level: SimdLevel,
    data: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
) {
    struct Op<'a> {
        data: &'a mut [BabyBear],
        log_n: u32,
        inverse: bool,
        input: Order,
        output: Order,
    }
    impl SimdOp for Op<'_> {
        type Output = ();
        #[inline(always)]
        fn run<P: PackedField>(self, simd: Simd<P>) {
            let Op {
                data,
                log_n,
                inverse,
                input,
                output,
            } = self;
            let n = 1usize << log_n;
            if data.is_empty() {
                return;
            }
            if columns_in_parallel(data.len() / n) {
                data.par_chunks_exact_mut(n).for_each(|c| {
                    simd.enter(
                        #[inline(always)]
                        || ntt_column(simd, c, log_n, inverse, input, output, false),
                    )
                });
            } else {
                for c in data.chunks_exact_mut(n) {
                    ntt_column(simd, c, log_n, inverse, input, output, true);
                }
            }
        }
    }
    level.run(Op {
        data,
        log_n,
        inverse,
        input,
        output,
    });
}

pub(crate) fn bit_reverse_batch(data: &mut [BabyBear], log_n: u32) {
    let n = 1usize << log_n;
    data.par_chunks_exact_mut(n)
        .for_each(|c| bit_reverse(c, log_n));
}

/// `x[i] *= f[i]`, W lanes at a time.
#[inline(always)]
fn mul_in_place<P: PackedField>(simd: Simd<P>, x: &mut [BabyBear], f: &[BabyBear]) {
    let n = x.len();
    let f = &f[..n];
    let w = P::WIDTH;
    let split = n - n % w;
    let mut i = 0;
    while i < split {
        let v = &mut x[i..i + w];
        (simd.load(v) * simd.load(&f[i..i + w])).store(v);
        i += w;
    }
    for i in split..n {
        x[i] *= f[i];
    }
}

/// `out[i] = a[i] · b[i]`, W lanes at a time.
#[inline(always)]
fn mul_into<P: PackedField>(simd: Simd<P>, out: &mut [BabyBear], a: &[BabyBear], b: &[BabyBear]) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    let w = P::WIDTH;
    let split = n - n % w;
    let mut i = 0;
    while i < split {
        (simd.load(&a[i..i + w]) * simd.load(&b[i..i + w])).store(&mut out[i..i + w]);
        i += w;
    }
    for i in split..n {
        out[i] = a[i] * b[i];
    }
}

/// `out[i] = s·x^i`, computed as C = max(8, W) interleaved chains, W lanes at a time (a
/// single chain is bound by multiplication latency).
#[inline(always)]
fn scaled_powers_into<P: PackedField>(
    simd: Simd<P>,
    out: &mut [BabyBear],
    x: BabyBear,
    s: BabyBear,
) {
    let (n, w) = (out.len(), P::WIDTH);
    let chains = w.max(8);
    let head = n.min(chains);
    let mut p = s;
    for v in &mut out[..head] {
        *v = p;
        p *= x;
    }
    let step = x.exp_u64(chains as u64);
    let sv = simd.splat(step);
    let mut i = head;
    while i + w <= n {
        let v = simd.load(&out[i - chains..i - chains + w]) * sv;
        v.store(&mut out[i..i + w]);
        i += w;
    }
    for j in i..n {
        out[j] = out[j - chains] * step;
    }
}

/// The coset factors of an LDE, shared by all columns: for bit-reversed output, block r
/// of the table holds (shift·ω_N^{rev_b(r)})^i / n; for natural output, one block of
/// shift^i / n in bit-reversed order (it multiplies bit-reversed coefficients).
#[inline(always)]
fn lde_factors<P: PackedField>(
    simd: Simd<P>,
    log_n: u32,
    log_blowup: u32,
    shift: BabyBear,
    output: Order,
) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let inv = inv_n(log_n);
    match output {
        Order::Natural => {
            let mut natural = vec![BabyBear::ZERO; n];
            scaled_powers_into(simd, &mut natural, shift, inv);
            let mut t = vec![BabyBear::ZERO; n];
            bit_reverse_into(&natural, &mut t, log_n);
            t
        }
        Order::BitReversed => {
            let w_big = BabyBear::two_adic_generator((log_n + log_blowup) as usize);
            let mut t = crate::backend::cpu::zeroed_vec(n << log_blowup);
            t.par_chunks_exact_mut(n).enumerate().for_each(|(r, blk)| {
                let g = shift * w_big.exp_u64(reverse_bits_len(r, log_blowup as usize) as u64);
                simd.enter(
                    #[inline(always)]
                    || scaled_powers_into(simd, blk, g, inv),
                );
            });
            t
        }
    }
}

/// Columns at most this long take the packed LDE path (W columns per vector).
const PACKED_LDE_MAX_LOG_N: u32 = 14;

/// Per-stage twiddles of the size-n DIF transforms of the packed LDE: `fwd[j] = ω_n^j`,
/// `inv[j] = ω_n^{-j}` for j < n/2 (stage with half-size h uses every (n/2h)-th one).
struct PackedLdeTwiddles {
    fwd: Vec<BabyBear>,
    inv: Vec<BabyBear>,
}

impl PackedLdeTwiddles {
    fn new(log_n: u32) -> Self {
        let half = (1usize << log_n) / 2;
        let w = BabyBear::two_adic_generator(log_n as usize);
        Self {
            fwd: w.powers(half),
            inv: w.inverse().powers(half),
        }
    }
}

/// Gentleman–Sande DIF over packed columns: natural order in, bit-reversed out, with
/// `tw[j] = ω^j` (ω the transform's root; ω^{-1} gives the unscaled inverse).
#[inline(always)]
fn dif_packed<P: PackedField>(x: &mut [P], log_n: u32, tw: &[BabyBear]) {
    let n = 1usize << log_n;
    for stage in 0..log_n {
        let h = n >> (stage + 1);
        let stride = 1usize << stage;
        for block in x.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            let (a, b) = (&mut lo[0], &mut hi[0]);
            let (s, d) = (*a + *b, *a - *b);
            (*a, *b) = (s, d);
            for j in 1..h {
                let (a, b) = (lo[j], hi[j]);
                lo[j] = a + b;
                hi[j] = (a - b) * tw[j * stride];
            }
        }
    }
}

/// The coset LDE (bit-reversed output) of W columns at once, each column one lane:
/// the same steps as [`lde_column`] on vectors.
#[inline(always)]
fn lde_packed_group<P: PackedField>(
    simd: Simd<P>,
    evals: &[BabyBear],
    out: &mut [BabyBear],
    scratch: &mut [P],
    factors: &[BabyBear],
    tw: &PackedLdeTwiddles,
    log_n: u32,
) {
    let n = 1usize << log_n;
    let big = out.len() / P::WIDTH;
    let (vals, coeffs) = scratch.split_at_mut(n);
    for (t, v) in vals.iter_mut().enumerate() {
        *v = simd.from_fn(|l| evals[l * n + t]);
    }
    // Coefficients (times n; the 1/n is in the factors), bit-reversed, then natural.
    dif_packed(vals, log_n, &tw.inv);
    for (i, c) in coeffs.iter_mut().enumerate() {
        *c = vals[reverse_bits_len(i, log_n as usize)];
    }
    // Block r of the bit-reversed output is the bit-reversed size-n NTT of the
    // coefficients times block r of the factors.
    for (r, f) in factors.chunks_exact(n).enumerate() {
        for ((v, &c), &f) in vals.iter_mut().zip(coeffs.iter()).zip(f) {
            *v = c * f;
        }
        dif_packed(vals, log_n, &tw.fwd);
        for (t, v) in vals.iter().enumerate() {
            for (l, &x) in v.as_slice().iter().enumerate() {
                out[l * big + r * n + t] = x;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
/// One column of a coset LDE. `scratch` is n elements of any content, reused across
/// columns to keep allocation (and its page faults) out of the loop.
#[inline(always)]
fn lde_column<P: PackedField>(
    simd: Simd<P>,
    evals: &[BabyBear],
    out: &mut [BabyBear],
    scratch: &mut [BabyBear],
    factors: &[BabyBear],
    log_n: u32,
    log_blowup: u32,
    output: Order,
    parallel: bool,
) {
    let n = 1usize << log_n;
    match output {
        Order::BitReversed => {
            // Coefficients, bit-reversed, in block 0 of the output (a DIF inverse leaves
            // them so; the 1/n is in the factors); then natural order in the scratch.
            let (first, _) = out.split_at_mut(n);
            first.copy_from_slice(evals);
            dif(simd, first, log_n, true, parallel);
            bit_reverse_into(first, scratch, log_n);
            // Block r of the bit-reversed output is the bit-reversed size-n NTT of
            // c_i·(shift·ω_N^{rev_b(r)})^i.
            let coeffs = &*scratch;
            // Inlined into the level's code (a closure is otherwise compiled alone,
            // without the level's CPU features).
            let block = core::convert::identity(
                #[inline(always)]
                |(blk, f): (&mut [BabyBear], &[BabyBear])| {
                    mul_into(simd, blk, coeffs, f);
                    dif(simd, blk, log_n, false, false);
                },
            );
            if parallel {
                out.par_chunks_exact_mut(n)
                    .zip(factors.par_chunks_exact(n))
                    .for_each(|b| {
                        simd.enter(
                            #[inline(always)]
                            || block(b),
                        )
                    });
            } else {
                for b in out.chunks_exact_mut(n).zip(factors.chunks_exact(n)) {
                    block(b);
                }
            }
        }
        Order::Natural => {
            // Coefficient i goes to position rev_N(i) = rev_n(i)·2^b of a bit-reversed,
            // zero-padded input; the first b DIT stages pair it with zeros, which
            // broadcasts it over the next 2^b positions. Start from there. Position p of
            // the bit-reversed coefficients holds c_{rev(p)}, and the factor table is
            // bit-reversed too, so no permutation is needed.
            scratch.copy_from_slice(evals);
            dif(simd, scratch, log_n, true, parallel);
            mul_in_place(simd, scratch, factors);
            for (dst, &c) in out.chunks_exact_mut(1 << log_blowup).zip(scratch.iter()) {
                dst.fill(c);
            }
            dit(simd, out, log_n + log_blowup, log_blowup, false, parallel);
        }
    }
}

/// A batched coset LDE at SIMD level `level`.
pub(crate) fn coset_lde_batch(
    level: SimdLevel,
    evals: &[BabyBear],
    log_n: u32,
    log_blowup: u32,
    shift: BabyBear,
    output: Order,
) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let big = n << log_blowup;
    let batch = evals.len() / n;
    let mut out = crate::backend::cpu::zeroed_vec(batch * big);
    if batch == 0 {
        return out;
    }
    level.run(LdeOp {
        evals,
        out: &mut out,
        shift,
        log_n,
        log_blowup,
        output,
    });
    out
}

struct LdeOp<'a> {
    evals: &'a [BabyBear],
    out: &'a mut [BabyBear],
    shift: BabyBear,
    log_n: u32,
    log_blowup: u32,
    output: Order,
}

impl SimdOp for LdeOp<'_> {
    type Output = ();

    #[inline(always)]
    fn run<P: PackedField>(self, simd: Simd<P>) {
        let LdeOp {
            evals,
            out,
            shift,
            log_n,
            log_blowup,
            output,
        } = self;
        let w = P::WIDTH;
        let n = 1usize << log_n;
        let big = n << log_blowup;
        let batch = evals.len() / n;
        let factors = &lde_factors(simd, log_n, log_blowup, shift, output)[..];
        // Many short columns (a STARK trace): W columns at a time, one column per lane, so
        // every butterfly of every stage is a full-width vector operation.
        let packed_groups = if output == Order::BitReversed && log_n <= PACKED_LDE_MAX_LOG_N {
            batch / w
        } else {
            0
        };
        if packed_groups > 0 {
            let tw = PackedLdeTwiddles::new(log_n);
            out[..packed_groups * w * big]
                .par_chunks_exact_mut(w * big)
                .zip(evals.par_chunks_exact(w * n))
                .for_each_init(
                    || vec![simd.zero(); 2 * n],
                    |scratch, (o, e)| {
                        simd.enter(
                            #[inline(always)]
                            || lde_packed_group(simd, e, o, scratch, factors, &tw, log_n),
                        )
                    },
                );
        }
        let done = packed_groups * w;
        let (out_rest, evals) = (&mut out[done * big..], &evals[done * n..]);
        let batch = batch - done;
        if batch == 0 {
            return;
        }
        if columns_in_parallel(batch) {
            out_rest
                .par_chunks_exact_mut(big)
                .zip(evals.par_chunks_exact(n))
                .for_each_init(
                    || crate::backend::cpu::zeroed_vec(n),
                    |scratch, (o, e)| {
                        simd.enter(
                            #[inline(always)]
                            || {
                                lde_column(
                                    simd, e, o, scratch, factors, log_n, log_blowup, output, false,
                                )
                            },
                        )
                    },
                );
        } else {
            let mut scratch = vec![BabyBear::ZERO; n];
            for (o, e) in out_rest.chunks_exact_mut(big).zip(evals.chunks_exact(n)) {
                lde_column(
                    simd,
                    e,
                    o,
                    &mut scratch,
                    factors,
                    log_n,
                    log_blowup,
                    output,
                    true,
                );
            }
        }
    }
}
