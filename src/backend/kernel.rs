//! What the CUDA backend and the emulator have in common: a kernel table, a stream and
//! raw pointers into their buffers. Every device operation is written once against
//! [`KernelDevice`] (`src/<op>/kernel.rs` implements the op's trait for every
//! `D: KernelDevice`), so CUDA and the emulator run the same launcher code.

use core::ffi::c_void;

use crate::backend::{Backend, Element};
use crate::ffi::{KernelTable, KilnStatus};
use crate::{Error, Result};

pub(crate) trait KernelDevice: Backend {
    /// The kernel library to call (CUDA or emulated).
    fn table(&self) -> Result<&'static KernelTable>;
    /// The stream to enqueue on (`cudaStream_t`).
    fn stream_ptr(&self) -> *mut c_void;
    /// A device pointer to `buf`'s first element.
    fn raw<T: Element>(&self, buf: &Self::Buffer<T>) -> *const T;
    fn raw_mut<T: Element>(&self, buf: &mut Self::Buffer<T>) -> *mut T;
    /// A buffer whose contents are unspecified, for outputs a kernel overwrites entirely.
    fn alloc_uninit<T: Element>(&self, len: usize) -> Result<Self::Buffer<T>>;
    /// The device-resident NTT twiddle tables (uploaded on first use).
    fn ntt_twiddles(&self) -> Result<*const u32>;
    /// Runs `f` with the device current on this thread (and the emulator's lock held).
    fn launch<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R>;
    /// Fails with `OutOfDeviceMemory` if `bytes` more cannot be allocated.
    fn ensure_free(&self, op: &'static str, bytes: u64) -> Result<()>;
    /// Called after every successful call into the kernel library (checked mode of the
    /// CUDA backend: synchronize and name the call that faulted).
    fn after_call(&self, _op: &'static str) -> Result<()> {
        Ok(())
    }

    /// One call into the kernel library: `f` receives the kernel table and the stream, and
    /// its status becomes an [`Error::Kernel`] naming `op` when it is not success.
    fn call_kernel(
        &self,
        op: &'static str,
        f: impl FnOnce(&'static KernelTable, *mut c_void) -> KilnStatus,
    ) -> Result<()> {
        let table = self.table()?;
        let stream = self.stream_ptr();
        self.launch(|| {
            f(table, stream).into_result(op)?;
            self.after_call(op)
        })
    }
}

/// `v` as a 32-bit kernel argument, or an error naming `what`.
pub(crate) fn to_u32(v: usize, what: &'static str) -> Result<u32> {
    u32::try_from(v)
        .map_err(|_| Error::InvalidArgument(format!("{what} {v} does not fit in 32 bits")))
}
