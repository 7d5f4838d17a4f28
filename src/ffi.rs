//! The C ABI of the kernel library (`kernels/include/kiln.h`), twice: the CUDA build
//! (`kiln_*`, when nvcc was found) and the host emulator build (`kiln_emu_*`, always).
//! Both are gathered into a [`KernelTable`] so backends share one launcher path.

use core::ffi::{CStr, c_char, c_void};

use crate::{Error, Result};

/// `kiln_status`: code 0 is success, `message` a static C string.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct KilnStatus {
    pub code: i32,
    pub message: *const c_char,
}

impl KilnStatus {
    pub(crate) fn into_result(self, op: &'static str) -> Result<()> {
        if self.code == 0 {
            return Ok(());
        }
        let message = if self.message.is_null() {
            "unknown error".to_string()
        } else {
            // SAFETY: the kernel library only returns pointers to static NUL-terminated
            // strings (string literals or cudaGetErrorString).
            unsafe { CStr::from_ptr(self.message) }
                .to_string_lossy()
                .into_owned()
        };
        Err(Error::Kernel {
            op,
            code: self.code,
            message,
        })
    }
}

macro_rules! kernel_api {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty; )*) => {
        /// Entry points of one build of the kernel library.
        #[derive(Debug)]
        pub(crate) struct KernelTable {
            $( pub $name: unsafe extern "C" fn($($ty),*) -> $ret, )*
        }

        #[cfg(kiln_cuda)]
        mod cuda_sys {
            #[allow(unused_imports)]
            use super::*;
            unsafe extern "C" {
                $( #[link_name = concat!("kiln_", stringify!($name))]
                   pub fn $name($($arg: $ty),*) -> $ret; )*
            }
        }

        mod emu_sys {
            #[allow(unused_imports)]
            use super::*;
            unsafe extern "C" {
                $( #[link_name = concat!("kiln_emu_", stringify!($name))]
                   pub fn $name($($arg: $ty),*) -> $ret; )*
            }
        }

        #[cfg(kiln_cuda)]
        pub(crate) static CUDA: KernelTable = KernelTable { $( $name: cuda_sys::$name, )* };
        pub(crate) static EMU: KernelTable = KernelTable { $( $name: emu_sys::$name, )* };
    };
}

kernel_api! {
    fn ntt_twiddles_len() -> u32;
    fn ntt_batch(
        data: *mut u32, log_n: u32, batch: u32, inverse: u32, input_bitrev: u32,
        output_bitrev: u32, twiddles: *const u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn coset_lde_batch(
        input: *const u32, output: *mut u32, log_n: u32, batch: u32, log_blowup: u32,
        shift: u32, output_bitrev: u32, twiddles: *const u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn bit_reverse_batch(data: *mut u32, log_n: u32, batch: u32, stream: *mut c_void) -> KilnStatus;
    fn quotient_domain_columns(
        lde: *const u32, lde_height: u64, log_m: u32, width: u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn quotient_eval(
        program: *const u32, instructions: u32, registers: u32, main: *const u32, main_width: u32,
        pre: *const u32, preprocessed_width: u32, publics: *const u32, alpha_powers: *const u32,
        inv_z: *const u32, log_n: u32, log_chunks: u32, shift: u32, twiddles: *const u32,
        out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn columns_dot(
        cols: *const u32, height: u64, width: u32, weights: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn reduced_openings(
        matrices: *const *const u32, widths: *const u32, at_next: *const u32, groups: u32,
        powers: *const u32, log_big: u32, shift: u32, zeta4: *const u32, b4: *const u32,
        twiddles: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn fri_fold(
        layer: *const u32, log_size: u32, log_arity: u32, shift_inv: u32, beta4: *const u32,
        twiddles: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn fri_layer_matrix(layer: *const u32, log_size: u32, log_arity: u32, out: *mut u32, stream: *mut c_void) -> KilnStatus;


    // Pairing curves: G1 MSM, scalar-field NTT, arithmetic test entry points.
    fn msm_window_bits(curve: u32, n: u64) -> u32;
    fn msm_scratch_bytes(curve: u32, n: u64, window_bits: u32, bytes: *mut u64) -> KilnStatus;
    fn msm(
        curve: u32, bases: *const u64, scalars: *const u64, n: u64, scalars_montgomery: u32,
        window_bits: u32, result: *mut u64, stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_ntt(
        curve: u32, data: *mut u64, log_n: u32, inverse: u32, twiddles: *const u64,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_powers(
        curve: u32, out: *mut u64, count: u64, lo: *const u64, hi: *const u64, log_lo: u32,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_scale_powers(
        curve: u32, data: *mut u64, count: u64, lo: *const u64, hi: *const u64, log_lo: u32,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn ff_constants(field: u32, out: *mut u64) -> KilnStatus;
    fn ff_test(
        field: u32, op: u32, a: *const u64, b: *const u64, out: *mut u64, n: u64,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn ec_test(
        curve: u32, op: u32, a: *const u64, b: *const u64, out: *mut u64, n: u64,
        stream: *mut c_void,
    ) -> KilnStatus;

    // Poseidon2 and Merkle commitments.
    fn poseidon2_permute(states: *mut u32, count: u64, width: u32, stream: *mut c_void) -> KilnStatus;
    fn merkle_commit(
        matrices: *const KilnMatrix, count: u32, layers: *const *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn merkle_open(
        matrices: *const KilnMatrix, count: u32, layers: *const *const u32, indices: *const u32,
        queries: u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
}

/// `kiln_matrix`: a column-major matrix in device memory (`width` columns of
/// `2^log_height` words). Arrays of it are host arrays.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct KilnMatrix {
    pub data: *const u32,
    pub width: u32,
    pub log_height: u32,
}
