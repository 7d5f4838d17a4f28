//! NTT and coset LDE conformance: the CPU backend against the naive DFT (small sizes) and
//! Plonky3's p3-dft 0.8 (large sizes); the kernel emulator and the CUDA backend against the
//! CPU backend, byte for byte.

mod common;

use common::{cuda_or_skip, from_row_major, random_vec, rng, to_row_major};
use kiln::field::{BabyBear, Field, TwoAdicField};
use kiln::ntt::reference::{bit_reversed, naive_coset_lde, naive_dft, naive_idft};
use kiln::{Backend, CpuBackend, EmuBackend, Error, NttOps, Order};
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

const ORDERS: [Order; 2] = [Order::Natural, Order::BitReversed];

fn in_order(values: &[BabyBear], order: Order) -> Vec<BabyBear> {
    match order {
        Order::Natural => values.to_vec(),
        Order::BitReversed => bit_reversed(values),
    }
}

fn columns(data: &[BabyBear], n: usize) -> impl Iterator<Item = &[BabyBear]> {
    data.chunks_exact(n)
}

#[test]
fn cpu_ntt_matches_naive_dft_in_every_order() {
    let cpu = CpuBackend::new();
    let mut rng = rng(10);
    for log_n in 0..=8u32 {
        let n = 1usize << log_n;
        for batch in [1usize, 3] {
            let data = random_vec(&mut rng, n * batch);
            for inverse in [false, true] {
                let expected: Vec<BabyBear> = columns(&data, n)
                    .flat_map(|c| if inverse { naive_idft(c) } else { naive_dft(c) })
                    .collect();
                for input in ORDERS {
                    for output in ORDERS {
                        let mut buf: Vec<BabyBear> =
                            columns(&data, n).flat_map(|c| in_order(c, input)).collect();
                        cpu.ntt_batch(&mut buf, log_n, inverse, input, output)
                            .unwrap();
                        let want: Vec<BabyBear> = columns(&expected, n)
                            .flat_map(|c| in_order(c, output))
                            .collect();
                        assert_eq!(
                            buf, want,
                            "log_n {log_n} batch {batch} inverse {inverse} {input:?}->{output:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn cpu_inverse_after_forward_is_identity() {
    let cpu = CpuBackend::new();
    let mut rng = rng(11);
    for log_n in [0u32, 1, 5, 12, 13, 17, 21] {
        let batch = if log_n > 17 { 1 } else { 3 };
        let data = random_vec(&mut rng, batch << log_n);
        let mut buf = data.clone();
        cpu.ntt_batch(&mut buf, log_n, false, Order::Natural, Order::BitReversed)
            .unwrap();
        cpu.ntt_batch(&mut buf, log_n, true, Order::BitReversed, Order::Natural)
            .unwrap();
        assert_eq!(buf, data, "log_n {log_n}");
    }
}

fn p3_dft(data: &[BabyBear], log_n: u32) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let width = data.len() / n;
    let mat = RowMajorMatrix::new(to_row_major(data, n), width);
    let out = Radix2DitParallel::default()
        .dft_batch(mat)
        .to_row_major_matrix();
    from_row_major(&out.values, width)
}

#[test]
fn cpu_ntt_matches_plonky3() {
    let cpu = CpuBackend::new();
    let mut rng = rng(12);
    for (log_n, batch) in [(10u32, 5usize), (13, 1), (14, 8), (16, 3), (18, 2), (20, 1)] {
        let data = random_vec(&mut rng, batch << log_n);
        let mut ours = data.clone();
        cpu.ntt(&mut ours, log_n).unwrap();
        assert_eq!(ours, p3_dft(&data, log_n), "log_n {log_n} batch {batch}");
    }
}

#[test]
fn cpu_lde_matches_naive() {
    let cpu = CpuBackend::new();
    let mut rng = rng(13);
    let shift = BabyBear::GENERATOR;
    for log_n in 0..=6u32 {
        let n = 1usize << log_n;
        for log_blowup in 0..=4u32 {
            let data = random_vec(&mut rng, 2 * n);
            let expected: Vec<Vec<BabyBear>> = columns(&data, n)
                .map(|c| naive_coset_lde(c, log_blowup, shift))
                .collect();
            for output in ORDERS {
                let out = cpu
                    .coset_lde_batch(&data, log_n, log_blowup, shift, output)
                    .unwrap();
                let want: Vec<BabyBear> =
                    expected.iter().flat_map(|c| in_order(c, output)).collect();
                assert_eq!(
                    out, want,
                    "log_n {log_n} log_blowup {log_blowup} {output:?}"
                );
            }
        }
    }
}

#[test]
fn cpu_lde_of_many_columns_matches_naive() {
    // Wide batches take the packed path (one column per lane) for whole groups of columns
    // and the per-column path for the rest: 2 groups + 3 columns, at every SIMD level this
    // CPU has.
    for level in kiln::field::SimdLevel::available() {
        lde_of_many_columns_matches_naive(CpuBackend::with_simd_level(level).unwrap());
    }
}

fn lde_of_many_columns_matches_naive(cpu: CpuBackend) {
    let mut rng = rng(15);
    let shift = BabyBear::GENERATOR.exp_u64(5);
    let batch = 2 * cpu.simd_level().lanes() + 3;
    for log_n in [0u32, 1, 2, 3, 5, 8] {
        let n = 1usize << log_n;
        for log_blowup in [0u32, 1, 3] {
            let data = random_vec(&mut rng, batch * n);
            let want: Vec<BabyBear> = columns(&data, n)
                .flat_map(|c| bit_reversed(&naive_coset_lde(c, log_blowup, shift)))
                .collect();
            let out = cpu
                .coset_lde_batch(&data, log_n, log_blowup, shift, Order::BitReversed)
                .unwrap();
            assert!(out == want, "log_n {log_n} log_blowup {log_blowup}");
        }
    }
    // A larger size against the per-column path, column by column.
    let (log_n, log_blowup) = (12u32, 1u32);
    let data = random_vec(&mut rng, batch << log_n);
    let out = cpu
        .coset_lde_batch(&data, log_n, log_blowup, shift, Order::BitReversed)
        .unwrap();
    for (c, col) in columns(&data, 1 << log_n).enumerate() {
        let one = cpu
            .coset_lde_batch(&col.to_vec(), log_n, log_blowup, shift, Order::BitReversed)
            .unwrap();
        assert!(
            out[c << (log_n + log_blowup)..][..one.len()] == one[..],
            "column {c}"
        );
    }
}

#[test]
fn cpu_lde_matches_plonky3() {
    let cpu = CpuBackend::new();
    let mut rng = rng(14);
    let shift = BabyBear::GENERATOR;
    for (log_n, log_blowup, batch) in [(12u32, 1u32, 3usize), (14, 2, 2), (16, 3, 1), (13, 4, 2)] {
        let n = 1usize << log_n;
        let data = random_vec(&mut rng, batch * n);
        let mat = RowMajorMatrix::new(to_row_major(&data, n), batch);
        let p3_shift = p3_baby_bear::BabyBear::new(shift.as_canonical_u32());
        let theirs =
            Radix2DitParallel::default().coset_lde_batch(mat, log_blowup as usize, p3_shift);
        assert_eq!(theirs.height(), n << log_blowup);
        let natural = from_row_major(&theirs.to_row_major_matrix().values, batch);
        let ours = cpu
            .coset_lde_batch(&data, log_n, log_blowup, shift, Order::Natural)
            .unwrap();
        assert_eq!(
            ours, natural,
            "natural: log_n {log_n} log_blowup {log_blowup}"
        );
        let ours_br = cpu
            .coset_lde_batch(&data, log_n, log_blowup, shift, Order::BitReversed)
            .unwrap();
        let want_br: Vec<BabyBear> = columns(&natural, n << log_blowup)
            .flat_map(bit_reversed)
            .collect();
        assert_eq!(
            ours_br, want_br,
            "bit-reversed: log_n {log_n} log_blowup {log_blowup}"
        );
    }
}

#[test]
fn bad_shapes_are_errors() {
    let cpu = CpuBackend::new();
    let mut odd = vec![BabyBear::ONE; 12];
    assert!(matches!(
        cpu.ntt_batch(&mut odd, 3, false, Order::Natural, Order::Natural),
        Err(Error::LengthMismatch {
            expected: 16,
            got: 12,
            ..
        })
    ));
    let mut v = vec![BabyBear::ONE; 4];
    assert!(matches!(
        cpu.ntt(&mut v, 28),
        Err(Error::TooLarge {
            log_size: 28,
            max_log_size: 27,
            ..
        })
    ));
    assert!(matches!(
        cpu.coset_lde_batch(&v, 2, 26, BabyBear::GENERATOR, Order::Natural),
        Err(Error::TooLarge { log_size: 28, .. })
    ));
    assert!(matches!(
        cpu.coset_lde_batch(&v, 2, 1, BabyBear::ZERO, Order::Natural),
        Err(Error::InvalidArgument(_))
    ));
    // The input is untouched by a rejected call.
    assert_eq!(odd, vec![BabyBear::ONE; 12]);
    let emu = EmuBackend::new();
    assert!(matches!(
        emu.ntt_batch(&mut odd, 3, false, Order::Natural, Order::Natural),
        Err(Error::LengthMismatch { .. })
    ));
}

/// Every NTT and LDE variant on `dev` equals the CPU backend, byte for byte.
fn check_against_cpu<B: NttOps>(
    dev: &B,
    cases: &[(u32, usize)],
    lde_cases: &[(u32, u32, usize)],
    seed: u64,
) {
    let cpu = CpuBackend::new();
    let mut rng = rng(seed);
    for &(log_n, batch) in cases {
        let data = random_vec(&mut rng, batch << log_n);
        for inverse in [false, true] {
            for input in ORDERS {
                for output in ORDERS {
                    let mut want = data.clone();
                    cpu.ntt_batch(&mut want, log_n, inverse, input, output)
                        .unwrap();
                    let mut buf = dev.upload(&data).unwrap();
                    dev.ntt_batch(&mut buf, log_n, inverse, input, output)
                        .unwrap();
                    let got = dev.download(&buf).unwrap();
                    assert!(
                        got == want,
                        "{}: NTT log_n {log_n} batch {batch} inverse {inverse} {input:?}->{output:?} differs from CPU",
                        dev.name()
                    );
                }
            }
        }
        let mut want = data.clone();
        cpu.bit_reverse_batch(&mut want, log_n).unwrap();
        let mut buf = dev.upload(&data).unwrap();
        dev.bit_reverse_batch(&mut buf, log_n).unwrap();
        assert_eq!(
            dev.download(&buf).unwrap(),
            want,
            "{}: bit reversal log_n {log_n}",
            dev.name()
        );
    }
    for &(log_n, log_blowup, batch) in lde_cases {
        let data = random_vec(&mut rng, batch << log_n);
        let shift = BabyBear::GENERATOR.exp_u64(1 + log_n as u64);
        let input = dev.upload(&data).unwrap();
        for output in ORDERS {
            let want = cpu
                .coset_lde_batch(&data, log_n, log_blowup, shift, output)
                .unwrap();
            let got = dev
                .download(
                    &dev.coset_lde_batch(&input, log_n, log_blowup, shift, output)
                        .unwrap(),
                )
                .unwrap();
            assert!(
                got == want,
                "{}: LDE log_n {log_n} log_blowup {log_blowup} batch {batch} {output:?} differs from CPU",
                dev.name()
            );
        }
        // One shift per group of columns: each group equals its own single-shift LDE.
        if batch % 2 == 0 && batch > 0 {
            let shifts = [shift, shift.square()];
            let half = (batch / 2) << log_n;
            let want: Vec<BabyBear> = shifts
                .iter()
                .enumerate()
                .flat_map(|(g, &s)| {
                    cpu.coset_lde_batch(
                        &data[g * half..(g + 1) * half].to_vec(),
                        log_n,
                        log_blowup,
                        s,
                        Order::BitReversed,
                    )
                    .unwrap()
                })
                .collect();
            let got = dev
                .download(
                    &dev.coset_lde_batch_shifts(
                        &input,
                        log_n,
                        log_blowup,
                        &shifts,
                        Order::BitReversed,
                    )
                    .unwrap(),
                )
                .unwrap();
            assert!(
                got == want,
                "{}: grouped-shift LDE log_n {log_n} batch {batch} differs",
                dev.name()
            );
        }
    }
}

#[test]
fn grouped_shift_lde_rejects_uneven_groups() {
    let cpu = CpuBackend::new();
    let v = vec![BabyBear::ONE; 3 << 2];
    let shifts = [BabyBear::GENERATOR, BabyBear::GENERATOR.square()];
    assert!(matches!(
        cpu.coset_lde_batch_shifts(&v, 2, 1, &shifts, Order::Natural),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        cpu.coset_lde_batch_shifts(&v, 2, 1, &[], Order::Natural),
        Err(Error::InvalidArgument(_))
    ));
    let emu = EmuBackend::new();
    let d = emu.upload(&v).unwrap();
    assert!(matches!(
        emu.coset_lde_batch_shifts(&d, 2, 1, &[BabyBear::ZERO], Order::Natural),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn emulated_kernels_match_cpu() {
    // Sizes cover one pass (≤ 2^12), two passes (2^13, 2^14), inner passes that start
    // above bit 0 (natural LDE), odd batches, and n = 1.
    let cases: Vec<(u32, usize)> = vec![
        (0, 1),
        (0, 5),
        (1, 3),
        (2, 1),
        (5, 7),
        (8, 2),
        (11, 1),
        (12, 3),
        (13, 1),
        (14, 2),
    ];
    let lde_cases = [
        (0u32, 1u32, 2usize),
        (0, 3, 1),
        (3, 1, 3),
        (5, 4, 1),
        (9, 2, 2),
        (10, 4, 1),
        (12, 1, 1),
    ];
    check_against_cpu(&EmuBackend::new(), &cases, &lde_cases, 20);
}

#[test]
fn emulated_kernels_match_cpu_three_passes() {
    // 2^21 = 12 + 8 + 1 bits: three passes, the last a one-stage pass.
    check_against_cpu(&EmuBackend::new(), &[(21, 1)], &[(17, 4, 1)], 21);
}

#[test]
fn cuda_matches_cpu() {
    let Some(gpu) = cuda_or_skip("cuda_matches_cpu") else {
        return;
    };
    let mut cases: Vec<(u32, usize)> = (0..=22u32).map(|l| (l, 1)).collect();
    cases.extend([(0, 7), (3, 5), (10, 3), (12, 9), (16, 5), (20, 3), (22, 3)]);
    let mut lde_cases: Vec<(u32, u32, usize)> = Vec::new();
    for log_n in [0u32, 1, 4, 10, 12, 13, 16, 20] {
        for log_blowup in 1..=4u32 {
            lde_cases.push((log_n, log_blowup, if log_n > 16 { 3 } else { 5 }));
        }
    }
    // Even batches also run the grouped-shift LDE.
    lde_cases.extend([(10, 2, 4), (16, 1, 2), (20, 1, 2)]);
    check_against_cpu(&gpu, &cases, &lde_cases, 22);
}

#[test]
fn cuda_rejects_sizes_beyond_memory() {
    let Some(gpu) = cuda_or_skip("cuda_rejects_sizes_beyond_memory") else {
        return;
    };
    let (_, total) = gpu.memory().unwrap();
    // A buffer claiming more elements than the device holds: the error names the sizes.
    let columns = ((total / 4) >> 20) as usize + 1;
    let err = gpu.alloc_zeroed::<BabyBear>(columns << 20).unwrap_err();
    assert!(matches!(err, Error::OutOfDeviceMemory { .. }), "{err}");
    assert!(err.to_string().contains("bytes of device memory"), "{err}");
}

#[test]
fn two_adic_generator_consistency() {
    // The NTT of the monomial X is the list of powers of ω_n.
    let cpu = CpuBackend::new();
    let log_n = 6;
    let mut x = vec![BabyBear::ZERO; 1 << log_n];
    x[1] = BabyBear::ONE;
    cpu.ntt(&mut x, log_n).unwrap();
    assert_eq!(
        x,
        BabyBear::two_adic_generator(log_n as usize).powers(1 << log_n)
    );
}
