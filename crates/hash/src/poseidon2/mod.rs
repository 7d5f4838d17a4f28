//! The Poseidon2 permutation over BabyBear at widths 16 and 24.

pub(crate) mod rounds;

use kiln_field::BabyBear;

use crate::backend::CpuBackend;
use crate::error::BackendError;
use crate::kernels::dispatch;

/// A cryptographic permutation of `[BabyBear; WIDTH]`.
///
/// Required: [`Permutation::permute_mut`]; the batched [`Permutation::permute_many`]
/// defaults to a loop over it.
pub trait Permutation<const WIDTH: usize>: Copy + Send + Sync {
    /// Permutes one state in place.
    fn permute_mut(&self, state: &mut [BabyBear; WIDTH]);

    /// The permutation of `state`.
    #[inline]
    fn permute(&self, mut state: [BabyBear; WIDTH]) -> [BabyBear; WIDTH] {
        self.permute_mut(&mut state);
        state
    }

    /// Permutes independent states in place, as many at once as the implementation can.
    fn permute_many(&self, states: &mut [[BabyBear; WIDTH]]) {
        for state in states {
            self.permute_mut(state);
        }
    }

    /// Permutes the states held in blocks of [`BLOCK`] states, element-major: lane l of
    /// `blocks[b][j]` is element j of state `BLOCK · b + l` (the memory layout of Plonky3's
    /// `[PackedBabyBear; WIDTH]` on AVX-512). Batched implementations load every state
    /// element of a group of states with one vector load and need no transposition; the
    /// result equals [`Permutation::permute_many`] on the same states held as rows.
    fn permute_blocks(&self, blocks: &mut [[[BabyBear; BLOCK]; WIDTH]]) {
        for block in blocks {
            for l in 0..BLOCK {
                let mut state: [BabyBear; WIDTH] = core::array::from_fn(|j| block[j][l]);
                self.permute_mut(&mut state);
                for (row, x) in block.iter_mut().zip(state) {
                    row[l] = x;
                }
            }
        }
    }
}

/// States per block in [`Permutation::permute_blocks`]: the lane count of the widest
/// backend (AVX-512), a whole number of vectors on every backend.
pub const BLOCK: usize = 16;

/// One width-16 permutation: in one AVX-512 register where available.
#[inline]
fn single16(backend: CpuBackend, state: &mut [BabyBear; 16]) {
    #[cfg(target_arch = "x86_64")]
    if backend == CpuBackend::Avx512 {
        // SAFETY: `backend` was checked available (avx512f and avx512bw detected) where it
        // was stored.
        unsafe { crate::packed::avx512::permute16_state(state) };
        return;
    }
    let _ = backend;
    rounds::permute16::<BabyBear>(state);
}

/// One width-24 permutation: in two AVX-512 registers where available.
#[inline]
fn single24(backend: CpuBackend, state: &mut [BabyBear; 24]) {
    #[cfg(target_arch = "x86_64")]
    if backend == CpuBackend::Avx512 {
        // SAFETY: `backend` was checked available (avx512f and avx512bw detected) where it
        // was stored.
        unsafe { crate::packed::avx512::permute24_state(state) };
        return;
    }
    let _ = backend;
    rounds::permute24::<BabyBear>(state);
}

macro_rules! poseidon2_width {
    ($(#[$doc:meta])* $name:ident, $width:literal, $single:ident, $many:ident, $blocks:ident) => {
        $(#[$doc])*
        ///
        /// Bit-for-bit equal to Plonky3's `default_babybear_poseidon2_N` (p3-baby-bear 0.8).
        /// [`Permutation::permute_many`] uses the value's [`CpuBackend`]; a single
        /// [`Permutation::permute_mut`] runs with the state in AVX-512 registers on the
        /// AVX-512 backend, else on the scalar path.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            backend: CpuBackend,
        }

        impl $name {
            /// The permutation on the widest backend this CPU supports.
            pub fn new() -> Self {
                Self {
                    backend: CpuBackend::detect(),
                }
            }

            /// The permutation on `backend`, or an error if this CPU cannot run it.
            pub fn with_backend(backend: CpuBackend) -> Result<Self, BackendError> {
                Ok(Self {
                    backend: backend.check()?,
                })
            }

            /// The backend batched calls use.
            pub fn backend(&self) -> CpuBackend {
                self.backend
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl Permutation<$width> for $name {
            #[inline]
            fn permute_mut(&self, state: &mut [BabyBear; $width]) {
                $single(self.backend, state);
            }

            fn permute_many(&self, states: &mut [[BabyBear; $width]]) {
                dispatch!(self.backend, $many(states));
            }

            fn permute_blocks(&self, blocks: &mut [[[BabyBear; BLOCK]; $width]]) {
                dispatch!(self.backend, $blocks(blocks));
            }
        }
    };
}

poseidon2_width!(
    /// Poseidon2 over BabyBear, width 16: x^7, 8 full and 13 partial rounds.
    Poseidon2W16,
    16,
    single16,
    permute_many16,
    permute_blocks16
);

poseidon2_width!(
    /// Poseidon2 over BabyBear, width 24: x^7, 8 full and 21 partial rounds.
    Poseidon2W24,
    24,
    single24,
    permute_many24,
    permute_blocks24
);
