//! Compiles `kernels/` twice:
//!
//! * with nvcc, when one is found, into the CUDA kernel library (`cfg(kiln_cuda)`), for
//!   sm_80, sm_86, sm_89 and sm_90 plus compute_90 PTX (override with `KILN_CUDA_ARCHS`,
//!   e.g. `80,90`). Without nvcc the crate still builds and the CUDA backend reports that
//!   it was not compiled; `KILN_REQUIRE_CUDA=1` makes a missing nvcc an error.
//! * with the host C++ compiler and `KILN_EMULATE`, into the kernel emulator: the same
//!   kernel source run on the host (each CUDA thread a fiber, each `__syncthreads` a
//!   switch to the block's next fiber), so kernel logic is tested on machines without a GPU.
//!
//! nvcc is looked for in `NVCC`, `CUDA_HOME`/`CUDA_PATH`, the project's `.cuda/` (where
//! `scripts/install-nvcc` puts the PyPI toolkit), `PATH`, then `/usr/local/cuda`.
//!
//! When this script reruns (and so when every kernel and every crate above `kiln` is
//! rebuilt): when a kernel source changes, when `NVCC`, `CUDA_HOME`, `CUDA_PATH` or
//! `KILN_CUDA_ARCHS` change, or when the nvcc it chose is replaced (its file changes). A
//! change of `PATH` alone reruns nothing, so `cargo` calls from shells with different
//! `PATH`s share one build; to switch compilers, set `NVCC`. Without an nvcc, the script
//! also reruns when `PATH` or `KILN_REQUIRE_CUDA` change, so that a compiler installed
//! later, or the demand for one, is noticed (`scripts/install-nvcc` touches this file).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_ARCHS: &[u32] = &[80, 86, 89, 90];
const PTX_ARCH: u32 = 90;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(kiln_cuda)");
    println!("cargo:rustc-check-cfg=cfg(kiln_sppark)");
    // Only what selects the compiler or the targets; `PATH` is read below but tracked only
    // while no nvcc is found (see the crate docs above).
    for var in ["NVCC", "CUDA_HOME", "CUDA_PATH", "KILN_CUDA_ARCHS"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=kernels");

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
    let nvcc = find_nvcc(&manifest);
    match &nvcc {
        // The chosen compiler's own file: replacing or upgrading it reruns this script.
        Some(nvcc) => println!("cargo:rerun-if-changed={}", nvcc.display()),
        None => {
            println!("cargo:rerun-if-env-changed=PATH");
            println!("cargo:rerun-if-env-changed=KILN_REQUIRE_CUDA");
        }
    }
    match nvcc {
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
        // The same standard as the nvcc build, so both compile the same language.
        .std("c++17")
        .include(kernels)
        .define("KILN_EMULATE", None)
        .flag("-x")
        .flag("c++")
        .flag("-pthread")
        .flag_if_supported("-Wno-unused-parameter")
        .opt_level(2)
        .warnings(true);
    // Fixed, not taken from the profile: the library is then the same for `cargo check`,
    // `cargo test` and `--release`, and one compilation serves all three (see
    // `compile_cached`).
    build.debug(false);
    for f in api {
        build.file(f);
    }
    compile_cached(&build, "kiln_emu", kernels, &[]);
    println!("cargo:rustc-link-lib=dylib=stdc++");
}

/// Compiles `build` into `lib<name>.a`, or links the library a previous run compiled from
/// the same inputs: the compiler (its path and `--version`), its arguments, `extra` and
/// every file under `kernels`. The libraries are kept in `<target dir>/kiln-kernels/`, so
/// the dev, test and release profiles (each of which runs this script) compile the
/// kernels once between them; the newest few per library are kept.
fn compile_cached(build: &cc::Build, name: &str, kernels: &Path, extra: &[String]) {
    let Some(cache) = cache_dir() else {
        build.compile(name);
        return;
    };
    let compiler = build.get_compiler();
    let version = Command::new(compiler.path())
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    let mut key = Fnv::default();
    key.write(name.as_bytes());
    key.write(compiler.path().as_os_str().as_encoded_bytes());
    key.write(&version);
    for arg in compiler.args() {
        key.write(arg.as_encoded_bytes());
    }
    for e in extra {
        key.write(e.as_bytes());
    }
    let mut files = Vec::new();
    source_files(kernels, &mut files);
    files.sort();
    for f in &files {
        key.write(
            f.strip_prefix(kernels)
                .unwrap_or(f)
                .as_os_str()
                .as_encoded_bytes(),
        );
        key.write(&std::fs::read(f).unwrap_or_default());
    }
    let dir = cache.join(format!("{name}-{:016x}", key.0));
    let lib = dir.join(format!("lib{name}.a"));
    if lib.is_file() {
        cc::emit_link_directives(build, &lib);
        return;
    }
    build.compile(name);
    // Publish atomically: a concurrent build of another profile may be doing the same.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(format!("lib{name}.a"));
    let tmp = cache.join(format!(".{name}-{:016x}-{}", key.0, std::process::id()));
    if std::fs::create_dir_all(&tmp).is_ok()
        && std::fs::copy(&out, tmp.join(format!("lib{name}.a"))).is_ok()
        && std::fs::rename(&tmp, &dir).is_ok()
    {
        prune(&cache, name, 4);
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
    }
}

/// `<target dir>/kiln-kernels`: the target directory is the ancestor of `OUT_DIR` that
/// holds cargo's `CACHEDIR.TAG`.
fn cache_dir() -> Option<PathBuf> {
    let out = PathBuf::from(env::var_os("OUT_DIR")?);
    let target = out.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file())?;
    let dir = target.join("kiln-kernels");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// Removes all but the `keep` newest cached builds of library `name`.
fn prune(cache: &Path, name: &str, keep: usize) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    let prefix = format!("{name}-");
    let mut builds: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    builds.sort();
    let excess = builds.len().saturating_sub(keep);
    for (_, path) in builds.into_iter().take(excess) {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// Every file under `dir`, recursively.
fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if path.is_dir() {
            source_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: a cache key, stable across Rust versions (unlike `DefaultHasher`).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Separate consecutive fields, so ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
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
        // cc would pass -G in dev builds, which makes device code unusably slow; the host
        // optimisation level is fixed too, so every profile builds (and shares, see
        // `compile_cached`) the same library.
        .debug(false)
        .opt_level(3)
        .cudart("static")
        .include(kernels)
        .flag("-std=c++17")
        .flag("-O3");
    build.flag("--expt-relaxed-constexpr").flag("-lineinfo");
    // nvcc compiles the targets of one file on this many threads; cc's `parallel` feature
    // runs the files side by side as well, within cargo's job count.
    let jobs = env::var("NUM_JOBS").unwrap_or_else(|_| "1".into());
    build.flag(format!("--threads={jobs}"));
    for a in &archs {
        build.flag(format!("-gencode=arch=compute_{a},code=sm_{a}"));
    }
    build.flag(format!(
        "-gencode=arch=compute_{PTX_ARCH},code=compute_{PTX_ARCH}"
    ));
    for f in api {
        build.file(f);
    }
    let arch_list: Vec<String> = archs.iter().map(u32::to_string).collect();
    compile_cached(&build, "kiln_kernels", kernels, &arch_list);

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
