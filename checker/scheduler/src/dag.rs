//! Stage dag: plans that respect every dependency and the tie rule, errors for unknown and duplicate ids, stack safety and O((V + E) log V).

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{PlanError, ScheduleError, Scheduler};
use crate::support::Rounds;
use crate::support::{
    describe_plan_error, expect_valid_plan, on_small_stack, random_dag, short, Graph,
};

/// Returns the checks of stage dag.
pub fn stage() -> Stage {
    Stage {
        slug: "dag",
        checks: checks![
            an_empty_scheduler_plans_nothing,
            independent_tasks_go_by_priority_then_id,
            extreme_ids_and_priorities_keep_the_tie_rule,
            a_task_waits_for_its_dependencies_whatever_its_priority,
            a_ready_low_priority_task_goes_before_a_blocked_high_one,
            a_dependency_may_be_added_after_the_task_naming_it,
            a_dependency_listed_twice_counts_once,
            an_unknown_dependency_is_an_error,
            a_duplicate_id_is_refused_and_the_first_task_kept,
            a_loop_is_refused_not_hung,
            errors_display_the_ids_involved,
            plan_does_not_change_the_scheduler,
            random_graphs_obey_dependencies_and_the_tie_rule,
            a_chain_of_100k_tasks_does_not_overflow_the_stack,
            plan_costs_v_log_v,
            wide_fan_out_and_fan_in,
        ],
    }
}

/// Builds `g`, plans it, and fails unless the plan is valid and equals `expected`.
#[track_caller]
fn check(what: &str, g: &Graph, expected: &[u64], why: &str) {
    scenario(format!("{what}:\n{}", g.describe()));
    let s = g.build();
    let plan = expect_valid_plan(g, &s, why);
    expect_eq(format!("plan(): {why}"), plan, expected.to_vec());
}

fn an_empty_scheduler_plans_nothing(_: &mut Ctx) {
    scenario("a new scheduler, no task added");
    let s = Scheduler::new();
    step("len(), is_empty(), plan()");
    expect_eq("len() of a new scheduler", s.len(), 0);
    expect_eq("is_empty() of a new scheduler", s.is_empty(), true);
    expect_eq("plan() of a new scheduler", s.plan(), Ok(vec![]));
    check(
        "a single task",
        &Graph::new().task(5, 0, &[]),
        &[5],
        "one task without dependencies plans to itself",
    );
    let s = Graph::new().task(5, 0, &[]).build();
    expect_eq("len() after one add_task", s.len(), 1);
    expect_eq("is_empty() after one add_task", s.is_empty(), false);
}

fn independent_tasks_go_by_priority_then_id(_: &mut Ctx) {
    check(
        "six tasks without dependencies, added in a scrambled order",
        &Graph::new()
            .task(4, 1, &[])
            .task(9, 3, &[])
            .task(2, 1, &[])
            .task(7, 3, &[])
            .task(1, 0, &[])
            .task(3, 2, &[]),
        &[7, 9, 3, 2, 4, 1],
        "all are ready at once, so the plan is by priority (3, 3, 2, 1, 1, 0), equal priorities by lower id",
    );
}

fn extreme_ids_and_priorities_keep_the_tie_rule(_: &mut Ctx) {
    check(
        "ids 0 and u64::MAX and priorities 0 and u32::MAX",
        &Graph::new()
            .task(u64::MAX, 0, &[])
            .task(0, 0, &[])
            .task(u64::MAX - 1, u32::MAX, &[])
            .task(1, u32::MAX, &[])
            .task(1 << 32, u32::MAX - 1, &[]),
        &[1, u64::MAX - 1, 1 << 32, 0, u64::MAX],
        "priority u32::MAX is the highest (no wrap-around), and id 0 is the lowest id, u64::MAX the highest",
    );
}

fn a_task_waits_for_its_dependencies_whatever_its_priority(_: &mut Ctx) {
    check(
        "task 1 (priority 9) needs task 2 (priority 0); tasks 3 and 4 (priority 5) are free",
        &Graph::new()
            .task(1, 9, &[2])
            .task(2, 0, &[])
            .task(3, 5, &[])
            .task(4, 5, &[]),
        &[3, 4, 2, 1],
        "at first only 2, 3 and 4 are ready: 3 and 4 (priority 5) go first, then 2; only then is 1 ready",
    );
    check(
        "a chain 10 ← 20 ← 30 (each needs the previous) with rising priorities, and task 5 free",
        &Graph::new()
            .task(30, 3, &[20])
            .task(20, 2, &[10])
            .task(10, 1, &[])
            .task(5, 0, &[]),
        &[10, 20, 30, 5],
        "10 beats 5 on priority; placing 10 makes 20 ready, which beats 5; then 30; then 5",
    );
}

fn a_ready_low_priority_task_goes_before_a_blocked_high_one(_: &mut Ctx) {
    check(
        "a diamond: 4 needs 2 and 3, which both need 1; task 9 (priority 1) is free",
        &Graph::new()
            .task(4, 100, &[2, 3])
            .task(3, 50, &[1])
            .task(2, 50, &[1])
            .task(1, 0, &[])
            .task(9, 1, &[]),
        &[9, 1, 2, 3, 4],
        "9 and 1 are ready first and 9 has the higher priority; 4 must wait for both 2 and 3, however urgent",
    );
}

fn a_dependency_may_be_added_after_the_task_naming_it(_: &mut Ctx) {
    check(
        "task 1 names dependency 2 before task 2 exists",
        &Graph::new()
            .task(1, 5, &[2])
            .task(2, 0, &[3])
            .task(3, 0, &[]),
        &[3, 2, 1],
        "dependencies may name tasks added later; the plan is checked once all are there",
    );
}

fn a_dependency_listed_twice_counts_once(_: &mut Ctx) {
    check(
        "task 3 lists dependency 1 twice and 2 once",
        &Graph::new()
            .task(1, 0, &[])
            .task(2, 0, &[])
            .task(3, 0, &[1, 1, 2]),
        &[1, 2, 3],
        "3 becomes ready once 1 and 2 are placed; a duplicate in the list must not keep it waiting",
    );
    check(
        "task 2 lists dependency 1 three times",
        &Graph::new().task(2, 9, &[1, 1, 1]).task(1, 0, &[]),
        &[1, 2],
        "a dependency listed three times still counts once",
    );
}

fn an_unknown_dependency_is_an_error(_: &mut Ctx) {
    scenario("task 1 depends on 42, which is never added");
    let s = Graph::new().task(1, 0, &[42]).build();
    step("plan()");
    expect_eq(
        "plan(): 42 does not exist",
        s.plan(),
        Err(PlanError::UnknownDependency {
            task: 1,
            dependency: 42,
        }),
    );
    scenario(
        "tasks 1, 2, 3 with valid dependencies, and task 4 depending on 3 and on 77 (never added)",
    );
    let s = Graph::new()
        .task(1, 0, &[])
        .task(2, 0, &[1])
        .task(3, 0, &[2])
        .task(4, 0, &[3, 77])
        .build();
    step("plan()");
    expect_eq(
        "plan(): 77 does not exist; the valid dependencies beside it do not make it acceptable",
        s.plan(),
        Err(PlanError::UnknownDependency {
            task: 4,
            dependency: 77,
        }),
    );
}

fn a_duplicate_id_is_refused_and_the_first_task_kept(_: &mut Ctx) {
    scenario(
        "task 1 (priority 0), task 2 (priority 5), then task 1 again (priority 9, depending on 2)",
    );
    let mut s = Scheduler::new();
    step("add_task(1, 0, &[])");
    expect_eq("add_task(1, 0, &[])", s.add_task(1, 0, &[]), Ok(()));
    step("add_task(2, 5, &[])");
    expect_eq("add_task(2, 5, &[])", s.add_task(2, 5, &[]), Ok(()));
    step("add_task(1, 9, &[])");
    expect_eq(
        "add_task(1, 9, &[]): id 1 exists",
        s.add_task(1, 9, &[]),
        Err(ScheduleError::DuplicateTask(1)),
    );
    expect_eq("len(): the refused task is not added", s.len(), 2);
    step("plan()");
    expect_eq(
        "plan(): the first task 1 (priority 0) is kept, not replaced by the refused one (priority 9), so 2 \
         (priority 5) goes first",
        s.plan(),
        Ok(vec![2, 1]),
    );
    step("add_task(3, 0, &[1])");
    expect_eq(
        "add_task(3, 0, &[1]): 3 is a new id",
        s.add_task(3, 0, &[1]),
        Ok(()),
    );
    step("plan()");
    expect_eq(
        "plan(): 3 depends on the first task 1; the refused duplicate must not have disturbed where id 1 lives",
        s.plan(),
        Ok(vec![2, 1, 3]),
    );
    step("add_task(0, 1, &[])");
    expect_eq(
        "add_task(0, 1, &[]): 0 is a new id",
        s.add_task(0, 1, &[]),
        Ok(()),
    );
    step("add_task(0, 1, &[])");
    expect_eq(
        "add_task(0, 1, &[]) again",
        s.add_task(0, 1, &[]),
        Err(ScheduleError::DuplicateTask(0)),
    );
}

fn a_loop_is_refused_not_hung(_: &mut Ctx) {
    for (what, g) in [
        (
            "tasks 1 and 2 depend on each other; task 3 is free",
            Graph::new()
                .task(1, 0, &[2])
                .task(2, 0, &[1])
                .task(3, 0, &[]),
        ),
        ("task 7 depends on itself", Graph::new().task(7, 0, &[7])),
        (
            "a valid chain 1 ← 2 ← 3, and 4 → 5 → 6 → 4 in a loop that 7 waits on",
            Graph::new()
                .task(1, 0, &[])
                .task(2, 0, &[1])
                .task(3, 0, &[2])
                .task(4, 0, &[5])
                .task(5, 0, &[6])
                .task(6, 0, &[4])
                .task(7, 0, &[4, 3]),
        ),
    ] {
        scenario(format!("{what}:\n{}", g.describe()));
        let s = g.build();
        step("plan()");
        match s.plan() {
            Err(PlanError::Cycle(_)) => {}
            other => fail(format!(
                "plan() returned {}, but the tasks wait on each other in a loop, so no order exists: expected \
                 Err(PlanError::Cycle(_))",
                match other {
                    Ok(plan) => format!("Ok({plan:?})"),
                    Err(e) => format!("Err({})", describe_plan_error(&e)),
                }
            )),
        }
    }
}

/// Returns the `Display` of an error, through `std::error::Error` (so both must be implemented).
fn shown(e: &dyn std::error::Error) -> String {
    e.to_string()
}

fn errors_display_the_ids_involved(_: &mut Ctx) {
    scenario("the Display of each stage-1 error, and of the cycle plan() reports for task 5 depending on itself");
    step("ScheduleError::DuplicateTask(7).to_string()");
    let text = shown(&ScheduleError::DuplicateTask(7));
    expect(
        text.contains('7'),
        format!("DuplicateTask(7) displays as {text:?}: the message names the duplicate id"),
    );
    step("PlanError::UnknownDependency { task: 12, dependency: 345 }.to_string()");
    let text = shown(&PlanError::UnknownDependency {
        task: 12,
        dependency: 345,
    });
    expect(
        text.contains("12") && text.contains("345"),
        format!("UnknownDependency {{ task: 12, dependency: 345 }} displays as {text:?}: it names both ids"),
    );
    for (path, arrows) in [
        (vec![1u64, 22, 333, 1], "1 → 22 → 333 → 1"),
        (vec![9, 9], "9 → 9"),
    ] {
        step(format!("PlanError::Cycle({path:?}).to_string()"));
        let text = shown(&PlanError::Cycle(path.clone()));
        expect(
            text.contains(arrows) && text.matches('→').count() == path.len() - 1,
            format!(
                "Cycle({path:?}) displays as {text:?}: a cycle reads \"dependency cycle: {arrows}\", one arrow between \
                 each pair of ids and none elsewhere"
            ),
        );
    }
}

fn plan_does_not_change_the_scheduler(_: &mut Ctx) {
    let g = Graph::new()
        .task(1, 0, &[])
        .task(2, 3, &[1])
        .task(3, 1, &[]);
    scenario(format!(
        "plan twice, then add task 0 (priority 2), plan again:\n{}",
        g.describe()
    ));
    let mut s = g.build();
    let first = expect_valid_plan(&g, &s, "");
    let second = expect_valid_plan(&g, &s, "");
    expect_eq("the second plan() equals the first", second, first);
    step("add_task(0, 2, &[])");
    expect_eq(
        "add_task(0, 2, &[]) after plan()",
        s.add_task(0, 2, &[]),
        Ok(()),
    );
    let g = g.task(0, 2, &[]);
    let third = expect_valid_plan(&g, &s, "tasks added after a plan take part in the next one");
    expect_eq("plan() after adding task 0", third, vec![0, 3, 1, 2]);
}

fn random_graphs_obey_dependencies_and_the_tie_rule(ctx: &mut Ctx) {
    for round in 0..200 {
        let n = ctx.rng().range(1, 14) as usize;
        let max_priority = if round % 4 == 0 { u32::MAX } else { 3 };
        let g = random_dag(ctx.rng(), n, 3, max_priority);
        scenario(format!(
            "random graph {round} of 200 (each plan is checked against the graph: every task once, after its \
             dependencies, and the tie rule at every position):\n{}",
            g.describe()
        ));
        let s = g.build();
        expect_valid_plan(&g, &s, "");
    }
    for round in 0..2 {
        let g = random_dag(ctx.rng(), 2_000, 4, 20);
        scenario(format!("large random graph {round} of 2, 2,000 tasks"));
        let s = g.build();
        expect_valid_plan(&g, &s, "");
    }
}

fn a_chain_of_100k_tasks_does_not_overflow_the_stack(_: &mut Ctx) {
    const N: u64 = 100_000;
    scenario(format!(
        "a chain of {N} tasks: task i depends on task i + 1, so task {} must go first and task 0 last; added \
         from 0 up (every dependency is a forward reference). A recursion as deep as the chain overflows the \
         stack here.",
        N - 1
    ));
    let mut g = Graph::new();
    for i in 0..N {
        let deps = if i + 1 < N { vec![i + 1] } else { vec![] };
        g.push(i, (i % 7) as u32, deps);
    }
    let s = g.build();
    step(
        "plan(), called on a thread with Rust's default 2 MiB stack (std::thread::spawn's default)",
    );
    let result = on_small_stack(move || s.plan());
    match result {
        Ok(plan) => {
            let expected: Vec<u64> = (0..N).rev().collect();
            if plan != expected {
                fail(format!(
                    "plan() returned {}, but a chain has one order only: {}",
                    short(&plan),
                    short(&expected)
                ));
            }
        }
        Err(e) => fail(format!(
            "plan() returned Err({}), but the chain has no loop and every dependency exists",
            describe_plan_error(&e)
        )),
    }
}

fn wide_fan_out_and_fan_in(_: &mut Ctx) {
    const N: u64 = 20_000;
    let mut g = Graph::new();
    g.push(0, 0, vec![]);
    for i in 1..=N {
        g.push(i, (i % 5) as u32, vec![0]);
    }
    g.push(N + 1, u32::MAX, (1..=N).collect());
    scenario(format!(
        "a star: task 0 (priority 0) is needed by {N} tasks 1..={N} (priorities i % 5), and task {} (priority \
         u32::MAX) needs all {N} of them",
        N + 1
    ));
    let s = g.build();
    let plan = expect_valid_plan(&g, &s, "");
    expect_eq("the first task of the plan", plan.first().copied(), Some(0));
    expect_eq(
        "the last task of the plan",
        plan.last().copied(),
        Some(N + 1),
    );
    expect_eq(
        "the second task: the lowest id among priority 4 (4 % 5 = 4)",
        plan.get(1).copied(),
        Some(4),
    );
}

fn plan_costs_v_log_v(_: &mut Ctx) {
    scenario(
        "two probes. First, graphs where half the tasks are ready at the start and each placed task releases one \
         more (task i + n/2 needs task i), random priorities 0..=1000; then graphs where one task waits on all \
         the others. plan() is timed on 16 graphs of 500 tasks and on one graph of 8,000 (the same number of \
         tasks in all). O((V + E) log V) costs about the same per task at both sizes; scanning the ready tasks \
         on every pick, or the dependency list for each dependency, costs 16× more per task on the large graph.",
    );
    let mut probe_rng = syskata_kit::Rng::new(7);
    let priorities: Vec<u32> = (0..LARGE).map(|_| probe_rng.below(1001) as u32).collect();
    Scaling::new("plan() of graphs with a large ready set", 500, LARGE)
        .demanding("O((V + E) log V)")
        .max_ratio(5.0)
        .rounds(5)
        .run(
            |n| {
                (0..LARGE / n)
                    .map(|_| {
                        let mut s = Scheduler::new();
                        let half = (n / 2) as u64;
                        for i in 0..n as u64 {
                            let deps = if i >= half { vec![i - half] } else { vec![] };
                            let _ = s.add_task(i, priorities[i as usize], &deps);
                        }
                        s
                    })
                    .collect::<Vec<_>>()
            },
            |graphs| {
                for s in graphs.iter() {
                    expect(s.plan().is_ok(), "plan() of a valid graph returned Err");
                }
            },
        );
    step("second probe: one task that waits on every other task (16 graphs of 500 tasks, one of 8,000)");
    Scaling::new(
        "plan() of graphs where one task waits on all the others",
        500,
        LARGE,
    )
    .demanding("O((V + E) log V)")
    .max_ratio(5.0)
    .rounds(5)
    .run(
        |n| {
            (0..LARGE / n)
                .map(|_| {
                    let mut s = Scheduler::new();
                    for i in 1..n as u64 {
                        let _ = s.add_task(i, priorities[i as usize], &[]);
                    }
                    let all: Vec<u64> = (1..n as u64).collect();
                    let _ = s.add_task(0, 0, &all);
                    s
                })
                .collect::<Vec<_>>()
        },
        |graphs| {
            for s in graphs.iter() {
                expect(s.plan().is_ok(), "plan() of a valid graph returned Err");
            }
        },
    );
}

/// The large size of the plan probe; the small size plans as many tasks in several graphs.
const LARGE: usize = 8_000;
