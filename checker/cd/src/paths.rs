//! Stage paths: absolute and relative paths, `.`, `..`, extra slashes, and errors that change nothing.

use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::drill::CdError;
use crate::random::{self, Mix};
use crate::support::{expect_display, Cmd};

const CASES: &str = include_str!("../cases/paths.txt");

/// Returns the checks of stage paths.
pub fn stage() -> Stage {
    Stage {
        slug: "paths",
        checks: checks![
            absolute_and_relative_paths_lead_to_directories,
            dot_and_extra_slashes_change_nothing,
            dotdot_goes_up_one_level,
            dotdot_at_the_root_stays_at_the_root,
            a_missing_name_is_not_found,
            a_file_is_not_a_directory,
            dotdot_after_a_missing_name_or_a_file_is_an_error,
            a_failed_cd_leaves_the_working_directory_unchanged,
            errors_read_like_the_shell,
            random_paths_agree_with_bash_on_a_real_tree,
        ],
    }
}

case_checks!(CASES, "paths.txt", 1;
    absolute_and_relative_paths_lead_to_directories,
    dot_and_extra_slashes_change_nothing,
    dotdot_goes_up_one_level,
    dotdot_at_the_root_stays_at_the_root,
    a_missing_name_is_not_found,
    a_file_is_not_a_directory,
    dotdot_after_a_missing_name_or_a_file_is_an_error,
    a_failed_cd_leaves_the_working_directory_unchanged,
);

fn errors_read_like_the_shell(_: &mut Ctx) {
    scenario("format!(\"{}\", error) for each error a cd can return in this stage");
    expect_display(
        CdError::NotFound,
        "no such file or directory",
        "bash prints `cd: x: No such file or directory`",
    );
    expect_display(
        CdError::NotADirectory,
        "not a directory",
        "bash prints `cd: f: Not a directory`",
    );
}

fn random_paths_agree_with_bash_on_a_real_tree(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 10,
        files: 3,
        good_links: 0,
        bad_links: 0,
    };
    random::sessions(ctx, 1, 4, 60, mix, false, |rng, spec, state| {
        Cmd::Cd(random::arg(rng, spec, &state.pwd))
    });
}
