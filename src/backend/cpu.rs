use crate::Result;
use crate::backend::{Backend, DeviceInfo, Element};

/// The CPU backend: buffers are `Vec`s and operations run on rayon's thread pool. It is
/// the reference every other backend must match bit for bit.
#[derive(Debug, Default, Clone, Copy)]
pub struct CpuBackend;

impl CpuBackend {
    pub fn new() -> Self {
        Self
    }
}

impl Backend for CpuBackend {
    type Buffer<T: Element> = Vec<T>;

    fn name(&self) -> String {
        "cpu".into()
    }

    fn device_info(&self) -> DeviceInfo {
        DeviceInfo {
            kind: "cpu",
            name: cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string()),
            total_memory: 0,
            free_memory: 0,
            compute_capability: None,
            parallelism: rayon::current_num_threads() as u32,
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

/// The CPU model from /proc/cpuinfo, where there is one.
pub(crate) fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
}
