//! The rule map of a drill: every rule its prompts state, the checks aimed at it, and its rubric dimension.
//!
//! `checker/<drill>/rules.toml` lists one `[[rule]]` per rule or probed edge case of a stage's prompt.
//! A rule quotes the prompt (a verbatim piece of a bullet of `## Rules` or `## Edge cases we will
//! probe`), names the deterministic checks aimed at it, optionally the random checks that add
//! coverage, and carries a rubric dimension. `verify` proves the map complete: every bullet is quoted
//! by a rule, every quote is in its prompt, every rule has a deterministic check that exists, and every
//! check serves a rule. The runner uses the map to show a failing check's rule in the prompt's words
//! and to group failures by dimension.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::catalog::Drill;
use crate::grade::CheckResult;
use crate::ui;

/// A dimension of the interview rubric that a check grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The stated behaviour on ordinary inputs.
    Correctness,
    /// Boundaries and odd inputs: 0, 1, limits, empty, non-ASCII, ties.
    EdgeCase,
    /// The cost a stage demands (O(1), O(log n), cost that follows the work).
    Complexity,
    /// Behaviour under threads: no lost update, no over-admission, no deadlock.
    Concurrency,
    /// What survives a crash or a restart.
    Durability,
    /// Which error comes back, and that an error leaves no partial effect.
    ErrorHandling,
}

impl Dimension {
    /// Returns the dimension's snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Correctness => "correctness",
            Dimension::EdgeCase => "edge_case",
            Dimension::Complexity => "complexity",
            Dimension::Concurrency => "concurrency",
            Dimension::Durability => "durability",
            Dimension::ErrorHandling => "error_handling",
        }
    }
}

/// The rule map of one drill.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMap {
    /// Every rule, in prompt order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// One rule a stage's prompt states.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The slug of the stage whose prompt states it.
    pub stage: String,
    /// A verbatim piece of a bullet of that prompt (whitespace may differ).
    pub quote: String,
    /// The rubric dimension it grades.
    pub dimension: Dimension,
    /// Deterministic checks aimed at it: `check` (looked up in this stage, then earlier ones) or
    /// `stage::check`.
    pub checks: Vec<String>,
    /// Random checks (model comparisons, fuzzing) that cover it as well.
    #[serde(default)]
    pub random: Vec<String>,
}

/// Returns the path of a drill's rule map.
pub fn path(root: &Path, drill: &str) -> std::path::PathBuf {
    root.join("checker").join(drill).join("rules.toml")
}

impl RuleMap {
    /// Reads and parses a drill's rule map.
    pub fn load(root: &Path, drill: &str) -> Result<RuleMap> {
        let path = path(root, drill);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))
    }

    /// Reads a drill's rule map, or returns an empty one when it is missing or broken (the runner
    /// only decorates messages with it; `verify` reports the problem).
    pub fn load_or_empty(root: &Path, drill: &str) -> RuleMap {
        RuleMap::load(root, drill).unwrap_or(RuleMap { rules: Vec::new() })
    }

    /// Returns the rules that name `check` of `stage`, deterministic ones first.
    pub fn rules_of<'a>(&'a self, drill: &Drill, stage: &str, check: &str) -> Vec<&'a Rule> {
        let names = |list: &'a [String], rule: &Rule| {
            list.iter().any(|c| {
                resolve(drill, &rule.stage, c).is_some_and(|(s, n)| s == stage && n == check)
            })
        };
        let mut out: Vec<&Rule> = self.rules.iter().filter(|r| names(&r.checks, r)).collect();
        out.extend(self.rules.iter().filter(|r| names(&r.random, r)));
        out
    }

    /// Returns the dimension of a check: that of the first rule naming it.
    pub fn dimension_of(&self, drill: &Drill, stage: &str, check: &str) -> Option<Dimension> {
        self.rules_of(drill, stage, check)
            .first()
            .map(|r| r.dimension)
    }
}

/// Rewrites the `rule:` line of each failing check's message into the prompt's own words: the
/// bullet(s) of the prompt its rules quote, and the rubric dimension it grades. Messages of checks the
/// map does not know are left as the harness wrote them.
pub fn in_prompt_words(root: &Path, drill: &Drill, results: &mut [CheckResult]) {
    let map = RuleMap::load_or_empty(root, &drill.name);
    if map.rules.is_empty() {
        return;
    }
    let mut prompts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in results
        .iter_mut()
        .filter(|r| !r.passed() && r.status != "skipped")
    {
        let rules = map.rules_of(drill, &r.stage, &r.check);
        let Some(first) = rules.first() else { continue };
        let mut bullets: Vec<String> = Vec::new();
        for rule in &rules {
            let stated = prompts.entry(rule.stage.as_str()).or_insert_with(|| {
                drill
                    .stages
                    .iter()
                    .find(|s| s.slug == rule.stage)
                    .and_then(|s| {
                        std::fs::read_to_string(crate::catalog::prompt_path(root, drill, s)).ok()
                    })
                    .map(|raw| stated(&prompt_only(&raw)))
                    .unwrap_or_default()
            });
            let quote = normalise(&rule.quote);
            let bullet = stated
                .iter()
                .find(|b| b.contains(&quote))
                .cloned()
                .unwrap_or(quote);
            if !bullets.contains(&bullet) {
                bullets.push(bullet);
            }
        }
        bullets.truncate(2);
        let head = format!(
            "rule [{}]: {}",
            first.dimension.name().replace('_', " "),
            bullets.join("\n  and: ")
        );
        let rest = match r.message.split_once('\n') {
            Some((line, rest)) if line.starts_with("rule: ") => rest.to_owned(),
            _ => r.message.clone(),
        };
        r.message = format!("{head}\n{rest}");
    }
}

/// Splits a `stage::check` reference, or places a bare check name in `rule_stage`. Returns `None`
/// when the stage is not one of the drill's stages up to `rule_stage` (a rule is graded with its own
/// stage and the earlier ones, never a later one).
fn resolve<'a>(drill: &Drill, rule_stage: &'a str, check: &'a str) -> Option<(&'a str, &'a str)> {
    let (stage, name) = check.split_once("::").unwrap_or((rule_stage, check));
    let rule_index = drill.stages.iter().position(|s| s.slug == rule_stage)?;
    let index = drill.stages.iter().position(|s| s.slug == stage)?;
    (index <= rule_index).then_some((stage, name))
}

/// Returns the bullets of a prompt's `## Rules` and `## Edge cases…` sections, each with its
/// continuation lines joined and whitespace collapsed. Nested bullets are bullets of their own.
pub fn stated(prompt: &str) -> Vec<String> {
    let mut bullets: Vec<String> = Vec::new();
    let mut in_section = false;
    let mut in_fence = false;
    let mut open = false;
    for line in prompt.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with("## ") {
            let heading = line[3..].trim().to_ascii_lowercase();
            in_section = heading == "rules" || heading.starts_with("edge cases");
            open = false;
            continue;
        }
        if !in_section {
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .filter(|_| !in_fence)
        {
            bullets.push(normalise(rest));
            open = true;
        } else if trimmed.is_empty() {
            open = false;
        } else if open && line.starts_with(char::is_whitespace) {
            if let Some(last) = bullets.last_mut() {
                last.push(' ');
                last.push_str(&normalise(trimmed));
            }
        } else {
            open = false;
        }
    }
    bullets
}

/// Collapses runs of whitespace to one space and trims.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What `verify` found about a rule map: the problems, and counts for the summary line.
#[derive(Debug, Default)]
pub struct Audit {
    /// Everything that makes the map incomplete or wrong.
    pub problems: Vec<String>,
    /// Rules in the map.
    pub rules: usize,
    /// Bullets stated by the prompts.
    pub bullets: usize,
    /// Checks registered by the suite.
    pub checks: usize,
}

/// Proves `map` complete against the drill's prompts (`prompts[i]` is stage i's prompt, debrief
/// excluded) and the checks the suite registers (`listed`: `(stage, check)` pairs).
pub fn audit(
    drill: &Drill,
    map: &RuleMap,
    prompts: &[String],
    listed: &[(String, String)],
) -> Audit {
    let mut audit = Audit {
        rules: map.rules.len(),
        checks: listed.len(),
        ..Audit::default()
    };
    let mut served: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (stage, check) in listed {
        served.insert((stage, check), 0);
    }
    let stated: Vec<Vec<String>> = prompts.iter().map(|p| stated(p)).collect();
    audit.bullets = stated.iter().map(Vec::len).sum();
    for (n, rule) in map.rules.iter().enumerate() {
        let label = format!("rule {} ({}: {:?})", n + 1, rule.stage, short(&rule.quote));
        let Some(index) = drill.stages.iter().position(|s| s.slug == rule.stage) else {
            audit
                .problems
                .push(format!("{label}: no stage {:?} in the catalog", rule.stage));
            continue;
        };
        let quote = normalise(&rule.quote);
        if quote.is_empty() {
            audit.problems.push(format!("{label}: the quote is empty"));
        } else if !stated[index].iter().any(|b| b.contains(&quote)) {
            audit.problems.push(format!(
                "{label}: the quote is not in a bullet of the stage's `## Rules` or `## Edge cases` (was the prompt reworded?)"
            ));
        }
        if rule.checks.is_empty() {
            audit.problems.push(format!(
                "{label}: no deterministic check is aimed at it (a random model alone is not enough)"
            ));
        }
        for (list, kind) in [(&rule.checks, "check"), (&rule.random, "random check")] {
            for name in list {
                match resolve(drill, &rule.stage, name) {
                    None => audit.problems.push(format!(
                        "{label}: {kind} {name:?} names a stage that is not this one or an earlier one"
                    )),
                    Some(key) => match served.get_mut(&key) {
                        Some(count) => *count += 1,
                        None => audit.problems.push(format!(
                            "{label}: {kind} {name:?} is not a check of stage {}",
                            key.0
                        )),
                    },
                }
            }
        }
    }
    for (i, bullets) in stated.iter().enumerate() {
        let slug = &drill.stages[i].slug;
        let quotes: Vec<String> = map
            .rules
            .iter()
            .filter(|r| &r.stage == slug)
            .map(|r| normalise(&r.quote))
            .filter(|q| !q.is_empty())
            .collect();
        for bullet in bullets {
            if !quotes.iter().any(|q| bullet.contains(q.as_str())) {
                audit.problems.push(format!(
                    "stage {slug}: the prompt states {:?} but no rule quotes it",
                    short(bullet)
                ));
            }
        }
    }
    for ((stage, check), count) in served {
        if count == 0 {
            audit.problems.push(format!(
                "check {stage}::{check} serves no rule (name it in a rule, or state its rule in the prompt)"
            ));
        }
    }
    audit
}

/// Returns a prompt's text without its debrief.
pub fn prompt_only(raw: &str) -> String {
    ui::split_prompt(raw).0.to_owned()
}

fn short(text: &str) -> String {
    let text = normalise(text);
    if text.chars().count() > 70 {
        let cut: String = text.chars().take(67).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Stage;

    fn drill() -> Drill {
        let stage = |slug: &str| Stage {
            slug: slug.into(),
            title: slug.into(),
            prompt: format!("{slug}.md"),
            time_limit_secs: 5,
            hints: vec!["h".into()],
        };
        Drill {
            name: "d".into(),
            title: "D".into(),
            order: 1,
            summary: "s".into(),
            stages: vec![stage("one"), stage("two")],
        }
    }

    const PROMPT: &str = "# T\n\nIntro - not a bullet.\n\n## API to add\n\n- not a rule\n\n## Rules\n\n- `get` returns the\n  value. A miss changes nothing.\n- Capacity 0 stores nothing.\n  - nested one\n\n## Edge cases we will probe\n\n* an empty cache\n\n```text\n- not a bullet in a fence\n```\n";

    fn map(text: &str) -> RuleMap {
        toml::from_str(text).expect("parses")
    }

    fn listed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(s, c)| (s.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn bullets_of_rules_and_edge_cases_are_stated_and_joined() {
        assert_eq!(
            stated(PROMPT),
            [
                "`get` returns the value. A miss changes nothing.",
                "Capacity 0 stores nothing.",
                "nested one",
                "an empty cache",
            ]
        );
    }

    const COMPLETE: &str = r#"
[[rule]]
stage = "one"
quote = "`get` returns the value."
dimension = "correctness"
checks = ["get_returns"]
[[rule]]
stage = "one"
quote = "Capacity 0"
dimension = "edge_case"
checks = ["zero"]
random = ["model"]
[[rule]]
stage = "one"
quote = "nested one"
dimension = "edge_case"
checks = ["zero"]
[[rule]]
stage = "one"
quote = "an empty   cache"
dimension = "edge_case"
checks = ["get_returns"]
"#;

    #[test]
    fn a_complete_map_has_no_problems_and_gives_each_check_its_first_dimension() {
        let d = drill();
        let m = map(COMPLETE);
        let checks = listed(&[("one", "get_returns"), ("one", "zero"), ("one", "model")]);
        let a = audit(&d, &m, &[PROMPT.into(), String::new()], &checks);
        assert_eq!(a.problems, Vec::<String>::new());
        assert_eq!((a.rules, a.bullets, a.checks), (4, 4, 3));
        assert_eq!(m.dimension_of(&d, "one", "zero"), Some(Dimension::EdgeCase));
        assert_eq!(
            m.dimension_of(&d, "one", "model"),
            Some(Dimension::EdgeCase)
        );
        assert_eq!(m.dimension_of(&d, "one", "nope"), None);
    }

    #[test]
    fn an_unquoted_bullet_an_orphan_check_and_a_missing_check_are_problems() {
        let d = drill();
        let m = map(&COMPLETE.replace("quote = \"nested one\"", "quote = \"Capacity 0 stores\""));
        let checks = listed(&[
            ("one", "get_returns"),
            ("one", "zero"),
            ("one", "model"),
            ("one", "orphan"),
        ]);
        let a = audit(&d, &m, &[PROMPT.into(), String::new()], &checks);
        assert!(
            a.problems
                .iter()
                .any(|p| p.contains("states \"nested one\"")),
            "{:?}",
            a.problems
        );
        assert!(
            a.problems
                .iter()
                .any(|p| p.contains("one::orphan serves no rule")),
            "{:?}",
            a.problems
        );

        let m =
            map(&COMPLETE.replace("checks = [\"zero\"]\nrandom", "checks = [\"gone\"]\nrandom"));
        let a = audit(&d, &m, &[PROMPT.into(), String::new()], &checks[..3]);
        assert!(
            a.problems
                .iter()
                .any(|p| p.contains("\"gone\" is not a check")),
            "{:?}",
            a.problems
        );
    }

    #[test]
    fn a_rule_backed_only_by_a_random_check_or_quoting_nothing_is_a_problem() {
        let d = drill();
        let m = map(&COMPLETE
            .replace(
                "checks = [\"zero\"]\nrandom = [\"model\"]",
                "checks = []\nrandom = [\"model\", \"zero\"]",
            )
            .replace("an empty   cache", "a full cache"));
        let checks = listed(&[("one", "get_returns"), ("one", "zero"), ("one", "model")]);
        let a = audit(&d, &m, &[PROMPT.into(), String::new()], &checks);
        assert!(
            a.problems
                .iter()
                .any(|p| p.contains("no deterministic check")),
            "{:?}",
            a.problems
        );
        assert!(
            a.problems.iter().any(|p| p.contains("not in a bullet")),
            "{:?}",
            a.problems
        );
        assert!(
            a.problems
                .iter()
                .any(|p| p.contains("states \"an empty cache\"")),
            "{:?}",
            a.problems
        );
    }

    #[test]
    fn a_failing_check_is_explained_by_its_prompt_bullets_and_dimension() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("checker/d")).unwrap();
        std::fs::create_dir_all(dir.path().join("prompts/d")).unwrap();
        std::fs::write(dir.path().join("checker/d/rules.toml"), COMPLETE).unwrap();
        std::fs::write(dir.path().join("prompts/d/one.md"), PROMPT).unwrap();
        let result = |check: &str, status: &str| CheckResult {
            stage: "one".into(),
            check: check.into(),
            status: status.into(),
            elapsed_ms: 1,
            seed: 1,
            message: format!("rule: {check}\nexpected: 1"),
        };
        let mut results = vec![
            result("zero", "fail"),
            result("get_returns", "pass"),
            result("other", "fail"),
        ];
        in_prompt_words(dir.path(), &drill(), &mut results);
        assert_eq!(
            results[0].message,
            "rule [edge case]: Capacity 0 stores nothing.\n  and: nested one\nexpected: 1"
        );
        assert_eq!(results[1].message, "rule: get_returns\nexpected: 1");
        assert_eq!(results[2].message, "rule: other\nexpected: 1");
    }

    #[test]
    fn a_rule_may_name_a_check_of_an_earlier_stage_but_not_a_later_one() {
        let d = drill();
        assert_eq!(resolve(&d, "two", "one::a"), Some(("one", "a")));
        assert_eq!(resolve(&d, "two", "a"), Some(("two", "a")));
        assert_eq!(resolve(&d, "one", "two::a"), None);
    }
}
