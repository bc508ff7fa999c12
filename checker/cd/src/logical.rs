//! Stage logical: `cd -L`, the shell's default, keeps link names and reads `..` lexically; checked
//! against a real bash on the same tree.

use syskata_kit::{checks, Ctx, Rng, Stage};

use crate::random::{self, Mix};
use crate::support::{Cmd, Spec, State};

const CASES: &str = include_str!("../cases/logical.txt");

/// Returns the checks of stage logical.
pub fn stage() -> Stage {
    Stage {
        slug: "logical",
        checks: checks![
            logical_cd_keeps_the_link_name_in_pwd,
            logical_dotdot_drops_the_last_name_of_the_path,
            logical_dotdot_needs_a_real_directory_before_it,
            physical_cd_still_resolves_links,
            plain_cd_and_bare_cd_are_logical,
            dash_and_tilde_keep_link_names,
            logical_errors_are_those_of_the_resolved_path,
            a_loop_is_too_many_links_whatever_bash_prints,
            each_resolution_has_its_own_forty_links,
            a_failed_logical_cd_is_not_retried_physically,
            random_sessions_agree_with_bash,
        ],
    }
}

case_checks!(CASES, "logical.txt", 5;
    logical_cd_keeps_the_link_name_in_pwd,
    logical_dotdot_drops_the_last_name_of_the_path,
    logical_dotdot_needs_a_real_directory_before_it,
    physical_cd_still_resolves_links,
    plain_cd_and_bare_cd_are_logical,
    dash_and_tilde_keep_link_names,
    logical_errors_are_those_of_the_resolved_path,
    a_loop_is_too_many_links_whatever_bash_prints,
    each_resolution_has_its_own_forty_links,
    a_failed_logical_cd_is_not_retried_physically,
);

/// Returns a random command of a whole session: mostly `cd -L`, some `cd -P`, plain and bare `cd`.
fn mixed(rng: &mut Rng, spec: &Spec, state: &State) -> Cmd {
    match rng.below(100) {
        0..=49 => Cmd::Logical(random::arg(rng, spec, &state.pwd)),
        50..=69 => Cmd::Physical(random::arg(rng, spec, &state.pwd)),
        70..=74 => Cmd::Logical("-".to_owned()),
        75..=79 => Cmd::Physical("-".to_owned()),
        _ => random::plain(rng, spec, state),
    }
}

fn random_sessions_agree_with_bash(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 8,
        files: 2,
        good_links: 5,
        bad_links: 2,
    };
    random::sessions(ctx, 5, 4, 56, mix, true, mixed);
}
