//! The batched operations, written once over [`Packed`] and compiled once per CPU
//! backend: many permutations, leaf hashing of column-major rows, and compression.
//!
//! Each backend gets a module of entry points (`scalar`, `avx2`, `avx512`); the SIMD ones
//! carry `#[target_feature]`, so the generic code inlined into them uses those
//! instructions. [`dispatch`] picks the module for a [`crate::CpuBackend`].

use core::array;

use kiln_field::{BabyBear, Field};

use crate::packed::{MAX_LANES, Packed};
use crate::poseidon2::rounds::{permute16, permute24};
use crate::sponge::{DIGEST_ELEMS, Digest, RATE};

/// Lane-major scratch: `scratch[i][lane]` is element i of the state in that lane.
type Scratch<const W: usize> = [[BabyBear; MAX_LANES]; W];

/// Permutes `states` `V::LANES` at a time. A short last group runs with stale lanes
/// whose results are dropped.
#[inline(always)]
fn permute_many<V: Packed, const W: usize>(
    states: &mut [[BabyBear; W]],
    perm: impl Fn(&mut [V; W]),
) {
    let mut scratch: Scratch<W> = [[BabyBear::ZERO; MAX_LANES]; W];
    for group in states.chunks_mut(V::LANES) {
        for (lane, state) in group.iter().enumerate() {
            for (row, &x) in scratch.iter_mut().zip(state) {
                row[lane] = x;
            }
        }
        let mut v: [V; W] = array::from_fn(|i| V::load(&scratch[i]));
        perm(&mut v);
        for (x, row) in v.iter().zip(scratch.iter_mut()) {
            x.store(row);
        }
        for (lane, state) in group.iter_mut().enumerate() {
            for (x, row) in state.iter_mut().zip(&scratch) {
                *x = row[lane];
            }
        }
    }
}

/// Digests of rows `first_row..first_row + out.len()` of the matrix whose columns are
/// `columns` (all of one height): the padding-free sponge over each row, `V::LANES` rows
/// at once. Lane l of the state absorbs row `r + l`, so each absorbed element is one
/// contiguous load from a column.
#[inline(always)]
fn hash_rows<V: Packed>(columns: &[&[BabyBear]], first_row: usize, out: &mut [Digest]) {
    let mut scratch: Scratch<DIGEST_ELEMS> = [[BabyBear::ZERO; MAX_LANES]; DIGEST_ELEMS];
    for (b, group) in out.chunks_mut(V::LANES).enumerate() {
        let row = first_row + b * V::LANES;
        if group.len() < V::LANES {
            // Fewer rows left than lanes: one at a time.
            for (i, digest) in group.iter_mut().enumerate() {
                hash_rows::<BabyBear>(columns, row + i, core::slice::from_mut(digest));
            }
            break;
        }
        let mut state = [V::splat(0); 16];
        // Overwrite mode: a short last chunk leaves the rest of the rate as it was.
        for chunk in columns.chunks(RATE) {
            for (x, column) in state.iter_mut().zip(chunk) {
                *x = V::load(&column[row..]);
            }
            permute16(&mut state);
        }
        for (x, row) in state.iter().zip(scratch.iter_mut()) {
            x.store(row);
        }
        for (lane, digest) in group.iter_mut().enumerate() {
            for (d, row) in digest.iter_mut().zip(&scratch) {
                *d = row[lane];
            }
        }
    }
}

/// Permutes the 16-element states in `scratch` and leaves their first 8 elements there.
#[inline(always)]
fn compress_scratch<V: Packed>(scratch: &mut Scratch<16>) {
    let mut state: [V; 16] = array::from_fn(|i| V::load(&scratch[i]));
    permute16(&mut state);
    for (x, row) in state.iter().zip(scratch.iter_mut()) {
        x.store(row);
    }
}

/// `out[j] = C(inputs[j][0], inputs[j][1])`.
#[inline(always)]
fn compress_many<V: Packed>(inputs: &[[Digest; 2]], out: &mut [Digest]) {
    assert_eq!(inputs.len(), out.len());
    let mut scratch: Scratch<16> = [[BabyBear::ZERO; MAX_LANES]; 16];
    for (ins, outs) in inputs.chunks(V::LANES).zip(out.chunks_mut(V::LANES)) {
        for (lane, pair) in ins.iter().enumerate() {
            for (row, &x) in scratch.iter_mut().zip(pair.as_flattened()) {
                row[lane] = x;
            }
        }
        compress_scratch::<V>(&mut scratch);
        for (lane, digest) in outs.iter_mut().enumerate() {
            for (d, row) in digest.iter_mut().zip(&scratch) {
                *d = row[lane];
            }
        }
    }
}

/// `nodes[j] = C(nodes[j], right[j])`.
#[inline(always)]
fn compress_in_place<V: Packed>(nodes: &mut [Digest], right: &[Digest]) {
    assert_eq!(nodes.len(), right.len());
    let mut scratch: Scratch<16> = [[BabyBear::ZERO; MAX_LANES]; 16];
    for (ns, rs) in nodes.chunks_mut(V::LANES).zip(right.chunks(V::LANES)) {
        for (lane, (l, r)) in ns.iter().zip(rs).enumerate() {
            for (row, &x) in scratch.iter_mut().zip(l.iter().chain(r)) {
                row[lane] = x;
            }
        }
        compress_scratch::<V>(&mut scratch);
        for (lane, digest) in ns.iter_mut().enumerate() {
            for (d, row) in digest.iter_mut().zip(&scratch) {
                *d = row[lane];
            }
        }
    }
}

/// One module of entry points per backend, each a monomorphic copy of the drivers above.
macro_rules! backend_kernels {
    ($(#[$attr:meta])* $name:ident, $v:ty) => {
        pub(crate) mod $name {
            use super::*;

            $(#[$attr])*
            pub(crate) fn permute_many16(states: &mut [[BabyBear; 16]]) {
                permute_many::<$v, 16>(states, permute16::<$v>);
            }

            $(#[$attr])*
            pub(crate) fn permute_many24(states: &mut [[BabyBear; 24]]) {
                permute_many::<$v, 24>(states, permute24::<$v>);
            }

            $(#[$attr])*
            pub(crate) fn hash_rows(columns: &[&[BabyBear]], first_row: usize, out: &mut [Digest]) {
                super::hash_rows::<$v>(columns, first_row, out);
            }

            $(#[$attr])*
            pub(crate) fn compress_many(inputs: &[[Digest; 2]], out: &mut [Digest]) {
                super::compress_many::<$v>(inputs, out);
            }

            $(#[$attr])*
            pub(crate) fn compress_in_place(nodes: &mut [Digest], right: &[Digest]) {
                super::compress_in_place::<$v>(nodes, right);
            }
        }
    };
}

backend_kernels!(scalar, BabyBear);
#[cfg(target_arch = "x86_64")]
backend_kernels!(
    #[target_feature(enable = "avx2")]
    avx2,
    crate::packed::avx2::Avx2
);
#[cfg(target_arch = "x86_64")]
backend_kernels!(
    #[target_feature(enable = "avx512f")]
    avx512,
    crate::packed::avx512::Avx512
);

/// Calls the entry point `$f` of the module for `$backend`.
///
/// `$backend` must be available on this CPU (`CpuBackend::is_available`); the types
/// that hold a backend check that when they are built.
macro_rules! dispatch {
    ($backend:expr, $f:ident($($arg:expr),* $(,)?)) => {
        match $backend {
            $crate::backend::CpuBackend::Scalar => $crate::kernels::scalar::$f($($arg),*),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the backend was checked available (avx2 detected) where it was stored.
            $crate::backend::CpuBackend::Avx2 => unsafe { $crate::kernels::avx2::$f($($arg),*) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the backend was checked available (avx512f detected) where it was stored.
            $crate::backend::CpuBackend::Avx512 => unsafe { $crate::kernels::avx512::$f($($arg),*) },
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("SIMD backends are never available off x86_64"),
        }
    };
}
pub(crate) use dispatch;

const _: () = assert!(DIGEST_ELEMS == 8 && RATE == 8);
