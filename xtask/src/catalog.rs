//! The drill catalog: every `prompts/<drill>/drill.toml`, validated, in the order learners meet them.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::UsageError;

/// One drill as its catalog file describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    /// The drill's name, also its directory under exercises/, solutions/, checker/ and prompts/.
    pub name: String,
    /// A human title (`LRU cache`).
    pub title: String,
    /// Position in listings; lower comes first.
    pub order: u32,
    /// One sentence on what the learner builds.
    pub summary: String,
    /// The stages, in the order they unlock.
    #[serde(rename = "stage")]
    pub stages: Vec<Stage>,
}

/// One stage of a drill.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The stable slug progress files refer to (`basics`).
    pub slug: String,
    /// A human title.
    pub title: String,
    /// The prompt file, relative to `prompts/<drill>/`.
    pub prompt: String,
    /// The watchdog limit of one check, in seconds.
    pub time_limit_secs: u64,
    /// Hints, revealed one per `cargo xtask hint`.
    #[serde(default)]
    pub hints: Vec<String>,
}

impl Drill {
    /// Returns the stage with `slug`, or a usage error naming the valid ones.
    pub fn stage(&self, slug: &str) -> Result<(usize, &Stage)> {
        if let Some(found) = self.stages.iter().enumerate().find(|(_, s)| s.slug == slug) {
            return Ok(found);
        }
        if let Ok(n) = slug.parse::<usize>() {
            if n >= 1 && n <= self.stages.len() {
                return Ok((n - 1, &self.stages[n - 1]));
            }
        }
        let names: Vec<&str> = self.stages.iter().map(|s| s.slug.as_str()).collect();
        Err(UsageError(format!(
            "the {} drill has no stage {slug:?}{}; its stages are {} (or their numbers 1–{})",
            self.name,
            suggestion(slug, &names),
            names.join(", "),
            names.len()
        ))
        .into())
    }

    /// Returns the name of this drill's checker package.
    pub fn checker_package(&self) -> String {
        format!("{}_checker", self.name)
    }
}

/// All drills of the workspace.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The drills, sorted by `order`.
    pub drills: Vec<Drill>,
}

impl Catalog {
    /// Loads and validates every `prompts/*/drill.toml` under `root`.
    pub fn load(root: &Path) -> Result<Catalog> {
        let prompts = root.join("prompts");
        let mut drills = Vec::new();
        let entries = std::fs::read_dir(&prompts).with_context(|| {
            format!(
                "cannot read {} — is this a syskata checkout?",
                prompts.display()
            )
        })?;
        for entry in entries {
            let dir = entry?.path();
            let file = dir.join("drill.toml");
            if !file.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let drill =
                parse(&text).with_context(|| format!("invalid catalog {}", file.display()))?;
            let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if drill.name != dir_name {
                bail!(
                    "{} names the drill {:?} but lives in prompts/{dir_name}/",
                    file.display(),
                    drill.name
                );
            }
            drills.push(drill);
        }
        if drills.is_empty() {
            bail!("no drills found under {}", prompts.display());
        }
        drills.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
        Ok(Catalog { drills })
    }

    /// Returns the drill called `name`, or a usage error naming the valid ones.
    pub fn drill(&self, name: &str) -> Result<&Drill> {
        if let Some(drill) = self.drills.iter().find(|d| d.name == name) {
            return Ok(drill);
        }
        let names: Vec<&str> = self.drills.iter().map(|d| d.name.as_str()).collect();
        Err(UsageError(format!(
            "there is no drill {name:?}{}; the drills are {}",
            suggestion(name, &names),
            names.join(", ")
        ))
        .into())
    }

    /// Returns the first drill a newcomer meets.
    pub fn first(&self) -> &Drill {
        &self.drills[0]
    }
}

/// Parses and validates one catalog file.
pub fn parse(text: &str) -> Result<Drill> {
    let mut table: toml::Table = toml::from_str(text)?;
    // `target_minutes` is read by `target_minutes` below, for mock rounds only; the stage struct
    // does not carry it, so it is taken out (and validated) before the strict parse.
    stage_targets(&mut table)?;
    let drill: Drill = toml::Value::Table(table).try_into()?;
    if drill.stages.is_empty() {
        bail!("the drill {} has no stages", drill.name);
    }
    let mut seen = std::collections::HashSet::new();
    for stage in &drill.stages {
        if !seen.insert(stage.slug.as_str()) {
            bail!("stage slug {:?} appears twice", stage.slug);
        }
        if stage.slug.is_empty()
            || !stage
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            bail!(
                "stage slug {:?} must be lowercase letters, digits and underscores",
                stage.slug
            );
        }
        if stage.time_limit_secs == 0 {
            bail!("stage {} needs a time limit above 0 s", stage.slug);
        }
    }
    Ok(drill)
}

/// Removes every stage's `target_minutes` from a parsed catalog and returns them in stage order.
fn stage_targets(table: &mut toml::Table) -> Result<Vec<Option<u64>>> {
    let Some(toml::Value::Array(stages)) = table.get_mut("stage") else {
        return Ok(Vec::new());
    };
    let mut targets = Vec::new();
    for stage in stages {
        let target = match stage
            .as_table_mut()
            .and_then(|t| t.remove("target_minutes"))
        {
            None => None,
            Some(toml::Value::Integer(n)) if n > 0 => Some(n as u64),
            Some(other) => {
                bail!("target_minutes must be a whole number of minutes above 0, not {other}")
            }
        };
        targets.push(target);
    }
    Ok(targets)
}

/// Returns each stage's target time in a mock round (`target_minutes` in `drill.toml`), in minutes;
/// `None` for a stage without one (or when the file cannot be read: the catalog loaded it before).
pub fn target_minutes(root: &Path, drill: &Drill) -> Vec<Option<u64>> {
    let file = root.join("prompts").join(&drill.name).join("drill.toml");
    let mut targets = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .and_then(|mut table| stage_targets(&mut table).ok())
        .unwrap_or_default();
    targets.resize(drill.stages.len(), None);
    targets
}

/// Returns `" (did you mean X?)"` when one of `names` is close to `wanted`.
pub fn suggestion(wanted: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| (distance(&wanted.to_lowercase(), n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min()
        .map(|(_, n)| format!(" (did you mean {n:?}?)"))
        .unwrap_or_default()
}

/// Returns the Levenshtein distance between `a` and `b`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Returns the path of a stage's prompt file.
pub fn prompt_path(root: &Path, drill: &Drill, stage: &Stage) -> PathBuf {
    root.join("prompts").join(&drill.name).join(&stage.prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "lru"
title = "LRU cache"
order = 1
summary = "s"
[[stage]]
slug = "basics"
title = "Basics"
prompt = "1-basics.md"
time_limit_secs = 5
hints = ["a"]
[[stage]]
slug = "ttl"
title = "TTL"
prompt = "2-ttl.md"
time_limit_secs = 5
"#;

    #[test]
    fn a_valid_catalog_parses_with_stages_in_order() {
        let d = parse(GOOD).unwrap();
        let slugs: Vec<_> = d.stages.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, ["basics", "ttl"]);
        assert!(d.stages[1].hints.is_empty());
    }

    #[test]
    fn target_minutes_are_optional_positive_and_read_per_stage() {
        let text = GOOD.replacen(
            "time_limit_secs = 5\n",
            "time_limit_secs = 5\ntarget_minutes = 12\n",
            1,
        );
        assert_eq!(parse(&text).unwrap().stages.len(), 2);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("prompts/lru")).unwrap();
        std::fs::write(dir.path().join("prompts/lru/drill.toml"), &text).unwrap();
        assert_eq!(
            target_minutes(dir.path(), &parse(&text).unwrap()),
            [Some(12), None]
        );
        for bad in ["0", "\"12\"", "-3"] {
            let text = GOOD.replacen(
                "time_limit_secs = 5\n",
                &format!("time_limit_secs = 5\ntarget_minutes = {bad}\n"),
                1,
            );
            assert!(parse(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_stage_of_every_drill_in_this_workspace_has_a_mock_round_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for drill in Catalog::load(root).unwrap().drills {
            let targets = target_minutes(root, &drill);
            for (stage, target) in drill.stages.iter().zip(targets) {
                assert!(
                    target.is_some(),
                    "prompts/{}/drill.toml: stage {} needs `target_minutes = N` (the mock round's target)",
                    drill.name,
                    stage.slug
                );
            }
        }
    }

    #[test]
    fn duplicate_slugs_are_rejected() {
        let text = GOOD.replace("slug = \"ttl\"", "slug = \"basics\"");
        assert!(parse(&text).unwrap_err().to_string().contains("twice"));
    }

    #[test]
    fn unknown_keys_are_rejected_so_typos_do_not_pass_silently() {
        let text = GOOD.replace(
            "time_limit_secs = 5\nhints",
            "time_limit = 5\ntime_limit_secs = 5\nhints",
        );
        assert!(parse(&text).is_err());
    }

    #[test]
    fn stages_are_found_by_slug_or_number_and_a_typo_gets_a_suggestion() {
        let d = parse(GOOD).unwrap();
        assert_eq!(d.stage("ttl").unwrap().0, 1);
        assert_eq!(d.stage("1").unwrap().1.slug, "basics");
        let err = d.stage("tll").unwrap_err().to_string();
        assert!(err.contains("did you mean \"ttl\"?"), "{err}");
        assert!(d.stage("3").is_err());
    }

    #[test]
    fn suggestions_only_for_close_names() {
        assert_eq!(
            suggestion("ledgr", &["ledger", "lru"]),
            " (did you mean \"ledger\"?)"
        );
        assert_eq!(suggestion("zzzzzz", &["ledger", "lru"]), "");
    }
}
