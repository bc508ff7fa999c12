//! Proves the harness turns every way a check can go wrong into a named verdict, never a hang.
//!
//! This binary is both the parent (it runs a suite of deliberately broken checks and asserts the
//! verdicts) and, re-executed with `--run-check`, the child that runs one of them.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Stage, Suite};

fn passes(_: &mut Ctx) {
    expect_eq("one plus one", 1 + 1, 2);
}

fn wrong_answer(_: &mut Ctx) {
    scenario("a cache of capacity 2");
    step("put(1, \"a\")");
    expect_eq("get(&1) right after put", None::<&str>, Some("a"));
}

fn reaches_a_todo(_: &mut Ctx) {
    todo!()
}

fn endless_loop(_: &mut Ctx) {
    step("phase: spinning");
    #[allow(clippy::empty_loop)]
    loop {}
}

fn deadlock(_: &mut Ctx) {
    step("phase: two threads take two locks in opposite order");
    let a = Mutex::new(());
    let b = Mutex::new(());
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        s.spawn(|| {
            let _a = a.lock();
            barrier.wait();
            let _b = b.lock();
        });
        let _b = b.lock();
        barrier.wait();
        let _a = a.lock();
    });
}

#[allow(unconditional_recursion)]
fn recurse(n: u64) -> u64 {
    let pad = [n; 64];
    recurse(n.wrapping_add(pad[(n % 64) as usize])).wrapping_add(1)
}

fn stack_overflow(_: &mut Ctx) {
    scenario("a deep tree");
    step("phase: recursing");
    std::hint::black_box(recurse(1));
}

fn aborts(_: &mut Ctx) {
    std::process::abort();
}

fn exits_early(_: &mut Ctx) {
    std::process::exit(0);
}

fn panics_in_a_thread(_: &mut Ctx) {
    let handle = std::thread::Builder::new()
        .name("worker".into())
        .spawn(|| panic!("index out of bounds"))
        .unwrap();
    if let Err(e) = handle.join() {
        std::panic::resume_unwind(e);
    }
}

fn prints_then_fails(_: &mut Ctx) {
    println!("debug output from the learner");
    expect_eq("answer", 41, 42);
}

fn lookup_probe(linear: bool) {
    syskata_kit::probe::Scaling::new("looking a key up", 1_000, 32_000).run(
        |n| {
            let keys: Vec<u64> = (0..n as u64).collect();
            let map: std::collections::HashMap<u64, u64> = keys.iter().map(|&k| (k, k)).collect();
            (keys, map)
        },
        |(keys, map)| {
            for probe in 0..200u64 {
                let key = (probe * 7_919) % keys.len() as u64;
                let found = if linear {
                    keys.iter().position(|&k| k == key).map(|i| keys[i])
                } else {
                    map.get(&key).copied()
                };
                std::hint::black_box(found);
            }
        },
    );
}

fn constant_time_lookup_passes_the_probe(_: &mut Ctx) {
    lookup_probe(false);
}

fn linear_scan_fails_the_probe(_: &mut Ctx) {
    lookup_probe(true);
}

/// A slow solution whose only small round before the budget ran out was slowed by a neighbour: the
/// probe measures the cheap small size again before judging, so the noise does not hide the slowness.
fn a_noisy_small_round_does_not_hide_a_slow_solution(_: &mut Ctx) {
    let mut small_rounds = 0;
    syskata_kit::probe::Scaling::new("a batch", 10, 320)
        .budget(Duration::from_millis(1))
        .run(
            |n| n,
            |n| {
                let noisy_first = *n == 10 && {
                    small_rounds += 1;
                    small_rounds == 1
                };
                let ms = if *n == 320 || noisy_first { 40 } else { 2 };
                std::thread::sleep(Duration::from_millis(ms));
            },
        );
}

fn suite() -> Suite {
    Suite {
        drill: "selftest",
        stages: vec![
            Stage {
                slug: "outcomes",
                checks: checks![
                    passes,
                    wrong_answer,
                    reaches_a_todo,
                    stack_overflow,
                    aborts,
                    exits_early,
                    panics_in_a_thread,
                    prints_then_fails,
                ],
            },
            Stage {
                slug: "probes",
                checks: checks![
                    constant_time_lookup_passes_the_probe,
                    linear_scan_fails_the_probe,
                    a_noisy_small_round_does_not_hide_a_slow_solution
                ],
            },
            Stage {
                slug: "hangs",
                checks: checks![deadlock, endless_loop],
            },
        ],
        bench: None,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--run-check") {
        syskata_kit::main(suite());
    }
    let started = Instant::now();
    let verdicts = syskata_kit::harness::verdicts(&suite(), Duration::from_millis(700));
    let expected: &[(&str, &str, &[&str])] = &[
        ("outcomes::passes", "pass", &[]),
        (
            "outcomes::wrong_answer",
            "fail",
            &[
                "a cache of capacity 2",
                "put(1, \"a\")",
                "expected: Some(\"a\")",
                "got: None",
                "seed: 1",
            ],
        ),
        (
            "outcomes::reaches_a_todo",
            "fail",
            &["todo!()", "watchdog.rs"],
        ),
        (
            "outcomes::stack_overflow",
            "crash",
            &["stack overflow", "a deep tree", "phase: recursing"],
        ),
        ("outcomes::aborts", "crash", &["abort"]),
        ("outcomes::exits_early", "crash", &["exited with code 0"]),
        (
            "outcomes::panics_in_a_thread",
            "fail",
            &["worker", "index out of bounds"],
        ),
        (
            "outcomes::prints_then_fails",
            "fail",
            &["debug output from the learner", "expected: 42"],
        ),
        ("probes::constant_time_lookup_passes_the_probe", "pass", &[]),
        (
            "probes::linear_scan_fails_the_probe",
            "fail",
            &["at size 32000 as at size 1000", "linear scan"],
        ),
        (
            "probes::a_noisy_small_round_does_not_hide_a_slow_solution",
            "fail",
            &["at size 320 as at size 10", "fastest of 1 and 5 rounds"],
        ),
        (
            "hangs::deadlock",
            "timeout",
            &[
                "timed out after 0.7 s",
                "possible deadlock",
                "phase: two threads",
            ],
        ),
        ("hangs::endless_loop", "skipped", &["deadlock timed out"]),
    ];
    let mut failed = 0;
    for (id, status, needles) in expected {
        let Some(v) = verdicts.iter().find(|v| v.id == *id) else {
            println!("check {id} ... MISSING");
            failed += 1;
            continue;
        };
        let missing: Vec<&&str> = needles
            .iter()
            .filter(|n| !v.message.contains(**n))
            .collect();
        if v.status != *status || !missing.is_empty() {
            println!(
                "check {id} ... FAILED: status {} (want {status}), missing {missing:?}\n{}",
                v.status, v.message
            );
            failed += 1;
        } else {
            println!("check {id} ... ok ({} ms)", v.elapsed.as_millis());
        }
    }
    // One hang costs one time limit plus the parent's grace, not one per remaining check.
    let total = started.elapsed();
    if total > Duration::from_secs(6) {
        println!("the whole self-test took {total:?}: hangs are not cut short");
        failed += 1;
    }
    let passed = expected.len() - failed.min(expected.len());
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!("\ntest result: {verdict}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s\n", total.as_secs_f64());
    std::process::exit(i32::from(failed > 0));
}
