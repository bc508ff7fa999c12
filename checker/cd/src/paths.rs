//! Stage paths: absolute and relative paths, `.`, `..`, extra slashes, and errors that change nothing.

use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::CdError;
use crate::random::{self, Mix};
use crate::support::{expect_display, Builder, Cmd};

const CASES: &str = include_str!("../cases/paths.txt");

/// Returns the checks of stage paths.
pub fn stage() -> Stage {
    Stage {
        slug: "paths",
        checks: checks![
            builders_create_parents_and_accept_what_exists,
            builders_refuse_what_they_cannot_do,
            absolute_and_relative_paths_lead_to_directories,
            dot_and_extra_slashes_change_nothing,
            dotdot_goes_up_one_level,
            dotdot_at_the_root_stays_at_the_root,
            names_that_only_look_like_dots_are_plain_names,
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
    names_that_only_look_like_dots_are_plain_names,
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
    expect_display(
        CdError::AlreadyExists,
        "file exists",
        "`mkdir` over a file prints `mkdir: cannot create directory 'f': File exists`",
    );
}

/// Fails unless `cd(arg)` from the root, on the tree `built` has made so far, gives `expected`.
#[track_caller]
fn expect_cd(built: &Builder, arg: &str, expected: Result<&str, CdError>, why: &str) {
    let mut shell = built.shell();
    let got = shell.cd(arg).map(|()| shell.pwd());
    step(format!("cd({arg:?}) from /  ->  {got:?}"));
    expect_eq(
        format!("cd({arg:?}) from / on the tree built so far: {why}"),
        got,
        expected.map(str::to_owned),
    );
}

fn builders_create_parents_and_accept_what_exists(_: &mut Ctx) {
    scenario(
        "build a tree with mkdir_p and touch, then cd from / to see what is there (each cd runs on\n\
         a fresh tree made by the same calls): mkdir_p creates every missing parent and accepts\n\
         directories that exist; touch needs an existing parent and accepts a file that exists",
    );
    let mut t = Builder::new();
    t.expect(
        "mkdir_p",
        "/a/b/c",
        "",
        Ok(()),
        "mkdir_p creates /a and /a/b on the way",
    );
    expect_cd(
        &t,
        "/a/b/c",
        Ok("/a/b/c"),
        "mkdir_p(\"/a/b/c\") made every level",
    );
    t.expect(
        "mkdir_p",
        "/a/b",
        "",
        Ok(()),
        "an existing directory is fine",
    );
    t.expect("mkdir_p", "/a/b/c", "", Ok(()), "even the deepest one");
    t.expect("mkdir_p", "/", "", Ok(()), "the root exists already");
    t.expect(
        "mkdir_p",
        "/a/x",
        "",
        Ok(()),
        "a sibling next to an existing directory",
    );
    expect_cd(
        &t,
        "/a/b/c",
        Ok("/a/b/c"),
        "making /a/b again must not replace or empty it",
    );
    expect_cd(&t, "/a/x", Ok("/a/x"), "mkdir_p(\"/a/x\") made /a/x");
    t.expect("touch", "/a/f", "", Ok(()), "the parent /a exists");
    t.expect(
        "touch",
        "/a/f",
        "",
        Ok(()),
        "touching an existing file is fine",
    );
    t.expect("touch", "/g", "", Ok(()), "a file in the root");
    expect_cd(
        &t,
        "/a/f",
        Err(CdError::NotADirectory),
        "/a/f is a file, touched twice",
    );
    expect_cd(
        &t,
        "/g",
        Err(CdError::NotADirectory),
        "touch(\"/g\") made a file",
    );
    expect_cd(&t, "/a/b", Ok("/a/b"), "the directories are still there");
}

fn builders_refuse_what_they_cannot_do(_: &mut Ctx) {
    scenario(
        "start from a tree with /a/b/ and the file /a/f, then ask the builders for what they\n\
         cannot do: each must return its error and leave the tree as it was (each cd runs on a\n\
         fresh tree made by the same calls, the refused ones included)",
    );
    let mut t = Builder::new();
    t.expect("mkdir_p", "/a/b", "", Ok(()), "a valid request");
    t.expect("touch", "/a/f", "", Ok(()), "a valid request");
    let taken = "the name is taken by a file: `mkdir -p` says \"File exists\"";
    t.expect("mkdir_p", "/a/f", "", Err(CdError::AlreadyExists), taken);
    t.expect("mkdir_p", "/a/f/", "", Err(CdError::AlreadyExists), taken);
    expect_cd(
        &t,
        "/a/f",
        Err(CdError::NotADirectory),
        "the refused mkdir_p left /a/f a file",
    );
    let through = "a file in the middle of the path cannot hold names (ENOTDIR)";
    t.expect(
        "mkdir_p",
        "/a/f/x",
        "",
        Err(CdError::NotADirectory),
        through,
    );
    t.expect(
        "mkdir_p",
        "/a/f/x/y",
        "",
        Err(CdError::NotADirectory),
        through,
    );
    t.expect("touch", "/a/f/x", "", Err(CdError::NotADirectory), through);
    expect_cd(
        &t,
        "/a/f",
        Err(CdError::NotADirectory),
        "still a file after the refusals",
    );
    let over_dir = "a directory already has that name";
    t.expect("touch", "/a/b", "", Err(CdError::AlreadyExists), over_dir);
    t.expect("touch", "/a", "", Err(CdError::AlreadyExists), over_dir);
    t.expect(
        "touch",
        "/",
        "",
        Err(CdError::AlreadyExists),
        "the root is a directory, always there",
    );
    expect_cd(
        &t,
        "/a/b",
        Ok("/a/b"),
        "the refused touch left /a/b a directory",
    );
    let missing = "touch needs its parent to exist; it creates no directories";
    t.expect("touch", "/nope/f", "", Err(CdError::NotFound), missing);
    t.expect("touch", "/a/nope/f", "", Err(CdError::NotFound), missing);
    expect_cd(
        &t,
        "/nope",
        Err(CdError::NotFound),
        "the refused touch created no /nope",
    );
    expect_cd(&t, "/a/nope", Err(CdError::NotFound), "nor /a/nope");
}

fn random_paths_agree_with_bash_on_a_real_tree(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 10,
        files: 3,
        good_links: 0,
        bad_links: 0,
    };
    random::sessions(ctx, 1, 4, 55, mix, false, |rng, spec, state| {
        Cmd::Cd(random::arg(rng, spec, &state.pwd))
    });
}
