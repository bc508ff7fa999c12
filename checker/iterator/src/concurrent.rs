//! Stage concurrent: many threads consume one `SharedIter` through `&self`; every item goes to exactly one of them.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};

use syskata_kit::stress::{run_threads, Chances};
use syskata_kit::{checks, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{Checkpoint, IterError, ResumableIter, SharedIter};
use crate::support::{exactly_once, first_few};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            every_item_goes_to_exactly_one_consumer,
            batches_are_consecutive_and_never_overlap,
            next_batch_sizes_at_the_edges,
            offset_stops_at_the_end_under_contention,
            pause_stops_every_consumer_until_resume,
            shared_iter_continues_where_the_resumable_one_stood,
            shared_checkpoints_restore_like_single_threaded_ones,
        ],
    }
}

/// Consumer threads in the stress checks: more than the cores, so threads are also preempted.
const THREADS: usize = 8;

/// Returns a shared iterator over `0..n` named "events".
fn events(n: u64) -> SharedIter<u64> {
    SharedIter::new("events", (0..n).collect())
}

/// Fails the check unless the union of `per_thread` is each of `0..n` exactly once.
#[track_caller]
fn expect_exactly_once(per_thread: &[Vec<u64>], n: u64, what: &str) {
    let counts: Vec<usize> = per_thread.iter().map(Vec::len).collect();
    if let Some(problem) = exactly_once(per_thread.iter().flatten().copied(), n) {
        fail(format!(
            "{what}: each of the {n} items must reach exactly one consumer.\n{problem}\n\
             items per thread: {counts:?}\n\
             Reading the offset and advancing it must be one indivisible step (one lock \
             section, or one atomic read-modify-write such as compare_exchange); a separate \
             read and write lets two threads take the same item."
        ));
    }
}

fn every_item_goes_to_exactly_one_consumer(_: &mut Ctx) {
    fn require_send_sync<T: Send + Sync>() {}
    require_send_sync::<SharedIter<u64>>();
    require_send_sync::<SharedIter<String>>();

    const N: u64 = 200_000;
    const ROUNDS: u64 = 4;
    for round in 1..=ROUNDS {
        scenario(format!(
            "round {round} of {ROUNDS}: it = SharedIter::new(\"events\", 0..{N}); {THREADS} threads start \
             together, half calling it.next(), half it.try_next(), until the source runs out"
        ));
        let it = events(N);
        step(format!("phase: {THREADS} consumers draining the iterator"));
        let per_thread = run_threads(THREADS, |t| {
            let mut got = Vec::new();
            if t % 2 == 0 {
                while let Some(x) = it.next() {
                    got.push(x);
                }
            } else {
                loop {
                    match it.try_next() {
                        Ok(Some(x)) => got.push(x),
                        Ok(None) => break,
                        Err(e) => fail(format!(
                            "try_next() on a running, never-paused iterator returned Err({e:?})"
                        )),
                    }
                }
            }
            got
        });
        step("phase: checking the deliveries");
        expect_exactly_once(&per_thread, N, "deliveries across the threads");
        for (t, got) in per_thread.iter().enumerate() {
            if let Some(w) = got.windows(2).find(|w| w[0] >= w[1]) {
                fail(format!(
                    "thread {t} got item {} and then item {}: one consumer must see the items it \
                     gets in source order (a thread's later call claims a later offset)",
                    w[0], w[1]
                ));
            }
        }
        expect_eq(
            "offset() after every item was delivered",
            it.offset(),
            N as usize,
        );
    }
}

fn batches_are_consecutive_and_never_overlap(ctx: &mut Ctx) {
    const N: u64 = 40_000;
    let seeds: Vec<u64> = (0..THREADS).map(|_| ctx.rng().next_u64()).collect();
    for round in 1..=3 {
        scenario(format!(
            "round {round} of 3: it = SharedIter::new(\"events\", 0..{N}); {THREADS} threads mix \
             it.next_batch(k) (k random in 1..=16) and it.next() until the source runs out\n\
             A batch is claimed in one step, so it is a run of consecutive items"
        ));
        let it = events(N);
        step(format!("phase: {THREADS} consumers draining with batches"));
        let per_thread = run_threads(THREADS, |t| {
            let mut rng = syskata_kit::Rng::new(seeds[t] ^ round);
            let mut got = Vec::new();
            loop {
                if rng.chance(70) {
                    let k = rng.range(1, 16) as usize;
                    let batch = it.next_batch(k);
                    if batch.is_empty() {
                        break;
                    }
                    if batch.len() > k {
                        fail(format!(
                            "next_batch({k}) returned {} items: {}",
                            batch.len(),
                            first_few(&batch)
                        ));
                    }
                    if let Some(w) = batch.windows(2).find(|w| w[1] != w[0] + 1) {
                        fail(format!(
                            "next_batch({k}) returned [{}]: {} is followed by {}, so the batch \
                             is not one run of consecutive items — another thread took items \
                             from the middle of it. Claim the whole range in one step.",
                            first_few(&batch),
                            w[0],
                            w[1]
                        ));
                    }
                    if batch.len() < k && batch.last() != Some(&(N - 1)) {
                        fail(format!(
                            "next_batch({k}) returned only {} items ending at {:?}, yet the \
                             source ({N} items) was not used up there: a batch is short only at \
                             the end",
                            batch.len(),
                            batch.last()
                        ));
                    }
                    got.extend(batch);
                } else {
                    match it.next() {
                        Some(x) => got.push(x),
                        None => break,
                    }
                }
            }
            got
        });
        step("phase: checking the deliveries");
        expect_exactly_once(&per_thread, N, "deliveries across the threads");
        step("next_batch(0), next_batch(5) on the exhausted iterator");
        expect_eq(
            "next_batch(5) after exhaustion",
            it.next_batch(5),
            Vec::<u64>::new(),
        );
    }
}

fn next_batch_sizes_at_the_edges(_: &mut Ctx) {
    scenario("it = SharedIter::new(\"events\", 0..5)");
    let it = events(5);
    step("next_batch(0)");
    expect_eq("next_batch(0)", it.next_batch(0), Vec::<u64>::new());
    expect_eq("offset() after next_batch(0)", it.offset(), 0);
    step("next_batch(usize::MAX)");
    expect_eq(
        "next_batch(usize::MAX) on a fresh iterator: everything",
        it.next_batch(usize::MAX),
        vec![0, 1, 2, 3, 4],
    );
    expect_eq("offset() after that", it.offset(), 5);
    expect_eq(
        "next_batch(usize::MAX) on the exhausted iterator",
        it.next_batch(usize::MAX),
        Vec::<u64>::new(),
    );
    for (read, max) in [
        (1usize, usize::MAX),
        (3, usize::MAX),
        (2, usize::MAX - 1),
        (4, 2),
    ] {
        scenario(format!(
            "it = SharedIter::new(\"events\", 0..5); read {read} item(s) with next(); then \
             next_batch({max}) — offset + max does not fit in a usize when max is near \
             usize::MAX, so the end of the claim must be capped at the source's length without \
             overflowing (saturating_add, or min(max, len - offset))"
        ));
        let it = events(5);
        step(format!("next() ×{read}"));
        for _ in 0..read {
            it.next();
        }
        step(format!("next_batch({max})"));
        let expected: Vec<u64> = (read as u64..5).take(max).collect();
        expect_eq(
            format!("next_batch({max}) after {read} read: the rest of the source, up to {max}"),
            it.next_batch(max),
            expected.clone(),
        );
        expect_eq("offset() after that", it.offset(), read + expected.len());
    }
    scenario("it = SharedIter::new(\"events\", 0..5); next_batch(2) three times, then once more");
    let it = events(5);
    for (call, want) in [vec![0u64, 1], vec![2, 3], vec![4], vec![]]
        .into_iter()
        .enumerate()
    {
        step(format!("next_batch(2) call #{}", call + 1));
        expect_eq(
            format!(
                "next_batch(2) call #{}: a batch is short only at the end, empty once exhausted",
                call + 1
            ),
            it.next_batch(2),
            want,
        );
    }
}

fn offset_stops_at_the_end_under_contention(_: &mut Ctx) {
    const N: u64 = 500;
    scenario(format!(
        "it = SharedIter::new(\"events\", 0..{N}); {THREADS} threads each call next() 1,000 times \
         and next_batch(7) 200 times — far more than there are items — then offset() and \
         checkpoint() are read\n\
         Calls on an exhausted iterator must leave the offset at the end: a checkpoint taken \
         then must still restore."
    ));
    let it = events(N);
    step("phase: hammering next() and next_batch(7) past the end");
    let per_thread = run_threads(THREADS, |_| {
        let mut got = Vec::new();
        for i in 0..1_200 {
            if i % 6 == 5 {
                got.extend(it.next_batch(7));
            } else if let Some(x) = it.next() {
                got.push(x);
            }
        }
        got
    });
    step("phase: checking");
    expect_exactly_once(&per_thread, N, "deliveries across the threads");
    expect_eq(
        "offset() after the source ran out under contention: it stops at the number of items",
        it.offset(),
        N as usize,
    );
    let cp = it.checkpoint();
    expect_eq("checkpoint().offset()", cp.offset(), N as usize);
    step("ResumableIter::new(\"events\", 0..500).restore(&it.checkpoint())");
    let mut single = ResumableIter::new("events", (0..N).collect::<Vec<u64>>());
    expect_eq(
        "restoring that checkpoint on a single-threaded iterator over the same source",
        single.restore(&cp),
        Ok(()),
    );
}

/// What the controller of the pause check saw in one pause/resume cycle.
#[derive(Debug, Clone, Copy)]
struct PauseSample {
    cycle: usize,
    before: usize,
    at_pause: usize,
    later: usize,
    delivered_up_to: u64,
    paused: bool,
}

impl PauseSample {
    /// Returns what is wrong with this sample, in words, or `None` when it is what the rules say.
    fn problem(&self) -> Option<String> {
        let PauseSample {
            cycle,
            before,
            at_pause,
            later,
            delivered_up_to,
            paused,
        } = *self;
        let head = format!(
            "pause/resume cycle {cycle}: offset() read {before} just before pause(), {at_pause} \
             right after pause() returned, and {later} once every consumer had been refused \
             with Err(Paused); the highest item any consumer had received by then was {}.\n",
            match delivered_up_to {
                0 => "none".to_string(),
                n => (n - 1).to_string(),
            }
        );
        if !paused {
            return Some(format!(
                "{head}is_paused() returned false before resume() was called: something other \
                 than resume() or reset() ended the pause (a claim that writes its new offset \
                 without the pause bit?)"
            ));
        }
        if at_pause < before || later < at_pause {
            return Some(format!(
                "{head}the offset moved BACKWARDS ({} then {}): the offset only ever grows, and \
                 a smaller offset hands the items in between out a second time. A pause that \
                 reads the state and then writes it back in a separate step overwrites a claim \
                 made in between — set the pause bit with one atomic read-modify-write \
                 (fetch_or), or under the same lock as the claims.",
                if at_pause < before { before } else { at_pause },
                if at_pause < before { at_pause } else { later },
            ));
        }
        if later > at_pause {
            return Some(format!(
                "{head}{} item(s) were claimed after pause() had returned: once pause() returns, \
                 no caller may get another item until resume(). A claim that checks the pause \
                 flag once and then retries its compare_exchange without checking again \
                 slips through — check the flag in the same atomic step as the claim.",
                later - at_pause
            ));
        }
        if delivered_up_to > later as u64 {
            return Some(format!(
                "{head}item {} was already delivered, yet the offset says only {later} items \
                 were handed out: the offset moved backwards at some point, and those items \
                 will be delivered again after resume(). A pause that reads the state and \
                 writes it back in a separate step overwrites a claim made in between.",
                delivered_up_to - 1
            ));
        }
        None
    }
}

fn pause_stops_every_consumer_until_resume(ctx: &mut Ctx) {
    const CYCLES: usize = 150;
    const CONSUMERS: usize = 3;
    // Items the consumers may take per cycle, so the source outlasts every cycle.
    const PER_CYCLE: i64 = 48;
    const N: u64 = CYCLES as u64 * (PER_CYCLE as u64 + CONSUMERS as u64) + 1_000;
    scenario(format!(
        "it = SharedIter::new(\"events\", 0..{N}); {CONSUMERS} consumers call try_next() in a \
         loop (at most {PER_CYCLE} items per cycle), waiting (yield) on Err(Paused). A controller \
         thread runs up to {CYCLES} short cycles (at most 400 ms of them) while they pull: it lets a few items go out, reads \
         offset(), calls pause(), reads \
         offset() again, waits until every consumer's try_next() has returned Err(Paused), \
         reads offset() and is_paused(), then resume(). Afterwards the rest of the source is \
         drained and every item must have been delivered exactly once.\n\
         Once pause() has returned, no consumer may get another item until resume(), and the \
         offset never moves backwards."
    ));
    let it = events(N);
    // A random short delay before each pause, so pauses land at every point of a claim.
    let delays: Vec<u64> = (0..=CYCLES).map(|_| ctx.rng().below(400)).collect();
    let cycle = AtomicUsize::new(0);
    let budget = AtomicI64::new(0);
    let refused_in: Vec<AtomicUsize> = (0..CONSUMERS).map(|_| AtomicUsize::new(0)).collect();
    let finished: Vec<AtomicBool> = (0..CONSUMERS).map(|_| AtomicBool::new(false)).collect();
    let delivered_up_to = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let quiet = |c: usize| {
        (0..CONSUMERS).all(|t| {
            refused_in[t].load(Ordering::Acquire) >= c || finished[t].load(Ordering::Acquire)
        })
    };
    step(format!(
        "phase: {CONSUMERS} consumers pulling while the controller pauses and resumes"
    ));
    let results = run_threads(CONSUMERS + 1, |t| {
        if t == CONSUMERS {
            let mut samples = Vec::new();
            let began = std::time::Instant::now();
            for (c, &delay) in delays.iter().enumerate().skip(1) {
                if began.elapsed() > std::time::Duration::from_millis(400) {
                    // A loaded machine: stop here rather than run into the watchdog.
                    break;
                }
                let start = it.offset();
                budget.store(PER_CYCLE, Ordering::Release);
                while it.offset() < start + 3 && !quiet(usize::MAX) {
                    std::hint::spin_loop();
                }
                if quiet(usize::MAX) {
                    break;
                }
                for _ in 0..delay {
                    std::hint::spin_loop();
                }
                let before = it.offset();
                if let Err(e) = it.pause() {
                    stop.store(true, Ordering::Release);
                    fail(format!(
                        "cycle {c}: pause() on a running iterator returned Err({e:?})"
                    ));
                }
                let at_pause = it.offset();
                cycle.store(c, Ordering::Release);
                while !quiet(c) {
                    std::thread::yield_now();
                }
                let sample = PauseSample {
                    cycle: c,
                    before,
                    at_pause,
                    later: it.offset(),
                    delivered_up_to: delivered_up_to.load(Ordering::Acquire),
                    paused: it.is_paused(),
                };
                if let Err(e) = it.resume() {
                    if sample.paused {
                        stop.store(true, Ordering::Release);
                        fail(format!(
                            "cycle {c}: resume() on a paused iterator returned Err({e:?})"
                        ));
                    }
                }
                samples.push(sample);
                if sample.problem().is_some() {
                    break;
                }
            }
            stop.store(true, Ordering::Release);
            return (Vec::new(), samples);
        }
        let mut got = Vec::new();
        while !stop.load(Ordering::Acquire) {
            if budget.load(Ordering::Acquire) <= 0 {
                // Idle, with no claim in flight: as good as refused for this cycle.
                refused_in[t].store(cycle.load(Ordering::Acquire), Ordering::Release);
                std::thread::yield_now();
                continue;
            }
            match it.try_next() {
                Ok(Some(x)) => {
                    budget.fetch_sub(1, Ordering::AcqRel);
                    got.push(x);
                    delivered_up_to.fetch_max(x + 1, Ordering::AcqRel);
                }
                Ok(None) => break,
                Err(IterError::Paused) => {
                    refused_in[t].store(cycle.load(Ordering::Acquire), Ordering::Release);
                    std::thread::yield_now();
                }
                Err(e) => {
                    stop.store(true, Ordering::Release);
                    fail(format!(
                        "try_next() returned Err({e:?}); only Paused can happen here"
                    ))
                }
            }
        }
        finished[t].store(true, Ordering::Release);
        (got, Vec::new())
    });
    step("phase: checking the samples");
    let samples = &results[CONSUMERS].1;
    for sample in samples {
        if let Some(problem) = sample.problem() {
            fail(problem);
        }
    }
    step("phase: draining the rest with next() on one thread");
    let mut per_thread: Vec<Vec<u64>> = results.into_iter().map(|r| r.0).collect();
    if it.is_paused() {
        it.resume().ok();
    }
    per_thread.push(std::iter::from_fn(|| it.next()).collect());
    expect_exactly_once(&per_thread, N, "deliveries across the pauses and resumes");
    rapid_pauses_while_consuming(ctx);
}

/// The second phase of the pause check: back-to-back pause/resume pairs for a while, consumers
/// pulling without a break, so that some pause lands in the middle of some claim (or the
/// controller is preempted in the middle of its pause) whatever the machine's load.
fn rapid_pauses_while_consuming(ctx: &mut Ctx) {
    const CONSUMERS: usize = 3;
    const N: u64 = 1_000_000;
    const PHASE: std::time::Duration = std::time::Duration::from_millis(120);
    const PHASE_CAP: std::time::Duration = std::time::Duration::from_millis(600);
    const MET: usize = 200;
    scenario(format!(
        "it = SharedIter::new(\"events\", 0..{N}); {CONSUMERS} consumers call try_next() in a \
         tight loop; meanwhile, for at least {} ms and until {MET} pauses have landed while the \
         consumers were claiming (at most {} ms), a controller makes pause()/resume() pairs, \
         reading offset() right after each pause() returns and again just before its resume() (a \
         short random spin in between, and a shorter one after the resume). Then the items below \
         the final offset must each have been delivered exactly once.\n\
         While paused the offset must not move, and it never moves backwards.",
        PHASE.as_millis(),
        PHASE_CAP.as_millis()
    ));
    let it = events(N);
    let spins: Vec<u64> = (0..1_024).map(|_| 64 + ctx.rng().below(256)).collect();
    let stop = AtomicBool::new(false);
    step("phase: rapid pause/resume pairs while the consumers pull");
    let results = run_threads(CONSUMERS + 1, |t| {
        if t == CONSUMERS {
            let chances = Chances::new(PHASE, PHASE_CAP);
            let mut pairs = 0usize;
            // Pairs whose pause found the offset moved since the previous resume: the consumers
            // were claiming right up to that pause, the moment a wrong claim slips through. On a
            // busy machine they often are not running, so the phase goes on until enough pairs
            // met them (or its cap).
            let (mut met, mut resumed_at) = (0usize, it.offset());
            let mut moved = None;
            while !chances.enough(met >= MET) {
                for &spin in &spins {
                    pairs += 1;
                    if it.pause().is_err() {
                        stop.store(true, Ordering::Release);
                        fail(format!(
                            "pause() #{pairs} on a running iterator returned an error"
                        ));
                    }
                    let at_pause = it.offset();
                    if at_pause != resumed_at {
                        met += 1;
                    }
                    for _ in 0..spin {
                        std::hint::spin_loop();
                    }
                    let later = it.offset();
                    resumed_at = later;
                    let _ = it.resume();
                    // A moment running before the next pause, so the consumers are claiming when
                    // it lands.
                    for _ in 0..spin / 4 {
                        std::hint::spin_loop();
                    }
                    if later != at_pause {
                        moved = Some((pairs, at_pause, later));
                    }

                    if moved.is_some() || at_pause as u64 >= N {
                        break;
                    }
                }
                if moved.is_some() || it.offset() as u64 >= N {
                    break;
                }
            }
            stop.store(true, Ordering::Release);
            return (Vec::new(), moved);
        }
        let mut got = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            match it.try_next() {
                Ok(Some(x)) => got.push(x),
                Ok(None) => break,
                Err(_) => std::hint::spin_loop(),
            }
        }
        (got, None)
    });
    step("phase: checking");
    if let Some((pair, at_pause, later)) = results[CONSUMERS].1 {
        let direction = if later > at_pause {
            format!(
                "{} item(s) were claimed after pause() had returned: once pause() returns, no \
                 caller may get another item until resume(). A claim that checks the pause flag \
                 once and then retries its compare_exchange without checking again slips \
                 through — check the flag in the same atomic step as the claim.",
                later - at_pause
            )
        } else {
            "the offset moved BACKWARDS while paused: the offset only ever grows, and a smaller \
             offset hands the items in between out a second time."
                .to_string()
        };
        fail(format!(
            "pause/resume pair #{pair}: offset() read {at_pause} right after pause() returned and \
             {later} just before resume(), with nothing but the consumers running in between.\n\
             {direction}"
        ));
    }
    if it.is_paused() {
        it.resume().ok();
    }
    let end = it.offset() as u64;
    let got: Vec<u64> = results.into_iter().flat_map(|r| r.0).collect();
    expect_prefix_once(got, end, "one controller");
    many_pausers_while_consuming();
}

/// The third phase of the pause check: several threads pause and resume as fast as they can
/// (their AlreadyPaused / NotPaused errors are expected and ignored) while consumers pull.
fn many_pausers_while_consuming() {
    const CONSUMERS: usize = 3;
    const PAUSERS: usize = 3;
    const N: u64 = 1_000_000;
    const PHASE: std::time::Duration = std::time::Duration::from_millis(100);
    scenario(format!(
        "it = SharedIter::new(\"events\", 0..{N}); {CONSUMERS} consumers call try_next() in a \
         tight loop while {PAUSERS} other threads call pause() then resume() back to back for {} \
         ms (their AlreadyPaused / NotPaused errors are expected: they race each other). Then \
         the items below the final offset must each have been delivered exactly once.",
        PHASE.as_millis()
    ));
    let it = events(N);
    let stop = AtomicBool::new(false);
    step("phase: several threads pausing and resuming while the consumers pull");
    let results = run_threads(CONSUMERS + PAUSERS, |t| {
        let mut got = Vec::new();
        if t >= CONSUMERS {
            let began = std::time::Instant::now();
            while began.elapsed() < PHASE && !stop.load(Ordering::Relaxed) {
                for _ in 0..256 {
                    let _ = it.pause();
                    let _ = it.resume();
                }
            }
            stop.store(true, Ordering::Release);
            return got;
        }
        while !stop.load(Ordering::Relaxed) {
            match it.try_next() {
                Ok(Some(x)) => got.push(x),
                Ok(None) => break,
                Err(_) => std::hint::spin_loop(),
            }
        }
        got
    });
    step("phase: checking");
    if it.is_paused() {
        it.resume().ok();
    }
    let end = it.offset() as u64;
    expect_prefix_once(
        results.into_iter().flatten().collect(),
        end,
        "several pausing threads",
    );
}

/// Fails the check unless `got` holds each of `0..end` exactly once.
#[track_caller]
fn expect_prefix_once(got: Vec<u64>, end: u64, who: &str) {
    if let Some(problem) = exactly_once(got, end) {
        fail(format!(
            "deliveries during rapid pauses and resumes by {who}: the final offset is {end}, so items \
             0..{end} must each have reached exactly one consumer (and nothing beyond).\n\
             {problem}\n\
             With a correct claim, an item goes out twice only when the offset moves backwards. \
             A pause that reads the state and then writes it back in a separate step (load, then \
             store) overwrites a claim made in between: set the pause bit with one atomic \
             read-modify-write (fetch_or), or under the same lock as the claims."
        ));
    }
}

fn shared_iter_continues_where_the_resumable_one_stood(_: &mut Ctx) {
    scenario("single = ResumableIter::new(\"events\", vec![10, 20, 30, 40]); read 2; it = SharedIter::from(single)");
    let mut single = ResumableIter::new("events", vec![10u32, 20, 30, 40]);
    single.next();
    single.next();
    step("next(), next(); it = SharedIter::from(single)");
    let it = SharedIter::from(single);
    expect_eq("it.offset()", it.offset(), 2);
    expect_eq("it.is_paused()", it.is_paused(), false);
    expect_eq("it.next(): the third item", it.next(), Some(30));

    scenario("single = ResumableIter::new(\"events\", vec![10, 20, 30, 40]); read 1; pause(); it = SharedIter::from(single)");
    let mut single = ResumableIter::new("events", vec![10u32, 20, 30, 40]);
    single.next();
    single.pause().ok();
    step("next(), pause(); it = SharedIter::from(single)");
    let it = SharedIter::from(single);
    expect_eq(
        "it.is_paused(): the pause carries over",
        it.is_paused(),
        true,
    );
    expect_eq(
        "it.try_next() while paused",
        it.try_next(),
        Err(IterError::Paused),
    );
    expect_eq("it.next() while paused", it.next(), None);
    expect_eq("it.next_batch(3) while paused", it.next_batch(3), vec![]);
    step("it.pause() again");
    expect_eq(
        "it.pause() while paused",
        it.pause(),
        Err(IterError::AlreadyPaused),
    );
    step("it.resume()");
    expect_eq("it.resume()", it.resume(), Ok(()));
    expect_eq("it.resume() again", it.resume(), Err(IterError::NotPaused));
    expect_eq(
        "it.next_batch(2) after resume",
        it.next_batch(2),
        vec![20, 30],
    );
    expect_eq("it.offset()", it.offset(), 3);
}

fn shared_checkpoints_restore_like_single_threaded_ones(_: &mut Ctx) {
    scenario("it = SharedIter::new(\"events\", 0..10); read 4; cp = it.checkpoint(); read 3 more");
    let it = events(10);
    it.next_batch(4);
    let cp = it.checkpoint();
    it.next_batch(3);
    step("next_batch(4), cp = checkpoint(), next_batch(3)");
    expect_eq("cp.source_id()", cp.source_id(), "events");
    expect_eq("cp.offset()", cp.offset(), 4);
    step("it.pause(); it.restore(&cp)");
    it.pause().ok();
    expect_eq("it.restore(&cp) while paused", it.restore(&cp), Ok(()));
    expect_eq(
        "it.is_paused(): restore moves the offset only",
        it.is_paused(),
        true,
    );
    step("it.resume()");
    it.resume().ok();
    expect_eq("it.next() after restore and resume", it.next(), Some(4));
    step("it.restore(&Checkpoint::new(\"other\", 1))");
    expect_eq(
        "restore of another source's checkpoint",
        it.restore(&Checkpoint::new("other", 1)),
        Err(IterError::SourceMismatch {
            expected: "events".into(),
            found: "other".into(),
        }),
    );
    step("it.restore(&Checkpoint::new(\"events\", 11))");
    expect_eq(
        "restore past the end of a 10-item source",
        it.restore(&Checkpoint::new("events", 11)),
        Err(IterError::OffsetOutOfRange {
            offset: 11,
            len: 10,
        }),
    );
    expect_eq("offset() after the refused restores", it.offset(), 5);
    step("single = ResumableIter::new(\"events\", 0..10); single.restore(&it.checkpoint())");
    let mut single = ResumableIter::new("events", (0..10).collect::<Vec<u64>>());
    expect_eq(
        "a SharedIter checkpoint restored on a ResumableIter",
        single.restore(&it.checkpoint()),
        Ok(()),
    );
    expect_eq("single.next()", single.next(), Some(5));
}
