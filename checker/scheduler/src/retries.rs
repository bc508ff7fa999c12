//! Stage retries: stepping on injected time, capped exponential backoff exact to the millisecond, final failures that skip everything downstream, and a summary.

use std::collections::BTreeMap;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{RetryPolicy, ScheduleError, Scheduler, TaskState};
use crate::support::Graph;

/// Returns the checks of stage retries.
pub fn stage() -> Stage {
    Stage {
        slug: "retries",
        checks: checks![
            a_chain_runs_one_task_at_a_time,
            ready_tasks_start_by_the_tie_rule_and_run_together,
            a_dependency_that_is_running_or_backing_off_holds_back_its_dependents,
            complete_or_fail_of_a_task_not_running_is_refused,
            unknown_ids_are_refused,
            a_task_without_a_policy_gets_one_attempt,
            backoff_doubles_up_to_the_cap_exact_to_the_millisecond,
            the_pause_counts_from_the_failure_not_the_start,
            base_delay_zero_and_a_cap_below_the_base,
            max_attempts_zero_one_and_a_hundred,
            a_retried_task_competes_by_the_tie_rule,
            a_dependency_listed_twice_releases_its_task_once,
            a_policy_changed_between_failures_decides_the_next_one,
            a_final_failure_skips_everything_downstream_naming_the_root,
            a_task_with_two_failed_dependencies_names_the_first_failure,
            summary_reports_every_task,
            add_task_after_stepping_is_refused,
            the_new_errors_display_their_ids,
            random_stepping_matches_a_model,
            stepping_costs_log_v_per_step,
        ],
    }
}

/// Calls `next_ready(now)` and fails unless it returns `expected`.
#[track_caller]
fn next(s: &mut Scheduler, now: u64, expected: Option<u64>, why: &str) {
    step(format!("next_ready({now})"));
    expect_eq(
        format!("next_ready({now}): {why}"),
        s.next_ready(now),
        expected,
    );
}

/// Calls `complete(id)` and fails unless it returns `Ok`.
#[track_caller]
fn done(s: &mut Scheduler, id: u64) {
    step(format!("complete({id})"));
    expect_eq(
        format!("complete({id}) of a running task"),
        s.complete(id),
        Ok(()),
    );
}

/// Calls `fail(id, now)` and fails unless it returns `Ok`.
#[track_caller]
fn failed(s: &mut Scheduler, id: u64, now: u64) {
    step(format!("fail({id}, {now})"));
    expect_eq(
        format!("fail({id}, {now}) of a running task"),
        s.fail(id, now),
        Ok(()),
    );
}

/// Calls `set_retry` and fails unless it returns `Ok`.
#[track_caller]
fn retry(s: &mut Scheduler, id: u64, max_attempts: u32, base: u64, cap: u64) {
    let policy = RetryPolicy {
        max_attempts,
        base_delay_ms: base,
        max_delay_ms: cap,
    };
    step(format!(
        "set_retry({id}, RetryPolicy {{ max_attempts: {max_attempts}, base_delay_ms: {base}, max_delay_ms: {cap} }})"
    ));
    expect_eq(
        format!("set_retry({id}, …) of an existing task"),
        s.set_retry(id, policy),
        Ok(()),
    );
}

/// Fails unless task `id`'s state in `summary()` is `expected`.
#[track_caller]
fn state(s: &Scheduler, id: u64, expected: TaskState, why: &str) {
    step(format!("summary()[&{id}]"));
    expect_eq(
        format!("summary()[&{id}]: {why}"),
        s.summary().get(&id).copied(),
        Some(expected),
    );
}

/// Builds `g` with a scenario naming it.
#[track_caller]
fn setup(what: &str, g: &Graph) -> Scheduler {
    scenario(format!("{what}:\n{}", g.describe()));
    g.build()
}

fn a_chain_runs_one_task_at_a_time(_: &mut Ctx) {
    let mut s = setup(
        "a chain: 2 needs 1, 3 needs 2",
        &Graph::new()
            .task(3, 9, &[2])
            .task(2, 5, &[1])
            .task(1, 0, &[]),
    );
    next(&mut s, 0, Some(1), "only 1 has no dependency");
    next(&mut s, 0, None, "1 is running, so 2 and 3 are not ready");
    state(
        &s,
        1,
        TaskState::Running { attempt: 1 },
        "next_ready marks the task running",
    );
    done(&mut s, 1);
    next(&mut s, 1, Some(2), "1 succeeded, so 2 is ready");
    next(&mut s, 1, None, "3 waits for 2");
    done(&mut s, 2);
    next(&mut s, 2, Some(3), "");
    done(&mut s, 3);
    next(&mut s, 3, None, "every task has succeeded");
    for id in 1..=3 {
        state(&s, id, TaskState::Succeeded { attempts: 1 }, "");
    }
}

fn ready_tasks_start_by_the_tie_rule_and_run_together(_: &mut Ctx) {
    let mut s = setup(
        "four ready tasks and task 9 needing 3 and 4",
        &Graph::new()
            .task(9, 100, &[3, 4])
            .task(4, 1, &[])
            .task(3, 5, &[])
            .task(2, 5, &[])
            .task(1, 1, &[]),
    );
    next(
        &mut s,
        0,
        Some(2),
        "priority 5 first, lower id among 2 and 3",
    );
    next(&mut s, 0, Some(3), "several tasks may run at once");
    next(&mut s, 0, Some(1), "priority 1: 1 before 4");
    done(&mut s, 3);
    next(
        &mut s,
        0,
        Some(4),
        "9 still needs 4, so 4 is the only ready task",
    );
    done(&mut s, 4);
    next(
        &mut s,
        0,
        Some(9),
        "3 and 4 both succeeded (out of start order); 9 is ready",
    );
    done(&mut s, 1);
    done(&mut s, 2);
    done(&mut s, 9);
    next(&mut s, 0, None, "everything succeeded");
}

fn a_dependency_that_is_running_or_backing_off_holds_back_its_dependents(_: &mut Ctx) {
    let mut s = setup(
        "task 2 needs task 1; task 1 may be attempted 3 times, pauses 10 ms",
        &Graph::new().task(1, 0, &[]).task(2, 0, &[1]),
    );
    retry(&mut s, 1, 3, 10, 10);
    next(&mut s, 0, Some(1), "");
    next(&mut s, 0, None, "2 waits while 1 runs");
    failed(&mut s, 1, 0);
    next(
        &mut s,
        5,
        None,
        "1 is backing off until 10 and 2 still needs it",
    );
    state(
        &s,
        2,
        TaskState::Pending,
        "a dependent of a retrying task is pending, not skipped",
    );
    next(&mut s, 10, Some(1), "1's pause is over");
    next(&mut s, 10, None, "2 waits while 1 runs again");
    done(&mut s, 1);
    next(&mut s, 10, Some(2), "1 succeeded on its second attempt");
    state(&s, 1, TaskState::Succeeded { attempts: 2 }, "");
}

fn complete_or_fail_of_a_task_not_running_is_refused(_: &mut Ctx) {
    let mut s = setup(
        "tasks 1 and 2, independent",
        &Graph::new().task(1, 1, &[]).task(2, 0, &[]),
    );
    step("complete(2) before 2 was started");
    expect_eq(
        "complete(2) of a task never started",
        s.complete(2),
        Err(ScheduleError::NotRunning(2)),
    );
    step("fail(2, 0) before 2 was started");
    expect_eq(
        "fail(2, 0) of a task never started",
        s.fail(2, 0),
        Err(ScheduleError::NotRunning(2)),
    );
    next(&mut s, 0, Some(1), "");
    done(&mut s, 1);
    step("complete(1) again");
    expect_eq(
        "complete(1) a second time",
        s.complete(1),
        Err(ScheduleError::NotRunning(1)),
    );
    step("fail(1, 0) after it succeeded");
    expect_eq(
        "fail(1, 0) of a finished task",
        s.fail(1, 0),
        Err(ScheduleError::NotRunning(1)),
    );
    state(
        &s,
        1,
        TaskState::Succeeded { attempts: 1 },
        "the refused calls change nothing",
    );
    next(
        &mut s,
        0,
        Some(2),
        "the refused calls on 2 did not start or finish it",
    );
    failed(&mut s, 2, 3);
    step("fail(2, 4) again after the final failure");
    expect_eq(
        "fail(2, 4) of a task that failed for good",
        s.fail(2, 4),
        Err(ScheduleError::NotRunning(2)),
    );
    step("complete(2) after the final failure");
    expect_eq(
        "complete(2) of a task that failed for good",
        s.complete(2),
        Err(ScheduleError::NotRunning(2)),
    );
    state(&s, 2, TaskState::Failed { attempts: 1 }, "");

    let mut s = setup(
        "task 5 with 3 attempts and 100 ms pauses",
        &Graph::new().task(5, 0, &[]),
    );
    retry(&mut s, 5, 3, 100, 100);
    next(&mut s, 0, Some(5), "");
    failed(&mut s, 5, 0);
    step("complete(5) while 5 is backing off");
    expect_eq(
        "complete(5) while it waits to retry",
        s.complete(5),
        Err(ScheduleError::NotRunning(5)),
    );
    step("fail(5, 50) while 5 is backing off");
    expect_eq(
        "fail(5, 50) while it waits to retry",
        s.fail(5, 50),
        Err(ScheduleError::NotRunning(5)),
    );
    next(
        &mut s,
        99,
        None,
        "the refused fail did not restart the pause or use up an attempt",
    );
    next(&mut s, 100, Some(5), "");
    state(
        &s,
        5,
        TaskState::Running { attempt: 2 },
        "the refused calls used no attempt",
    );
}

fn unknown_ids_are_refused(_: &mut Ctx) {
    let mut s = setup("task 1 only", &Graph::new().task(1, 0, &[]));
    let policy = RetryPolicy {
        max_attempts: 2,
        base_delay_ms: 1,
        max_delay_ms: 1,
    };
    step("set_retry(7, …)");
    expect_eq(
        "set_retry(7, …) of an id no task has",
        s.set_retry(7, policy),
        Err(ScheduleError::UnknownTask(7)),
    );
    step("complete(7)");
    expect_eq(
        "complete(7)",
        s.complete(7),
        Err(ScheduleError::UnknownTask(7)),
    );
    next(&mut s, 0, Some(1), "");
    step("fail(0, 0)");
    expect_eq(
        "fail(0, 0): no task has id 0",
        s.fail(0, 0),
        Err(ScheduleError::UnknownTask(0)),
    );
    step("complete(u64::MAX)");
    expect_eq(
        "complete(u64::MAX)",
        s.complete(u64::MAX),
        Err(ScheduleError::UnknownTask(u64::MAX)),
    );
    state(
        &s,
        1,
        TaskState::Running { attempt: 1 },
        "the refused calls change nothing",
    );
}

fn a_task_without_a_policy_gets_one_attempt(_: &mut Ctx) {
    let mut s = setup(
        "task 1 without set_retry; task 2 needs 1",
        &Graph::new().task(1, 0, &[]).task(2, 0, &[1]),
    );
    next(&mut s, 0, Some(1), "");
    failed(&mut s, 1, 0);
    next(
        &mut s,
        1_000_000,
        None,
        "without a policy the first failure is final",
    );
    state(&s, 1, TaskState::Failed { attempts: 1 }, "");
    state(&s, 2, TaskState::Skipped { because: 1 }, "");
}

fn backoff_doubles_up_to_the_cap_exact_to_the_millisecond(_: &mut Ctx) {
    let mut s = setup(
        "task 1, attempted up to 7 times",
        &Graph::new().task(1, 0, &[]),
    );
    retry(&mut s, 1, 7, 100, 1_000);
    let mut now = 0;
    next(&mut s, now, Some(1), "");
    for (k, pause) in [100u64, 200, 400, 800, 1_000, 1_000]
        .into_iter()
        .enumerate()
    {
        let k = k + 1;
        now += 7;
        failed(&mut s, 1, now);
        let due = now + pause;
        next(
            &mut s,
            due - 1,
            None,
            &format!(
                "attempt {k} failed at {now}: the pause is min(1000, 100 × 2^{}) = {pause} ms, so it is due at {due}, \
                 not a millisecond earlier",
                k - 1
            ),
        );
        next(
            &mut s,
            due,
            Some(1),
            &format!("due at exactly {now} + {pause} = {due}"),
        );
        state(
            &s,
            1,
            TaskState::Running {
                attempt: k as u32 + 1,
            },
            "",
        );
        now = due;
    }
    now += 3;
    failed(&mut s, 1, now);
    next(
        &mut s,
        u64::MAX,
        None,
        "the 7th attempt was the last allowed: the failure is final",
    );
    state(&s, 1, TaskState::Failed { attempts: 7 }, "");
}

fn the_pause_counts_from_the_failure_not_the_start(_: &mut Ctx) {
    let mut s = setup(
        "task 1, 3 attempts, pauses of 100 then 200 ms; each attempt runs a long time before failing",
        &Graph::new().task(1, 0, &[]),
    );
    retry(&mut s, 1, 3, 100, 10_000);
    next(&mut s, 0, Some(1), "");
    failed(&mut s, 1, 5_000);
    next(
        &mut s,
        5_099,
        None,
        "the attempt started at 0 but failed at 5000: due at 5100, not at 100",
    );
    next(&mut s, 5_100, Some(1), "");
    failed(&mut s, 1, 9_000);
    next(
        &mut s,
        9_199,
        None,
        "the second attempt failed at 9000: due at 9200, not 5100 + 200 = 5300",
    );
    next(&mut s, 9_200, Some(1), "");
}

fn base_delay_zero_and_a_cap_below_the_base(_: &mut Ctx) {
    let mut s = setup(
        "task 1 with a base delay of 0; task 2 with a base of 500 and a cap of 30",
        &Graph::new().task(1, 0, &[]).task(2, 0, &[]),
    );
    retry(&mut s, 1, 3, 0, 1_000);
    retry(&mut s, 2, 3, 500, 30);
    next(&mut s, 10, Some(1), "");
    failed(&mut s, 1, 10);
    next(
        &mut s,
        10,
        Some(1),
        "a base delay of 0 doubles to 0: 1 is due again at once",
    );
    failed(&mut s, 1, 10);
    next(&mut s, 10, Some(1), "");
    next(&mut s, 10, Some(2), "");
    failed(&mut s, 2, 20);
    next(
        &mut s,
        49,
        None,
        "the cap (30) is below the base (500), so the pause is 30: due at 50",
    );
    next(&mut s, 50, Some(2), "");
    failed(&mut s, 2, 50);
    next(&mut s, 79, None, "the second pause is capped at 30 as well");
    next(&mut s, 80, Some(2), "");
}

fn max_attempts_zero_one_and_a_hundred(_: &mut Ctx) {
    let mut s = setup(
        "task 1 with max_attempts 0, task 2 with max_attempts 1",
        &Graph::new().task(1, 1, &[]).task(2, 0, &[]),
    );
    retry(&mut s, 1, 0, 10, 10);
    retry(&mut s, 2, 1, 10, 10);
    next(
        &mut s,
        0,
        Some(1),
        "max_attempts 0 still runs the task once",
    );
    failed(&mut s, 1, 0);
    next(&mut s, 0, Some(2), "");
    failed(&mut s, 2, 0);
    next(&mut s, 1_000, None, "both had a single attempt");
    state(
        &s,
        1,
        TaskState::Failed { attempts: 1 },
        "max_attempts 0 behaves like 1",
    );
    state(&s, 2, TaskState::Failed { attempts: 1 }, "");

    let mut s = setup(
        "task 1 with 100 attempts, base delay 5 and cap 1000",
        &Graph::new().task(1, 0, &[]),
    );
    retry(&mut s, 1, 100, 5, 1_000);
    let mut now = 0u64;
    next(&mut s, now, Some(1), "");
    for k in 1..100u32 {
        now += 1;
        failed(&mut s, 1, now);
        let pause = if k <= 8 { 5u64 << (k - 1) } else { 1_000 };
        let why = format!(
            "attempt {k} failed at {now}: min(1000, 5 × 2^{}) = {pause} ms (2^{} must neither overflow nor wrap)",
            k - 1,
            k - 1
        );
        next(&mut s, now + pause - 1, None, &why);
        next(&mut s, now + pause, Some(1), &why);
        now += pause;
    }
    failed(&mut s, 1, now);
    next(&mut s, u64::MAX, None, "the 100th attempt was the last");
    state(&s, 1, TaskState::Failed { attempts: 100 }, "");

    let third = u64::MAX / 3;
    let mut s = setup(
        "task 1 with 3 attempts, base delay u64::MAX / 3 and cap u64::MAX",
        &Graph::new().task(1, 0, &[]),
    );
    retry(&mut s, 1, 3, third, u64::MAX);
    next(&mut s, 0, Some(1), "");
    failed(&mut s, 1, 10);
    next(
        &mut s,
        10 + third - 1,
        None,
        "the first pause is u64::MAX / 3",
    );
    next(&mut s, 10 + third, Some(1), "");
    failed(&mut s, 1, 10 + third);
    next(
        &mut s,
        u64::MAX - 1,
        None,
        "failed at 10 + u64::MAX / 3 with a pause of 2 × (u64::MAX / 3): the sum saturates at u64::MAX (no overflow, \
         no wrap to a small instant)",
    );
    next(&mut s, u64::MAX, Some(1), "due at u64::MAX");
}

fn a_retried_task_competes_by_the_tie_rule(_: &mut Ctx) {
    let mut s = setup(
        "task 5 (priority 3, retried after 10 ms), tasks 2 (priority 3) and 8 (priority 9) needing task 1",
        &Graph::new()
            .task(5, 3, &[])
            .task(1, 0, &[])
            .task(2, 3, &[1])
            .task(8, 9, &[1]),
    );
    retry(&mut s, 5, 2, 10, 10);
    next(
        &mut s,
        0,
        Some(5),
        "5 has the highest priority among the ready ones",
    );
    failed(&mut s, 5, 0);
    next(&mut s, 0, Some(1), "5 backs off until 10");
    next(
        &mut s,
        5,
        None,
        "2 and 8 wait for 1, and 5 is still backing off",
    );
    done(&mut s, 1);
    next(
        &mut s,
        10,
        Some(8),
        "8 (priority 9) beats the returning 5 and 2 (priority 3)",
    );
    next(
        &mut s,
        10,
        Some(2),
        "2 and the returning 5 have equal priority: lower id first",
    );
    next(&mut s, 10, Some(5), "");
    state(&s, 5, TaskState::Running { attempt: 2 }, "");

    let mut s = setup(
        "tasks 1 (priority 1) and 2 (priority 5), each with 2 attempts and 10 ms pauses",
        &Graph::new().task(1, 1, &[]).task(2, 5, &[]),
    );
    retry(&mut s, 1, 2, 10, 10);
    retry(&mut s, 2, 2, 10, 10);
    next(&mut s, 0, Some(2), "");
    next(&mut s, 0, Some(1), "");
    failed(&mut s, 1, 0);
    failed(&mut s, 2, 0);
    next(
        &mut s,
        10,
        Some(2),
        "both retries are due at 10: every due task competes, so priority 5 goes first",
    );
    next(&mut s, 10, Some(1), "");
}

fn a_dependency_listed_twice_releases_its_task_once(_: &mut Ctx) {
    let mut s = setup(
        "task 2 lists its dependency 1 twice",
        &Graph::new().task(1, 0, &[]).task(2, 0, &[1, 1]),
    );
    next(&mut s, 0, Some(1), "");
    next(&mut s, 0, None, "2 waits for 1");
    done(&mut s, 1);
    next(
        &mut s,
        0,
        Some(2),
        "1 succeeded: a dependency listed twice counts once",
    );
}

fn a_policy_changed_between_failures_decides_the_next_one(_: &mut Ctx) {
    let mut s = setup(
        "task 1 with 3 attempts and 10 ms pauses",
        &Graph::new().task(1, 0, &[]),
    );
    retry(&mut s, 1, 3, 10, 10);
    next(&mut s, 0, Some(1), "");
    failed(&mut s, 1, 0);
    next(&mut s, 10, Some(1), "");
    retry(&mut s, 1, 3, 100, 100);
    failed(&mut s, 1, 10);
    next(
        &mut s,
        109,
        None,
        "the policy in force at the second failure has 100 ms pauses (100 × 2 capped at 100)",
    );
    next(&mut s, 110, Some(1), "");
    retry(&mut s, 1, 1, 100, 100);
    failed(&mut s, 1, 110);
    next(
        &mut s,
        u64::MAX,
        None,
        "the policy now allows 1 attempt and 3 were made: the failure is final",
    );
    state(&s, 1, TaskState::Failed { attempts: 3 }, "");
}

fn a_final_failure_skips_everything_downstream_naming_the_root(_: &mut Ctx) {
    let mut s = setup(
        "a diamond 1 → {2, 3} → 4, a chain 4 → 5 → 6, and an unrelated task 7 (→ reads \"is needed by\")",
        &Graph::new()
            .task(1, 0, &[])
            .task(2, 0, &[1])
            .task(3, 5, &[1])
            .task(4, 0, &[2, 3])
            .task(5, 0, &[4])
            .task(6, 0, &[5])
            .task(7, 0, &[]),
    );
    next(&mut s, 0, Some(1), "");
    next(&mut s, 0, Some(7), "");
    done(&mut s, 1);
    next(&mut s, 0, Some(3), "priority 5 first");
    failed(&mut s, 3, 2);
    state(
        &s,
        4,
        TaskState::Skipped { because: 3 },
        "4 needs 3, which failed for good",
    );
    state(
        &s,
        5,
        TaskState::Skipped { because: 3 },
        "5 needs 4; the root cause is 3, not 4",
    );
    state(
        &s,
        6,
        TaskState::Skipped { because: 3 },
        "a grand-grand-dependent names the root cause too",
    );
    state(
        &s,
        2,
        TaskState::Pending,
        "2 does not depend on 3: it carries on",
    );
    next(&mut s, 2, Some(2), "2 is still ready");
    done(&mut s, 2);
    next(&mut s, 3, None, "4, 5 and 6 are skipped and never returned");
    done(&mut s, 7);
    let summary = s.summary();
    let expected: BTreeMap<u64, TaskState> = [
        (1, TaskState::Succeeded { attempts: 1 }),
        (2, TaskState::Succeeded { attempts: 1 }),
        (3, TaskState::Failed { attempts: 1 }),
        (4, TaskState::Skipped { because: 3 }),
        (5, TaskState::Skipped { because: 3 }),
        (6, TaskState::Skipped { because: 3 }),
        (7, TaskState::Succeeded { attempts: 1 }),
    ]
    .into_iter()
    .collect();
    expect_eq("summary() at the end", summary, expected);
}

fn a_task_with_two_failed_dependencies_names_the_first_failure(_: &mut Ctx) {
    let mut s = setup(
        "task 3 needs 1 and 2; task 4 needs 3",
        &Graph::new()
            .task(1, 0, &[])
            .task(2, 0, &[])
            .task(3, 0, &[1, 2])
            .task(4, 0, &[3]),
    );
    next(&mut s, 0, Some(1), "");
    next(&mut s, 0, Some(2), "");
    failed(&mut s, 2, 1);
    state(
        &s,
        3,
        TaskState::Skipped { because: 2 },
        "2 failed for good first",
    );
    failed(&mut s, 1, 2);
    state(
        &s,
        3,
        TaskState::Skipped { because: 2 },
        "a later failure does not rename the skip",
    );
    state(&s, 4, TaskState::Skipped { because: 2 }, "");
    state(&s, 1, TaskState::Failed { attempts: 1 }, "");
}

fn summary_reports_every_task(_: &mut Ctx) {
    let mut s = setup(
        "tasks 10, 20 (needs 10) and 30",
        &Graph::new()
            .task(30, 0, &[])
            .task(10, 0, &[])
            .task(20, 0, &[10]),
    );
    step("summary() before any stepping");
    let all_pending: BTreeMap<u64, TaskState> = [10, 20, 30]
        .into_iter()
        .map(|id| (id, TaskState::Pending))
        .collect();
    expect_eq(
        "summary() before any next_ready: every task, all Pending",
        s.summary(),
        all_pending,
    );
    next(&mut s, 0, Some(10), "");
    let expected: BTreeMap<u64, TaskState> = [
        (10, TaskState::Running { attempt: 1 }),
        (20, TaskState::Pending),
        (30, TaskState::Pending),
    ]
    .into_iter()
    .collect();
    expect_eq("summary() with 10 running", s.summary(), expected);
}

fn add_task_after_stepping_is_refused(_: &mut Ctx) {
    let mut s = setup("task 1", &Graph::new().task(1, 0, &[]));
    step("complete(1) before any next_ready (refused)");
    let _ = s.complete(1);
    step("add_task(2, 0, &[])");
    expect_eq(
        "add_task before the first next_ready",
        s.add_task(2, 0, &[]),
        Ok(()),
    );
    next(&mut s, 0, Some(1), "");
    step("add_task(3, 0, &[])");
    expect_eq(
        "add_task after next_ready",
        s.add_task(3, 0, &[]),
        Err(ScheduleError::Started),
    );
    step("add_task(1, 0, &[])");
    expect(
        s.add_task(1, 0, &[]).is_err(),
        "add_task(1, …) after next_ready must be refused (as a duplicate or as Started)",
    );
    expect_eq("len(): nothing added after the start", s.len(), 2);
    expect_eq("summary().len()", s.summary().len(), 2);
}

fn the_new_errors_display_their_ids(_: &mut Ctx) {
    scenario("the Display of the errors stage 3 adds");
    for (e, id) in [
        (ScheduleError::UnknownTask(77), "77"),
        (ScheduleError::NotRunning(88), "88"),
    ] {
        step(format!("{e:?}.to_string()"));
        let text = e.to_string();
        expect(
            text.contains(id),
            format!("{e:?} displays as {text:?}: the message names the id"),
        );
    }
    step("ScheduleError::Started.to_string()");
    let text = ScheduleError::Started.to_string();
    expect(
        !text.trim().is_empty(),
        "ScheduleError::Started displays as an empty message",
    );
}

// ---- a model --------------------------------------------------------------------------------

/// Where a task stands in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum M {
    Waiting,
    Backoff(u64),
    Running,
    Succeeded,
    Failed,
    Skipped(u64),
}

/// The stepping rules written as plainly as possible (O(V) per step).
struct Model {
    ids: Vec<u64>,
    priority: Vec<u32>,
    deps: Vec<Vec<usize>>,
    policy: Vec<RetryPolicy>,
    status: Vec<M>,
    attempts: Vec<u32>,
}

impl Model {
    fn new(g: &Graph, policy: Vec<RetryPolicy>) -> Self {
        let index = g.index();
        Model {
            ids: g.tasks.iter().map(|t| t.id).collect(),
            priority: g.tasks.iter().map(|t| t.priority).collect(),
            deps: g
                .tasks
                .iter()
                .map(|t| t.deps.iter().map(|d| index[d]).collect())
                .collect(),
            policy,
            status: vec![M::Waiting; g.len()],
            attempts: vec![0; g.len()],
        }
    }

    fn next_ready(&mut self, now: u64) -> Option<u64> {
        let best = (0..self.ids.len())
            .filter(|&i| match self.status[i] {
                M::Waiting => self.deps[i].iter().all(|&d| self.status[d] == M::Succeeded),
                M::Backoff(due) => due <= now,
                _ => false,
            })
            .max_by_key(|&i| (self.priority[i], std::cmp::Reverse(self.ids[i])))?;
        self.status[best] = M::Running;
        self.attempts[best] += 1;
        Some(self.ids[best])
    }

    fn position(&self, id: u64) -> Result<usize, ScheduleError> {
        let i = self
            .ids
            .iter()
            .position(|&x| x == id)
            .ok_or(ScheduleError::UnknownTask(id))?;
        if self.status[i] == M::Running {
            Ok(i)
        } else {
            Err(ScheduleError::NotRunning(id))
        }
    }

    fn complete(&mut self, id: u64) -> Result<(), ScheduleError> {
        let i = self.position(id)?;
        self.status[i] = M::Succeeded;
        Ok(())
    }

    fn fail(&mut self, id: u64, now: u64) -> Result<(), ScheduleError> {
        let i = self.position(id)?;
        let p = self.policy[i];
        let k = self.attempts[i];
        if k < p.max_attempts {
            let factor = if k > 64 { u64::MAX } else { 1u64 << (k - 1) };
            let pause = p.base_delay_ms.saturating_mul(factor).min(p.max_delay_ms);
            self.status[i] = M::Backoff(now.saturating_add(pause));
            return Ok(());
        }
        self.status[i] = M::Failed;
        let mut changed = true;
        while changed {
            changed = false;
            for t in 0..self.ids.len() {
                if self.status[t] == M::Waiting
                    && self.deps[t]
                        .iter()
                        .any(|&d| matches!(self.status[d], M::Failed | M::Skipped(_)))
                {
                    self.status[t] = M::Skipped(id);
                    changed = true;
                }
            }
        }
        Ok(())
    }

    fn summary(&self) -> BTreeMap<u64, TaskState> {
        (0..self.ids.len())
            .map(|i| {
                let a = self.attempts[i];
                let st = match self.status[i] {
                    M::Waiting | M::Backoff(_) => TaskState::Pending,
                    M::Running => TaskState::Running { attempt: a },
                    M::Succeeded => TaskState::Succeeded { attempts: a },
                    M::Failed => TaskState::Failed { attempts: a },
                    M::Skipped(b) => TaskState::Skipped { because: b },
                };
                (self.ids[i], st)
            })
            .collect()
    }
}

/// Returns a random acyclic graph of `n` tasks with small ids (a few dependencies each).
fn small_dag(rng: &mut Rng, n: usize) -> Graph {
    let mut g = Graph::new();
    for i in 0..n as u64 {
        let deps: Vec<u64> = (0..rng.below(3))
            .filter(|_| i > 0)
            .map(|_| rng.below(i))
            .collect();
        g.push(i, rng.below(3) as u32, deps);
    }
    g
}

fn random_stepping_matches_a_model(ctx: &mut Ctx) {
    for round in 0..150 {
        let rng = ctx.rng();
        let n = rng.range(1, 10) as usize;
        let g = small_dag(rng, n);
        let policies: Vec<RetryPolicy> = (0..n)
            .map(|_| RetryPolicy {
                max_attempts: rng.below(4) as u32,
                base_delay_ms: rng.edgy(0, 20),
                max_delay_ms: rng.edgy(0, 60),
            })
            .collect();
        scenario(format!(
            "random graph {round} of 150, stepped with random successes and failures on a clock moving forward, \
             compared with a simple model after every call:\n{}",
            g.describe()
        ));
        let mut s = g.build();
        let mut model = Model::new(&g, policies.clone());
        for (i, p) in policies.iter().enumerate() {
            retry(
                &mut s,
                g.tasks[i].id,
                p.max_attempts,
                p.base_delay_ms,
                p.max_delay_ms,
            );
        }
        let mut now = 0u64;
        for _ in 0..40 {
            let rng = ctx.rng();
            now += rng.below(15);
            let running: Vec<u64> = model
                .ids
                .iter()
                .zip(&model.status)
                .filter(|(_, st)| **st == M::Running)
                .map(|(id, _)| *id)
                .collect();
            let pick = if !running.is_empty() && rng.chance(85) {
                *rng.pick(&running)
            } else {
                rng.below(n as u64 + 1)
            };
            match rng.below(3) {
                0 => {
                    step(format!("next_ready({now})"));
                    let want = model.next_ready(now);
                    expect_eq(
                        format!("next_ready({now}), as the model computes it"),
                        s.next_ready(now),
                        want,
                    );
                }
                1 => {
                    step(format!("complete({pick})"));
                    let want = model.complete(pick);
                    expect_eq(
                        format!("complete({pick}), as the model computes it"),
                        s.complete(pick),
                        want,
                    );
                }
                _ => {
                    step(format!("fail({pick}, {now})"));
                    let want = model.fail(pick, now);
                    expect_eq(
                        format!("fail({pick}, {now}), as the model computes it"),
                        s.fail(pick, now),
                        want,
                    );
                }
            }
            expect_eq(
                "summary(), as the model computes it",
                s.summary(),
                model.summary(),
            );
        }
    }
}

fn stepping_costs_log_v_per_step(_: &mut Ctx) {
    scenario(
        "20 graphs of 1,000 tasks against one of 20,000 (the same number of tasks in all). Each graph: a chain \
         over half the tasks, stepped to the end; a fan (one task needed by all the others in the other half), \
         stepped to the end; then a chain of the same size whose head fails for good (skipping the rest). \
         O(log V) per step costs about the same per task at both sizes; a scan of all tasks per step costs 20× \
         more per task on the large graph.",
    );
    Scaling::new("next_ready/complete/fail over a whole run", 1_000, LARGE)
        .demanding("O(log V) per step")
        .max_ratio(5.0)
        .run(
            |n| {
                (0..LARGE / n)
                    .map(|_| probe_graph(n as u64))
                    .collect::<Vec<_>>()
            },
            |graphs| {
                for (s, fails) in graphs.iter_mut() {
                    let mut steps = 0;
                    while let Some(id) = s.next_ready(0) {
                        steps += 1;
                        let _ = if id == *fails {
                            s.fail(id, 0)
                        } else {
                            s.complete(id)
                        };
                    }
                    if steps == 0 {
                        fail("next_ready(0) returned None on a graph with ready tasks");
                    }
                }
            },
        );
}

/// The large size of the stepping probe; the small size steps as many tasks in several graphs.
const LARGE: usize = 20_000;

/// Returns a scheduler with a chain over a third of `n` tasks, a fan over another third, and a
/// chain over the last third whose head (the returned id) is to fail.
fn probe_graph(n: u64) -> (Scheduler, u64) {
    let third = n / 3;
    let mut s = Scheduler::new();
    for i in 0..third {
        let deps = if i > 0 { vec![i - 1] } else { vec![] };
        let _ = s.add_task(i, 0, &deps);
    }
    let root = third;
    let _ = s.add_task(root, 0, &[]);
    for i in third + 1..2 * third {
        let _ = s.add_task(i, (i % 7) as u32, &[root]);
    }
    let head = 2 * third;
    let _ = s.add_task(head, u32::MAX, &[]);
    for i in head + 1..n {
        let _ = s.add_task(i, 0, &[i - 1]);
    }
    (s, head)
}
