//! Stage symlinks: `cd -P` resolves links physically, checked against the OS on the same tree.

use syskata_kit::{checks, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::CdError;

use crate::random::{self, Mix};
use crate::support::{Builder, Cmd};

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
            a_relative_argument_starts_where_the_shell_stands,
            symlink_refuses_what_it_cannot_create,
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
    a_relative_argument_starts_where_the_shell_stands,
);

fn symlink_refuses_what_it_cannot_create(_: &mut Ctx) {
    scenario(
        "start from a tree with /a/, the file /f and the link /l -> a, then ask symlink for what\n\
         it cannot do: each must return its error and leave the tree as it was (each cd runs on a\n\
         fresh tree made by the same calls, the refused ones included)",
    );
    let mut t = Builder::new();
    t.expect("mkdir_p", "/a", "", Ok(()), "a valid request");
    t.expect("touch", "/f", "", Ok(()), "a valid request");
    t.expect("symlink", "/l", "a", Ok(()), "a valid request");
    let parent = "the link's parent directory must exist; symlink creates no directories";
    t.expect("symlink", "/nope/l", "a", Err(CdError::NotFound), parent);
    t.expect("symlink", "/a/nope/l", "/a", Err(CdError::NotFound), parent);
    t.expect(
        "symlink",
        "/f/l",
        "a",
        Err(CdError::NotADirectory),
        "a file on the way cannot hold names (ENOTDIR)",
    );
    let taken = "the name is taken: `ln -s` says \"File exists\"";
    t.expect("symlink", "/a", "f", Err(CdError::AlreadyExists), taken);
    t.expect("symlink", "/f", "a", Err(CdError::AlreadyExists), taken);
    t.expect("symlink", "/l", "f", Err(CdError::AlreadyExists), taken);
    t.expect(
        "symlink",
        "/",
        "a",
        Err(CdError::AlreadyExists),
        "the root is always there",
    );
    expect_physical(
        &t,
        "/a",
        Ok("/a"),
        "the refused symlink left /a a directory",
    );
    expect_physical(&t, "/l", Ok("/a"), "and /l still the link to a it was");
    expect_physical(&t, "/f", Err(CdError::NotADirectory), "and /f still a file");
    t.expect(
        "symlink",
        "/e",
        "",
        Err(CdError::NotFound),
        &empty_target_refused(),
    );
    expect_physical(
        &t,
        "/e",
        Err(CdError::NotFound),
        "the refused symlink made no /e",
    );
    t.expect(
        "symlink",
        "/a/dead",
        "nowhere",
        Ok(()),
        "a target is text, checked only when used",
    );
    t.expect(
        "symlink",
        "/a/up",
        "..",
        Ok(()),
        "any non-empty target is stored as written",
    );
    t.expect("symlink", "/top", "/", Ok(()), "the root as a target");
    expect_physical(
        &t,
        "/a/up/top/l",
        Ok("/a"),
        "/a/up -> .. is /, /top -> / is /, then /l -> a",
    );
}

/// Fails unless `cd_physical(arg)` from the root, on the tree `built` has made so far, gives `expected`.
#[track_caller]
fn expect_physical(built: &Builder, arg: &str, expected: Result<&str, CdError>, why: &str) {
    let mut shell = built.shell();
    let got = shell.cd_physical(arg).map(|()| shell.pwd());
    step(format!("cd_physical({arg:?}) from /  ->  {got:?}"));
    expect_eq(
        format!("cd_physical({arg:?}) from / on the tree built so far: {why}"),
        got,
        expected.map(str::to_owned),
    );
}

/// Returns why an empty target is refused, after asking the OS (Linux's symlink(2) says ENOENT).
fn empty_target_refused() -> String {
    let at = std::env::temp_dir().join(format!("syskata-cd-empty-{}", std::process::id()));
    let _ = std::fs::remove_file(&at);
    let os = std::os::unix::fs::symlink("", &at);
    let _ = std::fs::remove_file(&at);
    match os {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "an empty target: the OS refuses it too (symlink(\"\", path) is ENOENT here)".to_owned()
        }
        other => fail(format!(
            "internal: this OS answers {other:?} for symlink(\"\", path); the rule follows Linux, \
             which answers ENOENT. Please report it."
        )),
    }
}

fn random_links_agree_with_the_os(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 9,
        files: 2,
        good_links: 6,
        bad_links: 0,
    };
    random::sessions(ctx, 3, 4, 64, mix, false, |rng, spec, state| {
        Cmd::Physical(random::arg(rng, spec, &state.pwd))
    });
}
