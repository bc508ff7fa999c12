//! One module per subcommand, each with its clap `Args` and a `run`.

pub mod compare;
pub mod completions;
pub mod hint;
pub mod history;
pub mod mock;
pub mod next;
pub mod prompt;
pub mod reset;
pub mod start;
pub mod status;
pub mod test;
pub mod verify;
pub mod watch;
