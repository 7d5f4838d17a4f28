//! Compiles `kernels/` twice:
//!
//! * with nvcc, when one is found, into the CUDA kernel library (`cfg(kiln_cuda)`), for
//!   sm_80, sm_86, sm_89 and sm_90 plus compute_90 PTX (override with `KILN_CUDA_ARCHS`,
//!   e.g. `80,90`). Without nvcc the crate still builds and the CUDA backend reports that
//!   it was not compiled; `KILN_REQUIRE_CUDA=1` makes a missing nvcc an error.
//! * with the host C++ compiler and `KILN_EMULATE`, into the kernel emulator: the same
//!   kernel source run on CPU threads (one per CUDA thread, a barrier per
//!   `__syncthreads`), so kernel logic is tested on machines without a GPU.
//!
//! nvcc is looked for in `NVCC`, `CUDA_HOME`/`CUDA_PATH`, the project's `.cuda/` (where
//! `scripts/install-nvcc` puts the PyPI toolkit), `PATH`, then `/usr/local/cuda`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_ARCHS: &[u32] = &[80, 86, 89, 90];
const PTX_ARCH: u32 = 90;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(kiln_cuda)");
    println!("cargo:rustc-check-cfg=cfg(kiln_sppark)");
    for var in [
        "NVCC",
        "CUDA_HOME",
        "CUDA_PATH",
        "KILN_REQUIRE_CUDA",
        "KILN_CUDA_ARCHS",
        "PATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=kernels");
    println!("cargo:rerun-if-changed=.cuda");

    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let kernels = manifest.join("kernels");
    let api: Vec<PathBuf> = cu_files(&kernels.join("api"));

    if api.is_empty() {
        println!("cargo:rustc-env=KILN_CUDA_ARCHS=");
        return;
    }
    build_emulator(&kernels, &api);

    let require = env::var("KILN_REQUIRE_CUDA").is_ok_and(|v| v == "1");
    let sppark_peer = env::var_os("CARGO_FEATURE_SPPARK_PEER").is_some();
    match find_nvcc(&manifest) {
        Some(nvcc) => {
            let archs = build_cuda(&nvcc, &kernels, &api);
            if sppark_peer {
                build_sppark_peer(&kernels, &archs);
            }
        }
        None if sppark_peer => panic!(
            "the sppark-peer feature builds sppark's MSM with nvcc, and no nvcc was found \
             (run scripts/install-nvcc, or set NVCC/CUDA_HOME)"
        ),
        None if require => panic!(
            "KILN_REQUIRE_CUDA=1 but no nvcc was found (looked in NVCC, CUDA_HOME, CUDA_PATH, \
             .cuda/, PATH and /usr/local/cuda); run scripts/install-nvcc to install the PyPI toolkit"
        ),
        None => {
            println!(
                "cargo:warning=kiln: no nvcc found, building without CUDA kernels \
                 (scripts/install-nvcc installs one; KILN_REQUIRE_CUDA=1 makes this an error)"
            );
            println!("cargo:rustc-env=KILN_CUDA_ARCHS=");
        }
    }
}

fn cu_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cu"))
        .collect();
    files.sort();
    files
}

fn build_emulator(kernels: &Path, api: &[PathBuf]) {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++20")
        .include(kernels)
        .define("KILN_EMULATE", None)
        .flag("-x")
        .flag("c++")
        .flag("-pthread")
        .flag_if_supported("-Wno-unused-parameter")
        .opt_level(2)
        .warnings(true);
    for f in api {
        build.file(f);
    }
    build.compile("kiln_emu");
    println!("cargo:rustc-link-lib=dylib=stdc++");
}

fn find_nvcc(manifest: &Path) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = env::var_os("NVCC") {
        candidates.push(p.into());
    }
    for var in ["CUDA_HOME", "CUDA_PATH"] {
        if let Some(home) = env::var_os(var) {
            candidates.push(Path::new(&home).join("bin/nvcc"));
        }
    }
    candidates.push(manifest.join(".cuda/nvidia/cu13/bin/nvcc"));
    if let Some(path) = env::var_os("PATH") {
        candidates.extend(env::split_paths(&path).map(|d| d.join("nvcc")));
    }
    candidates.push("/usr/local/cuda/bin/nvcc".into());
    candidates.into_iter().find(|p| {
        p.is_file()
            && Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
    })
}

/// Builds the CUDA kernel library; returns the architectures it was built for.
fn build_cuda(nvcc: &Path, kernels: &Path, api: &[PathBuf]) -> Vec<u32> {
    let archs: Vec<u32> = match env::var("KILN_CUDA_ARCHS") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|a| {
                a.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("bad KILN_CUDA_ARCHS entry {a:?}"))
            })
            .collect(),
        _ => DEFAULT_ARCHS.to_vec(),
    };
    // cc reads the compiler from NVCC; setting it here keeps `.compiler()` (which would
    // pass gcc flags to nvcc) out of the build.
    // SAFETY: build scripts are single-threaded at this point.
    unsafe { env::set_var("NVCC", nvcc) };

    let mut build = cc::Build::new();
    build
        .cuda(true)
        // cc would pass -G in dev builds, which makes device code unusably slow.
        .debug(false)
        .cudart("static")
        .include(kernels)
        .flag("-std=c++17")
        .flag("-O3");
    build.flag("--expt-relaxed-constexpr").flag("-lineinfo");
    for a in &archs {
        build.flag(format!("-gencode=arch=compute_{a},code=sm_{a}"));
    }
    build.flag(format!(
        "-gencode=arch=compute_{PTX_ARCH},code=compute_{PTX_ARCH}"
    ));
    for f in api {
        build.file(f);
    }
    build.compile("kiln_kernels");

    // PyPI wheels put libcudart_static.a in <root>/lib, toolkits in lib64 or
    // targets/<arch>-linux/lib; cc only adds the last.
    let root = nvcc.parent().and_then(Path::parent).unwrap();
    for dir in [
        "lib",
        "lib64",
        "targets/x86_64-linux/lib",
        "targets/sbsa-linux/lib",
    ] {
        let d = root.join(dir);
        if d.join("libcudart_static.a").exists() {
            println!("cargo:rustc-link-search=native={}", d.display());
        }
    }
    for lib in ["dl", "rt", "pthread"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
    println!("cargo:rustc-cfg=kiln_cuda");
    let list: Vec<String> = archs.iter().map(|a| format!("sm_{a}")).collect();
    println!(
        "cargo:rustc-env=KILN_CUDA_ARCHS={},compute_{PTX_ARCH}",
        list.join(",")
    );
    println!("cargo:rustc-env=KILN_NVCC={}", nvcc.display());
    archs
}

/// The `sppark-peer` feature: sppark 0.1.16's MSM (kernels/peers), compiled against the
/// sppark crate's headers and blst's host field code, as a benchmark peer on the same GPU.
fn build_sppark_peer(kernels: &Path, archs: &[u32]) {
    let sppark = env::var("DEP_SPPARK_ROOT").expect("the sppark crate exports its ROOT");
    let blst = env::var("DEP_BLST_C_SRC").expect("the blst crate exports its C_SRC");
    println!("cargo:rerun-if-env-changed=DEP_SPPARK_ROOT");
    let mut build = cc::Build::new();
    build
        .cuda(true)
        .debug(false)
        .cudart("static")
        .include(kernels)
        .include(&sppark)
        .include(&blst)
        .flag("-std=c++17")
        .flag("-O3")
        .flag("--expt-relaxed-constexpr")
        .flag("-Xcompiler")
        .flag("-Wno-unused-function")
        .flag("-Xcompiler")
        .flag("-Wno-subobject-linkage");
    for a in archs {
        build.flag(format!("-gencode=arch=compute_{a},code=sm_{a}"));
    }
    for f in ["peers/sppark_bn254.cu", "peers/sppark_bls12_381.cu"] {
        build.file(kernels.join(f));
    }
    build.compile("kiln_sppark_peer");
    println!("cargo:rustc-cfg=kiln_sppark");
}
