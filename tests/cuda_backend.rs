//! The CUDA backend's memory checks and checked mode (GPU only; skips, saying why, without
//! one).

mod common;

use common::{cuda_or_skip, random_vec, rng};
use kiln::field::BabyBear;
use kiln::{Backend, CpuBackend, Error, NttOps, Order};

/// Freed memory returns to the device only at a synchronize (stream-ordered frees into a pool
/// with release threshold 0). Allocating 60 % of the free memory, dropping it and
/// allocating 60 % again at once must succeed, not report a false shortage.
#[test]
fn cuda_freed_memory_is_reusable_at_once() {
    let Some(gpu) = cuda_or_skip("cuda_freed_memory_is_reusable_at_once") else {
        return;
    };
    let (free, _) = gpu.memory().unwrap();
    let bytes = (free / 10 * 6) as usize;
    for round in 0..3 {
        let buf = gpu.alloc_zeroed::<u8>(bytes);
        assert!(buf.is_ok(), "round {round}: {:?}", buf.err());
        drop(buf);
    }
    // A size beyond the whole device is still a typed error naming the sizes.
    let (_, total) = gpu.memory().unwrap();
    let err = gpu.alloc_zeroed::<u8>(total as usize + 1).unwrap_err();
    assert!(matches!(err, Error::OutOfDeviceMemory { .. }), "{err}");
}

/// Checked mode synchronizes after every kernel call; results are unchanged.
#[test]
fn cuda_checked_mode_gives_the_same_results() {
    let Some(mut gpu) = cuda_or_skip("cuda_checked_mode_gives_the_same_results") else {
        return;
    };
    let data = random_vec(&mut rng(7), 4 << 12);
    let mut want = data.clone();
    CpuBackend::new()
        .ntt_batch(&mut want, 12, false, Order::Natural, Order::BitReversed)
        .unwrap();
    for on in [true, false] {
        gpu.set_sync_check(on);
        assert_eq!(gpu.sync_check(), on);
        let mut buf = gpu.upload(&data).unwrap();
        gpu.ntt_batch(&mut buf, 12, false, Order::Natural, Order::BitReversed)
            .unwrap();
        let got: Vec<BabyBear> = gpu.download(&buf).unwrap();
        assert!(got == want, "checked mode {on}");
    }
}
