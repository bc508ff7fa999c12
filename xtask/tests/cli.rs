//! Drives the real `xtask` binary through the learner loop on a temporary copy of the workspace.
//!
//! The copy holds the lru drill only, so the test exercises every piece a learner touches (catalog,
//! progress file, cargo invocation, harness, report parsing) without depending on other drills.
//! Builds go to `target/e2e` so repeated runs are incremental.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Returns the names of every drill in the repository's catalog.
fn all_drills() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("prompts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| repo().join("prompts").join(n).join("drill.toml").is_file())
        .collect();
    names.sort();
    names
}

/// Returns a temporary workspace with the kit, the mutant slot and the given drills.
fn workspace(drills: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let start = manifest
        .find("members = [")
        .expect("the root manifest lists members");
    let end = start + manifest[start..].find(']').unwrap() + 1;
    let manifest = format!(
        "{}members = [\"checker/*\", \"exercises/*\", \"solutions/*\"]{}",
        &manifest[..start],
        &manifest[end..]
    );
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    if repo().join("Cargo.lock").exists() {
        std::fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    }
    for part in ["checker/kit", "checker/mutant"] {
        copy_tree(&repo().join(part), &root.join(part));
    }
    for drill in drills {
        for top in ["checker", "exercises", "solutions", "prompts"] {
            let part = format!("{top}/{drill}");
            copy_tree(&repo().join(&part), &root.join(&part));
        }
    }
    dir
}

/// The end-to-end tests share one target directory (`e2e`), and cargo identifies a workspace member
/// by its path relative to the workspace root: two temporary workspaces building at once would
/// overwrite each other's artifacts, and a stale fingerprint can then hand one test the other's
/// crate (a stub graded as the reference). Each test holds this lock for its whole run.
static E2E: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serialised() -> std::sync::MutexGuard<'static, ()> {
    E2E.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn xtask(root: &Path, args: &[&str]) -> Run {
    xtask_at(root, args, None)
}

/// Runs the binary with its clock injected (`SYSKATA_NOW`, unix seconds) when `now` is given.
fn xtask_at(root: &Path, args: &[&str], now: Option<u64>) -> Run {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
        .join("e2e");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root)
        .env("SYSKATA_ROOT", root)
        .env("CARGO_TARGET_DIR", target)
        .env("NO_COLOR", "1")
        .env_remove("SYSKATA_SEED")
        .env(
            "SYSKATA_NOW",
            now.map(|n| n.to_string()).unwrap_or_default(),
        )
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn expect(run: &Run, code: i32, needle: &str) {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        run.code == code && all.contains(needle),
        "expected exit {code} and output containing {needle:?}\n--- exit {} ---\n{}\n--- stderr ---\n{}",
        run.code,
        run.stdout,
        run.stderr
    );
}

fn stage_count(root: &Path, drill: &str) -> usize {
    std::fs::read_to_string(root.join(format!("prompts/{drill}/drill.toml")))
        .unwrap()
        .matches("[[stage]]")
        .count()
}

#[test]
fn the_learner_loop_works_end_to_end_on_a_fresh_copy() {
    let _one_at_a_time = serialised();
    let ws = workspace(&["lru"]);
    let root = ws.path();
    let lib = root.join("exercises/lru/src/lib.rs");
    let stages = stage_count(root, "lru");

    let status = xtask(root, &["status", "--json"]);
    expect(&status, 0, "\"state\": \"current\"");
    assert_eq!(status.stdout.matches("\"locked\"").count(), stages - 1);

    // First run: welcome and the first prompt, nothing graded.
    expect(&xtask(root, &["next"]), 0, "Welcome to syskata");
    assert!(root.join(".syskata/progress.toml").is_file());

    // The untouched stub fails stage 1 with a teaching message.
    expect(&xtask(root, &["next"]), 1, "todo!()");

    // Locked stages are refused; unknown names get a suggestion and exit 2.
    expect(&xtask(root, &["prompt", "--stage", "2"]), 2, "locked");
    expect(&xtask(root, &["start", "lruu"]), 2, "did you mean \"lru\"?");
    expect(
        &xtask(root, &["compare", "lru", "--no-bench"]),
        2,
        "--spoilers",
    );

    // Stage 2 unlocked with its method misnamed: `next` names the prompt's signature and where to
    // add it, never the checker's files or test code.
    let reference = std::fs::read_to_string(root.join("solutions/lru/src/lib.rs")).unwrap();
    std::fs::write(&lib, reference.replace("put_with_ttl(", "put_with_expiry(")).unwrap();
    expect(&xtask(root, &["next"]), 0, "Stage 1 (");
    let run = xtask(root, &["next"]);
    expect(
        &run,
        1,
        "missing: pub fn put_with_ttl(&mut self, key: K, value: V, ttl_ms: u64) -> Option<V>",
    );
    expect(&run, 1, "exercises/lru/src/lib.rs");
    assert!(
        !format!("{}{}", run.stdout, run.stderr).contains("checker/"),
        "{}",
        run.stdout
    );

    // The reference copied over the stub unlocks and passes every stage through `next`.
    std::fs::copy(root.join("solutions/lru/src/lib.rs"), &lib).unwrap();
    for stage in 2..=stages {
        let run = xtask(root, &["next"]);
        expect(&run, 0, &format!("Stage {stage} ("));
    }
    let status = xtask(root, &["status", "--json"]);
    assert_eq!(
        status.stdout.matches("\"passed\"").count(),
        stages,
        "{}",
        status.stdout
    );
    expect(&xtask(root, &["next"]), 0, "Drill complete");
    expect(
        &xtask(root, &["compare", "lru", "--no-bench"]),
        0,
        "identical",
    );
    expect(&xtask(root, &["prompt", "--stage", "2"]), 0, "Debrief");

    // An endless loop in `get` becomes a named, failing verdict within a minute, rebuild included.
    let good = std::fs::read_to_string(&lib).unwrap();
    let anchor = "pub fn get(&mut self, key: &K) -> Option<&V> {";
    assert_eq!(
        good.matches(anchor).count(),
        1,
        "the reference's get signature changed"
    );
    std::fs::write(
        &lib,
        good.replace(anchor, &format!("{anchor}\n        loop {{}}")),
    )
    .unwrap();
    let started = Instant::now();
    let run = xtask(root, &["test", "lru"]);
    expect(&run, 1, "timed out after");
    expect(&run, 1, "possible deadlock or endless loop");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );

    // A corrupted progress file is moved aside with a clear message, not a crash.
    std::fs::write(root.join(".syskata/progress.toml"), "passed = [[[").unwrap();
    let run = xtask(root, &["status"]);
    expect(&run, 0, "could not be read");
    let backups = std::fs::read_dir(root.join(".syskata"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("corrupt")
        })
        .count();
    assert_eq!(backups, 1);

    // Reset needs confirmation, backs the learner's code up, and restores the stub.
    expect(&xtask(root, &["reset", "lru"]), 2, "--yes");
    let run = xtask(root, &["reset", "lru", "--yes"]);
    expect(&run, 0, "backed up");
    let stub = std::fs::read_to_string(root.join("checker/lru/stub/lib.rs")).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    let backup_dir = std::fs::read_dir(root.join(".syskata/backups"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(std::fs::read_to_string(backup_dir.join("src/lib.rs"))
        .unwrap()
        .contains("loop {}"));
}

/// Returns the stage slugs of a drill in catalog order.
fn stage_slugs(root: &Path, drill: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(format!("prompts/{drill}/drill.toml"))).unwrap();
    let catalog: toml::Table = text.parse().unwrap();
    catalog["stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stage| stage["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Every drill's reference, copied over its stub, passes every stage through `next`.
///
/// The walk from stage to stage, and a stub failing `next`, are proven on lru by the learner-loop
/// test (and every stub against stage 1 by `verify`); here each drill is put at its last stage with
/// the earlier ones marked passed, so one `next` grades all of its stages at once: one checker build
/// per drill instead of one per stage.
#[test]
fn every_reference_copied_over_its_stub_passes_every_stage_through_next() {
    let _one_at_a_time = serialised();
    let drills = all_drills();
    let names: Vec<&str> = drills.iter().map(String::as_str).collect();
    let ws = workspace(&names);
    let root = ws.path();
    for drill in &names {
        expect(&xtask(root, &["start", drill]), 0, "Now working on");
        let lib = format!("exercises/{drill}/src/lib.rs");
        let stub = std::fs::read_to_string(root.join(&lib)).unwrap();
        std::fs::copy(
            root.join(format!("solutions/{drill}/src/lib.rs")),
            root.join(&lib),
        )
        .unwrap();
        let slugs = stage_slugs(root, drill);
        let progress_path = root.join(".syskata/progress.toml");
        let mut progress: toml::Table = std::fs::read_to_string(&progress_path)
            .unwrap()
            .parse()
            .unwrap();
        let mut passed = toml::Table::new();
        let earlier = &slugs[..slugs.len() - 1];
        passed.insert("passed".to_owned(), earlier.to_vec().into());
        progress
            .entry("drills")
            .or_insert_with(|| toml::Table::new().into())
            .as_table_mut()
            .unwrap()
            .insert((*drill).to_owned(), passed.into());
        std::fs::write(&progress_path, progress.to_string()).unwrap();
        let run = xtask(root, &["next"]);
        expect(&run, 0, &format!("Stage {} (", slugs.len()));
        for slug in &slugs {
            assert!(
                run.stdout.contains(slug.as_str()),
                "{drill}: stage {slug} not in the report of `next`:\n{}",
                run.stdout
            );
        }
        expect(&xtask(root, &["next"]), 0, "Drill complete");
        assert_ne!(stub, std::fs::read_to_string(root.join(&lib)).unwrap());
    }
    let status = xtask(root, &["status", "--json"]);
    assert!(
        !status.stdout.contains("\"state\": \"current\"")
            && !status.stdout.contains("\"state\": \"locked\""),
        "{}",
        status.stdout
    );
}

fn history(root: &Path) -> serde_json::Value {
    let run = xtask(root, &["history", "--json"]);
    expect(&run, 0, "\"rounds\"");
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn a_mock_round_runs_end_to_end_with_an_injected_clock() {
    let _one_at_a_time = serialised();
    let ws = workspace(&["lru"]);
    let root = ws.path();
    let lib = root.join("exercises/lru/src/lib.rs");
    let stub = std::fs::read_to_string(root.join("checker/lru/stub/lib.rs")).unwrap();
    let reference = root.join("solutions/lru/src/lib.rs");
    let stages = stage_count(root, "lru");
    expect(&xtask(root, &["next"]), 0, "Welcome");
    let progress = std::fs::read(root.join(".syskata/progress.toml")).unwrap();
    std::fs::write(&lib, format!("{stub}\n// my work from before the round\n")).unwrap();

    // Starting needs a confirmation off a terminal; then the code is backed up and the stub restored.
    let t0: u64 = 1_796_212_800;
    let at = |min: u64| Some(t0 + min * 60);
    expect(&xtask_at(root, &["mock", "lru"], at(0)), 2, "--yes");
    let run = xtask_at(root, &["mock", "lru", "--yes", "--no-bench"], at(0));
    expect(&run, 0, "Mock round: lru");
    expect(&run, 0, "ends at 13:00 UTC");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    let backup = std::fs::read_dir(root.join(".syskata/backups"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(std::fs::read_to_string(backup.join("src/lib.rs"))
        .unwrap()
        .contains("my work from before the round"));

    // During the round: no hints, no reference, no locked prompts, no second round; time is shown.
    expect(
        &xtask_at(root, &["hint"], at(1)),
        2,
        "hints are off during a mock round",
    );
    expect(
        &xtask_at(root, &["compare", "lru", "--no-bench"], at(1)),
        2,
        "mock --end",
    );
    expect(
        &xtask_at(root, &["prompt", "--stage", "2"], at(1)),
        2,
        "locked in this round",
    );
    expect(
        &xtask_at(root, &["mock", "lru", "--yes"], at(1)),
        2,
        "already running",
    );
    expect(&xtask_at(root, &["status"], at(1)), 0, "59:00 left");
    expect(
        &xtask_at(root, &["status", "--json"], at(1)),
        0,
        "\"seconds_left\": 3540",
    );
    let run = xtask_at(root, &["next"], at(2));
    expect(&run, 1, "58:00 left");

    // The reference passes every stage; the last pass ends the round with the scorecard.
    std::fs::copy(&reference, &lib).unwrap();
    for stage in 1..=stages {
        let run = xtask_at(root, &["next"], at(2 + 3 * stage as u64));
        expect(&run, 0, &format!("Stage {stage} ("));
        if stage == stages {
            expect(&run, 0, "Scorecard · mock round · lru · every stage passed");
            expect(&run, 0, "Your first recorded round of lru");
        }
    }
    assert!(!root.join(".syskata/round.toml").exists());
    let h = history(root);
    let round = &h["rounds"][0];
    assert_eq!(round["ended"], "all_passed", "{h}");
    assert_eq!(round["started"], "2026-12-02T12:00:00Z");
    assert_eq!(round["minutes"], 60);
    assert_eq!(round["stages"].as_array().unwrap().len(), stages);
    for s in round["stages"].as_array().unwrap() {
        assert_eq!(s["passed"], true, "{s}");
        assert!(s["attempts"].as_u64().unwrap() >= 1, "{s}");
    }
    assert_eq!(
        round["stages"][0]["attempts"], 2,
        "the stub's failure and the pass"
    );
    assert_eq!(round["stages"][0]["seconds"], 300);
    assert!(round["code"]["longest_fn_lines"].as_u64().unwrap() > 0);
    assert!(round["speed_ratio"].is_null(), "--no-bench");
    assert_eq!(
        std::fs::read(root.join(".syskata/progress.toml")).unwrap(),
        progress,
        "a round leaves the normal progress untouched"
    );

    // A round whose deadline has passed ends at the next grading and counts what passed in time.
    let t1 = t0 + 86_400;
    let at = |min: u64| Some(t1 + min * 60);
    expect(
        &xtask_at(
            root,
            &["mock", "--yes", "--no-bench", "--minutes", "30"],
            at(0),
        ),
        0,
        "30 minutes",
    );
    std::fs::copy(&reference, &lib).unwrap();
    expect(&xtask_at(root, &["next"], at(10)), 0, "Stage 1 (");
    let run = xtask_at(root, &["next"], at(31));
    expect(&run, 1, "Time is up");
    expect(&run, 1, "Against your 1 earlier round(s) of lru");
    let h = history(root);
    let round = &h["rounds"][1];
    assert_eq!(round["ended"], "time_up", "{h}");
    let passed: Vec<bool> = round["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["passed"].as_bool().unwrap())
        .collect();
    assert_eq!(passed.iter().filter(|p| **p).count(), 1, "{passed:?}");
    assert!(passed[0]);

    // `--random` picks an unfinished drill (here the only one); `--end` ends a round early and
    // reports the minutes it took; with no round, `--end` is a usage error.
    let t2 = t1 + 86_400;
    expect(
        &xtask_at(root, &["mock", "--random", "-y", "--no-bench"], Some(t2)),
        0,
        "Mock round: lru",
    );
    expect(
        &xtask_at(root, &["mock", "--end"], Some(t2 + 60)),
        0,
        "ended early",
    );
    expect(
        &xtask(root, &["mock", "--end"]),
        2,
        "no mock round is running",
    );
    expect(&xtask(root, &["hint"]), 0, "Hint 1/");
    let h = history(root);
    assert_eq!(h["rounds"][2]["ended"], "ended");
    assert_eq!(h["rounds"][2]["seconds_used"], 60);

    // A corrupt history line is reported and skipped, never fatal.
    let path = root.join(".syskata/history.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("not a round\n");
    std::fs::write(&path, text).unwrap();
    let run = xtask(root, &["history"]);
    expect(&run, 0, "Trend (first round → latest)");
    assert!(
        run.stderr.contains("line 4 is not a round"),
        "{}",
        run.stderr
    );
}
