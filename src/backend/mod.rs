//! Backends: where buffers live and kernels run.
//!
//! A backend is a type implementing [`Backend`] (buffers and transfers) and the `*Ops`
//! traits of the operations it supports (e.g. [`crate::NttOps`]). `&self` carries the
//! device context and stream. There is no per-element access to device data: a buffer
//! is uploaded, transformed by whole operations and downloaded.

pub(crate) mod cpu;
mod cuda;
mod emu;
pub(crate) mod kernel;

use core::fmt;

pub use cpu::CpuBackend;
pub use cuda::{CudaBackend, DeviceBuffer};
pub use emu::EmuBackend;

use crate::Result;

/// What a buffer may hold: plain data with no padding or pointers, so it can be copied
/// byte for byte between host and device. `BabyBear`, `BabyBearExt4` and integers are.
pub trait Element: bytemuck::Pod + Send + Sync + 'static {}
impl<T: bytemuck::Pod + Send + Sync + 'static> Element for T {}

/// Buffers and transfers of one device.
pub trait Backend: Send + Sync + fmt::Debug {
    /// A buffer of `T` in this backend's memory.
    type Buffer<T: Element>: Send + Sync;

    /// A short name: `cpu`, `cuda:0`, `emu`.
    fn name(&self) -> String;

    /// The device this backend runs on.
    fn device_info(&self) -> DeviceInfo;

    /// A buffer of `len` zeros.
    fn alloc_zeroed<T: Element>(&self, len: usize) -> Result<Self::Buffer<T>>;

    /// A buffer holding a copy of `data`.
    fn upload<T: Element>(&self, data: &[T]) -> Result<Self::Buffer<T>>;

    /// The buffer's contents, after all work queued on it has finished.
    fn download<T: Element>(&self, buf: &Self::Buffer<T>) -> Result<Vec<T>>;

    /// The number of elements in `buf`.
    fn buffer_len<T: Element>(&self, buf: &Self::Buffer<T>) -> usize;

    /// Waits for all queued work.
    fn synchronize(&self) -> Result<()>;

    /// Runs `f`, which queues work on this backend, and returns the time the work took in
    /// milliseconds: device time between two events on GPUs, wall time elsewhere.
    fn time_ms(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<f64> {
        self.synchronize()?;
        let start = std::time::Instant::now();
        f()?;
        self.synchronize()?;
        Ok(start.elapsed().as_secs_f64() * 1e3)
    }
}

/// A description of a backend's device, for `kiln info` and benchmark reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// `cpu`, `cuda` or `emu`.
    pub kind: &'static str,
    /// Device name (GPU model, or CPU model where known).
    pub name: String,
    /// Total memory in bytes (0 where unknown).
    pub total_memory: u64,
    /// Free memory in bytes at the time of the query (0 where unknown).
    pub free_memory: u64,
    /// CUDA compute capability, for GPUs.
    pub compute_capability: Option<(u32, u32)>,
    /// Multiprocessors (GPU) or worker threads (CPU).
    pub parallelism: u32,
}

impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.kind)?;
        if let Some((major, minor)) = self.compute_capability {
            write!(f, ", sm_{major}{minor}")?;
        }
        if self.total_memory > 0 {
            write!(
                f,
                ", {:.1} GiB total, {:.1} GiB free",
                self.total_memory as f64 / (1u64 << 30) as f64,
                self.free_memory as f64 / (1u64 << 30) as f64
            )?;
        }
        write!(
            f,
            ", {} {}",
            self.parallelism,
            if self.kind == "cuda" {
                "SMs"
            } else {
                "threads"
            }
        )
    }
}

/// The CUDA architectures this build of kiln compiled kernels for (empty without nvcc).
pub fn cuda_architectures() -> Vec<&'static str> {
    env!("KILN_CUDA_ARCHS")
        .split(',')
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether this build of kiln contains CUDA kernels.
pub const fn cuda_compiled() -> bool {
    cfg!(kiln_cuda)
}
