//! `cargo xtask status`: every drill and stage as passed, current or locked.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::App;
use crate::ui;

/// Arguments of `status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON for scripts and editors instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `status`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let (progress, _) = app.progress()?;
    if args.json {
        let mut json = ui::status_json(&app.catalog, &progress);
        if let Some(round) = crate::cmd::mock::active(app)? {
            json = with_round(&json, &round, crate::mock::now());
        }
        println!("{json}");
    } else {
        print!("{}", ui::status(&app.catalog, &progress));
        if let Some(round) = crate::cmd::mock::active(app)? {
            println!(
                "\n{}\n  (the table is your normal progress; the round keeps its own)",
                crate::mock::report::time_left(&round, crate::mock::now())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds the running mock round to `status --json`: `"mock_round": {"drill", "deadline" (RFC 3339),
/// "seconds_left", "passed": [slugs]}`.
fn with_round(json: &str, round: &crate::mock::Round, now: u64) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_owned();
    };
    value["mock_round"] = serde_json::json!({
        "drill": round.drill,
        "deadline": crate::mock::rfc3339(round.deadline()),
        "seconds_left": round.left(now),
        "passed": round.progress().passed,
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| json.to_owned())
}
