//! The API check: the learner's crate is compiled against each unlocked stage's API file first, and what is missing is reported as the prompt spells it.
//!
//! `checker/<d>/api/<slug>.rs` names every item of a stage's "API to add" once: a comment line
//! `// api: <signature as the prompt writes it>` (or `// api Owner: …` for an item of a type or an
//! impl) followed by Rust that fails to compile exactly when that item is missing or differs, with the
//! crate under test named `drill`. Before grading, the learner's crate is built on its own (its own
//! errors print as rustc prints them), then the API files of the graded stages are compiled against it
//! with rustc's JSON diagnostics, and each error is mapped back to the `// api` line above it. No
//! path under `checker/` and no line of the API file is ever shown to the learner.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::catalog::Drill;

/// One item of a stage's "API to add".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The stage slug.
    pub stage: String,
    /// The type or impl it belongs to, when the file names one (`LruCache`).
    pub owner: Option<String>,
    /// The signature as the prompt spells it.
    pub signature: String,
}

/// How an item of the learner's crate falls short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not there at all (no such method, type, field or variant).
    Missing,
    /// There, with another signature (types, receiver, bounds).
    Differs,
}

/// One item the learner's crate lacks, with rustc's short explanation for a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The item.
    pub item: Item,
    /// Missing or different.
    pub kind: Kind,
    /// For a difference: rustc's note in the learner's types (`expected fn pointer …, found …`).
    pub detail: Option<String>,
}

/// The API files of some stages joined into one source, with where each item's lines are.
#[derive(Debug, Clone)]
pub struct Assembled {
    /// The generated crate's source.
    pub source: String,
    /// Per item: its first and last line (1-based, inclusive) in `source`.
    pub items: Vec<(usize, usize, Item)>,
    /// Per stage: its first and last line in `source`, and the API file it came from.
    pub files: Vec<(usize, usize, String, PathBuf)>,
}

/// Returns the API file of `slug` in `drill`.
pub fn file(root: &Path, drill: &str, slug: &str) -> PathBuf {
    root.join("checker")
        .join(drill)
        .join("api")
        .join(format!("{slug}.rs"))
}

/// Parses an `// api` comment line: the owner (if any) and the signature.
pub fn parse_api_line(line: &str) -> Option<(Option<String>, String)> {
    let rest = line.trim().strip_prefix("// api")?;
    let (owner, signature) = if let Some(sig) = rest.strip_prefix(':') {
        (None, sig)
    } else {
        let rest = rest.strip_prefix(' ')?;
        let (owner, sig) = rest.split_once(':')?;
        let owner = owner.trim();
        if owner.is_empty() || owner.contains(char::is_whitespace) {
            return None;
        }
        (Some(owner.to_owned()), sig)
    };
    let signature = signature.trim().trim_end_matches([';', ',']).trim_end();
    (!signature.is_empty()).then(|| (owner, signature.to_owned()))
}

/// Joins the API files of `stages` (slugs with their sources) into one crate.
pub fn assemble(stages: &[(String, PathBuf, String)]) -> Assembled {
    let mut source = String::from("#![allow(warnings)]\n");
    let mut line = 1;
    let mut items: Vec<(usize, usize, Item)> = Vec::new();
    let mut files = Vec::new();
    for (slug, path, text) in stages {
        source.push_str(&format!("mod api_{slug} {{\n"));
        line += 1;
        let first = line + 1;
        let mut open: Option<(usize, Item)> = None;
        for l in text.lines() {
            line += 1;
            if let Some((owner, signature)) = parse_api_line(l) {
                if let Some((start, item)) = open.take() {
                    items.push((start, line - 1, item));
                }
                open = Some((
                    line,
                    Item {
                        stage: slug.clone(),
                        owner,
                        signature,
                    },
                ));
            }
            source.push_str(l);
            source.push('\n');
        }
        if let Some((start, item)) = open.take() {
            items.push((start, line, item));
        }
        files.push((first, line, slug.clone(), path.clone()));
        source.push_str("}\n");
        line += 1;
    }
    Assembled {
        source,
        items,
        files,
    }
}

/// Reads the API files of `stages` (indices) that exist; stages without one are skipped.
pub fn read_stages(
    root: &Path,
    drill: &Drill,
    stages: &[usize],
) -> Result<Vec<(String, PathBuf, String)>> {
    let mut sorted = stages.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::new();
    for i in sorted {
        let slug = &drill.stages[i].slug;
        let path = file(root, &drill.name, slug);
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            out.push((slug.clone(), path, text));
        }
    }
    Ok(out)
}

/// One error of rustc's JSON output.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `E0599` and the like, if rustc gave one.
    pub code: Option<String>,
    /// The headline.
    pub message: String,
    /// The first note, if any (`expected fn pointer … found fn item …`).
    pub note: Option<String>,
    /// The primary span's line in the generated source, if it lies there.
    pub line: Option<usize>,
    /// rustc's rendering (for maintainers).
    pub rendered: String,
}

/// Parses rustc's `--error-format=json` lines into its errors (warnings and summaries dropped).
pub fn parse_diagnostics(json: &str, source_name: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for line in json.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["level"] != "error" {
            continue;
        }
        let message = v["message"].as_str().unwrap_or_default().to_owned();
        let spans = v["spans"].as_array().cloned().unwrap_or_default();
        if spans.is_empty() && message.starts_with("aborting due to") {
            continue;
        }
        let line = spans
            .iter()
            .find(|s| s["is_primary"] == true)
            .filter(|s| {
                s["file_name"]
                    .as_str()
                    .is_some_and(|f| Path::new(f).file_name() == Path::new(source_name).file_name())
            })
            .and_then(|s| s["line_start"].as_u64())
            .map(|n| n as usize);
        let note = v["children"].as_array().and_then(|c| {
            c.iter()
                .filter(|c| c["level"] == "note")
                .find_map(|c| c["message"].as_str().map(str::to_owned))
        });
        out.push(Diagnostic {
            code: v["code"]["code"].as_str().map(str::to_owned),
            message,
            note,
            line,
            rendered: v["rendered"].as_str().unwrap_or_default().to_owned(),
        });
    }
    out
}

/// Error codes that mean "there is no such item" rather than "it has another shape".
const MISSING: [&str; 16] = [
    "E0599", "E0425", "E0412", "E0422", "E0423", "E0432", "E0433", "E0405", "E0407", "E0026",
    "E0609", "E0560", "E0559", "E0531", "E0532", "E0576",
];

/// Maps errors to the items above them. `None` when some error lies outside every item (then the
/// check says nothing and grading shows rustc's own messages).
pub fn problems(assembled: &Assembled, errors: &[Diagnostic]) -> Option<Vec<Problem>> {
    let mut out: Vec<Problem> = Vec::new();
    for error in errors {
        let line = error.line?;
        let (_, _, item) = assembled
            .items
            .iter()
            .find(|(start, end, _)| (*start..=*end).contains(&line))?;
        let missing = error.code.as_deref().is_some_and(|c| MISSING.contains(&c));
        let kind = if missing {
            Kind::Missing
        } else {
            Kind::Differs
        };
        let detail = match kind {
            Kind::Missing => None,
            Kind::Differs => Some(match (&error.note, error.message.as_str()) {
                (Some(note), "mismatched types") => note.clone(),
                _ => error.message.clone(),
            }),
        };
        match out.iter_mut().find(|p| p.item == *item) {
            Some(p) if p.kind == Kind::Differs && kind == Kind::Missing => {
                p.kind = Kind::Missing;
                p.detail = None;
            }
            Some(_) => {}
            None => out.push(Problem {
                item: item.clone(),
                kind,
                detail,
            }),
        }
    }
    Some(out)
}

/// Returns the rustc that belongs to the cargo running us (`RUSTC`, else beside `CARGO`, else PATH).
pub fn rustc() -> PathBuf {
    if let Some(r) = std::env::var_os("RUSTC") {
        return PathBuf::from(r);
    }
    if let Some(cargo) = std::env::var_os("CARGO") {
        let beside =
            Path::new(&cargo).with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX));
        if beside.is_file() {
            return beside;
        }
    }
    PathBuf::from("rustc")
}

/// Compiles `assembled` against the crate at `lib` (an rlib or rmeta) named `drill`; returns its errors.
pub fn compile(work: &Path, assembled: &Assembled, lib: &Path) -> Result<Vec<Diagnostic>> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let src = work.join(format!("syskata_api_{}.rs", std::process::id()));
    std::fs::write(&src, &assembled.source)
        .with_context(|| format!("cannot write {}", src.display()))?;
    let deps = lib.parent().unwrap_or(Path::new("."));
    let out = Command::new(rustc())
        .args(["--edition", "2021", "--crate-type", "lib", "--crate-name"])
        .arg(format!("syskata_api_{}", std::process::id()))
        .args(["--emit=metadata", "--error-format=json", "-A", "warnings"])
        .arg("--out-dir")
        .arg(work)
        .arg("--extern")
        .arg(format!("drill={}", lib.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg(&src)
        .stdin(Stdio::null())
        .output()
        .context("cannot run rustc — is the Rust toolchain on your PATH?")?;
    let _ = std::fs::remove_file(&src);
    let _ = std::fs::remove_file(work.join(format!("libsyskata_api_{}.rmeta", std::process::id())));
    let name = src
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(parse_diagnostics(
        &String::from_utf8_lossy(&out.stderr),
        &name,
    ))
}

/// Compiles one crate's `lib.rs` (a reference or a stub: one file, std only) to metadata named `drill`.
pub fn compile_single_file(work: &Path, lib_rs: &Path, tag: &str) -> Result<PathBuf> {
    let dir = work.join(tag);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let out = Command::new(rustc())
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--crate-name",
            "drill",
        ])
        .args(["--emit=metadata", "-A", "warnings", "--out-dir"])
        .arg(&dir)
        .arg(lib_rs)
        .stdin(Stdio::null())
        .output()
        .context("cannot run rustc")?;
    if !out.status.success() {
        bail!(
            "{} does not compile:\n{}",
            lib_rs.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(dir.join("libdrill.rmeta"))
}

/// How building the learner's crate on its own went.
#[derive(Debug)]
pub enum LearnerBuild {
    /// Built: the library file (rlib or rmeta).
    Built(PathBuf),
    /// Failed: rustc's and cargo's messages, as they print them.
    Failed(String),
}

/// Builds the learner's crate `exercises/<drill>` with cargo (the artifacts the grading build reuses).
pub fn build_learner(root: &Path, drill: &Drill, color: bool) -> Result<LearnerBuild> {
    let format = if color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    };
    let out = crate::grade::cargo(root)
        .args(["build", "--package", &drill.name, "--lib", format])
        .arg(if color {
            "--color=always"
        } else {
            "--color=never"
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .context("cannot start cargo — is it on your PATH?")?;
    let crate_name = drill.name.replace('-', "_");
    let mut lib = None;
    let mut messages = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match v["reason"].as_str() {
            Some("compiler-message") => {
                if let Some(r) = v["message"]["rendered"].as_str() {
                    messages.push(r.trim_end().to_owned());
                }
            }
            Some("compiler-artifact") if v["target"]["name"] == crate_name.as_str() => {
                let files = v["filenames"].as_array().cloned().unwrap_or_default();
                let pick = |ext: &str| {
                    files
                        .iter()
                        .filter_map(|f| f.as_str())
                        .find(|f| f.ends_with(ext))
                        .map(PathBuf::from)
                };
                lib = pick(".rlib").or_else(|| pick(".rmeta"));
            }
            _ => {}
        }
    }
    match (out.status.success(), lib) {
        (true, Some(lib)) => Ok(LearnerBuild::Built(lib)),
        _ => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let cargo_lines: Vec<&str> = stderr
                .lines()
                .filter(|l| {
                    let plain = crate::grade::strip_ansi(l);
                    let w = plain.trim_start();
                    !(w.starts_with("Compiling")
                        || w.starts_with("Finished")
                        || w.starts_with("Blocking")
                        || w.starts_with("Checking"))
                })
                .collect();
            messages.extend(cargo_lines.iter().map(|l| (*l).to_owned()));
            Ok(LearnerBuild::Failed(messages.join("\n")))
        }
    }
}

/// What the API check found before grading.
#[derive(Debug)]
pub enum Checked {
    /// Every item is there (or the check could not tell): grade as usual.
    Fine,
    /// The learner's crate does not build on its own: its errors, as printed.
    BuildFailed(String),
    /// Items of the graded stages are missing or differ.
    Problems(Vec<Problem>),
}

/// Checks the learner's crate against the API files of `stages` (indices).
pub fn check_learner(root: &Path, drill: &Drill, stages: &[usize], color: bool) -> Result<Checked> {
    let files = read_stages(root, drill, stages)?;
    if files.is_empty() {
        return Ok(Checked::Fine);
    }
    let lib = match build_learner(root, drill, color)? {
        LearnerBuild::Built(lib) => lib,
        LearnerBuild::Failed(log) => return Ok(Checked::BuildFailed(log)),
    };
    let assembled = assemble(&files);
    let work = root.join("target").join("syskata");
    let errors = compile(&work, &assembled, &lib)?;
    match problems(&assembled, &errors) {
        Some(p) if !p.is_empty() => Ok(Checked::Problems(p)),
        _ => Ok(Checked::Fine),
    }
}

/// Removes whitespace and the trailing commas before closing brackets, for comparing signatures.
pub fn normalize(text: &str) -> String {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed
        .replace(",)", ")")
        .replace(",}", "}")
        .replace(",>", ">")
        .trim_end_matches([';', ','])
        .to_owned()
}

/// Returns the "API to add" section of a prompt (empty if it has none).
pub fn prompt_api_section(prompt: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in prompt.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == "## API to add";
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `verify`: every stage of a drill with an `api/` directory has an API file whose items the
/// prompt spells, that compiles against the reference, and (stage 1) against the stub, while a
/// later stage's items fail against the stub.
pub fn verify_drill(root: &Path, drill: &Drill) -> Result<String> {
    let dir = root.join("checker").join(&drill.name).join("api");
    if !dir.is_dir() {
        return Ok(format!(
            "no checker/{}/api/ yet (learners get rustc's errors for missing API)",
            drill.name
        ));
    }
    let all: Vec<usize> = (0..drill.stages.len()).collect();
    let files = read_stages(root, drill, &all)?;
    for stage in &drill.stages {
        if !files.iter().any(|(slug, _, _)| *slug == stage.slug) {
            bail!("checker/{}/api/{}.rs is missing", drill.name, stage.slug);
        }
    }
    let assembled = assemble(&files);
    let mut count = 0;
    for (i, stage) in drill.stages.iter().enumerate() {
        let prompt = std::fs::read_to_string(crate::catalog::prompt_path(root, drill, stage))?;
        let wanted = normalize(&prompt_api_section(&prompt));
        for (_, _, item) in assembled
            .items
            .iter()
            .filter(|(_, _, it)| it.stage == stage.slug)
        {
            count += 1;
            if !wanted.contains(&normalize(&item.signature)) {
                bail!(
                    "api/{}.rs: `{}` is not spelled so in the \"API to add\" of stage {} ({})",
                    stage.slug,
                    item.signature,
                    i + 1,
                    stage.prompt
                );
            }
        }
        let (_, _, _, path) = &assembled.files[i];
        let text = std::fs::read_to_string(path)?;
        let mut open = false;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim();
            if parse_api_line(code).is_some() {
                open = true;
            } else if !open
                && !code.is_empty()
                && !code.starts_with("//")
                && code.contains("drill::")
            {
                bail!(
                    "api/{}.rs:{}: a line naming `drill::` before the first `// api` line could not be reported as an item",
                    stage.slug,
                    n + 1
                );
            }
        }
    }
    let work = root.join("target").join("syskata").join(format!(
        "api-verify-{}-{}",
        drill.name,
        std::process::id()
    ));
    let result = verify_compiles(root, drill, &assembled, &work);
    let _ = std::fs::remove_dir_all(&work);
    result?;
    Ok(format!(
        "{} API files, {count} items: all compile against the reference, stage 1's against the stub, and later stages' fail against it",
        files.len()
    ))
}

fn locate(assembled: &Assembled, line: Option<usize>) -> String {
    let Some(line) = line else {
        return "(no line)".to_owned();
    };
    assembled
        .files
        .iter()
        .find(|(first, last, _, _)| (*first..=*last).contains(&line))
        .map(|(first, _, slug, _)| format!("api/{slug}.rs:{}", line - first + 1))
        .unwrap_or_else(|| format!("generated line {line}"))
}

fn verify_compiles(root: &Path, drill: &Drill, assembled: &Assembled, work: &Path) -> Result<()> {
    let reference = root
        .join("solutions")
        .join(&drill.name)
        .join("src")
        .join("lib.rs");
    let lib = compile_single_file(work, &reference, "reference")?;
    let errors = compile(work, assembled, &lib)?;
    if let Some(e) = errors.first() {
        bail!(
            "{} errors against the reference; the first, at {}:\n{}",
            errors.len(),
            locate(assembled, e.line),
            e.rendered
        );
    }
    let stub = root
        .join("checker")
        .join(&drill.name)
        .join("stub")
        .join("lib.rs");
    let lib = compile_single_file(work, &stub, "stub")?;
    let errors = compile(work, assembled, &lib)?;
    for (i, (first, last, slug, _)) in assembled.files.iter().enumerate() {
        let inside: Vec<&Diagnostic> = errors
            .iter()
            .filter(|e| e.line.is_some_and(|l| (*first..=*last).contains(&l)))
            .collect();
        let has_items = assembled.items.iter().any(|(_, _, it)| it.stage == *slug);
        if i == 0 {
            if let Some(e) = inside.first() {
                bail!(
                    "api/{slug}.rs does not compile against the untouched stub (a fresh learner would be told API is missing), at {}:\n{}",
                    locate(assembled, e.line),
                    e.rendered
                );
            }
        } else if has_items && inside.is_empty() {
            bail!("api/{slug}.rs compiles against the untouched stub, so it checks nothing the stub lacks");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_lines_parse_with_and_without_an_owner() {
        assert_eq!(
            parse_api_line("// api: pub fn len(&self) -> usize"),
            Some((None, "pub fn len(&self) -> usize".to_owned()))
        );
        assert_eq!(
            parse_api_line("  // api LruCache: pub fn purge_expired(&mut self) -> usize"),
            Some((
                Some("LruCache".to_owned()),
                "pub fn purge_expired(&mut self) -> usize".to_owned()
            ))
        );
        assert_eq!(parse_api_line("// apiary: no"), None);
        assert_eq!(parse_api_line("// api:"), None);
    }

    fn sample() -> Assembled {
        assemble(&[
            (
                "basics".into(),
                PathBuf::from("basics.rs"),
                "//! basics.\n\n// api: pub fn new() -> Self\nconst _: fn() -> drill::T = drill::T::new;\n".into(),
            ),
            (
                "ttl".into(),
                PathBuf::from("ttl.rs"),
                "//! ttl.\n// api T: pub fn a(&self) -> u8\nconst _: fn(&drill::T) -> u8 = drill::T::a;\n// api T: pub fn b(&self)\nconst _: fn(&drill::T) = drill::T::b;\n".into(),
            ),
        ])
    }

    #[test]
    fn items_span_from_their_api_line_to_the_next() {
        let a = sample();
        let lines: Vec<&str> = a.source.lines().collect();
        let spans: Vec<(usize, usize, &str)> = a
            .items
            .iter()
            .map(|(s, e, it)| (*s, *e, it.signature.as_str()))
            .collect();
        for (start, _, sig) in &spans {
            assert!(
                lines[start - 1].contains(sig),
                "{start}: {}",
                lines[start - 1]
            );
        }
        assert_eq!(spans[1].1 + 1, spans[2].0);
        assert!(lines[spans[2].1 - 1].contains("drill::T::b"));
    }

    fn diag(code: &str, message: &str, note: Option<&str>, line: usize) -> Diagnostic {
        Diagnostic {
            code: Some(code.into()),
            message: message.into(),
            note: note.map(str::to_owned),
            line: Some(line),
            rendered: String::new(),
        }
    }

    #[test]
    fn errors_map_to_the_item_above_them_missing_wins_over_differs() {
        let a = sample();
        let line_of = |needle: &str| a.source.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let errors = vec![
            diag(
                "E0308",
                "mismatched types",
                Some("expected fn pointer `fn(&T) -> u8`"),
                line_of("drill::T::a"),
            ),
            diag(
                "E0599",
                "no function or associated item named `b`",
                None,
                line_of("drill::T::b"),
            ),
            diag("E0308", "mismatched types", None, line_of("drill::T::b")),
        ];
        let p = problems(&a, &errors).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].kind, Kind::Differs);
        assert_eq!(
            p[0].detail.as_deref(),
            Some("expected fn pointer `fn(&T) -> u8`")
        );
        assert_eq!(p[1].kind, Kind::Missing);
        assert_eq!(p[1].item.signature, "pub fn b(&self)");
        assert_eq!(p[1].item.owner.as_deref(), Some("T"));
    }

    #[test]
    fn an_error_outside_every_item_makes_the_check_stand_aside() {
        let a = sample();
        assert!(problems(&a, &[diag("E0463", "can't find crate", None, 1)]).is_none());
        let mut no_line = diag("E0514", "found crate compiled by another rustc", None, 1);
        no_line.line = None;
        assert!(problems(&a, &[no_line]).is_none());
    }

    #[test]
    fn rustc_json_errors_parse_and_summaries_are_dropped() {
        let json = r#"{"$message_type":"diagnostic","message":"no method named `put_with_ttl`","code":{"code":"E0599","explanation":null},"level":"error","spans":[{"file_name":"/t/syskata_api_1.rs","line_start":7,"is_primary":true}],"children":[],"rendered":"error[E0599]"}
{"$message_type":"diagnostic","message":"aborting due to 1 previous error","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting"}
{"$message_type":"diagnostic","message":"unused","code":null,"level":"warning","spans":[],"children":[],"rendered":"w"}"#;
        let d = parse_diagnostics(json, "syskata_api_1.rs");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.as_deref(), Some("E0599"));
        assert_eq!(d[0].line, Some(7));
    }

    #[test]
    fn signatures_compare_without_whitespace_or_trailing_commas() {
        let prompt = "```rust\n    pub fn schedule_transfer(\n        &self,\n        at: Timestamp,\n    ) -> Result<ScheduleId, LedgerError>;\n```";
        assert!(normalize(prompt).contains(&normalize(
            "pub fn schedule_transfer(&self, at: Timestamp) -> Result<ScheduleId, LedgerError>"
        )));
        assert_eq!(
            prompt_api_section("# T\n## API to add\nx\n## Rules\ny\n"),
            "x\n"
        );
    }
}
