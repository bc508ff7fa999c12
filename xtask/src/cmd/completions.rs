//! `cargo xtask completions <shell>`: print a completion script for `cargo xtask …`, made by clap's own generator.
//!
//! The shell completes the word `cargo`, so the script describes a `cargo` whose one subcommand is
//! `xtask` (this CLI). Drill names are the possible values of every `drill` argument, taken from the
//! catalog when the script is printed. bash and zsh get a small dispatcher that hands every other
//! `cargo …` line back to the completion that was there before; fish adds to cargo's completions;
//! PowerShell and elvish replace them in the session that loads the script, and complete
//! subcommands and flags but not drill names (clap's generators for them list no argument values).

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::app::App;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to print a script for: bash, zsh, fish or powershell (elvish works too).
    pub shell: Shell,
}

/// Runs `completions`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let drills: Vec<String> = app.catalog.drills.iter().map(|d| d.name.clone()).collect();
    let text = script(args.shell, &drills)?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// Returns the CLI as the shell sees it: `cargo` with the one subcommand `xtask`, every `drill`
/// argument offering `drills`.
pub fn command(drills: &[String]) -> clap::Command {
    let mut xtask = crate::Cli::command().name("xtask");
    let names: Vec<String> = xtask
        .get_subcommands()
        .filter(|s| s.get_arguments().any(|a| a.get_id() == "drill"))
        .map(|s| s.get_name().to_owned())
        .collect();
    // clap keeps possible values as `&'static str` (without its `string` feature); the script is
    // printed once and the process ends, so the few names are leaked rather than adding a feature.
    let values: Vec<&'static str> = drills
        .iter()
        .map(|d| &*Box::leak(d.clone().into_boxed_str()))
        .collect();
    for name in names {
        let values = values.clone();
        xtask = xtask.mut_subcommand(name, move |s| {
            s.mut_arg("drill", move |a| {
                a.value_parser(PossibleValuesParser::new(values))
            })
        });
    }
    clap::Command::new("cargo")
        .bin_name("cargo")
        .about("Rust's package manager; `cargo xtask` runs syskata.")
        .subcommand_required(true)
        .disable_help_subcommand(true)
        .subcommand(xtask)
}

/// Returns the completion script for `shell`.
pub fn script(shell: Shell, drills: &[String]) -> Result<String> {
    let mut cmd = command(drills);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "cargo", &mut out);
    let text = String::from_utf8(out).context("clap's generator wrote text that is not UTF-8")?;
    Ok(match shell {
        Shell::Bash => bash(&text),
        Shell::Zsh => zsh(&text),
        Shell::Fish => text.replace("__fish_cargo_", "__fish_syskata_cargo_"),
        _ => text,
    })
}

/// Renames clap's `_cargo` and registers a dispatcher that keeps the earlier `cargo` completion.
fn bash(generated: &str) -> String {
    let body = match generated.rfind("if [[ \"${BASH_VERSINFO[0]}\"") {
        Some(at) => &generated[..at],
        None => generated,
    };
    let body = body.replace("_cargo()", "_syskata_cargo()");
    format!(
        "# syskata: completes `cargo xtask …` (drill names included); other cargo commands keep the\n\
         # completion they had. Load it with: source <this file>\n\
         {body}\n\
         _syskata_cargo_previous=$(complete -p cargo 2>/dev/null | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n\
         if [[ \"$_syskata_cargo_previous\" == _syskata_cargo_dispatch ]]; then _syskata_cargo_previous=; fi\n\
         _syskata_cargo_dispatch() {{\n\
         \x20   if [[ \"${{COMP_WORDS[1]}}\" == xtask ]]; then\n\
         \x20       _syskata_cargo \"$@\"\n\
         \x20   elif [[ -n \"$_syskata_cargo_previous\" ]]; then\n\
         \x20       \"$_syskata_cargo_previous\" \"$@\"\n\
         \x20   elif [[ $COMP_CWORD -eq 1 ]]; then\n\
         \x20       COMPREPLY=( $(compgen -W \"xtask build check run test clippy fmt\" -- \"${{COMP_WORDS[1]}}\") )\n\
         \x20   fi\n\
         }}\n\
         complete -F _syskata_cargo_dispatch -o bashdefault -o default cargo\n"
    )
}

/// Renames clap's `_cargo` functions and registers a dispatcher that keeps zsh's own `_cargo`.
fn zsh(generated: &str) -> String {
    let body = match generated.rfind("if [ \"$funcstack[1]\" = \"_cargo\" ]") {
        Some(at) => &generated[..at],
        None => generated,
    };
    let body = body
        .replace("#compdef cargo\n", "")
        .replace("_cargo", "_syskata_cargo");
    format!(
        "# syskata: completes `cargo xtask …` (drill names included); other cargo commands keep zsh's\n\
         # own completion. Load it after compinit with: source <this file>\n\
         {body}\n\
         _syskata_cargo_dispatch() {{\n\
         \x20   if [[ \"${{words[2]}}\" == xtask ]]; then\n\
         \x20       _syskata_cargo \"$@\"\n\
         \x20   elif (( $+functions[_cargo] )); then\n\
         \x20       _cargo \"$@\"\n\
         \x20   else\n\
         \x20       _files\n\
         \x20   fi\n\
         }}\n\
         compdef _syskata_cargo_dispatch cargo\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drills() -> Vec<String> {
        vec!["lru".to_owned(), "rate_limiter".to_owned()]
    }

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let text = script(shell, &drills()).unwrap();
            for word in ["xtask", "next", "watch", "completions"] {
                assert!(text.contains(word), "{shell:?} lacks {word}");
            }
        }
    }

    #[test]
    fn drill_names_complete_where_the_shell_allows() {
        // clap's PowerShell script completes subcommands and flags, not argument values.
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = script(shell, &drills()).unwrap();
            assert!(
                text.contains("rate_limiter"),
                "{shell:?} lacks the drill names"
            );
        }
    }

    #[test]
    fn bash_and_zsh_keep_other_cargo_completions() {
        let bash = script(Shell::Bash, &drills()).unwrap();
        assert!(bash.contains("complete -F _syskata_cargo_dispatch"));
        assert!(!bash.contains("complete -F _cargo "));
        assert!(!bash.contains("\n_cargo()"));
        let zsh = script(Shell::Zsh, &drills()).unwrap();
        assert!(zsh.contains("compdef _syskata_cargo_dispatch cargo"));
        assert!(!zsh.contains("compdef _cargo cargo"));
    }

    #[test]
    fn usage_says_cargo_xtask() {
        let mut cmd = crate::Cli::command();
        assert!(cmd.render_usage().to_string().contains("cargo xtask"));
        use clap::Parser;
        let err = crate::Cli::try_parse_from(["xtask", "next", "--bogus"]).unwrap_err();
        let text = err.render().to_string();
        assert!(text.contains("Usage: cargo xtask next"), "{text}");
    }
}
