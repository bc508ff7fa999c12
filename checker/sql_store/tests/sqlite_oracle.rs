//! Checks the golden scripts and seeded random statements against a real SQLite, through python3's sqlite3 module.
//!
//! Not part of the learner's grading (the runner builds only `--test stages`); it runs with
//! `cargo test --workspace` against the reference. Without python3 and its sqlite3 module it fails
//! with a message saying so: an oracle that silently passes is no oracle.
//!
//! Longer random runs by hand: `SQL_ORACLE_SEQUENCES=2000 SQL_ORACLE_SEED=7 cargo test -p
//! sql_store_checker --test sqlite_oracle -- --nocapture`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sql_store_checker::drill::Database;
use sql_store_checker::model::{Features, Generator, Model};
use sql_store_checker::script::{self, Expect};
use sql_store_checker::support::{differs, outcome, render, Outcome, Val};
use syskata_kit::Rng;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Runs a python3 script of `oracle/` and returns its stdout; fails clearly without python3 or sqlite3.
fn run_oracle(script: &str, args: &[&Path]) -> (bool, String) {
    let py = python();
    let probe = Command::new(&py)
        .args(["-c", "import sqlite3; print(sqlite3.sqlite_version)"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the SQLite oracle needs python3 with its standard sqlite3 module, but `{py}` cannot be run: {e}.\n\
                 Install python3 (Debian: apt-get install python3) or point the PYTHON variable at one."
            )
        });
    assert!(
        probe.status.success(),
        "the SQLite oracle needs python3's sqlite3 module, but `{py} -c 'import sqlite3'` failed:\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let out = Command::new(&py)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(root().join("oracle").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py} oracle/{script}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn golden_scripts_agree_with_sqlite() {
    let (ok, report) = run_oracle("check_scripts.py", &[&root().join("scripts")]);
    println!("{report}");
    assert!(ok, "the golden scripts disagree with SQLite:\n{report}");

    // Both parsers of the script format must read the same cases, statements and skips.
    let mut totals = [0usize; 5];
    for (stage, files) in sql_store_checker::graded_scripts() {
        for file in files {
            let path = root().join("scripts").join(stage).join(file);
            let text = std::fs::read_to_string(&path).expect("read a golden script");
            let parsed = script::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            totals[0] += 1;
            for case in &parsed.cases {
                totals[1] += 1;
                totals[2] += case.statements.len();
                for st in &case.statements {
                    let skipped = case.sqlite_skip.is_some() || st.sqlite_skip.is_some();
                    if skipped {
                        totals[4] += 1;
                    } else if st.expect != Expect::Succeeds {
                        totals[3] += 1;
                    }
                }
            }
        }
    }
    let rust = format!(
        "totals: files={} cases={} statements={} expectations={} skipped={}",
        totals[0], totals[1], totals[2], totals[3], totals[4]
    );
    assert!(
        report.lines().any(|l| l == rust),
        "the Rust and the Python parsers of the script format disagree:\n  Rust:   {rust}\n  Python: {}",
        report.lines().find(|l| l.starts_with("totals:")).unwrap_or("(no totals line)")
    );
}

#[test]
fn every_golden_script_is_graded() {
    for (stage, files) in sql_store_checker::graded_scripts() {
        let mut on_disk: Vec<String> = std::fs::read_dir(root().join("scripts").join(stage))
            .expect("list a stage's scripts")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let mut graded: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        graded.sort();
        assert_eq!(
            on_disk, graded,
            "scripts/{stage}/ and the stage's script_checks! list must name the same files"
        );
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_value(value: &Val) -> String {
    match value {
        Val::Null => "null".to_owned(),
        Val::Int(n) => n.to_string(),
        Val::Text(s) => json_string(s),
    }
}

fn json_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Rows { columns, rows } => {
            let columns: Vec<String> = columns.iter().map(|c| json_string(c)).collect();
            let rows: Vec<String> = rows
                .iter()
                .map(|r| {
                    format!(
                        "[{}]",
                        r.iter().map(json_value).collect::<Vec<_>>().join(",")
                    )
                })
                .collect();
            format!(
                "{{\"columns\":[{}],\"rows\":[{}]}}",
                columns.join(","),
                rows.join(",")
            )
        }
        Outcome::Affected(n) => format!("{{\"affected\":{n}}}"),
        Outcome::Done => "{\"ok\":true}".to_owned(),
        Outcome::Error { kind, .. } => format!("{{\"error\":{}}}", json_string(kind)),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_statements_agree_with_sqlite() {
    let sequences = env_number("SQL_ORACLE_SEQUENCES", 60);
    let base_seed = env_number("SQL_ORACLE_SEED", 20_240_601);
    const STATEMENTS: usize = 120;
    let plans = [
        Features::WHERE,
        Features::UPDATE_DELETE,
        Features::INDEXES,
        Features::ALL,
    ];
    let mut lines = String::new();
    for seq in 0..sequences {
        let features = plans[seq as usize % plans.len()];
        let seed = base_seed.wrapping_add(seq);
        let mut generator = Generator::new(features, Rng::new(seed));
        let mut model = Model::new(features);
        let mut db = Database::new();
        for i in 0..STATEMENTS {
            let generated = generator.next_statement();
            let got = outcome(&db.execute(&generated.sql));
            let expected = model.apply(&generated);
            if let Some(why) = differs(&got, &expected, generated.ordered) {
                panic!(
                    "the reference and the model disagree (seed {seed}, statement {i}):\n  {}\n{why}\nmodel:\n{}\nreference:\n{}",
                    generated.sql,
                    render(&expected),
                    render(&got)
                );
            }
            let _ = writeln!(
                lines,
                "{{\"seq\":{seq},\"sql\":{},\"ordered\":{},\"expect\":{}}}",
                json_string(&generated.sql),
                generated.ordered,
                json_outcome(&got)
            );
        }
    }
    let file = std::env::temp_dir().join(format!("sql_store-oracle-{}.jsonl", std::process::id()));
    std::fs::write(&file, lines).expect("write the random statements");
    let (ok, report) = run_oracle("compare_random.py", &[&file]);
    let _ = std::fs::remove_file(&file);
    println!("seeds {base_seed}..{}: {report}", base_seed + sequences);
    assert!(
        ok,
        "random statements disagree with SQLite (base seed {base_seed}):\n{report}"
    );
}
