//! Stage symlinks: `cd -P` resolves links physically, checked against the OS on the same tree.

use syskata_kit::{checks, Ctx, Stage};

use crate::random::{self, Mix};
use crate::support::Cmd;

const CASES: &str = include_str!("../cases/symlinks.txt");

/// Returns the checks of stage symlinks.
pub fn stage() -> Stage {
    Stage {
        slug: "symlinks",
        checks: checks![
            a_link_to_a_directory_is_followed_and_pwd_names_the_target,
            relative_target_is_read_from_the_links_own_directory,
            absolute_target_starts_at_the_root,
            chains_of_links_are_followed_to_the_end,
            a_link_in_the_middle_of_a_path_is_followed,
            dotdot_after_a_link_leaves_the_target_not_the_link,
            dotdot_in_a_target_stays_at_the_root,
            dash_and_tilde_work_physically_too,
            random_links_agree_with_the_os,
        ],
    }
}

case_checks!(CASES, "symlinks.txt", 3;
    a_link_to_a_directory_is_followed_and_pwd_names_the_target,
    relative_target_is_read_from_the_links_own_directory,
    absolute_target_starts_at_the_root,
    chains_of_links_are_followed_to_the_end,
    a_link_in_the_middle_of_a_path_is_followed,
    dotdot_after_a_link_leaves_the_target_not_the_link,
    dotdot_in_a_target_stays_at_the_root,
    dash_and_tilde_work_physically_too,
);

fn random_links_agree_with_the_os(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 9,
        files: 2,
        good_links: 6,
        bad_links: 0,
    };
    random::sessions(ctx, 3, 4, 70, mix, false, |rng, spec, state| {
        Cmd::Physical(random::arg(rng, spec, &state.pwd))
    });
}
