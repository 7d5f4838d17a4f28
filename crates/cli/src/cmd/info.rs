//! `kiln info`: what this build and this machine can run.

use kiln::backend::{cuda_architectures, cuda_compiled};
use kiln::field::SimdLevel;
use kiln::{Backend, CpuBackend, CudaBackend};
use serde::Serialize;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct Device {
    backend: String,
    name: String,
    compute_capability: Option<String>,
    total_memory_bytes: u64,
    free_memory_bytes: u64,
    parallelism: u32,
}

#[derive(Debug, Serialize)]
struct Info {
    version: &'static str,
    cuda_kernels_compiled: bool,
    cuda_architectures: Vec<&'static str>,
    /// Why the CUDA backend is unavailable, when it is.
    cuda_unavailable: Option<String>,
    /// The SIMD level the CPU backend runs at (`KILN_SIMD`, else the widest available).
    simd_level: SimdLevel,
    /// Every SIMD level this CPU supports, narrowest first.
    simd_levels_available: Vec<SimdLevel>,
    devices: Vec<Device>,
}

fn device(b: &impl Backend) -> Device {
    let d = b.device_info();
    Device {
        backend: b.name(),
        name: d.name,
        compute_capability: d.compute_capability.map(|(a, b)| format!("{a}.{b}")),
        total_memory_bytes: d.total_memory,
        free_memory_bytes: d.free_memory,
        parallelism: d.parallelism,
    }
}

pub fn run(args: Args) -> Result<(), CliError> {
    let mut devices = vec![device(&CpuBackend::new())];
    let mut cuda_unavailable = None;
    match CudaBackend::device_count() {
        Ok(0) => cuda_unavailable = Some("the CUDA driver reports no device".to_string()),
        Ok(count) => {
            for ordinal in 0..count {
                match CudaBackend::new(ordinal) {
                    Ok(gpu) => devices.push(device(&gpu)),
                    Err(e) => cuda_unavailable = Some(format!("cuda:{ordinal}: {e}")),
                }
            }
        }
        Err(e) => cuda_unavailable = Some(e.to_string()),
    }
    if !cuda_compiled() {
        cuda_unavailable = Some(kiln::Error::CudaNotCompiled.to_string());
    }
    let info = Info {
        version: env!("CARGO_PKG_VERSION"),
        cuda_kernels_compiled: cuda_compiled(),
        cuda_architectures: cuda_architectures(),
        cuda_unavailable,
        simd_level: CpuBackend::new().simd_level(),
        simd_levels_available: SimdLevel::available().collect(),
        devices,
    };
    if args.json {
        println!("{}", serde_json::to_string(&info)?);
        return Ok(());
    }
    println!("kiln {}", info.version);
    if info.cuda_kernels_compiled {
        println!(
            "CUDA kernels: compiled for {}",
            info.cuda_architectures.join(", ")
        );
    } else {
        println!("CUDA kernels: not compiled (no nvcc at build time)");
    }
    let names: Vec<&str> = info
        .simd_levels_available
        .iter()
        .map(|l| l.name())
        .collect();
    println!(
        "CPU SIMD: {} in use{}; this CPU supports {}",
        info.simd_level,
        if SimdLevel::from_env().ok().flatten().is_some() {
            " (KILN_SIMD)"
        } else {
            ""
        },
        names.join(", ")
    );
    println!("backends:");
    for d in &info.devices {
        let mut line = format!("  {:<8} {}", d.backend, d.name);
        if let Some(cc) = &d.compute_capability {
            line += &format!(", compute capability {cc}");
        }
        if d.total_memory_bytes > 0 {
            let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
            line += &format!(
                ", {:.1} GiB memory ({:.1} GiB free)",
                gib(d.total_memory_bytes),
                gib(d.free_memory_bytes)
            );
        }
        line += &format!(
            ", {} {}",
            d.parallelism,
            if d.backend.starts_with("cuda") {
                "SMs"
            } else {
                "threads"
            }
        );
        println!("{line}");
    }
    if let Some(why) = &info.cuda_unavailable {
        println!("  cuda     unavailable: {why}");
    }
    println!("  emu      CUDA kernel emulator (host; for tests, slow)");
    Ok(())
}
