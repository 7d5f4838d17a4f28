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
    fn poseidon2_permute(states: *mut u32, count: u64, width: u32, stream: *mut c_void) -> KilnStatus;
    fn merkle_hash_rows(
        matrices: *const KilnMatrix, count: u32, digests: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn merkle_build_layers(
        leaves: *const u32, log_max_height: u32, injected: *const KilnMatrix, count: u32,
        layers: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn merkle_commit(
        matrices: *const KilnMatrix, count: u32, layers: *mut u32, root: *mut u32,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn merkle_open(
        matrices: *const KilnMatrix, count: u32, layers: *const u32, indices: *const u32,
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
