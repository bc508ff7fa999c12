//! The speed workload `cargo xtask compare` times: many clients hitting a fixed-window limiter.

use syskata_kit::Bench;

use crate::drill::FixedWindowLimiter;

/// Times a realistic mix on the stage-1 API: 1000 clients, most under their limit, some over it,
/// time advancing through many windows.
pub fn bench(b: &mut Bench) {
    const REQUESTS: u64 = 1_000_000;
    let clients: Vec<String> = (0..1_000).map(|i| format!("client-{i}")).collect();
    b.measure(
        "allow: 1000 clients, 1M requests across 100 windows",
        REQUESTS,
        || {
            let mut limiter = FixedWindowLimiter::new(8, 1_000);
            let mut admitted = 0u64;
            for i in 0..REQUESTS {
                // A skewed pick: low-numbered clients are hot and run into their limit.
                let hot = i % 3 == 0;
                let client = if hot { i % 20 } else { (i * 7_919) % 1_000 };
                if limiter.allow(&clients[client as usize], i / 10) {
                    admitted += 1;
                }
            }
            std::hint::black_box(admitted);
        },
    );
}
