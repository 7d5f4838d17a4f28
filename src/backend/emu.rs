use core::ffi::c_void;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::Result;
use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, DeviceInfo, Element};
use crate::ffi::{EMU, KernelTable};

/// The kernel emulator: the CUDA kernel source compiled for the host (`KILN_EMULATE`), each
/// CUDA thread a fiber, each `__syncthreads` a switch to the block's next fiber until all
/// of them reach it (`kernels/util/emu.cuh`). It runs the same launchers, the same kernels
/// and the same Rust driver code as [`crate::CudaBackend`], on any machine, so the GPU code
/// path is tested where there is no GPU. It runs one block at a time on one host thread
/// and is meant for tests of small sizes, not for work.
#[derive(Debug, Default)]
pub struct EmuBackend {
    twiddles: OnceLock<Vec<u32>>,
}

/// The emulator keeps the launch geometry in globals: one launch at a time.
static EMULATOR: Mutex<()> = Mutex::new(());

impl EmuBackend {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Backend for EmuBackend {
    type Buffer<T: Element> = Vec<T>;

    fn name(&self) -> String {
        "emu".into()
    }

    fn device_info(&self) -> DeviceInfo {
        DeviceInfo {
            kind: "emu",
            name: "CUDA kernel emulator (fibers on one host thread)".into(),
            total_memory: 0,
            free_memory: 0,
            compute_capability: None,
            parallelism: 1,
        }
    }

    fn alloc_zeroed<T: Element>(&self, len: usize) -> Result<Vec<T>> {
        Ok(vec![T::zeroed(); len])
    }

    fn upload<T: Element>(&self, data: &[T]) -> Result<Vec<T>> {
        Ok(data.to_vec())
    }

    fn download<T: Element>(&self, buf: &Vec<T>) -> Result<Vec<T>> {
        Ok(buf.clone())
    }

    fn buffer_len<T: Element>(&self, buf: &Vec<T>) -> usize {
        buf.len()
    }

    fn synchronize(&self) -> Result<()> {
        Ok(())
    }
}

/// The byte fresh emulator buffers are filled with.
const POISON: u8 = 0xA5;

impl KernelDevice for EmuBackend {
    fn table(&self) -> Result<&'static KernelTable> {
        Ok(&EMU)
    }

    fn stream_ptr(&self) -> *mut c_void {
        core::ptr::null_mut()
    }

    fn raw<T: Element>(&self, buf: &Vec<T>) -> *const T {
        buf.as_ptr()
    }

    fn raw_mut<T: Element>(&self, buf: &mut Vec<T>) -> *mut T {
        buf.as_mut_ptr()
    }

    /// Poisoned (every byte 0xA5), as `emu.cuh` poisons device allocations and shared
    /// memory: CUDA hands out recycled memory, so a kernel that skips an output word
    /// returns stale data on a GPU, and must return visible garbage here, not a zero that
    /// might pass.
    fn alloc_uninit<T: Element>(&self, len: usize) -> Result<Vec<T>> {
        let mut v = vec![T::zeroed(); len];
        bytemuck::cast_slice_mut::<T, u8>(&mut v).fill(POISON);
        Ok(v)
    }

    fn ntt_twiddles(&self) -> Result<*const u32> {
        if self.twiddles.get().is_none() {
            let _ = self.twiddles.set(crate::ntt::twiddle_tables_for(&EMU)?);
        }
        Ok(self.twiddles.get().expect("set above").as_ptr())
    }

    fn launch<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        // The lock guards no data (the launch geometry is set anew by every launch), so a
        // launch that panicked on another thread leaves nothing to repair: take the lock.
        let _guard = EMULATOR.lock().unwrap_or_else(PoisonError::into_inner);
        f()
    }

    fn ensure_free(&self, _op: &'static str, _bytes: u64) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod poison_tests {
    use super::*;

    #[test]
    fn uninitialised_buffers_are_poisoned() {
        let emu = EmuBackend::new();
        let words: Vec<u32> = emu.alloc_uninit(5).unwrap();
        assert_eq!(words, vec![0xA5A5_A5A5; 5]);
        let bytes: Vec<u8> = emu.alloc_uninit(3).unwrap();
        assert_eq!(bytes, vec![POISON; 3]);
    }
}
