//! Stage exactly_once_batch: a batch job commits outputs with its progress; crashes and re-runs never duplicate or lose output.

use std::cell::Cell;

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{
    run_batch, BatchError, BatchReport, Checkpoint, IterError, ResumableIter, Sink, SinkError,
};
use crate::support::first_few;

/// Returns the checks of stage exactly_once_batch.
pub fn stage() -> Stage {
    Stage {
        slug: "exactly_once_batch",
        checks: checks![
            a_clean_run_commits_every_k_items_with_matching_progress,
            a_rerun_after_completion_does_nothing,
            a_run_starts_exactly_at_the_committed_progress,
            a_crash_at_any_sink_call_then_a_rerun_writes_each_output_once,
            a_failed_commit_is_never_retried_blindly,
            repeated_crashes_end_with_each_output_once_and_little_rework,
            progress_of_another_source_is_refused_and_nothing_is_written,
            progress_past_the_end_is_refused_and_nothing_is_written,
            a_resumed_run_counts_its_batches_from_where_it_started,
            zero_batch_size_is_refused_before_touching_the_sink,
            errors_say_what_went_wrong_and_keep_their_cause,
        ],
    }
}

/// The source name every job here reads.
const SOURCE: &str = "orders";

/// Returns the source items: distinct values, so outputs show which item they came from.
fn items(n: usize) -> Vec<u32> {
    (0..n as u32).map(|i| 1000 + i).collect()
}

/// The processing step every job runs: the output names the item it came from.
fn process(x: u32) -> String {
    format!("out-{x}")
}

/// The outputs a correct job leaves in the sink for `n` items.
fn expected(n: usize) -> Vec<String> {
    items(n).into_iter().map(process).collect()
}

/// How a sink call fails.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// The job's process dies during the call, which has no effect; every later call fails too.
    CrashBefore,
    /// The call takes effect, then the job's process dies before hearing back.
    CrashAfter,
    /// The call fails without effect; the sink stays healthy.
    ErrorBefore,
    /// The call takes effect but the reply is lost: the job sees an error; the sink stays healthy.
    ErrorAfter,
}

impl Fault {
    const ALL: [Fault; 4] = [
        Fault::CrashBefore,
        Fault::CrashAfter,
        Fault::ErrorBefore,
        Fault::ErrorAfter,
    ];

    fn applies(self) -> bool {
        matches!(self, Fault::CrashAfter | Fault::ErrorAfter)
    }

    fn kills(self) -> bool {
        matches!(self, Fault::CrashBefore | Fault::CrashAfter)
    }

    fn describe(self) -> &'static str {
        match self {
            Fault::CrashBefore => "the job crashes during the call, before it takes effect",
            Fault::CrashAfter => "the call takes effect, then the job crashes before hearing back",
            Fault::ErrorBefore => "the call fails without taking effect (the sink stays up)",
            Fault::ErrorAfter => {
                "the call takes effect but its reply is lost: the job gets an error (the sink stays up)"
            }
        }
    }
}

/// A transactional sink double: commits are atomic, calls are counted, one can be made to fail.
#[derive(Default)]
struct TestSink {
    rows: Vec<String>,
    batches: Vec<(usize, Checkpoint)>,
    progress: Option<Checkpoint>,
    /// Calls so far, over every run.
    calls: usize,
    fault: Option<(usize, Fault)>,
    dead: bool,
}

impl TestSink {
    /// Returns a sink that already holds the outputs of the first `done` items and that progress.
    fn with_progress(done: usize) -> TestSink {
        TestSink {
            rows: expected(done),
            progress: Some(Checkpoint::new(SOURCE, done)),
            ..TestSink::default()
        }
    }

    /// Arms a fault on the call `calls_from_now` calls ahead (0 = the next call).
    fn arm(&mut self, calls_from_now: usize, fault: Fault) {
        self.fault = Some((self.calls + calls_from_now, fault));
    }

    /// Starts a new run of the job after a crash: the job's process is back.
    fn restart(&mut self) {
        self.dead = false;
    }

    /// Returns the fault striking this call, if any; errors when the job's process is dead.
    fn call(&mut self, what: &str) -> Result<Option<Fault>, SinkError> {
        if self.dead {
            step(format!(
                "sink.{what} -> error: the job has crashed, this call cannot happen"
            ));
            return Err(SinkError::new("the job has crashed"));
        }
        let index = self.calls;
        self.calls += 1;
        match self.fault {
            Some((at, fault)) if at == index => {
                self.fault = None;
                if fault.kills() {
                    self.dead = true;
                }
                Ok(Some(fault))
            }
            _ => Ok(None),
        }
    }
}

impl Sink<String> for TestSink {
    fn committed(&mut self) -> Result<Option<Checkpoint>, SinkError> {
        let fault = self.call("committed()")?;
        let answer = self.progress.clone();
        match fault {
            None => {
                step(format!("sink.committed() -> {answer:?}"));
                Ok(answer)
            }
            Some(f) => {
                step(format!("sink.committed() -> ERROR: {}", f.describe()));
                Err(SinkError::new(format!("injected fault: {}", f.describe())))
            }
        }
    }

    fn commit(&mut self, outputs: Vec<String>, progress: Checkpoint) -> Result<(), SinkError> {
        let what = format!(
            "commit([{}], progress {}@{})",
            first_few(&outputs),
            progress.source_id(),
            progress.offset()
        );
        let fault = self.call(&what)?;
        if fault.is_none_or(Fault::applies) {
            self.batches.push((outputs.len(), progress.clone()));
            self.rows.extend(outputs);
            self.progress = Some(progress);
        }
        match fault {
            None => {
                step(format!("sink.{what} -> ok"));
                Ok(())
            }
            Some(f) => {
                step(format!("sink.{what} -> ERROR: {}", f.describe()));
                Err(SinkError::new(format!("injected fault: {}", f.describe())))
            }
        }
    }
}

/// Runs the job once over a fresh iterator of `n` items, counting calls of the processing step.
fn run_once(
    sink: &mut TestSink,
    n: usize,
    every: usize,
    processed: &Cell<usize>,
) -> Result<BatchReport, BatchError> {
    step(format!(
        "run_batch(&mut ResumableIter::new({SOURCE:?}, {n} items), &mut sink, {every}, process)"
    ));
    let mut it = ResumableIter::new(SOURCE, items(n));
    let result = run_batch(&mut it, sink, every, |x| {
        processed.set(processed.get() + 1);
        process(x)
    });
    step(format!("-> {result:?}"));
    result
}

/// Fails the check unless the sink holds each expected output exactly once, in source order.
#[track_caller]
fn expect_each_output_once(sink: &TestSink, n: usize, context: &str) {
    let want = expected(n);
    if sink.rows == want {
        return;
    }
    let mut twice = Vec::new();
    let mut missing = Vec::new();
    for out in &want {
        match sink.rows.iter().filter(|r| *r == out).count() {
            0 => missing.push(out.clone()),
            1 => {}
            c => twice.push(format!("{out} ({c}×)")),
        }
    }
    let mut problem = String::new();
    if !twice.is_empty() {
        problem.push_str(&format!(
            "\nwritten more than once: {} — work after the committed progress was redone on top \
             of outputs already committed",
            first_few(&twice)
        ));
    }
    if !missing.is_empty() {
        problem.push_str(&format!(
            "\nnever written: {} — progress was recorded past items whose outputs were not committed",
            first_few(&missing)
        ));
    }
    if twice.is_empty() && missing.is_empty() {
        problem.push_str("\nevery output is there once, but out of source order");
    }
    let batches: Vec<String> = sink
        .batches
        .iter()
        .map(|(size, cp)| {
            format!(
                "{size} outputs, progress {}@{}",
                cp.source_id(),
                cp.offset()
            )
        })
        .collect();
    fail(format!(
        "{context}: the sink must end with each of the {n} outputs exactly once, in order.{problem}\n\
         sink rows ({}): {}\nbatches committed: {}",
        sink.rows.len(),
        first_few(&sink.rows),
        batches.join("; ")
    ));
}

fn a_clean_run_commits_every_k_items_with_matching_progress(_: &mut Ctx) {
    for (n, every, sizes) in [
        (10, 4, vec![4, 4, 2]),
        (8, 4, vec![4, 4]),
        (3, 5, vec![3]),
        (1, 1, vec![1]),
        (5, 1, vec![1, 1, 1, 1, 1]),
        (0, 3, vec![]),
    ] {
        scenario(format!(
            "an empty sink; run_batch over {n} items with a commit every {every} items, no faults"
        ));
        let mut sink = TestSink::default();
        let processed = Cell::new(0);
        let report = run_once(&mut sink, n, every, &processed);
        expect_eq(
            "run_batch's result",
            report,
            Ok(BatchReport {
                resumed_from: 0,
                processed: n,
                commits: sizes.len(),
            }),
        );
        expect_each_output_once(&sink, n, "after a run without faults");
        let got: Vec<usize> = sink.batches.iter().map(|b| b.0).collect();
        expect_eq(
            format!(
                "sizes of the committed batches: full batches of {every}, then whatever is left \
                 (a final partial batch must be committed too)"
            ),
            got,
            sizes.clone(),
        );
        let mut end = 0;
        for (size, progress) in &sink.batches {
            end += size;
            expect_eq(
                "the progress committed with a batch: the offset just after its last item",
                progress.clone(),
                Checkpoint::new(SOURCE, end),
            );
        }
        expect_eq("items processed", processed.get(), n);
    }
}

fn a_rerun_after_completion_does_nothing(_: &mut Ctx) {
    scenario("an empty sink; run_batch over 7 items every 3; then run_batch again");
    let mut sink = TestSink::default();
    let processed = Cell::new(0);
    run_once(&mut sink, 7, 3, &processed).ok();
    let before = sink.batches.len();
    let report = run_once(&mut sink, 7, 3, &processed);
    expect_eq(
        "the second run's result: it resumes at the end and finds nothing to do",
        report,
        Ok(BatchReport {
            resumed_from: 7,
            processed: 0,
            commits: 0,
        }),
    );
    expect_eq(
        "commits made by the second run",
        sink.batches.len() - before,
        0,
    );
    expect_each_output_once(&sink, 7, "after two runs");
}

fn a_run_starts_exactly_at_the_committed_progress(_: &mut Ctx) {
    // (committed progress, how far the given iterator has been read, paused?)
    for (done, read, paused) in [(6, 0, false), (6, 9, false), (6, 6, true), (0, 4, false)] {
        scenario(format!(
            "a sink that already holds the outputs of the first {done} of 12 items and progress \
             {SOURCE}@{done}; the job is given ResumableIter::new({SOURCE:?}, 12 items) already \
             read {read} item(s){}; run_batch every 4\n\
             The sink's committed progress is the truth: the job continues right after it, \
             whatever state the iterator it was handed is in.",
            if paused { " and paused" } else { "" }
        ));
        let mut sink = if done > 0 {
            TestSink::with_progress(done)
        } else {
            TestSink::default()
        };
        let mut it = ResumableIter::new(SOURCE, items(12));
        for _ in 0..read {
            it.next();
        }
        if paused {
            it.pause().ok();
        }
        let processed = Cell::new(0);
        step("run_batch(&mut it, &mut sink, 4, process)");
        let report = run_batch(&mut it, &mut sink, 4, |x| {
            processed.set(processed.get() + 1);
            process(x)
        });
        step(format!("-> {report:?}"));
        let left = 12 - done;
        expect_eq(
            "run_batch's result",
            report,
            Ok(BatchReport {
                resumed_from: done,
                processed: left,
                commits: left.div_ceil(4),
            }),
        );
        expect_each_output_once(&sink, 12, "after the run");
        expect_eq(
            "items the processing step saw: only those after the committed progress",
            processed.get(),
            left,
        );
    }
}

/// Runs a job over `n` items every `every` with `fault` on call `at` of the first run, then
/// re-runs it once the fault has struck; fails unless each output ends in the sink exactly once.
fn crash_then_rerun(n: usize, every: usize, at: usize, fault: Fault) {
    scenario(format!(
        "an empty sink; run_batch over {n} items every {every}; sink call #{} of the first run \
         fails: {}; then the job is run again (a fresh iterator, the same sink) until it succeeds",
        at + 1,
        fault.describe()
    ));
    let mut sink = TestSink::default();
    sink.arm(at, fault);
    let processed = Cell::new(0);
    let first = run_once(&mut sink, n, every, &processed);
    expect(
        matches!(first, Err(BatchError::Sink(_))),
        format!(
            "the first run returned {first:?} although sink call #{} failed — a sink error must \
             stop the run and be returned as Err(BatchError::Sink(_))",
            at + 1
        ),
    );
    expect_eq(
        format!(
            "sink calls the first run made: it must stop at once at the failed call #{}, with no \
             further call (no retry, no carrying on)",
            at + 1
        ),
        sink.calls,
        at + 1,
    );
    let processed_before = processed.get();
    sink.restart();
    step("the job is started again");
    let second = run_once(&mut sink, n, every, &processed);
    if let Err(e) = &second {
        fail(format!(
            "the re-run after the fault failed with {e:?}; with a healthy sink it must finish"
        ));
    }
    expect_each_output_once(
        &sink,
        n,
        &format!(
            "after a fault at sink call #{} ({fault:?}) and a re-run",
            at + 1
        ),
    );
    let bound = n + every;
    expect(
        processed.get() <= bound,
        format!(
            "the processing step ran {} times ({processed_before} in the failed run, {} in the \
             re-run) for {n} items; a failed run may cost at most one batch of rework, so at most \
             {bound}",
            processed.get(),
            processed.get() - processed_before
        ),
    );
}

fn a_crash_at_any_sink_call_then_a_rerun_writes_each_output_once(_: &mut Ctx) {
    for (n, every) in [(11usize, 4usize), (8, 2), (3, 3)] {
        // committed() once, then one commit per batch.
        let calls = 1 + n.div_ceil(every);
        for at in 0..calls {
            for fault in [Fault::CrashBefore, Fault::CrashAfter] {
                crash_then_rerun(n, every, at, fault);
            }
        }
    }
}

fn a_failed_commit_is_never_retried_blindly(_: &mut Ctx) {
    for (n, every) in [(11usize, 4usize), (6, 1)] {
        let calls = 1 + n.div_ceil(every);
        for at in 0..calls {
            for fault in [Fault::ErrorAfter, Fault::ErrorBefore] {
                crash_then_rerun(n, every, at, fault);
            }
        }
    }
}

fn repeated_crashes_end_with_each_output_once_and_little_rework(ctx: &mut Ctx) {
    for round in 0..30 {
        let n = ctx.rng().range(0, 40) as usize;
        let every = ctx.rng().range(1, 6) as usize;
        scenario(format!(
            "round {round}: an empty sink; run_batch over {n} items every {every}; each run has \
             one random fault on one of its first sink calls; re-run until a run succeeds\n\
             A fault costs at most the batch in progress: the processing step may see at most \
             {every} items again per failed run."
        ));
        let mut sink = TestSink::default();
        let processed = Cell::new(0);
        let mut failed_runs = 0;
        loop {
            if failed_runs == 100 {
                fail("100 runs in a row failed; each run should make progress before its fault");
            }
            let fault = *ctx.rng().pick(&Fault::ALL);
            let at = ctx.rng().below(4) as usize;
            step(format!("arm: sink call #{} of this run: {fault:?}", at + 1));
            sink.arm(at, fault);
            let result = run_once(&mut sink, n, every, &processed);
            sink.restart();
            if result.is_ok() {
                break;
            }
            failed_runs += 1;
        }
        expect_each_output_once(
            &sink,
            n,
            &format!("after {failed_runs} failed run(s) and a successful one"),
        );
        let bound = n + failed_runs * every;
        expect(
            processed.get() <= bound,
            format!(
                "the processing step ran {} times for {n} items over {failed_runs} failed runs; \
                 at most {bound} (each failure may redo at most one batch of {every}): \
                 commit every {every} items so a failure loses little work",
                processed.get()
            ),
        );
    }
}

fn a_resumed_run_counts_its_batches_from_where_it_started(_: &mut Ctx) {
    // (items, committed progress, every, expected (size, progress) of the new commits)
    for (n, done, every, want) in [
        (12usize, 6usize, 4usize, vec![(4usize, 10usize), (2, 12)]),
        (11, 5, 3, vec![(3, 8), (3, 11)]),
        (9, 1, 4, vec![(4, 5), (4, 9)]),
        (7, 4, 4, vec![(3, 7)]),
    ] {
        scenario(format!(
            "a sink that already holds the outputs of the first {done} of {n} items and progress \
             {SOURCE}@{done}; run_batch over a fresh ResumableIter::new({SOURCE:?}, {n} items) \
             every {every}\n\
             Batches count from where the run started: the first commit of this run carries \
             {every} items (or what is left), not just enough to reach a multiple of {every}."
        ));
        let mut sink = TestSink::with_progress(done);
        let processed = Cell::new(0);
        let report = run_once(&mut sink, n, every, &processed);
        expect_eq(
            "run_batch's result",
            report,
            Ok(BatchReport {
                resumed_from: done,
                processed: n - done,
                commits: want.len(),
            }),
        );
        let got: Vec<(usize, usize)> = sink
            .batches
            .iter()
            .map(|(size, cp)| (*size, cp.offset()))
            .collect();
        expect_eq(
            "this run's commits as (outputs, progress offset)",
            got,
            want,
        );
        expect_each_output_once(&sink, n, "after the resumed run");
    }
}

fn progress_past_the_end_is_refused_and_nothing_is_written(_: &mut Ctx) {
    for (n, done) in [(5usize, 9usize), (5, 6), (0, 1)] {
        scenario(format!(
            "a sink whose committed progress is {SOURCE}@{done}; run_batch over \
             ResumableIter::new({SOURCE:?}, {n} items) every 2 — the progress lies past the end \
             of this source, so the job cannot know where it stands"
        ));
        let mut sink = TestSink {
            progress: Some(Checkpoint::new(SOURCE, done)),
            ..TestSink::default()
        };
        let processed = Cell::new(0);
        let result = run_once(&mut sink, n, 2, &processed);
        expect_eq(
            "run_batch's result",
            result,
            Err(BatchError::Restore(IterError::OffsetOutOfRange {
                offset: done,
                len: n,
            })),
        );
        expect_eq("commits made", sink.batches.len(), 0);
        expect_eq("items processed", processed.get(), 0);
    }
}

fn progress_of_another_source_is_refused_and_nothing_is_written(_: &mut Ctx) {
    scenario(format!(
        "a sink whose committed progress is users@2 (another job's); run_batch over \
         ResumableIter::new({SOURCE:?}, 5 items) every 2"
    ));
    let mut sink = TestSink {
        progress: Some(Checkpoint::new("users", 2)),
        ..TestSink::default()
    };
    let processed = Cell::new(0);
    let result = run_once(&mut sink, 5, 2, &processed);
    expect_eq(
        "run_batch's result: the sink holds another source's progress, so this job cannot know \
         where it stands",
        result,
        Err(BatchError::Restore(IterError::SourceMismatch {
            expected: SOURCE.into(),
            found: "users".into(),
        })),
    );
    expect_eq("commits made", sink.batches.len(), 0);
    expect_eq("items processed", processed.get(), 0);
}

fn errors_say_what_went_wrong_and_keep_their_cause(_: &mut Ctx) {
    scenario(
        "SinkError::new(\"disk full\"), and BatchError::ZeroBatchSize, BatchError::Sink(that \
         error), BatchError::Restore(IterError::OffsetOutOfRange { offset: 9, len: 5 }): their \
         Display text and source()",
    );
    let sink_error = SinkError::new("disk full");
    let text = sink_error.to_string();
    step(format!(
        "SinkError::new(\"disk full\") displays as {text:?}"
    ));
    expect(
        text.contains("disk full"),
        format!("SinkError::new(\"disk full\") displays as {text:?}, which does not contain its message"),
    );
    let restore = IterError::OffsetOutOfRange { offset: 9, len: 5 };
    let cases = [
        (BatchError::ZeroBatchSize, None),
        (
            BatchError::Sink(sink_error.clone()),
            Some(sink_error.to_string()),
        ),
        (
            BatchError::Restore(restore.clone()),
            Some(restore.to_string()),
        ),
    ];
    for (error, cause) in cases {
        let text = error.to_string();
        step(format!("{error:?} displays as {text:?}"));
        expect(
            !text.trim().is_empty(),
            format!("{error:?} displays as an empty string; an error should say what went wrong"),
        );
        let source = std::error::Error::source(&error).map(|s| s.to_string());
        expect_eq(
            format!(
                "the Display text of {error:?}.source(): the error it wraps (None for ZeroBatchSize), \
                 so callers can walk the chain of causes"
            ),
            source,
            cause,
        );
    }
}

fn zero_batch_size_is_refused_before_touching_the_sink(_: &mut Ctx) {
    scenario(format!(
        "an empty sink; run_batch over ResumableIter::new({SOURCE:?}, 5 items) with every = 0"
    ));
    let mut sink = TestSink::default();
    let processed = Cell::new(0);
    let result = run_once(&mut sink, 5, 0, &processed);
    expect_eq("run_batch's result", result, Err(BatchError::ZeroBatchSize));
    expect_eq("sink calls made", sink.calls, 0);
    expect_eq("items processed", processed.get(), 0);
}
