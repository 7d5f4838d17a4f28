use kiln_field::{SimdLevel, SimdLevelError};

use crate::Result;
use crate::backend::{Backend, DeviceInfo, Element};

/// The CPU backend: buffers are `Vec`s and operations run on rayon's thread pool. It is
/// the reference every other backend must match bit for bit.
///
/// Its vector code runs at a [`SimdLevel`] chosen when the program runs:
/// [`SimdLevel::current`] by default (the widest the CPU supports, or `KILN_SIMD`), any
/// available one with [`CpuBackend::with_simd_level`]. Every level gives the same bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CpuBackend {
    simd: SimdLevel,
}

impl CpuBackend {
    /// The backend at [`SimdLevel::current`].
    pub fn new() -> Self {
        Self {
            simd: SimdLevel::current(),
        }
    }

    /// The backend at SIMD level `level`, or an error if this CPU lacks it.
    pub fn with_simd_level(level: SimdLevel) -> std::result::Result<Self, SimdLevelError> {
        Ok(Self {
            simd: level.check()?,
        })
    }

    /// The SIMD level its vector code runs at.
    pub fn simd_level(&self) -> SimdLevel {
        self.simd
    }
}

/// A zeroed vector whose large, still untouched pages are advised to be backed by
/// transparent huge pages (Linux): far fewer page faults when it is first written, and
/// those in parallel by the writers (the prover's 39 MB trace LDE went from 26 ms to 8 ms
/// once the pages were left untouched until the advice; 2-core EPYC VM, 2026-11-22).
pub(crate) fn zeroed_vec<T: Element>(len: usize) -> Vec<T> {
    // A zeroed allocation (calloc): a large one is fresh mmap'd pages, zero without a
    // write, so nothing touches them before the madvise below. (`vec![T::zeroed(); len]`
    // writes every element, one thread, before the advice can apply.)
    let v: Vec<T> = bytemuck::allocation::zeroed_vec(len);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + len * size_of::<T>();
        let (a, b) = ((start + HUGE - 1) & !(HUGE - 1), end & !(HUGE - 1));
        if b >= a + HUGE {
            // SAFETY: [a, b) lies inside `v`'s allocation, whose pages have not been
            // touched yet (the zeroed allocation is lazily backed); madvise only changes
            // how they will be backed, never their contents or validity.
            unsafe { libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_HUGEPAGE) };
        }
    }
    v
}

impl Backend for CpuBackend {
    type Buffer<T: Element> = Vec<T>;

    fn name(&self) -> String {
        "cpu".into()
    }

    fn device_info(&self) -> DeviceInfo {
        DeviceInfo {
            kind: "cpu",
            // The SIMD level too: it decides the speed (benchmark records carry it).
            name: format!(
                "{} ({})",
                cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string()),
                self.simd
            ),
            total_memory: 0,
            free_memory: 0,
            compute_capability: None,
            parallelism: rayon::current_num_threads() as u32,
        }
    }

    fn alloc_zeroed<T: Element>(&self, len: usize) -> Result<Vec<T>> {
        Ok(zeroed_vec(len))
    }

    fn upload<T: Element>(&self, data: &[T]) -> Result<Vec<T>> {
        use rayon::prelude::*;
        // Fresh huge pages filled in parallel: a plain copy of a large buffer spends most
        // of its time faulting in 4 KiB pages one thread at a time.
        let mut out = zeroed_vec(data.len());
        out.par_chunks_mut(1 << 16)
            .zip(data.par_chunks(1 << 16))
            .for_each(|(o, d)| o.copy_from_slice(d));
        Ok(out)
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

/// The CPU model from /proc/cpuinfo, where there is one.
pub(crate) fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
}
