//! The speed workload `cargo xtask compare scheduler` times: building and planning large graphs with stage 1's API.

use std::hint::black_box;

use syskata_kit::{Bench, Rng};

use crate::drill::Scheduler;

/// Times add_task + plan on a layered build graph (a few dependencies per task) and on a long chain.
pub fn bench(b: &mut Bench) {
    const TASKS: u64 = 100_000;
    let mut rng = Rng::new(0x5EED);
    // A build-farm-like graph: each task depends on up to 3 of the 1,000 tasks before it.
    let graph: Vec<(u64, u32, Vec<u64>)> = (0..TASKS)
        .map(|i| {
            let deps = (0..rng.below(4))
                .filter(|_| i > 0)
                .map(|_| i - 1 - rng.below(i.min(1_000)))
                .collect();
            (i, rng.below(16) as u32, deps)
        })
        .collect();
    b.measure(
        "add 100k tasks (≈1.5 deps each) and plan them",
        TASKS,
        || {
            let mut s = Scheduler::new();
            for (id, priority, deps) in &graph {
                let _ = s.add_task(*id, *priority, deps);
            }
            black_box(s.plan().map(|p| p.len()).unwrap_or(0));
        },
    );
    b.measure("add and plan a 100k-task chain", TASKS, || {
        let mut s = Scheduler::new();
        for id in 0..TASKS {
            let _ = s.add_task(id, (id % 3) as u32, &[id + 1]);
        }
        let _ = s.add_task(TASKS, 0, &[]);
        black_box(s.plan().map(|p| p.len()).unwrap_or(0));
    });
}
