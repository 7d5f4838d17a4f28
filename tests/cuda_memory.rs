//! Device memory near capacity (GPU only; skips, saying why, without one).

mod common;

use common::cuda_or_skip;
use kiln::{Backend, Error};

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
