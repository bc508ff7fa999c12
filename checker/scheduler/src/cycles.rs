//! Stage cycles: a refused plan names one real cycle of the graph (checked against the graph itself), self-dependencies included, in O(V + E) without recursion.

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{PlanError, Scheduler};
use crate::support::Rounds;
use crate::support::{cycle_problem, expect_real_cycle, on_small_stack, random_dag, short, Graph};

/// Returns the checks of stage cycles.
pub fn stage() -> Stage {
    Stage {
        slug: "cycles",
        checks: checks![
            a_self_dependency_is_a_cycle_of_one,
            a_self_dependency_inside_a_larger_graph,
            two_and_three_task_loops_are_reported_as_paths,
            tasks_waiting_on_a_loop_are_not_part_of_it,
            either_of_two_loops_may_be_reported,
            a_loop_beside_a_large_valid_graph,
            an_unknown_dependency_wins_over_a_loop,
            random_graphs_with_planted_loops,
            finding_the_cycle_costs_v_plus_e,
            a_loop_through_100k_tasks_does_not_overflow_the_stack,
        ],
    }
}

/// Builds `g` and fails unless `plan()` reports a real cycle; returns it.
#[track_caller]
fn check(what: &str, g: &Graph, why: &str) -> Vec<u64> {
    scenario(format!("{what}:\n{}", g.describe()));
    let s = g.build();
    expect_real_cycle(g, &s, why)
}

/// Fails unless `path` is `cycle` read from some starting point (the same loop, same direction).
#[track_caller]
fn expect_rotation_of(path: &[u64], cycle: &[u64], why: &str) {
    let body = &path[..path.len() - 1];
    let same = body.len() == cycle.len()
        && (0..cycle.len()).any(|k| {
            body.iter()
                .zip(cycle.iter().cycle().skip(k))
                .all(|(a, b)| a == b)
        });
    if !same {
        let mut closed = cycle.to_vec();
        closed.push(cycle[0]);
        fail(format!(
            "plan() reported the cycle {}, expected {} (starting anywhere on it). {why}",
            short(path),
            short(&closed)
        ));
    }
}

fn a_self_dependency_is_a_cycle_of_one(_: &mut Ctx) {
    let path = check(
        "task 7 depends on itself",
        &Graph::new().task(7, 0, &[7]),
        "a task that needs itself can never start",
    );
    expect_eq("the reported cycle", path, vec![7, 7]);
    let path = check(
        "task u64::MAX depends on itself and on nothing else",
        &Graph::new().task(u64::MAX, u32::MAX, &[u64::MAX]),
        "",
    );
    expect_eq("the reported cycle", path, vec![u64::MAX, u64::MAX]);
}

fn a_self_dependency_inside_a_larger_graph(_: &mut Ctx) {
    let path = check(
        "a chain 1 ← 2 ← 3 ← 4 where task 3 also depends on itself (its only loop), and task 5 free",
        &Graph::new()
            .task(1, 0, &[])
            .task(2, 0, &[1])
            .task(3, 0, &[2, 3])
            .task(4, 0, &[3])
            .task(5, 0, &[]),
        "the only loop of this graph is 3 → 3; 4 merely waits on it",
    );
    expect_eq("the reported cycle", path, vec![3, 3]);
}

fn two_and_three_task_loops_are_reported_as_paths(_: &mut Ctx) {
    let path = check(
        "tasks 1 and 2 depend on each other",
        &Graph::new().task(1, 0, &[2]).task(2, 0, &[1]),
        "",
    );
    expect_rotation_of(&path, &[1, 2], "");
    let path = check(
        "1 depends on 2, 2 on 3, 3 on 1; task 9 is free",
        &Graph::new()
            .task(9, 0, &[])
            .task(1, 0, &[2])
            .task(2, 0, &[3])
            .task(3, 0, &[1]),
        "each id must depend on the next: 1 → 2 → 3 → 1 in some rotation, not the reverse direction",
    );
    expect_rotation_of(
        &path,
        &[1, 2, 3],
        "each arrow reads \"depends on\"; the reverse order 1 → 3 → 2 → 1 follows dependents instead",
    );
}

fn tasks_waiting_on_a_loop_are_not_part_of_it(_: &mut Ctx) {
    let mut g = Graph::new();
    for i in 0..50u64 {
        g.push(i, 0, vec![i + 1]);
    }
    g.push(50, 0, vec![51]);
    g.push(51, 0, vec![52]);
    g.push(52, 0, vec![50]);
    let path = check(
        "a tail of 50 tasks 0 → 1 → … → 50 (each depends on the next) that ends in the loop 50 → 51 → 52 → 50",
        &g,
        "tasks 0..=49 only wait on the loop; they are not part of it",
    );
    expect_rotation_of(&path, &[50, 51, 52], "");
    let path = check(
        "task 1 waits on 2, which is in the loop 2 → 3 → 2, and 4 waits on 1",
        &Graph::new()
            .task(1, 0, &[2])
            .task(2, 0, &[3])
            .task(3, 0, &[2])
            .task(4, 0, &[1]),
        "",
    );
    expect_rotation_of(&path, &[2, 3], "");
}

fn either_of_two_loops_may_be_reported(_: &mut Ctx) {
    let path = check(
        "two separate loops, 1 → 2 → 1 and 10 → 11 → 12 → 10, and task 20 waiting on both",
        &Graph::new()
            .task(20, 0, &[1, 10])
            .task(1, 0, &[2])
            .task(2, 0, &[1])
            .task(10, 0, &[11])
            .task(11, 0, &[12])
            .task(12, 0, &[10]),
        "either loop is a right answer",
    );
    let ok = [vec![1u64, 2], vec![10, 11, 12]]
        .iter()
        .any(|c| path.len() == c.len() + 1 && path[..c.len()].iter().all(|id| c.contains(id)));
    expect(
        ok,
        format!("plan() reported {path:?}, which is neither loop of the graph"),
    );
}

fn a_loop_beside_a_large_valid_graph(ctx: &mut Ctx) {
    let mut g = random_dag(ctx.rng(), 3_000, 3, 10);
    let ids: Vec<u64> = g.tasks.iter().map(|t| t.id).collect();
    // Close a loop: a → b → c → a among fresh ids that also hang off the valid part.
    let (a, b, c) = (1u64 << 40, (1u64 << 40) + 1, (1u64 << 40) + 2);
    g.push(a, 0, vec![b, ids[0]]);
    g.push(b, 0, vec![c]);
    g.push(c, 0, vec![a, ids[1]]);
    let path = check(
        "a random valid graph of 3,000 tasks plus one loop of three tasks that also depend on valid ones",
        &g,
        "only the three loop tasks can form a cycle",
    );
    expect_rotation_of(&path, &[a, b, c], "");
}

fn an_unknown_dependency_wins_over_a_loop(_: &mut Ctx) {
    scenario("tasks 1 and 2 depend on each other, and task 3 depends on 99, which is never added");
    let s = Graph::new()
        .task(1, 0, &[2])
        .task(2, 0, &[1])
        .task(3, 0, &[99])
        .build();
    step("plan()");
    expect_eq(
        "plan(): the unknown id is reported before any loop",
        s.plan(),
        Err(PlanError::UnknownDependency {
            task: 3,
            dependency: 99,
        }),
    );
    scenario("task 5 depends on itself and on 6, which is never added");
    let s = Graph::new().task(5, 0, &[5, 6]).build();
    step("plan()");
    expect_eq(
        "plan(): the unknown id is reported before the self-dependency",
        s.plan(),
        Err(PlanError::UnknownDependency {
            task: 5,
            dependency: 6,
        }),
    );
}

fn random_graphs_with_planted_loops(ctx: &mut Ctx) {
    for round in 0..200 {
        let n = ctx.rng().range(2, 16) as usize;
        let mut g = random_dag(ctx.rng(), n, 3, 3);
        // Plant a loop: a task gains a dependency on one of its own dependents (or itself).
        let ids: Vec<u64> = g.tasks.iter().map(|t| t.id).collect();
        let loops = ctx.rng().range(1, 2);
        for _ in 0..loops {
            let from = ctx.rng().index(n);
            let to = ids[ctx.rng().index(n)];
            g.tasks[from].deps.push(to);
        }
        let has_loop = g.model_plan().is_none();
        scenario(format!(
            "random graph {round} of 200 with one or two extra dependencies (every reported path is checked \
             against the graph):\n{}",
            g.describe()
        ));
        let s = g.build();
        if has_loop {
            expect_real_cycle(&g, &s, "");
        } else {
            crate::support::expect_valid_plan(
                &g,
                &s,
                "the extra dependency did not close a loop here",
            );
        }
    }
}

fn a_loop_through_100k_tasks_does_not_overflow_the_stack(_: &mut Ctx) {
    const N: u64 = 100_000;
    scenario(format!(
        "one loop through {N} tasks: task i depends on task i + 1, and task {} depends on task 0. plan() runs on \
         a thread with Rust's default 2 MiB stack; a recursion as deep as the loop overflows it.",
        N - 1
    ));
    let mut g = Graph::new();
    for i in 0..N {
        g.push(i, 0, vec![(i + 1) % N]);
    }
    let s = g.build();
    step("plan(), on a thread with a 2 MiB stack");
    let result = on_small_stack(move || s.plan());
    match result {
        Err(PlanError::Cycle(path)) => {
            if let Some(problem) = cycle_problem(&g, &path) {
                fail(format!(
                    "plan() returned Err(Cycle({})) — {problem}",
                    short(&path)
                ));
            }
            expect_eq(
                "the length of the reported path (every task, plus the repeat)",
                path.len(),
                N as usize + 1,
            );
        }
        other => fail(format!(
            "plan() returned {}, expected Err(Cycle(path)) through all {N} tasks",
            match other {
                Ok(plan) => format!("Ok({})", short(&plan)),
                Err(e) => format!("Err({e:?})"),
            }
        )),
    }
}

fn finding_the_cycle_costs_v_plus_e(_: &mut Ctx) {
    scenario(
        "graphs where a tail of tasks t0 → t1 → … (each depends on the next, the lowest ids first) ends in a \
         loop of three: plan() is timed on 32 graphs with tails of 250 tasks and on one graph with a tail of \
         8,000 (the same number of tasks in all). O(V + E) costs the same per task at both sizes; walking \
         the tail again for every task on it costs 32× more per task on the large graph.",
    );
    Scaling::new(
        "plan() of graphs with a loop behind a long tail",
        250,
        LARGE,
    )
    .demanding("O(V + E) for the cycle")
    .max_ratio(4.0)
    .rounds(5)
    .run(
        |n| {
            (0..LARGE / n)
                .map(|_| tail_into_loop(n as u64))
                .collect::<Vec<_>>()
        },
        |graphs| {
            for s in graphs.iter() {
                expect(
                    matches!(s.plan(), Err(PlanError::Cycle(_))),
                    "plan() of a graph with a loop did not return Err(Cycle(_))",
                );
            }
        },
    );
}

/// The large size of the cycle probe; the small size plans as many tasks in several graphs.
const LARGE: usize = 8_000;

/// Returns a scheduler with tasks `0..n` in a tail (each depending on the next) ending in a loop
/// of three.
fn tail_into_loop(n: u64) -> Scheduler {
    let mut s = Scheduler::new();
    for i in 0..n {
        let _ = s.add_task(i, 0, &[i + 1]);
    }
    let _ = s.add_task(n, 0, &[n + 1]);
    let _ = s.add_task(n + 1, 0, &[n + 2]);
    let _ = s.add_task(n + 2, 0, &[n]);
    s
}
