//! `kernels/hash/poseidon2_constants.cuh` is generated from the Rust constants and must
//! be up to date. `KILN_BLESS=1 cargo test -p kiln-hash --test cuda_header` rewrites it.
//! Where a C++ compiler is found, the header is also compiled (as the kernel emulator
//! does) and its arrays are read back and compared with the Rust constants.

use std::path::PathBuf;
use std::process::Command;
use std::{env, fs};

use kiln_field::BabyBear;
use kiln_hash::{CUDA_HEADER_PATH, POSEIDON2_W16, POSEIDON2_W24, cuda_constants_header};

fn header_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(CUDA_HEADER_PATH)
}

#[test]
fn header_is_up_to_date() {
    let expected = cuda_constants_header();
    let path = header_path();
    if env::var("KILN_BLESS").is_ok_and(|v| v == "1") {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{CUDA_HEADER_PATH} is stale or missing; regenerate it with \
         `KILN_BLESS=1 cargo test -p kiln-hash --test cuda_header`"
    );
}

/// The arrays, as the header declares them, in the order the C++ program prints them.
fn expected_words() -> Vec<u32> {
    let mut words = Vec::new();
    let mut push = |xs: &[BabyBear]| words.extend(xs.iter().map(|x| x.to_monty()));
    for r in &POSEIDON2_W16.initial {
        push(r);
    }
    for r in &POSEIDON2_W16.terminal {
        push(r);
    }
    push(&POSEIDON2_W16.internal);
    push(&POSEIDON2_W16.internal_diag_values());
    for r in &POSEIDON2_W24.initial {
        push(r);
    }
    for r in &POSEIDON2_W24.terminal {
        push(r);
    }
    push(&POSEIDON2_W24.internal);
    push(&POSEIDON2_W24.internal_diag_values());
    words
}

#[test]
fn header_compiles_and_holds_the_constants() {
    let cxx = env::var("CXX").unwrap_or_else(|_| "c++".into());
    if Command::new(&cxx).arg("--version").output().is_err() {
        eprintln!("no C++ compiler ({cxx}); skipping the compile check of the header");
        return;
    }
    let dir = env::temp_dir().join(format!("kiln-hash-cuh-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let program = dir.join("print.cpp");
    fs::write(
        &program,
        r#"#include <cstdio>
#include "hash/poseidon2_constants.cuh"
using namespace kiln::poseidon2;
template <class T> void print(const T& a) {
    for (unsigned i = 0; i < sizeof(a) / sizeof(uint32_t); ++i)
        std::printf("%u\n", reinterpret_cast<const uint32_t*>(&a)[i]);
}
int main() {
    print(W16_RC_INITIAL); print(W16_RC_TERMINAL); print(W16_RC_INTERNAL); print(W16_INTERNAL_DIAG);
    print(W24_RC_INITIAL); print(W24_RC_TERMINAL); print(W24_RC_INTERNAL); print(W24_INTERNAL_DIAG);
}
"#,
    )
    .unwrap();
    let exe = dir.join("print");
    let kernels = header_path()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let status = Command::new(&cxx)
        .args(["-std=c++17", "-Wall", "-Werror", "-DKILN_EMULATE", "-I"])
        .arg(&kernels)
        .arg(&program)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap();
    assert!(status.success(), "the header does not compile as host C++");
    let out = Command::new(&exe).output().unwrap();
    let words: Vec<u32> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(words, expected_words());
    fs::remove_dir_all(&dir).ok();
}
