use core::ffi::c_void;
use core::fmt;
use core::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use cudarc::driver::{
    CudaContext, CudaSlice, CudaStream, DevicePtr, DevicePtrMut, DriverError, sys,
};

use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, DeviceInfo, Element, cuda_compiled};
use crate::ffi::KernelTable;
use crate::{Error, Result};

/// The CUDA backend: one device, one stream. Kernels are enqueued on the stream in call
/// order; [`Backend::download`] and [`Backend::synchronize`] wait for them.
///
/// [`CudaBackend::new`] fails with a clear [`Error`] — never a panic — when kiln was built
/// without kernels, the driver library is missing, or there is no usable device.
pub struct CudaBackend {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    twiddles: OnceLock<DeviceBuffer<u32>>,
    /// Checked mode ([`CudaBackend::set_sync_check`]).
    sync_check: bool,
}

/// The environment variable that turns checked mode on for new backends (`1`).
pub const SYNC_CHECK_ENV: &str = "KILN_CUDA_SYNC_CHECK";

/// A buffer of `T` in device memory.
pub struct DeviceBuffer<T> {
    bytes: CudaSlice<u8>,
    len: usize,
    _marker: PhantomData<T>,
}

impl<T> fmt::Debug for DeviceBuffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DeviceBuffer<{}>[{}]",
            core::any::type_name::<T>(),
            self.len
        )
    }
}

impl<T> DeviceBuffer<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn driver(op: &'static str) -> impl FnOnce(DriverError) -> Error {
    move |e| Error::Driver {
        op,
        message: e.to_string(),
    }
}

/// The oldest architecture with a compiled kernel image (the build also carries PTX for
/// newer ones).
const MIN_COMPUTE_CAPABILITY: (i32, i32) = (8, 0);

impl CudaBackend {
    /// Opens device `ordinal`.
    pub fn new(ordinal: usize) -> Result<Self> {
        if !cuda_compiled() {
            return Err(Error::CudaNotCompiled);
        }
        let count = Self::device_count()?;
        if count == 0 {
            return Err(Error::NoGpu {
                reason: "the CUDA driver reports no device".into(),
            });
        }
        if ordinal >= count {
            return Err(Error::NoGpu {
                reason: format!("device {ordinal} was requested but there are only {count}"),
            });
        }
        let ctx = CudaContext::new(ordinal).map_err(driver("creating the CUDA context"))?;
        let cc = ctx
            .compute_capability()
            .map_err(driver("querying the compute capability"))?;
        if cc < MIN_COMPUTE_CAPABILITY {
            return Err(Error::NoGpu {
                reason: format!(
                    "device {ordinal} has compute capability {}.{}; kiln's kernels need 8.0 or newer",
                    cc.0, cc.1
                ),
            });
        }
        // One stream per backend, and raw pointers handed to our own kernels: cudarc's
        // per-buffer event tracking would only add synchronisation we do not need.
        // SAFETY: every buffer of this context is used on `stream` alone.
        unsafe { ctx.disable_event_tracking() };
        let stream = ctx.new_stream().map_err(driver("creating a stream"))?;
        Ok(Self {
            ctx,
            stream,
            twiddles: OnceLock::new(),
            sync_check: std::env::var(SYNC_CHECK_ENV).is_ok_and(|v| v == "1"),
        })
    }

    /// The number of CUDA devices, or why there is no usable driver.
    pub fn device_count() -> Result<usize> {
        // SAFETY: only tries to load the driver library, which has no side effects beyond
        // the loader's.
        if !unsafe { sys::is_culib_present() } {
            return Err(Error::NoGpu {
                reason: "the CUDA driver library (libcuda.so) is not installed".into(),
            });
        }
        let count = CudaContext::device_count().map_err(|e| Error::NoGpu {
            reason: format!("the CUDA driver failed to initialise: {e}"),
        })?;
        Ok(count.max(0) as usize)
    }

    /// Checked mode: after every call into the kernel library, synchronize the stream and
    /// report a fault as an error naming that call (`Error::Kernel`), instead of letting it
    /// surface later as the error of an unrelated copy. Slower; on by default when
    /// `KILN_CUDA_SYNC_CHECK=1` (`scripts/gpu-check` sets it for the tests).
    pub fn set_sync_check(&mut self, on: bool) {
        self.sync_check = on;
    }

    /// Whether checked mode is on.
    pub fn sync_check(&self) -> bool {
        self.sync_check
    }

    /// The cudarc context, for callers that mix in their own CUDA work.
    pub fn context(&self) -> &Arc<CudaContext> {
        &self.ctx
    }

    /// The stream every operation of this backend is queued on.
    pub fn stream(&self) -> &Arc<CudaStream> {
        &self.stream
    }

    /// (free, total) device memory in bytes.
    pub fn memory(&self) -> Result<(u64, u64)> {
        let (free, total) = self
            .ctx
            .mem_get_info()
            .map_err(driver("querying device memory"))?;
        Ok((free as u64, total as u64))
    }

    fn alloc_bytes(&self, op: &'static str, bytes: usize) -> Result<CudaSlice<u8>> {
        if bytes == 0 {
            return self.stream.null().map_err(driver(op));
        }
        self.ensure_free(op, bytes as u64)?;
        // SAFETY: the memory is written (memset or copy) before it is handed out.
        unsafe { self.stream.alloc::<u8>(bytes) }
            .map_err(|e| self.map_alloc_error(op, bytes as u64, e))
    }

    /// Device-to-device copy bandwidth in GB/s (bytes read plus bytes written per second),
    /// the median of `iters` copies of `bytes` bytes: the ceiling for memory-bound kernels.
    pub fn copy_bandwidth_gbps(&self, bytes: usize, iters: usize) -> Result<f64> {
        let src = self.alloc_zeroed::<u8>(bytes)?;
        let mut dst = self.alloc_zeroed::<u8>(bytes)?;
        let mut times = Vec::with_capacity(iters);
        for _ in 0..iters.max(1) + 1 {
            let ms = self.time_ms(&mut || {
                self.stream
                    .memcpy_dtod(&src.bytes, &mut dst.bytes)
                    .map_err(driver("copy bandwidth"))
            })?;
            times.push(ms);
        }
        times.remove(0); // warm-up
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        Ok(2.0 * bytes as f64 / (median * 1e-3) / 1e9)
    }

    /// An event that records time: cudarc's `new_event(None)` means
    /// `CU_EVENT_DISABLE_TIMING`, with which `elapsed_ms` fails.
    fn timing_event(&self) -> Result<cudarc::driver::CudaEvent> {
        self.ctx
            .new_event(Some(sys::CUevent_flags::CU_EVENT_DEFAULT))
            .map_err(driver("timing"))
    }

    fn map_alloc_error(&self, op: &'static str, needed: u64, e: DriverError) -> Error {
        if e.0 == sys::cudaError_enum::CUDA_ERROR_OUT_OF_MEMORY {
            let (free, total) = self.memory().unwrap_or((0, 0));
            Error::OutOfDeviceMemory {
                op,
                needed_bytes: needed,
                free_bytes: free,
                total_bytes: total,
            }
        } else {
            Error::Driver {
                op,
                message: e.to_string(),
            }
        }
    }
}

impl fmt::Debug for CudaBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CudaBackend(cuda:{})", self.ctx.ordinal())
    }
}

impl Backend for CudaBackend {
    type Buffer<T: Element> = DeviceBuffer<T>;

    fn name(&self) -> String {
        format!("cuda:{}", self.ctx.ordinal())
    }

    fn device_info(&self) -> DeviceInfo {
        let (free, total) = self.memory().unwrap_or((0, 0));
        let sms = self
            .ctx
            .attribute(sys::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
            .unwrap_or(0);
        DeviceInfo {
            kind: "cuda",
            name: self
                .ctx
                .name()
                .unwrap_or_else(|_| "unknown CUDA device".into()),
            total_memory: total,
            free_memory: free,
            compute_capability: self
                .ctx
                .compute_capability()
                .ok()
                .map(|(a, b)| (a as u32, b as u32)),
            parallelism: sms.max(0) as u32,
        }
    }

    fn alloc_zeroed<T: Element>(&self, len: usize) -> Result<DeviceBuffer<T>> {
        let bytes = len
            .checked_mul(size_of::<T>())
            .ok_or_else(|| Error::InvalidArgument("allocation size overflows".into()))?;
        let mut raw = self.alloc_bytes("alloc_zeroed", bytes)?;
        if bytes > 0 {
            self.stream
                .memset_zeros(&mut raw)
                .map_err(driver("alloc_zeroed"))?;
        }
        Ok(DeviceBuffer {
            bytes: raw,
            len,
            _marker: PhantomData,
        })
    }

    fn upload<T: Element>(&self, data: &[T]) -> Result<DeviceBuffer<T>> {
        let src: &[u8] = bytemuck::cast_slice(data);
        let mut raw = self.alloc_bytes("upload", src.len())?;
        if !src.is_empty() {
            self.stream
                .memcpy_htod(src, &mut raw)
                .map_err(driver("upload"))?;
        }
        Ok(DeviceBuffer {
            bytes: raw,
            len: data.len(),
            _marker: PhantomData,
        })
    }

    fn download<T: Element>(&self, buf: &DeviceBuffer<T>) -> Result<Vec<T>> {
        let mut out = vec![T::zeroed(); buf.len];
        if buf.len > 0 {
            let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
            self.stream
                .memcpy_dtoh(&buf.bytes, dst)
                .map_err(driver("download"))?;
            self.stream.synchronize().map_err(driver("download"))?;
        }
        Ok(out)
    }

    fn buffer_len<T: Element>(&self, buf: &DeviceBuffer<T>) -> usize {
        buf.len
    }

    fn synchronize(&self) -> Result<()> {
        self.stream.synchronize().map_err(driver("synchronize"))
    }

    fn time_ms(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<f64> {
        let start = self.timing_event()?;
        let end = self.timing_event()?;
        start.record(&self.stream).map_err(driver("timing"))?;
        f()?;
        end.record(&self.stream).map_err(driver("timing"))?;
        end.synchronize().map_err(driver("timing"))?;
        start
            .elapsed_ms(&end)
            .map(f64::from)
            .map_err(driver("timing"))
    }
}

impl KernelDevice for CudaBackend {
    fn table(&self) -> Result<&'static KernelTable> {
        #[cfg(kiln_cuda)]
        {
            Ok(&crate::ffi::CUDA)
        }
        #[cfg(not(kiln_cuda))]
        {
            Err(Error::CudaNotCompiled)
        }
    }

    fn stream_ptr(&self) -> *mut c_void {
        self.stream.cu_stream() as *mut c_void
    }

    fn raw<T: Element>(&self, buf: &DeviceBuffer<T>) -> *const T {
        let (ptr, _sync) = buf.bytes.device_ptr(&self.stream);
        ptr as usize as *const T
    }

    fn raw_mut<T: Element>(&self, buf: &mut DeviceBuffer<T>) -> *mut T {
        let (ptr, _sync) = buf.bytes.device_ptr_mut(&self.stream);
        ptr as usize as *mut T
    }

    fn alloc_uninit<T: Element>(&self, len: usize) -> Result<DeviceBuffer<T>> {
        let bytes = len
            .checked_mul(size_of::<T>())
            .ok_or_else(|| Error::InvalidArgument("allocation size overflows".into()))?;
        let raw = self.alloc_bytes("alloc", bytes)?;
        Ok(DeviceBuffer {
            bytes: raw,
            len,
            _marker: PhantomData,
        })
    }

    fn ntt_twiddles(&self) -> Result<*const u32> {
        if self.twiddles.get().is_none() {
            let host = crate::ntt::twiddle_tables_for(self.table()?)?;
            let buf = self.upload(&host)?;
            let _ = self.twiddles.set(buf);
        }
        Ok(self.raw(self.twiddles.get().expect("set above")))
    }

    fn launch<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        self.ctx
            .bind_to_thread()
            .map_err(driver("binding the CUDA context"))?;
        f()
    }

    fn after_call(&self, op: &'static str) -> Result<()> {
        if !self.sync_check {
            return Ok(());
        }
        self.stream.synchronize().map_err(|e| Error::Kernel {
            op,
            code: e.0 as i32,
            message: format!("the device faulted during or after this call (checked mode): {e}"),
        })
    }

    fn ensure_free(&self, op: &'static str, bytes: u64) -> Result<()> {
        let (mut free, mut total) = self.memory()?;
        if bytes > free {
            // Frees are stream-ordered into the device's default memory pool, whose release
            // threshold is 0: the memory goes back to the device only at the next
            // synchronize, and until then reads as used. Synchronize once and look again
            // before calling it a shortage.
            self.stream.synchronize().map_err(driver(op))?;
            (free, total) = self.memory()?;
        }
        if bytes > free {
            return Err(Error::OutOfDeviceMemory {
                op,
                needed_bytes: bytes,
                free_bytes: free,
                total_bytes: total,
            });
        }
        Ok(())
    }
}
