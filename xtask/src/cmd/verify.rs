//! `cargo xtask verify`: prove the catalog, prompts, checkers, references, stubs and wrong solutions agree.
//!
//! For every drill: the catalog parses and names existing prompt files with a debrief; the checker's
//! `stage-*` features and registered stages match the catalog; the reference passes every stage; the
//! pristine stub compiles against stage 1 and fails it; and every wrong solution in
//! `checker/<drill>/mutants.toml` fails the stage it targets, through the checks it names.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::PoisonError;

use anyhow::{bail, Context, Result};
use colored::Colorize;
use serde::Deserialize;

use crate::app::App;
use crate::catalog::{self, Drill};
use crate::grade::{self, Graded, Request, Subject};
use crate::rules;
use crate::ui;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this drill.
    #[arg(long)]
    pub drill: Option<String>,
    /// Only the wrong solutions whose name contains this text.
    #[arg(long)]
    pub mutant: Option<String>,
    /// Skip the wrong solutions (faster).
    #[arg(long)]
    pub quick: bool,
    /// Wrong solutions graded at once, each building in its own target dir.
    #[arg(long, short, default_value_t = 2)]
    pub jobs: usize,
    /// Grades each chosen wrong solution this many times, each run alone on the machine, and
    /// fails unless every run caught it: how a race's catch rate is measured (20 is the bar).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
}

/// The wrong solutions of one drill.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutants {
    /// Every wrong solution.
    #[serde(default, rename = "mutant")]
    pub mutants: Vec<Mutant>,
}

/// One wrong solution and the stage that must reject it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    /// A snake_case name.
    pub name: String,
    /// The slug of the stage that must fail.
    pub stage: String,
    /// What is wrong, in words.
    pub about: String,
    /// Checks of that stage that must each fail.
    pub catches: Vec<String>,
    /// A whole wrong implementation, relative to `checker/<drill>/`: one file, or several that are
    /// joined in order (so wrong solutions can share their unremarkable parts).
    #[serde(default)]
    pub file: Option<Files>,
    /// A race the suite catches with high odds but not every time: measured odds, and how many runs
    /// `verify` may take to see it caught.
    #[serde(default)]
    pub racy: Option<Racy>,
    /// Edits applied to the reference, or to `file` when there is one.
    #[serde(default, rename = "patch")]
    pub patches: Vec<Patch>,
}

/// How often a racy wrong solution was measured to fail, and how many runs `verify` gives it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Racy {
    /// Failing runs out of 20, as last measured (what the bar of 20 asks to raise).
    pub caught_of_20: u32,
    /// Runs `verify` may take before it calls the wrong solution missed.
    pub attempts: u32,
}

/// One source file or several joined in order.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Files {
    /// A single file.
    One(String),
    /// Files joined in order.
    Many(Vec<String>),
}

impl Files {
    fn list(&self) -> Vec<&str> {
        match self {
            Files::One(f) => vec![f.as_str()],
            Files::Many(fs) => fs.iter().map(String::as_str).collect(),
        }
    }
}

/// One edit of the reference: `find` must occur exactly once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// The text to replace.
    pub find: String,
    /// What replaces it.
    pub replace: String,
}

/// Returns the source of `mutant`: its file(s), or the reference, with its patches applied.
pub fn mutant_source(checker_dir: &Path, reference: &str, mutant: &Mutant) -> Result<String> {
    let mut text = match &mutant.file {
        Some(files) => {
            let mut text = String::new();
            for file in files.list() {
                text.push_str(
                    &std::fs::read_to_string(checker_dir.join(file))
                        .with_context(|| format!("mutant {}: cannot read {file}", mutant.name))?,
                );
                text.push('\n');
            }
            text
        }
        None if mutant.patches.is_empty() => {
            bail!(
                "mutant {} needs a `file` or at least one `patch`",
                mutant.name
            )
        }
        None => reference.to_owned(),
    };
    for (i, patch) in mutant.patches.iter().enumerate() {
        let count = text.matches(&patch.find).count();
        if count != 1 {
            bail!(
                "mutant {}: patch {} must match its base exactly once, but matches {count} times (was the reference changed?)",
                mutant.name,
                i + 1
            );
        }
        text = text.replacen(&patch.find, &patch.replace, 1);
    }
    Ok(text)
}

struct Tally {
    passed: usize,
    failed: usize,
    /// Wrong solutions that escaped while graded beside another grading and were caught alone.
    escaped_under_load: Vec<String>,
}

impl Tally {
    fn ok(&mut self, what: String) {
        self.passed += 1;
        println!("{} {what}", "ok".green());
    }
    fn bad(&mut self, what: String) {
        self.failed += 1;
        println!("{} {what}", "FAIL".red().bold());
    }
    fn record(&mut self, what: &str, result: Result<String>) {
        match result {
            Ok(detail) => self.ok(format!("{what}: {detail}")),
            Err(e) => self.bad(format!("{what}: {e:#}")),
        }
    }
}

/// Runs `verify`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let drills: Vec<&Drill> = match &args.drill {
        Some(name) => vec![app.catalog.drill(name)?],
        None => app.catalog.drills.iter().collect(),
    };
    let mut tally = Tally {
        passed: 0,
        failed: 0,
        escaped_under_load: Vec::new(),
    };
    let mut orders = std::collections::HashSet::new();
    for drill in &app.catalog.drills {
        if !orders.insert(drill.order) {
            tally.bad(format!("catalog: two drills share order {}", drill.order));
        }
    }
    for drill in drills {
        println!("\n{}", format!("── {} ──", drill.name).bold());
        tally.record("catalog, prompts and files", check_files(&app.root, drill));
        tally.record("checker features", check_features(&app.root, drill));
        let listed = match check_registered(&app.root, drill) {
            Ok((detail, listed)) => {
                tally.ok(format!("registered stages: {detail}"));
                Some(listed)
            }
            Err(e) => {
                tally.bad(format!("registered stages: {e:#}"));
                None
            }
        };
        if let Some(listed) = &listed {
            tally.record("rule map", check_rules(&app.root, drill, listed));
        }
        tally.record("mutation testing", check_mutation(&app.root, drill));
        tally.record("reference", check_reference(app, drill));
        tally.record("stub", check_stub(app, drill));
        tally.record("API files", crate::api::verify_drill(&app.root, drill));
        if !args.quick {
            let select = Selection {
                only: args.mutant.as_deref(),
                jobs: args.jobs,
                runs: args.runs,
            };
            check_mutants(app, drill, &select, &mut tally);
        }
    }
    if !tally.escaped_under_load.is_empty() {
        println!(
            "\n{} {} wrong solution(s) escaped their checks while graded beside another grading, and were \
             caught when graded alone: {}. A check that load can fool is a check to make sturdier.",
            "warning:".yellow().bold(),
            tally.escaped_under_load.len(),
            tally.escaped_under_load.join(", ")
        );
    }
    println!("\nverify: {} passed, {} failed", tally.passed, tally.failed);
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn check_files(root: &Path, drill: &Drill) -> Result<String> {
    let d = &drill.name;
    for path in [
        format!("exercises/{d}/Cargo.toml"),
        format!("exercises/{d}/src/lib.rs"),
        format!("solutions/{d}/Cargo.toml"),
        format!("solutions/{d}/src/lib.rs"),
        format!("checker/{d}/Cargo.toml"),
        format!("checker/{d}/stub/lib.rs"),
        format!("checker/{d}/tests/stages.rs"),
    ] {
        if !root.join(&path).is_file() {
            bail!("{path} is missing");
        }
    }
    for stage in &drill.stages {
        let path = catalog::prompt_path(root, drill, stage);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("stage {}: cannot read {}", stage.slug, path.display()))?;
        let (prompt, debrief) = ui::split_prompt(&raw);
        if !prompt.starts_with("# ") {
            bail!("{}: a prompt starts with a `# Title` line", path.display());
        }
        if debrief.is_none_or(|d| d.trim() == ui::DEBRIEF_HEADING) {
            bail!(
                "{}: no `{}` section (shown after the stage passes)",
                path.display(),
                ui::DEBRIEF_HEADING
            );
        }
        if stage.hints.is_empty() {
            bail!("stage {} has no hints", stage.slug);
        }
    }
    let targets = catalog::target_minutes(root, drill);
    if let Some((stage, _)) = drill.stages.iter().zip(&targets).find(|(_, t)| t.is_none()) {
        bail!(
            "stage {} has no `target_minutes` (a whole number above 0) in prompts/{d}/drill.toml: mock rounds time every stage against it",
            stage.slug
        );
    }
    Ok(format!(
        "{} stages, each with a prompt, a debrief, hints and a target time",
        drill.stages.len()
    ))
}

fn check_features(root: &Path, drill: &Drill) -> Result<String> {
    let path = root.join("checker").join(&drill.name).join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(&path)?)
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let features = manifest
        .get("features")
        .and_then(|f| f.as_table())
        .with_context(|| format!("{} has no [features]", path.display()))?;
    let expected: Vec<String> = drill
        .stages
        .iter()
        .map(|s| format!("stage-{}", s.slug))
        .collect();
    let mut declared: Vec<String> = features
        .keys()
        .filter(|k| k.starts_with("stage-"))
        .cloned()
        .collect();
    declared.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    if declared != wanted {
        bail!("stage features {declared:?} do not match the catalog's stages {wanted:?}");
    }
    let all: Vec<String> = features
        .get("all-stages")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if all != expected {
        bail!("feature all-stages is {all:?}, expected {expected:?} (catalog order)");
    }
    // Grading the reference at every stage uses the default build (the one `cargo test` makes).
    let mut default: Vec<&str> = features
        .get("default")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    default.sort_unstable();
    if default != ["all-stages", "reference"] {
        bail!("feature default is {default:?}, expected [\"reference\", \"all-stages\"]");
    }
    for subject in ["learner", "reference", "mutant"] {
        if !features.contains_key(subject) {
            bail!("feature {subject} is missing");
        }
    }
    Ok(format!(
        "{} stage features in catalog order",
        expected.len()
    ))
}

/// The checks a suite registers, as `(stage, check)` pairs.
type Listed = Vec<(String, String)>;

fn check_registered(root: &Path, drill: &Drill) -> Result<(String, Listed)> {
    let out = grade::cargo(root)
        .args([
            "test",
            "--quiet",
            "--package",
            &drill.checker_package(),
            "--test",
            "stages",
            "--",
            "--list",
        ])
        .output()
        .context("cannot start cargo")?;
    if !out.status.success() {
        bail!(
            "the checker does not build or list:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut stages: Vec<(String, usize)> = Vec::new();
    let mut listed = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((stage, check)) = line.split_once('\t') else {
            continue;
        };
        listed.push((stage.to_owned(), check.to_owned()));
        match stages.last_mut() {
            Some((s, n)) if s == stage => *n += 1,
            _ => stages.push((stage.to_owned(), 1)),
        }
    }
    let got: Vec<&str> = stages.iter().map(|(s, _)| s.as_str()).collect();
    let want: Vec<&str> = drill.stages.iter().map(|s| s.slug.as_str()).collect();
    if got != want {
        bail!("the checker registers stages {got:?}, the catalog lists {want:?}");
    }
    let counts: Vec<String> = stages.iter().map(|(s, n)| format!("{s} {n}")).collect();
    Ok((format!("checks per stage: {}", counts.join(", ")), listed))
}

fn check_rules(root: &Path, drill: &Drill, listed: &Listed) -> Result<String> {
    let map = rules::RuleMap::load(root, &drill.name)?;
    let mut prompts = Vec::new();
    for stage in &drill.stages {
        let path = catalog::prompt_path(root, drill, stage);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        prompts.push(rules::prompt_only(&raw));
    }
    let audit = rules::audit(drill, &map, &prompts, listed);
    if !audit.problems.is_empty() {
        bail!(
            "{} problems in {}:\n  {}",
            audit.problems.len(),
            rules::path(root, &drill.name).display(),
            audit.problems.join("\n  ")
        );
    }
    let mut by_dimension: std::collections::BTreeMap<&str, usize> = Default::default();
    for (stage, check) in listed {
        if let Some(d) = map.dimension_of(drill, stage, check) {
            *by_dimension.entry(d.name()).or_default() += 1;
        }
    }
    let dimensions: Vec<String> = by_dimension
        .iter()
        .map(|(d, n)| format!("{d} {n}"))
        .collect();
    Ok(format!(
        "{} stated rules and edge cases, {} rules, {} checks ({}): every statement quoted, every rule with a deterministic check, every check serving a rule",
        audit.bullets,
        audit.rules,
        audit.checks,
        dimensions.join(", ")
    ))
}

/// The committed outcome of cargo-mutants on a drill's reference: the figures and every survivor
/// triaged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mutation {
    /// The exact command that produced the figures.
    command: String,
    /// When it ran (YYYY-MM-DD).
    date: String,
    /// Which part of the generated mutants ran, when not all of them (`shard 0/3, round-robin`).
    #[serde(default)]
    sample: Option<String>,
    /// Mutants that built and were tested.
    viable: usize,
    /// Mutants the suite rejected (failed or timed out) in that run.
    killed: usize,
    /// Every mutant the suite did not reject in that run.
    #[serde(default, rename = "survivor")]
    survivors: Vec<Survivor>,
}

/// One mutant that survived the run, and what became of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Survivor {
    /// The mutant as cargo-mutants names it (`file:line:col: replace … with …`).
    mutant: String,
    /// `equivalent` (no input tells it apart), `killed` (a check added since rejects it; `by` names it)
    /// or `missed` (still survives).
    verdict: String,
    /// Why it is equivalent, or which check now kills it, or why it is left.
    why: String,
}

/// The share of non-equivalent mutants a suite must kill.
const MUTATION_GOAL: f64 = 0.9;

fn check_mutation(root: &Path, drill: &Drill) -> Result<String> {
    let path = root.join("checker").join(&drill.name).join("mutation.toml");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (run cargo-mutants as checker/AUTHORING.md says and triage every survivor there)",
            path.display()
        )
    })?;
    let m: Mutation =
        toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))?;
    if m.command.trim().is_empty() || m.date.trim().is_empty() {
        bail!(
            "{}: `command` and `date` say how the figures were made",
            path.display()
        );
    }
    if m.killed + m.survivors.len() != m.viable {
        bail!(
            "{}: killed ({}) + survivors ({}) must equal viable ({})",
            path.display(),
            m.killed,
            m.survivors.len(),
            m.viable
        );
    }
    let mut equivalent = 0;
    let mut killed_since = 0;
    for s in &m.survivors {
        match s.verdict.as_str() {
            "equivalent" => equivalent += 1,
            "killed" => killed_since += 1,
            "missed" => {}
            other => bail!(
                "{}: survivor {:?} has verdict {other:?}; use equivalent, killed or missed",
                path.display(),
                s.mutant
            ),
        }
        if s.why.trim().is_empty() {
            bail!("{}: survivor {:?} needs a `why`", path.display(), s.mutant);
        }
    }
    let judged = m.viable - equivalent;
    let killed = m.killed + killed_since;
    let score = if judged == 0 {
        1.0
    } else {
        killed as f64 / judged as f64
    };
    let sample = m
        .sample
        .as_deref()
        .map(|s| format!(" (sample: {s})"))
        .unwrap_or_default();
    let figures = format!(
        "{} viable{sample}, {} killed ({} of them by checks added after the run), {} equivalent: {:.1} % of non-equivalent mutants killed",
        m.viable,
        killed,
        killed_since,
        equivalent,
        score * 100.0
    );
    if score < MUTATION_GOAL {
        bail!("{figures}, below the {:.0} % goal", MUTATION_GOAL * 100.0);
    }
    Ok(figures)
}

fn describe_failures(results: &[grade::CheckResult]) -> String {
    results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            format!(
                "\n  {}::{} ({})\n    {}",
                r.stage,
                r.check,
                r.status,
                r.message.replace('\n', "\n    ")
            )
        })
        .collect()
}

fn check_reference(app: &App, drill: &Drill) -> Result<String> {
    let req = Request {
        drill,
        stages: (0..drill.stages.len()).collect(),
        compile_also: Vec::new(),
        subject: Subject::Reference,
        checks: Vec::new(),
        seed: None,
        color: false,
    };
    match grade::run(&app.root, &req, || {})? {
        Graded::Ran(results) if !results.is_empty() && results.iter().all(|r| r.passed()) => {
            Ok(format!(
                "passes all {} stages ({} checks)",
                drill.stages.len(),
                results.len()
            ))
        }
        Graded::Ran(results) | Graded::Killed(results, _) => {
            bail!("the reference fails:{}", describe_failures(&results))
        }
        Graded::BuildFailed(log) => bail!("the reference does not build:\n{log}"),
    }
}

fn check_stub(app: &App, drill: &Drill) -> Result<String> {
    let stub = app
        .root
        .join("checker")
        .join(&drill.name)
        .join("stub")
        .join("lib.rs");
    let exercise = app
        .root
        .join("exercises")
        .join(&drill.name)
        .join("src")
        .join("lib.rs");
    let pristine = std::fs::read_to_string(&stub)?;
    let mut note = String::new();
    if std::fs::read_to_string(&exercise).ok().as_deref() != Some(pristine.as_str()) {
        let what = format!(
            "exercises/{}/src/lib.rs differs from checker/{}/stub/lib.rs (the copy `reset` restores)",
            drill.name, drill.name
        );
        if std::env::var_os("CI").is_some() {
            bail!("{what}");
        }
        note = format!(" (note: {what} — fine on a learner's clone, an error in CI)");
    }
    let req = Request {
        drill,
        stages: vec![0],
        compile_also: Vec::new(),
        subject: Subject::Mutant(stub),
        checks: Vec::new(),
        seed: None,
        color: false,
    };
    match grade::run(&app.root, &req, || {})? {
        Graded::Ran(results) if results.iter().any(|r| !r.passed()) => Ok(format!(
            "compiles against stage {} and fails {} of its {} checks{note}",
            drill.stages[0].slug,
            results.iter().filter(|r| !r.passed()).count(),
            results.len()
        )),
        Graded::Ran(_) => bail!("the untouched stub passes stage {}", drill.stages[0].slug),
        Graded::Killed(..) => bail!("the stub run was killed by the runner's limit"),
        Graded::BuildFailed(log) => {
            bail!("the stub does not compile against stage 1's checks:\n{log}")
        }
    }
}

/// Which wrong solutions `verify` grades, and how.
struct Selection<'a> {
    /// Only those whose name contains this text.
    only: Option<&'a str>,
    /// Gradings at once.
    jobs: usize,
    /// Runs per wrong solution (more than one measures a race's catch rate).
    runs: u32,
}

fn check_mutants(app: &App, drill: &Drill, select: &Selection<'_>, tally: &mut Tally) {
    let (only, jobs, runs) = (select.only, select.jobs, select.runs);
    let dir = app.root.join("checker").join(&drill.name);
    let path = dir.join("mutants.toml");
    let mutants: Mutants = match std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))
        .and_then(|t| {
            toml::from_str(&t).with_context(|| format!("cannot parse {}", path.display()))
        }) {
        Ok(m) => m,
        Err(e) => return tally.bad(format!("wrong solutions: {e:#}")),
    };
    if mutants.mutants.is_empty() {
        return tally.bad(format!("wrong solutions: {} lists none", path.display()));
    }
    let reference = match std::fs::read_to_string(
        app.root
            .join("solutions")
            .join(&drill.name)
            .join("src/lib.rs"),
    ) {
        Ok(r) => r,
        Err(e) => return tally.bad(format!("wrong solutions: cannot read the reference: {e}")),
    };
    let scratch = app.root.join("target").join("syskata").join("mutants");
    let chosen: Vec<&Mutant> = mutants
        .mutants
        .iter()
        .filter(|m| only.is_none_or(|o| m.name.contains(o)))
        .collect();
    // Races are graded alone: a busy machine shrinks their windows, and a race that loses only
    // on a quiet machine is a learner passing with it. The rest are graded `jobs` at a time.
    let map = rules::RuleMap::load_or_empty(&app.root, &drill.name);
    // Measuring catch rates (several runs) grades every wrong solution alone.
    let (alone, shared): (Vec<&Mutant>, Vec<&Mutant>) = chosen.into_iter().partition(|m| {
        runs > 1
            || m.racy.is_some()
            || m.catches.iter().any(|c| {
                map.dimension_of(drill, &m.stage, c) == Some(rules::Dimension::Concurrency)
            })
    });
    // Gradings beside one another hold this gate shared; a grading that must have the machine to
    // itself holds it exclusively.
    let alone_gate = std::sync::RwLock::new(());
    let under_load = std::sync::Mutex::new(Vec::new());
    let grade = |mutant: &Mutant, target: Option<&Path>| {
        let beside = {
            let _shared = alone_gate.read().unwrap_or_else(PoisonError::into_inner);
            grade_mutant(
                app, drill, &dir, &reference, mutant, &scratch, target, None, 1,
            )
        };
        match beside {
            // The learner grades alone: an escape under verify's own load is judged again alone,
            // and reported at the end if it is caught then.
            Err(e) if e.downcast_ref::<Escaped>().is_some() => {
                let _alone = alone_gate.write().unwrap_or_else(PoisonError::into_inner);
                let caught = grade_mutant(
                    app, drill, &dir, &reference, mutant, &scratch, target, None, 1,
                )?;
                under_load
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(mutant.name.clone());
                Ok(format!(
                    "{caught} (escaped once while graded beside another grading; caught alone)"
                ))
            }
            other => other,
        }
    };
    grade_in_parallel(&shared, jobs, &app.root, &grade, tally);
    tally.escaped_under_load.extend(
        under_load
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter()
            .map(|name| format!("{}/{name}", drill.name)),
    );
    // Their builds may overlap one another (a build is not a race); each run holds the machine alone.
    let grade_alone = |mutant: &Mutant, target: Option<&Path>| {
        grade_mutant(
            app,
            drill,
            &dir,
            &reference,
            mutant,
            &scratch,
            target,
            Some(&alone_gate),
            runs,
        )
    };
    grade_in_parallel(&alone, jobs, &app.root, &grade_alone, tally);
}

/// Grades `mutants` with `jobs` graders at once and records each result in list order, as soon as
/// it and every one before it are in.
fn grade_in_parallel(
    mutants: &[&Mutant],
    jobs: usize,
    root: &Path,
    grade: &(dyn Fn(&Mutant, Option<&Path>) -> Result<String> + Sync),
    tally: &mut Tally,
) {
    let workers = jobs.clamp(1, mutants.len().max(1));
    // Worker 0 builds in the usual target dir (warm from earlier gradings); the others each get
    // their own, so their cargo runs never wait on one another's lock.
    let targets: Vec<Option<PathBuf>> = (0..workers)
        .map(|w| (w > 0).then(|| worker_target_dir(root, w)))
        .collect();
    let queues = std::sync::Mutex::new(queues_by_stage(mutants, workers));
    let (send, receive) = std::sync::mpsc::channel::<(usize, Result<String>)>();
    std::thread::scope(|scope| {
        for (worker, target) in targets.iter().enumerate() {
            let send = send.clone();
            let queues = &queues;
            scope.spawn(move || loop {
                let Some(i) = take(
                    &mut queues.lock().unwrap_or_else(|p| p.into_inner()),
                    worker,
                ) else {
                    break;
                };
                if send
                    .send((i, grade(mutants[i], target.as_deref())))
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(send);
        let mut pending: Vec<Option<Result<String>>> = mutants.iter().map(|_| None).collect();
        let mut printed = 0;
        for (i, result) in receive {
            pending[i] = Some(result);
            while let Some(Some(result)) = pending.get_mut(printed).map(Option::take) {
                tally.record(&format!("wrong solution {}", mutants[printed].name), result);
                printed += 1;
            }
        }
    });
}

/// Splits the indices of `mutants` into one queue per worker, keeping each stage's wrong solutions
/// on one worker: a stage's first build in a target dir compiles its checker from scratch, the
/// later ones only what the wrong solution changes. Biggest stages go first, to the shortest queue.
fn queues_by_stage(mutants: &[&Mutant], workers: usize) -> Vec<std::collections::VecDeque<usize>> {
    let mut stages: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, mutant) in mutants.iter().enumerate() {
        match stages.iter_mut().find(|(stage, _)| *stage == mutant.stage) {
            Some((_, members)) => members.push(i),
            None => stages.push((&mutant.stage, vec![i])),
        }
    }
    stages.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
    let mut queues = vec![std::collections::VecDeque::new(); workers.max(1)];
    for (_, members) in stages {
        let shortest = (0..queues.len())
            .min_by_key(|&w| queues[w].len())
            .unwrap_or(0);
        queues[shortest].extend(members);
    }
    for queue in &mut queues {
        queue.make_contiguous().sort_unstable();
    }
    queues
}

/// Takes the next index for `worker`: from its own queue, or else from the back of the longest
/// other one (so no worker idles while work is left).
fn take(queues: &mut [std::collections::VecDeque<usize>], worker: usize) -> Option<usize> {
    if let Some(i) = queues[worker].pop_front() {
        return Some(i);
    }
    let longest = (0..queues.len()).max_by_key(|&w| queues[w].len())?;
    queues[longest].pop_back()
}

/// The target dir of a parallel mutant grader beyond the first: beside the usual one.
fn worker_target_dir(root: &Path, worker: usize) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_relative() { root.join(p) } else { p })
        .unwrap_or_else(|| root.join("target"));
    base.join("syskata").join(format!("verify-{worker}"))
}

/// A wrong solution passed checks that should have caught it (as opposed to not compiling).
#[derive(Debug)]
struct Escaped(String);

impl std::fmt::Display for Escaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Escaped {}

/// Grades one wrong solution: it must fail its stage through every check it names. With a `gate`,
/// the build holds it shared and each run holds it exclusively: no other grading builds or runs
/// while this one runs. With `runs` above 1 it is graded that many times and must be caught in
/// every one (a measurement: `racy` marks then give no extra attempts).
#[allow(clippy::too_many_arguments)]
fn grade_mutant(
    app: &App,
    drill: &Drill,
    dir: &Path,
    reference: &str,
    mutant: &Mutant,
    scratch: &Path,
    target: Option<&Path>,
    gate: Option<&std::sync::RwLock<()>>,
    runs: u32,
) -> Result<String> {
    let (index, _) = drill.stage(&mutant.stage)?;
    let source = mutant_source(dir, reference, mutant)?;
    std::fs::create_dir_all(scratch)?;
    let file: PathBuf = scratch.join(format!("{}-{}.rs", drill.name, mutant.name));
    std::fs::write(&file, source)?;
    let req = Request {
        drill,
        stages: vec![index],
        compile_also: (0..index).collect(),
        subject: Subject::Mutant(file),
        // Only the checks it names: they are what must fail, and the rest of the stage would only
        // cost time (verify grades hundreds of wrong solutions).
        checks: mutant.catches.clone(),
        seed: None,
        color: false,
    };
    if let Some(gate) = gate {
        let _building = gate.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(log) = grade::build_in(&app.root, &req, target)? {
            bail!("does not compile:\n{log}");
        }
    }
    if runs > 1 {
        let mut caught = 0;
        for _ in 0..runs {
            if run_once(app, &req, target, gate, mutant)?.is_empty() {
                caught += 1;
            }
        }
        let rate = format!(
            "caught in {caught} of {runs} runs via {}",
            mutant.catches.join(", ")
        );
        if caught < runs {
            return Err(Escaped(format!("{rate} — {}", mutant.about)).into());
        }
        return Ok(rate);
    }
    let tries = mutant.racy.map_or(1, |r| r.attempts.max(1));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let missed = run_once(app, &req, target, gate, mutant)?;
        if !missed.is_empty() && attempt < tries {
            continue;
        }
        if !missed.is_empty() {
            return Err(Escaped(format!(
                "{} — but these checks PASSED on it in {attempt} runs: {} (the suite no longer catches it)",
                mutant.about,
                missed.join(", ")
            ))
            .into());
        }
        let runs = match mutant.racy {
            Some(r) => format!(
                " (caught on run {attempt} of up to {tries}; measured {}/20, short of the 20/20 bar)",
                r.caught_of_20
            ),
            None => String::new(),
        };
        return Ok(format!(
            "fails stage {} via {}{runs} — {}",
            mutant.stage,
            mutant.catches.join(", "),
            mutant.about
        ));
    }
}

/// Runs the checks `mutant` names once, alone on the machine when `gate` is given, and returns
/// those that passed on it (empty: caught).
fn run_once<'m>(
    app: &App,
    req: &Request,
    target: Option<&Path>,
    gate: Option<&std::sync::RwLock<()>>,
    mutant: &'m Mutant,
) -> Result<Vec<&'m str>> {
    let _alone = gate.map(|g| g.write().unwrap_or_else(PoisonError::into_inner));
    let results = match grade::run_in(&app.root, req, target, || {})? {
        Graded::Ran(r) | Graded::Killed(r, _) => r,
        Graded::BuildFailed(log) => bail!("does not compile:\n{log}"),
    };
    let mut missed = Vec::new();
    for name in &mutant.catches {
        match results.iter().find(|r| &r.check == name) {
            None => bail!(
                "names check {name:?}, which stage {} does not have",
                mutant.stage
            ),
            Some(r) if r.passed() => missed.push(name.as_str()),
            Some(_) => {}
        }
    }
    Ok(missed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(patches: &[(&str, &str)]) -> Mutant {
        Mutant {
            name: "m".into(),
            stage: "basics".into(),
            about: "a".into(),
            catches: vec!["c".into()],
            file: None,
            racy: None,
            patches: patches
                .iter()
                .map(|(f, r)| Patch {
                    find: f.to_string(),
                    replace: r.to_string(),
                })
                .collect(),
        }
    }

    fn on_stage(name: &str, stage: &str) -> Mutant {
        Mutant {
            name: name.to_owned(),
            stage: stage.to_owned(),
            ..mutant(&[])
        }
    }

    #[test]
    fn each_stage_stays_on_one_worker_and_no_worker_idles_while_work_is_left() {
        let list = [
            on_stage("a1", "a"),
            on_stage("b1", "b"),
            on_stage("a2", "a"),
            on_stage("c1", "c"),
            on_stage("a3", "a"),
            on_stage("b2", "b"),
        ];
        let refs: Vec<&Mutant> = list.iter().collect();
        let mut queues = queues_by_stage(&refs, 2);
        assert_eq!(queues[0], [0, 2, 4], "the biggest stage, a, fills worker 0");
        assert_eq!(
            queues[1],
            [1, 3, 5],
            "b then c go to the shorter queue, in list order"
        );
        let mut order = Vec::new();
        while let Some(i) = take(&mut queues, 1) {
            order.push(i);
        }
        assert_eq!(
            order,
            [1, 3, 5, 4, 2, 0],
            "worker 1 then steals from the back of worker 0"
        );
        assert_eq!(take(&mut queues, 0), None);
        assert!(queues_by_stage(&[], 2).iter().all(|q| q.is_empty()));
    }

    #[test]
    fn patches_apply_in_order_to_the_reference() {
        let src = mutant_source(
            Path::new("."),
            "a b c",
            &mutant(&[("b", "x"), ("x c", "y")]),
        )
        .unwrap();
        assert_eq!(src, "a y");
    }

    #[test]
    fn a_patch_that_no_longer_matches_exactly_once_is_an_error() {
        assert!(mutant_source(Path::new("."), "a b", &mutant(&[("z", "x")])).is_err());
        assert!(mutant_source(Path::new("."), "b b", &mutant(&[("b", "x")])).is_err());
    }

    #[test]
    fn files_are_joined_in_order_and_patched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "fn a() {}").unwrap();
        std::fs::write(dir.path().join("b.rs"), "fn b() { x }").unwrap();
        let mut m = mutant(&[("x", "y")]);
        m.file = Some(Files::Many(vec!["a.rs".into(), "b.rs".into()]));
        assert_eq!(
            mutant_source(dir.path(), "unused", &m).unwrap(),
            "fn a() {}\nfn b() { y }\n"
        );
    }

    #[test]
    fn a_mutant_needs_a_file_or_patches() {
        assert!(mutant_source(Path::new("."), "a", &mutant(&[])).is_err());
    }
}
