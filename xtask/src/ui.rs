//! What the runner prints: prompts, grading reports, status tables. Pure functions returning strings,
//! so the CLI's output can be snapshot-tested without running cargo.

use std::fmt::Write as _;

use colored::Colorize;

use crate::catalog::{Catalog, Drill};
use crate::grade::CheckResult;
use crate::state::{stage_states, Progress, StageState};

/// The heading that separates a stage's prompt from the debrief shown after passing it.
pub const DEBRIEF_HEADING: &str = "## Debrief";

/// At most this many failures are printed in full; the rest are listed by name.
const FULL_FAILURES: usize = 3;

/// Splits a prompt file into the prompt and the debrief (everything from `## Debrief` on).
pub fn split_prompt(raw: &str) -> (&str, Option<&str>) {
    let mut offset = 0;
    for line in raw.split_inclusive('\n') {
        if line.trim_end() == DEBRIEF_HEADING {
            return (raw[..offset].trim_end(), Some(raw[offset..].trim_end()));
        }
        offset += line.len();
    }
    (raw.trim_end(), None)
}

/// Renders light Markdown for a terminal: headings stand out, code blocks are indented.
pub fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            let _ = writeln!(out, "    {}", line.cyan());
        } else if let Some(h) = line.strip_prefix("# ") {
            let _ = writeln!(out, "{}", h.bold().underline());
        } else if let Some(h) = line.strip_prefix("## ") {
            let _ = writeln!(out, "{}", h.bold());
        } else if let Some(h) = line.strip_prefix("### ") {
            let _ = writeln!(out, "{}", h.bold());
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// Renders a stage's prompt with its header line.
pub fn prompt(drill: &Drill, index: usize, prompt_md: &str) -> String {
    let stage = &drill.stages[index];
    let head = format!(
        "{} · stage {}/{} · {}",
        drill.name,
        index + 1,
        drill.stages.len(),
        stage.slug
    );
    format!("{}\n\n{}", head.dimmed(), markdown(prompt_md))
}

/// Renders the debrief of a passed stage.
pub fn debrief(drill: &Drill, index: usize, debrief_md: &str) -> String {
    let stage = &drill.stages[index];
    let body = debrief_md
        .strip_prefix(DEBRIEF_HEADING)
        .unwrap_or(debrief_md)
        .trim();
    format!(
        "{}\n{}",
        format!(
            "Debrief · {} stage {}: {}",
            drill.name,
            index + 1,
            stage.title
        )
        .bold(),
        markdown(body)
    )
}

/// Renders the verdict of a grading run. `current` is the slug of the stage being worked on.
pub fn results(drill: &Drill, results: &[CheckResult], current: Option<&str>) -> String {
    let mut out = String::new();
    let mut slugs: Vec<&str> = Vec::new();
    for r in results {
        if !slugs.contains(&r.stage.as_str()) {
            slugs.push(&r.stage);
        }
    }
    for slug in slugs {
        let of_stage: Vec<&CheckResult> = results.iter().filter(|r| r.stage == slug).collect();
        let failing: Vec<&&CheckResult> = of_stage
            .iter()
            .filter(|r| !r.passed() && r.status != "skipped")
            .collect();
        let skipped = of_stage.iter().filter(|r| r.status == "skipped").count();
        let index = drill
            .stages
            .iter()
            .position(|s| s.slug == slug)
            .unwrap_or(0);
        let role = if Some(slug) == current {
            ""
        } else {
            " (regression: passed before)"
        };
        let head = format!(
            "{} · stage {}/{} {}{role}",
            drill.name,
            index + 1,
            drill.stages.len(),
            slug
        );
        if failing.is_empty() && skipped == 0 {
            let _ = writeln!(
                out,
                "{} {head} — {}",
                "✓".green().bold(),
                all_pass(of_stage.len())
            );
            continue;
        }
        let skipped_note = if skipped > 0 {
            format!(", {skipped} not run (after a timeout)")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} {head} — {} of {} checks fail{skipped_note}\n",
            "✗".red().bold(),
            failing.len(),
            of_stage.len()
        );
        for r in failing.iter().take(FULL_FAILURES) {
            let _ = writeln!(out, "  {} {}", "✗".red(), r.check.bold());
            for line in r.message.lines() {
                let _ = writeln!(out, "    {}", paint(line));
            }
            out.push('\n');
        }
        if failing.len() > FULL_FAILURES {
            let rest: Vec<&str> = failing[FULL_FAILURES..]
                .iter()
                .map(|r| r.check.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  … and {} more failing: {}\n",
                rest.len(),
                rest.join(", ")
            );
        }
    }
    out
}

fn all_pass(n: usize) -> String {
    if n == 1 {
        "its 1 check passes".to_owned()
    } else {
        format!("all {n} checks pass")
    }
}

fn paint(line: &str) -> String {
    if line.starts_with("expected:") {
        line.green().to_string()
    } else if line.trim_start().starts_with("got:") {
        line.red().to_string()
    } else if line.starts_with("rule:") || line.starts_with("seed:") {
        line.dimmed().to_string()
    } else {
        line.to_owned()
    }
}

/// Renders the build failure of a grading run.
pub fn build_failure(drill: &Drill, log: &str, stages: &[&str]) -> String {
    let mut out = format!(
        "{} {} · your crate did not compile against the checks of {}\n\n",
        "✗".red().bold(),
        drill.name,
        stages.join(", ")
    );
    out.push_str(log.trim_end());
    out.push_str("\n\n");
    if log.contains("checker/") || log.contains("checker\\") {
        let _ = writeln!(
            out,
            "{}",
            "The errors point into the checker: it calls API that your crate does not have yet, or with\n\
             another signature. The prompt's \"API to add\" section lists it: `cargo xtask prompt`."
                .yellow()
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            format!(
                "Fix the errors in exercises/{}/ and run the command again.",
                drill.name
            )
            .yellow()
        );
    }
    out
}

/// Wraps `text` in an OSC-8 hyperlink to `path` (a `file://` URI) when `on`, else returns it as is.
pub fn link(text: &str, path: &std::path::Path, on: bool) -> String {
    if !on {
        return text.to_owned();
    }
    format!("\x1b]8;;{}\x1b\\{text}\x1b]8;;\x1b\\", file_uri(path))
}

/// Returns the `file://` URI of an absolute path, percent-encoding what a URI cannot hold.
pub fn file_uri(path: &std::path::Path) -> String {
    let raw = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !raw.starts_with('/') {
        out.push('/');
    }
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Renders the items of the graded stages that the learner's crate lacks, in the prompt's words.
/// `file` is the learner's file as printed (possibly a link).
pub fn api_report(drill: &Drill, problems: &[crate::api::Problem], file: &str) -> String {
    use crate::api::Kind;
    let mut out = String::new();
    let mut stages: Vec<&str> = Vec::new();
    for p in problems {
        if !stages.contains(&p.item.stage.as_str()) {
            stages.push(&p.item.stage);
        }
    }
    for slug in stages {
        let index = drill
            .stages
            .iter()
            .position(|s| s.slug == slug)
            .unwrap_or(0);
        let of_stage: Vec<&crate::api::Problem> =
            problems.iter().filter(|p| p.item.stage == slug).collect();
        let _ = writeln!(
            out,
            "{} {} · stage {}/{} {} — {} of the API this stage adds {} not in your crate as the prompt spells {}\n",
            "✗".red().bold(),
            drill.name,
            index + 1,
            drill.stages.len(),
            slug,
            if of_stage.len() == 1 { "one item".to_owned() } else { format!("{} items", of_stage.len()) },
            if of_stage.len() == 1 { "is" } else { "are" },
            if of_stage.len() == 1 { "it" } else { "them" },
        );
        for p in of_stage {
            let word = match p.kind {
                Kind::Missing => "missing:",
                Kind::Differs => "differs:",
            };
            let owner = p
                .item
                .owner
                .as_deref()
                .map(|o| format!("  {}", format!("(in {o})").dimmed()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}{owner}",
                word.red().bold(),
                p.item.signature.bold()
            );
            if let Some(detail) = &p.detail {
                for line in detail.lines() {
                    let _ = writeln!(out, "            {}", line.dimmed());
                }
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}",
        format!(
            "Add or fix {} in {file} as the prompt's \"API to add\" spells {} (`cargo xtask prompt` shows it again), then grade again.",
            if problems.len() == 1 { "it" } else { "them" },
            if problems.len() == 1 { "it" } else { "them" },
        )
        .yellow()
    );
    out
}

fn bar(done: usize, total: usize) -> String {
    let filled = "■".repeat(done);
    let empty = "□".repeat(total - done);
    format!("{}{}", filled.green(), empty.dimmed())
}

/// Renders every drill's stages as passed / current / locked, with progress bars.
pub fn status(catalog: &Catalog, progress: &Progress) -> String {
    let mut out = String::new();
    let width = catalog
        .drills
        .iter()
        .map(|d| d.name.len())
        .max()
        .unwrap_or(0);
    let (mut passed, mut total) = (0, 0);
    for drill in &catalog.drills {
        let states = stage_states(drill, &progress.drill(&drill.name));
        let done = states.iter().filter(|s| **s == StageState::Passed).count();
        passed += done;
        total += states.len();
        let marker = if progress.current.as_deref() == Some(&drill.name) {
            "▶"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "{marker} {:width$}  {} {done}/{}  {}",
            drill.name.bold(),
            bar(done, states.len()),
            states.len(),
            drill.title.dimmed()
        );
        for (stage, state) in drill.stages.iter().zip(&states) {
            let (icon, label) = match state {
                StageState::Passed => ("✓".green().to_string(), "passed".green().to_string()),
                StageState::Current => ("▸".yellow().to_string(), "current".yellow().to_string()),
                StageState::Locked => ("·".dimmed().to_string(), "locked".dimmed().to_string()),
            };
            let _ = writeln!(out, "    {icon} {:24} {label}", stage.slug);
        }
    }
    let _ = writeln!(out, "\n{passed} of {total} stages passed.");
    out
}

/// Returns the status as JSON for scripts and editors.
pub fn status_json(catalog: &Catalog, progress: &Progress) -> String {
    let drills: Vec<serde_json::Value> = catalog
        .drills
        .iter()
        .map(|drill| {
            let states = stage_states(drill, &progress.drill(&drill.name));
            let stages: Vec<serde_json::Value> = drill
                .stages
                .iter()
                .zip(states)
                .map(|(s, state)| {
                    serde_json::json!({"slug": s.slug, "title": s.title, "state": state.word()})
                })
                .collect();
            serde_json::json!({
                "name": drill.name,
                "title": drill.title,
                "current": progress.current.as_deref() == Some(&drill.name),
                "stages": stages,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "drills": drills })).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debrief_is_split_off_at_its_heading() {
        let (p, d) = split_prompt("# Title\nask\n## Debrief\nsecret\n");
        assert_eq!(p, "# Title\nask");
        assert_eq!(d, Some("## Debrief\nsecret"));
        assert_eq!(split_prompt("# T\nonly\n"), ("# T\nonly", None));
    }

    #[test]
    fn a_debrief_heading_inside_text_does_not_split() {
        let (p, d) = split_prompt("# T\nsee ## Debrief later\n");
        assert_eq!(p, "# T\nsee ## Debrief later");
        assert_eq!(d, None);
    }
}

#[cfg(test)]
mod snapshots {
    use super::*;
    use crate::catalog;
    use crate::state::Progress;

    fn catalog() -> Catalog {
        let mut drills = Vec::new();
        for (name, order, slugs) in [
            ("lru", 1, &["basics", "ttl", "concurrent"][..]),
            ("ledger", 2, &["accounts", "idempotency"][..]),
        ] {
            let mut text = format!("name = \"{name}\"\ntitle = \"The {name} drill\"\norder = {order}\nsummary = \"s\"\n");
            for slug in slugs {
                text.push_str(&format!(
                    "[[stage]]\nslug = \"{slug}\"\ntitle = \"Stage {slug}\"\nprompt = \"{slug}.md\"\ntime_limit_secs = 5\nhints = [\"h\"]\n"
                ));
            }
            drills.push(catalog::parse(&text).unwrap());
        }
        Catalog { drills }
    }

    fn result(stage: &str, check: &str, status: &str, message: &str) -> CheckResult {
        CheckResult {
            stage: stage.into(),
            check: check.into(),
            status: status.into(),
            elapsed_ms: 1,
            seed: 4242,
            message: message.into(),
        }
    }

    #[test]
    fn status_shows_passed_current_and_locked_stages() {
        colored::control::set_override(false);
        let mut progress = Progress {
            current: Some("lru".into()),
            ..Progress::default()
        };
        progress.mark_passed("lru", "basics");
        insta::assert_snapshot!(status(&catalog(), &progress));
    }

    #[test]
    fn status_json_lists_every_stage_with_its_state() {
        let mut progress = Progress {
            current: Some("lru".into()),
            ..Progress::default()
        };
        progress.mark_passed("lru", "basics");
        insta::assert_snapshot!(status_json(&catalog(), &progress));
    }

    #[test]
    fn a_prompt_renders_its_header_and_hides_the_debrief() {
        colored::control::set_override(false);
        let raw = "# Entries expire\n\nNow every entry carries a time-to-live.\n\n## API to add\n\n```rust\npub fn put_with_ttl(&mut self, key: K, value: V, ttl_ms: u64) -> Option<V>\n```\n\n## Debrief\n\nSecret.\n";
        let (p, _) = split_prompt(raw);
        insta::assert_snapshot!(prompt(&catalog().drills[0], 1, p));
    }

    #[test]
    fn a_failure_report_shows_scenario_expected_got_and_seed_and_lists_extra_failures() {
        colored::control::set_override(false);
        let message = "rule: get refreshes recency\nscenario:\n  a cache of capacity 2\nsteps:\n  put(1, \"a\")\n  put(2, \"b\")\n  get(&1) -> Some(\"a\")\n  put(3, \"c\")\nget(&1): key 1 was used after key 2, so key 2 is the one to evict\nexpected: Some(\"a\")\n     got: None\nseed: 4242 (replay the same scenario: SYSKATA_SEED=4242 cargo xtask test lru)";
        let results = vec![
            result("ttl", "expired_entry_is_a_miss", "pass", ""),
            result("ttl", "get_refreshes_recency", "fail", message),
            result("ttl", "b", "fail", "rule: b\nexpected: 1\n     got: 2"),
            result(
                "ttl",
                "c",
                "timeout",
                "rule: c\ntimed out after 5 s — possible deadlock or endless loop",
            ),
            result("ttl", "d", "skipped", "rule: d\nnot run"),
            result("basics", "get_returns_what_put_stored", "pass", ""),
        ];
        insta::assert_snapshot!(results_text(&results));
    }

    fn results_text(r: &[CheckResult]) -> String {
        results(&catalog().drills[0], r, Some("ttl"))
    }

    fn api_problems() -> Vec<crate::api::Problem> {
        use crate::api::{Item, Kind, Problem};
        let item = |owner: Option<&str>, signature: &str| Item {
            stage: "ttl".into(),
            owner: owner.map(str::to_owned),
            signature: signature.into(),
        };
        vec![
            Problem {
                item: item(
                    Some("LruCache"),
                    "pub fn put_with_ttl(&mut self, key: K, value: V, ttl_ms: u64) -> Option<V>",
                ),
                kind: Kind::Missing,
                detail: None,
            },
            Problem {
                item: item(Some("LruCache"), "pub fn purge_expired(&mut self) -> usize"),
                kind: Kind::Differs,
                detail: Some("expected fn pointer `for<'a> fn(&'a mut LruCache<u32, u32>) -> usize`\n   found fn item `for<'a> fn(&'a LruCache<u32, u32>) -> usize {LruCache::<u32, u32>::purge_expired}`".into()),
            },
        ]
    }

    #[test]
    fn the_api_report_names_each_item_as_the_prompt_spells_it_without_links() {
        colored::control::set_override(false);
        let file = link(
            "exercises/lru/src/lib.rs",
            std::path::Path::new("/home/me/syskata/exercises/lru/src/lib.rs"),
            false,
        );
        insta::assert_snapshot!(api_report(&catalog().drills[0], &api_problems(), &file));
    }

    #[test]
    fn the_api_report_links_the_learners_file_when_links_are_on() {
        colored::control::set_override(false);
        let file = link(
            "exercises/lru/src/lib.rs",
            std::path::Path::new("/home/me/sys kata/exercises/lru/src/lib.rs"),
            true,
        );
        insta::assert_snapshot!(api_report(&catalog().drills[0], &api_problems(), &file));
    }

    #[test]
    fn a_build_failure_in_checker_code_points_to_the_prompts_api_section() {
        colored::control::set_override(false);
        let log = "error[E0599]: no method named `put_with_ttl` found for struct `LruCache`\n --> checker/lru/src/ttl.rs:20:7";
        insta::assert_snapshot!(build_failure(&catalog().drills[0], log, &["ttl", "basics"]));
    }
}
