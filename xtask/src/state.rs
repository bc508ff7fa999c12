//! The learner's progress: which stages passed and which hints were shown, kept in `.syskata/progress.toml`.
//!
//! The file is git-ignored, written atomically (temporary file, fsync, rename), and refers to stages by
//! their stable slugs, so a newer syskata with more drills or stages keeps every earlier pass. A file
//! that cannot be read is moved aside as a backup with a clear message, never a crash.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::catalog::Drill;

/// The version written into new progress files.
pub const VERSION: u32 = 1;

/// Everything syskata remembers about a learner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The format version of this file.
    pub version: u32,
    /// The drill `next`, `hint` and `prompt` work on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Per drill: what was passed and which hints were shown.
    #[serde(default)]
    pub drills: BTreeMap<String, DrillProgress>,
}

/// What a learner has done in one drill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillProgress {
    /// Slugs of the passed stages.
    #[serde(default)]
    pub passed: Vec<String>,
    /// Per stage slug, how many hints were shown.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
}

/// Where one stage stands for the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    /// Passed before; re-graded as regression.
    Passed,
    /// The first stage not passed yet: the one being worked on.
    Current,
    /// Not reachable yet: never run, never printed.
    Locked,
}

impl StageState {
    /// Returns the word `status --json` uses.
    pub fn word(self) -> &'static str {
        match self {
            StageState::Passed => "passed",
            StageState::Current => "current",
            StageState::Locked => "locked",
        }
    }
}

impl Progress {
    /// Returns the progress of `drill` (empty if none yet).
    pub fn drill(&self, drill: &str) -> DrillProgress {
        self.drills.get(drill).cloned().unwrap_or_default()
    }

    /// Returns the progress of `drill` for changing.
    pub fn drill_mut(&mut self, drill: &str) -> &mut DrillProgress {
        self.drills.entry(drill.to_owned()).or_default()
    }

    /// Records that `stage` of `drill` passed.
    pub fn mark_passed(&mut self, drill: &str, stage: &str) {
        let p = self.drill_mut(drill);
        if !p.passed.iter().any(|s| s == stage) {
            p.passed.push(stage.to_owned());
        }
    }
}

/// Returns the state of every stage of `drill`: passed stages, then the first unpassed one as current,
/// the rest locked. Slugs in the progress that the catalog no longer has are ignored.
pub fn stage_states(drill: &Drill, progress: &DrillProgress) -> Vec<StageState> {
    let mut seen_current = false;
    drill
        .stages
        .iter()
        .map(|stage| {
            if progress.passed.iter().any(|p| p == &stage.slug) {
                StageState::Passed
            } else if !seen_current {
                seen_current = true;
                StageState::Current
            } else {
                StageState::Locked
            }
        })
        .collect()
}

/// Returns the index of the current stage, or `None` when every stage passed.
pub fn current_stage(drill: &Drill, progress: &DrillProgress) -> Option<usize> {
    stage_states(drill, progress)
        .iter()
        .position(|s| *s == StageState::Current)
}

/// Returns the stages to grade, current first and then every passed one in order.
pub fn grading_order(drill: &Drill, progress: &DrillProgress) -> Vec<usize> {
    let states = stage_states(drill, progress);
    let mut order: Vec<usize> = states
        .iter()
        .position(|s| *s == StageState::Current)
        .into_iter()
        .collect();
    order.extend((0..states.len()).filter(|&i| states[i] == StageState::Passed));
    order
}

/// How loading the progress file went.
#[derive(Debug)]
pub enum Loaded {
    /// No file yet: a first run.
    Fresh(Progress),
    /// The file was read.
    Found(Progress),
    /// The file was unreadable; it was moved to `backup` and an empty progress starts.
    Recovered {
        /// The fresh progress.
        progress: Progress,
        /// Where the unreadable file now is.
        backup: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
}

/// The progress file and the directory it lives in.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// Returns the store of the workspace at `root` (`root/.syskata`).
    pub fn new(root: &Path) -> Self {
        Store {
            dir: root.join(".syskata"),
        }
    }

    /// Returns the directory of local learner state.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the path of the progress file.
    pub fn path(&self) -> PathBuf {
        self.dir.join("progress.toml")
    }

    /// Loads the progress, moving an unreadable file aside instead of failing.
    pub fn load(&self) -> Result<Loaded> {
        let path = self.path();
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded::Fresh(Progress {
                    version: VERSION,
                    ..Progress::default()
                }))
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let parsed = String::from_utf8(text)
            .map_err(|_| "it is not UTF-8 text".to_owned())
            .and_then(|t| toml::from_str::<Progress>(&t).map_err(|e| e.message().to_owned()))
            .and_then(|p| {
                if p.version > VERSION {
                    Err(format!(
                        "it was written by a newer syskata (format {}, this one reads up to {VERSION})",
                        p.version
                    ))
                } else {
                    Ok(p)
                }
            });
        match parsed {
            Ok(progress) => Ok(Loaded::Found(progress)),
            Err(reason) => {
                let backup = move_aside(&path)?;
                Ok(Loaded::Recovered {
                    progress: Progress {
                        version: VERSION,
                        ..Progress::default()
                    },
                    backup,
                    reason,
                })
            }
        }
    }

    /// Writes the progress atomically: a crash leaves either the old file or the new one.
    pub fn save(&self, progress: &Progress) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let text = format!(
            "# Your syskata progress. Written by `cargo xtask`; safe to delete (you would start over).\n{}",
            toml::to_string(progress).context("cannot encode the progress")?
        );
        write_atomic(&self.path(), &text)
    }
}

/// Replaces `path` with `text` atomically (temporary file beside it, fsync, rename): a crash leaves
/// either the old file or the new one. The directory must exist.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!("{name}.tmp-{}", std::process::id()));
    {
        let mut file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

/// Moves an unreadable state file aside as `<name>.corrupt-<time>` and returns where it went.
pub fn move_aside(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let backup = path.with_file_name(format!("{name}.corrupt-{}", crate::util::timestamp()));
    std::fs::rename(path, &backup)
        .with_context(|| format!("cannot move the unreadable {} aside", path.display()))?;
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn drill() -> Drill {
        let mut text = String::from("name = \"lru\"\ntitle = \"t\"\norder = 1\nsummary = \"s\"\n");
        for slug in ["a", "b", "c", "d"] {
            text.push_str(&format!(
                "[[stage]]\nslug = \"{slug}\"\ntitle = \"{slug}\"\nprompt = \"{slug}.md\"\ntime_limit_secs = 5\n"
            ));
        }
        catalog::parse(&text).unwrap()
    }

    fn passed(slugs: &[&str]) -> DrillProgress {
        DrillProgress {
            passed: slugs.iter().map(|s| s.to_string()).collect(),
            ..DrillProgress::default()
        }
    }

    use StageState::{Current as C, Locked as L, Passed as P};

    #[test]
    fn a_new_drill_has_its_first_stage_current_and_the_rest_locked() {
        assert_eq!(stage_states(&drill(), &passed(&[])), [C, L, L, L]);
        assert_eq!(grading_order(&drill(), &passed(&[])), [0]);
    }

    #[test]
    fn passing_a_stage_unlocks_exactly_the_next_one_and_grading_puts_it_first() {
        assert_eq!(stage_states(&drill(), &passed(&["a", "b"])), [P, P, C, L]);
        assert_eq!(grading_order(&drill(), &passed(&["a", "b"])), [2, 0, 1]);
    }

    #[test]
    fn a_complete_drill_has_no_current_stage_and_regrades_everything() {
        let p = passed(&["a", "b", "c", "d"]);
        assert_eq!(current_stage(&drill(), &p), None);
        assert_eq!(grading_order(&drill(), &p), [0, 1, 2, 3]);
    }

    #[test]
    fn a_stage_added_by_an_update_becomes_current_and_earlier_passes_are_kept() {
        // The learner passed a, b, d under an older catalog where c did not exist yet.
        let p = passed(&["a", "b", "d", "gone"]);
        assert_eq!(stage_states(&drill(), &p), [P, P, C, P]);
        assert_eq!(grading_order(&drill(), &p), [2, 0, 1, 3]);
    }

    #[test]
    fn progress_round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut p = Progress {
            version: VERSION,
            current: Some("lru".into()),
            ..Progress::default()
        };
        p.mark_passed("lru", "basics");
        p.mark_passed("lru", "basics");
        p.drill_mut("lru").hints.insert("ttl".into(), 2);
        store.save(&p).unwrap();
        match store.load().unwrap() {
            Loaded::Found(back) => assert_eq!(back, p),
            other => panic!("expected the saved progress, got {other:?}"),
        }
        assert_eq!(p.drill("lru").passed, ["basics"]);
    }

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Store::new(dir.path()).load().unwrap(),
            Loaded::Fresh(_)
        ));
    }

    #[test]
    fn a_corrupted_file_is_moved_aside_with_a_reason_and_progress_starts_empty() {
        for garbage in [
            &b"current = [[[ not toml"[..],
            &b"\xff\xfe\x00binary"[..],
            &b"version = 99\n"[..],
        ] {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::new(dir.path());
            std::fs::create_dir_all(store.dir()).unwrap();
            std::fs::write(store.path(), garbage).unwrap();
            match store.load().unwrap() {
                Loaded::Recovered {
                    progress,
                    backup,
                    reason,
                } => {
                    assert_eq!(progress.drills.len(), 0);
                    assert_eq!(
                        std::fs::read(&backup).unwrap(),
                        garbage,
                        "the backup keeps the bytes"
                    );
                    assert!(!store.path().exists());
                    assert!(!reason.is_empty());
                }
                other => panic!("expected a recovery, got {other:?}"),
            }
        }
    }

    #[test]
    fn saving_leaves_no_temporary_files_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.save(&Progress::default()).unwrap();
        store.save(&Progress::default()).unwrap();
        let names: Vec<_> = std::fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["progress.toml"]);
    }
}
