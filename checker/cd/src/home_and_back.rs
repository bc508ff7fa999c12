//! Stage home_and_back: a bare `cd`, `~` and `~/…` go home; `cd -` goes back; OLDPWD is kept exactly.

use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::drill::CdError;
use crate::random::{self, Mix};
use crate::support::expect_display;

const CASES: &str = include_str!("../cases/home_and_back.txt");

/// Returns the checks of stage home_and_back.
pub fn stage() -> Stage {
    Stage {
        slug: "home_and_back",
        checks: checks![
            bare_cd_and_tilde_go_home,
            tilde_slash_is_a_path_under_home,
            tilde_elsewhere_is_an_ordinary_name,
            tilde_followed_by_a_name_is_an_ordinary_name,
            cd_dash_returns_to_the_previous_directory,
            only_a_lone_dash_means_the_previous_directory,
            cd_dash_twice_returns_to_where_you_started,
            cd_dash_before_any_move_is_an_error,
            every_successful_cd_records_where_it_came_from,
            a_failed_cd_changes_neither_pwd_nor_oldpwd,
            a_missing_home_is_not_found,
            no_oldpwd_reads_like_the_shell,
            random_sessions_agree_with_bash,
        ],
    }
}

case_checks!(CASES, "home_and_back.txt", 2;
    bare_cd_and_tilde_go_home,
    tilde_slash_is_a_path_under_home,
    tilde_elsewhere_is_an_ordinary_name,
    tilde_followed_by_a_name_is_an_ordinary_name,
    cd_dash_returns_to_the_previous_directory,
    only_a_lone_dash_means_the_previous_directory,
    cd_dash_twice_returns_to_where_you_started,
    cd_dash_before_any_move_is_an_error,
    every_successful_cd_records_where_it_came_from,
    a_failed_cd_changes_neither_pwd_nor_oldpwd,
    a_missing_home_is_not_found,
);

fn no_oldpwd_reads_like_the_shell(_: &mut Ctx) {
    scenario("format!(\"{}\", CdError::NoOldPwd)");
    expect_display(
        CdError::NoOldPwd,
        "OLDPWD not set",
        "bash prints `cd: OLDPWD not set` for a `cd -` with nowhere to go back to",
    );
}

fn random_sessions_agree_with_bash(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 9,
        files: 3,
        good_links: 0,
        bad_links: 0,
    };
    random::sessions(ctx, 2, 4, 46, mix, true, random::plain);
}
