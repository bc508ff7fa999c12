//! Stage loops_and_broken: cycles end at the OS's hop limit with a clear error; dangling links and
//! links to files are errors; none of them changes anything.

use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::drill::CdError;
use crate::random::{self, Mix};
use crate::support::{expect_display, Cmd, Entry, Outcome, Session, Spec, Want};

const CASES: &str = include_str!("../cases/loops_and_broken.txt");

/// Returns the checks of stage loops_and_broken.
pub fn stage() -> Stage {
    Stage {
        slug: "loops_and_broken",
        checks: checks![
            // First: a solution with no hop limit hangs here, and the watchdog names this rule.
            a_cycle_is_too_many_levels_of_symbolic_links,
            forty_links_are_followed_and_the_forty_first_is_refused,
            a_broken_link_is_not_found,
            a_link_to_a_file_is_not_a_directory,
            a_failed_resolution_changes_nothing,
            too_many_links_reads_like_the_os,
            random_cycles_and_dangling_links_agree_with_the_os,
        ],
    }
}

case_checks!(CASES, "loops_and_broken.txt", 4;
    a_cycle_is_too_many_levels_of_symbolic_links,
    a_broken_link_is_not_found,
    a_link_to_a_file_is_not_a_directory,
    a_failed_resolution_changes_nothing,
);

fn forty_links_are_followed_and_the_forty_first_is_refused(_: &mut Ctx) {
    let mut spec = Spec {
        entries: vec![
            Entry::Dir("/d".to_owned()),
            Entry::Link("/s".to_owned(), ".".to_owned()),
            Entry::Link("/d/s".to_owned(), ".".to_owned()),
        ],
    };
    spec.entries
        .push(Entry::Link("/l1".to_owned(), "d".to_owned()));
    for i in 2..=41 {
        spec.entries
            .push(Entry::Link(format!("/l{i}"), format!("l{}", i - 1)));
    }
    scenario(format!(
        "a chain of 41 links: /l1 -> d, /l2 -> l1, …, /l41 -> l40; /s -> . (the root itself) and\n\
         /d/s -> . (/d itself).\n\
         The drill's rule (Linux's limit, glibc's realpath's too) follows at most 40 links while resolving\n\
         one path: the 41st is ELOOP, \"Too many levels of symbolic links\", even without a cycle. The tree:\n{}",
        spec.describe()
    ));
    let mut session = Session::new(&spec, 1, "/", true);
    let moved = |p: &str| Outcome::Moved(p.to_owned());
    let refused = Outcome::Failed(Want::TooManyLinks);
    let forty_s = vec!["s"; 40].join("/");
    let forty_one_s = vec!["s"; 41].join("/");
    let across = |before: usize, after: usize| {
        let mut names = vec!["s"; before];
        names.push("d");
        names.extend(vec!["s"; after]);
        names.join("/")
    };
    let cases = [
        (Cmd::Physical("l40".to_owned()), moved("/d"), "l40 -> … -> l1 -> d is 40 links: allowed"),
        (Cmd::Physical("/".to_owned()), moved("/"), ""),
        (Cmd::Physical("l41".to_owned()), refused.clone(), "l41 needs 41 links: one too many"),
        (Cmd::Physical(forty_s), moved("/"), "s/s/…/s (40 times) follows 40 links in one path: allowed"),
        (
            Cmd::Physical(forty_one_s),
            refused,
            "s/s/…/s (41 times): the limit counts every link followed in one path, not only nested ones",
        ),
        (Cmd::Physical("l20/../l20".to_owned()), moved("/d"), "20 + 20 links in one path: allowed"),
        (Cmd::Physical("/".to_owned()), moved("/"), ""),
        (
            Cmd::Physical(across(20, 20)),
            moved("/d"),
            "s/…/s (20 times), d, s/…/s (20 times): 40 links, a real directory in the middle: allowed",
        ),
        (Cmd::Physical("/".to_owned()), moved("/"), ""),
        (
            Cmd::Physical(across(20, 21)),
            Outcome::Failed(Want::TooManyLinks),
            "20 links, the directory d, then 21 more: entering a directory does not restart the count",
        ),
    ];
    for (cmd, expected, why) in &cases {
        session.run(cmd, Some((expected, why)));
    }
}

fn too_many_links_reads_like_the_os(_: &mut Ctx) {
    scenario("format!(\"{}\", CdError::TooManyLinks)");
    expect_display(
        CdError::TooManyLinks,
        "too many levels of symbolic links",
        "that is the OS's own message for ELOOP (bash prints `cd: l: Too many levels of symbolic links`)",
    );
}

fn random_cycles_and_dangling_links_agree_with_the_os(ctx: &mut Ctx) {
    let mix = Mix {
        dirs: 8,
        files: 2,
        good_links: 3,
        bad_links: 5,
    };
    random::sessions(ctx, 4, 4, 64, mix, false, |rng, spec, state| {
        Cmd::Physical(random::arg(rng, spec, &state.pwd))
    });
}
