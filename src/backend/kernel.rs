//! What the CUDA backend and the emulator have in common: a kernel table, a stream and
//! raw pointers into their buffers. Operations are written once against this trait.

use core::ffi::c_void;

use crate::Result;
use crate::backend::{Backend, Element};
use crate::ffi::KernelTable;

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
}
