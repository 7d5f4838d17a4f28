//! The CPU NTT: radix-2, cache-blocked (stages whose butterflies stay inside a block of
//! 2^BLOCK_LOG elements run block by block), rayon across columns, or across butterflies
//! within a column when there are fewer columns than threads.
//!
//! Stage j pairs i and i + 2^j with twiddle ω_{2^(j+1)}^t, t = i mod 2^j. DIF runs the
//! stages downwards (natural → bit-reversed), DIT upwards (bit-reversed → natural).

use std::sync::{Arc, OnceLock};

use kiln_field::{BabyBear, Field, PACKED_WIDTH, PackedBabyBear, TwoAdicField, reverse_bits_len};
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
        ntt_batch(data, log_n, inverse, input, output);
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
        Ok(coset_lde_batch(evals, log_n, log_blowup, shift, output))
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
            out.extend(coset_lde_batch(cols, log_n, log_blowup, shift, output));
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

/// SIMD lanes of this build, and log2 of it.
const W: usize = PACKED_WIDTH;
const LOG_W: u32 = W.trailing_zeros();

#[inline(always)]
fn butterfly<const DIT: bool>(
    x: PackedBabyBear,
    y: PackedBabyBear,
    w: PackedBabyBear,
) -> (PackedBabyBear, PackedBabyBear) {
    if DIT {
        let t = y * w;
        (x + t, x - t)
    } else {
        (x + y, (x - y) * w)
    }
}

#[inline]
fn butterflies<const DIT: bool>(a: &mut [BabyBear], b: &mut [BabyBear], tw: &[BabyBear]) {
    let n = a.len();
    let (b, tw) = (&mut b[..n], &tw[..n]);
    if n >= W {
        for ((a, b), tw) in a
            .chunks_exact_mut(W)
            .zip(b.chunks_exact_mut(W))
            .zip(tw.chunks_exact(W))
        {
            let (x, y) = butterfly::<DIT>(
                PackedBabyBear::from_slice(a),
                PackedBabyBear::from_slice(b),
                PackedBabyBear::from_slice(tw),
            );
            x.store(a);
            y.store(b);
        }
        return;
    }
    for k in 0..n {
        let (x, y) = (a[k], b[k]);
        if DIT {
            let t = y * tw[k];
            a[k] = x + t;
            b[k] = x - t;
        } else {
            a[k] = x + y;
            b[k] = (x - y) * tw[k];
        }
    }
}

/// Butterflies of one chunk of a stage: `a` and `b` are the halves' slices starting at
/// twiddle index `t0` (a multiple of CHUNK when the halves are longer than CHUNK).
#[inline]
fn chunk<const DIT: bool>(tw: &StageTwiddles, a: &mut [BabyBear], b: &mut [BabyBear], t0: usize) {
    match tw {
        StageTwiddles::Table(t) => butterflies::<DIT>(a, b, &t[t0..t0 + a.len()]),
        StageTwiddles::Split { lo, hi } => {
            let h = hi[t0 >> CHUNK_LOG];
            let mut buf = [BabyBear::ZERO; CHUNK];
            for (d, &l) in buf.iter_mut().zip(lo.iter()).take(a.len()) {
                *d = l * h;
            }
            butterflies::<DIT>(a, b, &buf[..a.len()]);
        }
    }
}

/// Twiddles of the stages below LOG_W, broadcast: `small[j][t] = ω_{2^(j+1)}^t`.
fn small_twiddles(inverse: bool) -> [[PackedBabyBear; W]; LOG_W as usize] {
    core::array::from_fn(|j| {
        let w = stage_root(j as u32, inverse);
        let mut out = [PackedBabyBear::ONE; W];
        for (t, o) in out.iter_mut().enumerate().take(1 << j) {
            *o = PackedBabyBear::broadcast(w.exp_u64(t as u64));
        }
        out
    })
}

/// Stages `lo..hi` (all below LOG_W) of a DIF or DIT over `x`, whose length is a multiple
/// of W². Each W×W tile is transposed, so that element k of each of its W rows (one
/// row = one W-element group these stages stay inside) sits in vector k; the butterflies
/// then pair whole vectors with broadcast twiddles; the tile is transposed back.
fn small_stages<const DIT: bool>(x: &mut [BabyBear], lo: u32, hi: u32, inverse: bool) {
    let tw = small_twiddles(inverse);
    for tile in x.chunks_exact_mut(W * W) {
        let mut v: [PackedBabyBear; W] =
            core::array::from_fn(|i| PackedBabyBear::from_slice(&tile[i * W..]));
        PackedBabyBear::transpose(&mut v);
        let mut stage = |j: u32| {
            let h = 1usize << j;
            for base in (0..W).step_by(2 * h) {
                for t in 0..h {
                    let (a, b) = butterfly::<DIT>(v[base + t], v[base + t + h], tw[j as usize][t]);
                    v[base + t] = a;
                    v[base + t + h] = b;
                }
            }
        };
        if DIT {
            (lo..hi).for_each(&mut stage);
        } else {
            (lo..hi).rev().for_each(&mut stage);
        }
        PackedBabyBear::transpose(&mut v);
        for (i, r) in v.iter().enumerate() {
            r.store(&mut tile[i * W..]);
        }
    }
}

/// Whether a column of 2^log_n elements takes the SIMD path (at least one W×W tile).
fn simd(log_n: u32) -> bool {
    log_n >= 2 * LOG_W
}

/// One stage over a whole column (or block).
fn stage<const DIT: bool>(x: &mut [BabyBear], j: u32, inverse: bool, parallel: bool) {
    let half = 1usize << j;
    let tw = stage_twiddles(j, inverse);
    let group = |g: &mut [BabyBear]| {
        let (a, b) = g.split_at_mut(half);
        if half <= CHUNK {
            chunk::<DIT>(&tw, a, b, 0);
        } else if parallel {
            a.par_chunks_mut(CHUNK)
                .zip(b.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(c, (a, b))| chunk::<DIT>(&tw, a, b, c * CHUNK));
        } else {
            for (c, (a, b)) in a.chunks_mut(CHUNK).zip(b.chunks_mut(CHUNK)).enumerate() {
                chunk::<DIT>(&tw, a, b, c * CHUNK);
            }
        }
    };
    if parallel && x.len() / (2 * half) > 1 {
        x.par_chunks_exact_mut(2 * half).for_each(group);
    } else {
        x.chunks_exact_mut(2 * half).for_each(group);
    }
}

/// DIF over all stages: natural order in, bit-reversed out.
pub(crate) fn dif(x: &mut [BabyBear], log_n: u32, inverse: bool, parallel: bool) {
    let mut j = log_n;
    while j > 0 {
        if j <= BLOCK_LOG {
            // Every remaining stage stays inside a block of 2^j elements.
            let run = |blk: &mut [BabyBear]| {
                if simd(log_n) {
                    for jj in (LOG_W..j).rev() {
                        stage::<false>(blk, jj, inverse, false);
                    }
                    small_stages::<false>(blk, 0, LOG_W.min(j), inverse);
                } else {
                    for jj in (0..j).rev() {
                        stage::<false>(blk, jj, inverse, false);
                    }
                }
            };
            if parallel {
                x.par_chunks_exact_mut(1 << j).for_each(run);
            } else {
                x.chunks_exact_mut(1 << j).for_each(run);
            }
            return;
        }
        j -= 1;
        stage::<false>(x, j, inverse, parallel);
    }
}

/// DIT over stages `from..log_n`: bit-reversed order in, natural out.
pub(crate) fn dit(x: &mut [BabyBear], log_n: u32, from: u32, inverse: bool, parallel: bool) {
    let block = log_n.min(BLOCK_LOG);
    if from < block {
        let run = |blk: &mut [BabyBear]| {
            if simd(log_n) {
                if from < LOG_W {
                    small_stages::<true>(blk, from, LOG_W, inverse);
                }
                for j in from.max(LOG_W)..block {
                    stage::<true>(blk, j, inverse, false);
                }
            } else {
                for j in from..block {
                    stage::<true>(blk, j, inverse, false);
                }
            }
        };
        if parallel {
            x.par_chunks_exact_mut(1 << block).for_each(run);
        } else {
            x.chunks_exact_mut(1 << block).for_each(run);
        }
    }
    for j in from.max(block)..log_n {
        stage::<true>(x, j, inverse, parallel);
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

fn scale(x: &mut [BabyBear], s: BabyBear, parallel: bool) {
    if parallel {
        x.par_chunks_mut(CHUNK)
            .for_each(|c| c.iter_mut().for_each(|v| *v *= s));
    } else {
        x.iter_mut().for_each(|v| *v *= s);
    }
}

fn inv_n(log_n: u32) -> BabyBear {
    BabyBear::new(1 << log_n).inverse()
}

/// One column, forward or inverse, any orders.
fn ntt_column(
    x: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
    parallel: bool,
) {
    match (input, output) {
        (Order::Natural, Order::BitReversed) => dif(x, log_n, inverse, parallel),
        (Order::BitReversed, Order::Natural) => dit(x, log_n, 0, inverse, parallel),
        (Order::Natural, Order::Natural) => {
            dif(x, log_n, inverse, parallel);
            bit_reverse(x, log_n);
        }
        (Order::BitReversed, Order::BitReversed) => {
            dit(x, log_n, 0, inverse, parallel);
            bit_reverse(x, log_n);
        }
    }
    if inverse && log_n > 0 {
        scale(x, inv_n(log_n), parallel);
    }
}

fn columns_in_parallel(batch: usize) -> bool {
    batch >= rayon::current_num_threads()
}

pub(crate) fn ntt_batch(
    data: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
) {
    let n = 1usize << log_n;
    if data.is_empty() {
        return;
    }
    if columns_in_parallel(data.len() / n) {
        data.par_chunks_exact_mut(n)
            .for_each(|c| ntt_column(c, log_n, inverse, input, output, false));
    } else {
        data.chunks_exact_mut(n)
            .for_each(|c| ntt_column(c, log_n, inverse, input, output, true));
    }
}

pub(crate) fn bit_reverse_batch(data: &mut [BabyBear], log_n: u32) {
    let n = 1usize << log_n;
    data.par_chunks_exact_mut(n)
        .for_each(|c| bit_reverse(c, log_n));
}

/// `x[i] *= f[i]`, W lanes at a time.
fn mul_in_place(x: &mut [BabyBear], f: &[BabyBear]) {
    let n = x.len();
    let f = &f[..n];
    let split = n - n % W;
    for (x, f) in x[..split].chunks_exact_mut(W).zip(f.chunks_exact(W)) {
        (PackedBabyBear::from_slice(x) * PackedBabyBear::from_slice(f)).store(x);
    }
    for i in split..n {
        x[i] *= f[i];
    }
}

/// `out[i] = a[i] · b[i]`, W lanes at a time.
fn mul_into(out: &mut [BabyBear], a: &[BabyBear], b: &[BabyBear]) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    let split = n - n % W;
    for ((o, a), b) in out[..split]
        .chunks_exact_mut(W)
        .zip(a.chunks_exact(W))
        .zip(b.chunks_exact(W))
    {
        (PackedBabyBear::from_slice(a) * PackedBabyBear::from_slice(b)).store(o);
    }
    for i in split..n {
        out[i] = a[i] * b[i];
    }
}

/// `[s·x^i for i < n]`, computed as 8 interleaved chains so the multiplications pipeline
/// (a single chain is bound by multiplication latency).
fn scaled_powers(x: BabyBear, s: BabyBear, n: usize) -> Vec<BabyBear> {
    const LANES: usize = 8;
    let mut out = vec![BabyBear::ZERO; n];
    let head = n.min(LANES);
    let mut p = s;
    for v in out.iter_mut().take(head) {
        *v = p;
        p *= x;
    }
    let step = x.exp_u64(LANES as u64);
    for i in LANES..n {
        out[i] = out[i - LANES] * step;
    }
    out
}

/// The coset factors of an LDE, shared by all columns: for bit-reversed output, block r
/// of the table holds (shift·ω_N^{rev_b(r)})^i / n; for natural output, one block of
/// shift^i / n in bit-reversed order (it multiplies bit-reversed coefficients).
fn lde_factors(log_n: u32, log_blowup: u32, shift: BabyBear, output: Order) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let inv = inv_n(log_n);
    match output {
        Order::Natural => {
            let natural = scaled_powers(shift, inv, n);
            let mut t = vec![BabyBear::ZERO; n];
            bit_reverse_into(&natural, &mut t, log_n);
            t
        }
        Order::BitReversed => {
            let w_big = BabyBear::two_adic_generator((log_n + log_blowup) as usize);
            let mut t = vec![BabyBear::ZERO; n << log_blowup];
            t.par_chunks_exact_mut(n).enumerate().for_each(|(r, blk)| {
                let g = shift * w_big.exp_u64(reverse_bits_len(r, log_blowup as usize) as u64);
                blk.copy_from_slice(&scaled_powers(g, inv, n));
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
fn dif_packed(x: &mut [PackedBabyBear], log_n: u32, tw: &[BabyBear]) {
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
                hi[j] = (a - b) * PackedBabyBear::broadcast(tw[j * stride]);
            }
        }
    }
}

/// The coset LDE (bit-reversed output) of W columns at once, each column one lane:
/// the same steps as [`lde_column`] on vectors.
fn lde_packed_group(
    evals: &[BabyBear],
    out: &mut [BabyBear],
    scratch: &mut [PackedBabyBear],
    factors: &[BabyBear],
    tw: &PackedLdeTwiddles,
    log_n: u32,
) {
    let n = 1usize << log_n;
    let big = out.len() / W;
    let (vals, coeffs) = scratch.split_at_mut(n);
    for (t, v) in vals.iter_mut().enumerate() {
        *v = PackedBabyBear(core::array::from_fn(|l| evals[l * n + t]));
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
            *v = c * PackedBabyBear::broadcast(f);
        }
        dif_packed(vals, log_n, &tw.fwd);
        for (t, v) in vals.iter().enumerate() {
            for (l, &x) in v.0.iter().enumerate() {
                out[l * big + r * n + t] = x;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
/// One column of a coset LDE. `scratch` is n elements of any content, reused across
/// columns to keep allocation (and its page faults) out of the loop.
fn lde_column(
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
            dif(first, log_n, true, parallel);
            bit_reverse_into(first, scratch, log_n);
            // Block r of the bit-reversed output is the bit-reversed size-n NTT of
            // c_i·(shift·ω_N^{rev_b(r)})^i.
            let coeffs = &*scratch;
            let block = |(blk, f): (&mut [BabyBear], &[BabyBear])| {
                mul_into(blk, coeffs, f);
                dif(blk, log_n, false, false);
            };
            if parallel {
                out.par_chunks_exact_mut(n)
                    .zip(factors.par_chunks_exact(n))
                    .for_each(block);
            } else {
                out.chunks_exact_mut(n)
                    .zip(factors.chunks_exact(n))
                    .for_each(block);
            }
        }
        Order::Natural => {
            // Coefficient i goes to position rev_N(i) = rev_n(i)·2^b of a bit-reversed,
            // zero-padded input; the first b DIT stages pair it with zeros, which
            // broadcasts it over the next 2^b positions. Start from there. Position p of
            // the bit-reversed coefficients holds c_{rev(p)}, and the factor table is
            // bit-reversed too, so no permutation is needed.
            scratch.copy_from_slice(evals);
            dif(scratch, log_n, true, parallel);
            mul_in_place(scratch, factors);
            for (dst, &c) in out.chunks_exact_mut(1 << log_blowup).zip(scratch.iter()) {
                dst.fill(c);
            }
            dit(out, log_n + log_blowup, log_blowup, false, parallel);
        }
    }
}

pub(crate) fn coset_lde_batch(
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
    let factors = lde_factors(log_n, log_blowup, shift, output);
    // Many short columns (a STARK trace): W columns at a time, one column per lane, so
    // every butterfly of every stage is a full-width vector operation.
    let packed_groups = if output == Order::BitReversed && log_n <= PACKED_LDE_MAX_LOG_N {
        batch / W
    } else {
        0
    };
    if packed_groups > 0 {
        let tw = PackedLdeTwiddles::new(log_n);
        out[..packed_groups * W * big]
            .par_chunks_exact_mut(W * big)
            .zip(evals.par_chunks_exact(W * n))
            .for_each_init(
                || vec![PackedBabyBear::ZERO; 2 * n],
                |scratch, (o, e)| lde_packed_group(e, o, scratch, &factors, &tw, log_n),
            );
    }
    let done = packed_groups * W;
    let (out_rest, evals) = (&mut out[done * big..], &evals[done * n..]);
    let batch = batch - done;
    if batch == 0 {
        return out;
    }
    if columns_in_parallel(batch) {
        out_rest
            .par_chunks_exact_mut(big)
            .zip(evals.par_chunks_exact(n))
            .for_each_init(
                || vec![BabyBear::ZERO; n],
                |scratch, (o, e)| {
                    lde_column(e, o, scratch, &factors, log_n, log_blowup, output, false)
                },
            );
    } else {
        let mut scratch = vec![BabyBear::ZERO; n];
        for (o, e) in out_rest.chunks_exact_mut(big).zip(evals.chunks_exact(n)) {
            lde_column(
                e,
                o,
                &mut scratch,
                &factors,
                log_n,
                log_blowup,
                output,
                true,
            );
        }
    }
    out
}
