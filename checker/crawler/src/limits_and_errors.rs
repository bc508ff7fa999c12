//! Stage limits_and_errors: URL normalisation, max depth and max pages, failed fetches recorded and survived.

use std::collections::BTreeSet;

use syskata_kit::{checks, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{self, CrawlConfig, CrawlReport, FetchError};
use crate::support::{
    expect_each_requested_once, expect_pages_in_order, expect_requests_stay_on, generate, model,
    page_lines, run_crawl, web, Expected, GenSpec, Reply, Web, NETWORK_ERROR, SITE,
};

/// Returns the checks of stage limits_and_errors.
pub fn stage() -> Stage {
    Stage {
        slug: "limits_and_errors",
        checks: checks![
            urls_are_normalised,
            an_empty_port_is_dropped,
            urls_with_user_info_are_not_crawled,
            urls_without_a_host_are_not_crawled,
            ipv6_hosts_keep_their_colons,
            equivalent_spellings_are_fetched_once,
            the_start_url_is_normalised,
            pages_deeper_than_max_depth_are_not_fetched,
            max_pages_caps_the_fetches_in_bfs_order,
            a_failed_fetch_is_recorded_and_the_crawl_goes_on,
            a_failing_start_url_is_the_only_failure,
            failures_count_toward_max_pages,
            random_sites_with_failures_and_limits_match_a_model,
        ],
    }
}

/// Returns the failures of a report as `d<depth> <url> <error>` lines.
pub fn failure_lines(report: &CrawlReport) -> Vec<String> {
    report
        .failures
        .iter()
        .map(|f| format!("d{} {} {:?}", f.depth, f.url, f.error))
        .collect()
}

/// Returns the error the fake web's `reply` reaches the crawler as.
pub fn expected_error(reply: &Reply) -> FetchError {
    match reply {
        Reply::Status(code) => FetchError::Status(*code),
        _ => FetchError::Network(NETWORK_ERROR.to_owned()),
    }
}

/// Returns the expected failures as the same lines as [`failure_lines`].
pub fn expected_failure_lines(expected: &Expected) -> Vec<String> {
    expected
        .failures
        .iter()
        .map(|(url, depth, reply)| format!("d{depth} {url} {:?}", expected_error(reply)))
        .collect()
}

#[track_caller]
fn check_resolve(base: &str, href: &str, expected: &str, why: &str) {
    step(format!("resolve({base:?}, {href:?})"));
    expect_eq(
        format!("resolve({base:?}, {href:?}): {why}"),
        drill::resolve(base, href),
        Some(expected.to_owned()),
    );
}

fn urls_are_normalised(_: &mut Ctx) {
    scenario(
        "resolve(base, href) with spellings that name the same URL: \
         the result is normalised (lower-case scheme and host, no default port, no dot segments, a path of at least /)",
    );
    let base = "http://site.test/a/b";
    let cases: [(&str, &str, &str); 13] = [
        (
            "HTTP://Site.Test/x",
            "http://site.test/x",
            "scheme and host are case-insensitive: lower-case them",
        ),
        (
            "http://site.test:80/x",
            "http://site.test/x",
            "80 is http's default port: drop it",
        ),
        (
            "https://site.test:443/x",
            "https://site.test/x",
            "443 is https's default port: drop it",
        ),
        (
            "http://site.test:443/x",
            "http://site.test:443/x",
            "443 is not http's default: keep it",
        ),
        (
            "https://site.test:80/x",
            "https://site.test:80/x",
            "80 is not https's default: keep it",
        ),
        (
            "http://site.test:8080/x",
            "http://site.test:8080/x",
            "other ports stay",
        ),
        (
            "http://site.test",
            "http://site.test/",
            "an empty path is /",
        ),
        (
            "http://site.test?q=1",
            "http://site.test/?q=1",
            "an empty path is / even before a query",
        ),
        (
            "http://site.test/a/./b/../c",
            "http://site.test/a/c",
            "dot segments go from absolute URLs too",
        ),
        (
            "http://site.test/../x",
            "http://site.test/x",
            "`..` at the root stays at the root",
        ),
        (
            "HTTPS://SITE.TEST:443",
            "https://site.test/",
            "all of it at once",
        ),
        (
            "http://site.test/CaseMatters/X.html",
            "http://site.test/CaseMatters/X.html",
            "the path is case-sensitive: leave it",
        ),
        (
            "/x?next=../b",
            "http://site.test/x?next=../b",
            "the query is left as it is, dots included",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(base, href, expected, why);
    }
    check_resolve(
        "HTTP://SITE.TEST:80/a/b",
        "c",
        "http://site.test/a/c",
        "the base is normalised too",
    );
    check_resolve(
        "http://site.test:80/a/",
        "",
        "http://site.test/a/",
        "an empty href is the normalised base",
    );
}

fn an_empty_port_is_dropped(_: &mut Ctx) {
    let base = "http://site.test/a/b";
    scenario(format!(
        "resolve(base, href) where a `:` ends the host with no port after it (`host:`): it is dropped, \
         as a default port is. Base: {base}"
    ));
    let cases: [(&str, &str, &str); 5] = [
        (
            "http://site.test:/x",
            "http://site.test/x",
            "an empty port before a path",
        ),
        (
            "http://site.test:",
            "http://site.test/",
            "an empty port and an empty path",
        ),
        (
            "https://site.test:?q=1",
            "https://site.test/?q=1",
            "an empty port before a query",
        ),
        (
            "//site.test:/y",
            "http://site.test/y",
            "an empty port in a `//host` link",
        ),
        (
            "http://site.test:8080/x",
            "http://site.test:8080/x",
            "next to it: a real port stays",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(base, href, expected, why);
    }
    check_resolve(
        "HTTP://Site.Test:/a/b",
        "c",
        "http://site.test/a/c",
        "a base with an empty port is normalised too",
    );
}

fn urls_with_user_info_are_not_crawled(_: &mut Ctx) {
    let base = "http://site.test/a/b";
    scenario(format!(
        "links, bases and start URLs with user-info before the host (`user@host`, `user:pw@host`) are \
         not crawled: resolve gives None and crawl fetches nothing; an `@` after the host is an \
         ordinary character. Base: {base}"
    ));
    for href in [
        "http://user@site.test/x",
        "http://user:pw@site.test/x",
        "HTTP://User:PW@Site.Test:8080/x",
        "//user@site.test/x",
        "https://@site.test/",
    ] {
        step(format!("resolve({base:?}, {href:?})"));
        expect_eq(
            format!("resolve({base:?}, {href:?}): a URL carrying user-info is not crawled"),
            drill::resolve(base, href),
            None,
        );
    }
    step("resolve(\"http://user@site.test/a/b\", \"c\")");
    expect_eq(
        "resolve(\"http://user@site.test/a/b\", \"c\"): a base carrying user-info gives None",
        drill::resolve("http://user@site.test/a/b", "c"),
        None,
    );
    check_resolve(
        base,
        "/x@y",
        "http://site.test/x@y",
        "an `@` in the path is not user-info",
    );
    check_resolve(
        base,
        "?mail=a@b",
        "http://site.test/a/b?mail=a@b",
        "an `@` in the query is not user-info",
    );
    let web = web().page("/", &["/a"]).page("/a", &[]).build();
    step(format!("the site:\n{}", web.describe()));
    let report = run_crawl(
        &web,
        "http://user:pw@site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_eq(
        "requests that reached the web for start URL http://user:pw@site.test/",
        web.requests().len(),
        0,
    );
    expect_eq(
        "report.pages for a start URL carrying user-info",
        page_lines(&report.pages),
        Vec::<String>::new(),
    );
}

fn urls_without_a_host_are_not_crawled(_: &mut Ctx) {
    let base = "http://site.test/a/b";
    scenario(format!(
        "links, bases and start URLs whose host is empty (nothing between `//` and the path, or only a \
         port) are not http(s) URLs: resolve gives None and crawl fetches nothing. Base: {base}"
    ));
    for href in [
        "http:///x",
        "https://",
        "http://:8080/x",
        "http://:80/x",
        "http://?q=1",
        "///x",
    ] {
        step(format!("resolve({base:?}, {href:?})"));
        expect_eq(
            format!("resolve({base:?}, {href:?}): a URL with no host is not an http(s) URL"),
            drill::resolve(base, href),
            None,
        );
    }
    step("resolve(\"http:///a/b\", \"c\")");
    expect_eq(
        "resolve(\"http:///a/b\", \"c\"): a base with no host gives None",
        drill::resolve("http:///a/b", "c"),
        None,
    );
    check_resolve(
        base,
        "//site.test:8080/x",
        "http://site.test:8080/x",
        "next to it: a host with a port is a URL",
    );
    let web = web().page("/", &["/a"]).page("/a", &[]).build();
    step(format!("the site:\n{}", web.describe()));
    for start in ["http:///", "http://:80/"] {
        let report = run_crawl(&web, start, &CrawlConfig::default(), "default config");
        expect_eq(
            format!("report.pages for start URL {start:?}, which has no host"),
            page_lines(&report.pages),
            Vec::<String>::new(),
        );
    }
    expect_eq(
        "requests that reached the web for start URLs without a host",
        web.requests().len(),
        0,
    );
}

fn ipv6_hosts_keep_their_colons(_: &mut Ctx) {
    let base = "http://site.test/a/b";
    scenario(format!(
        "resolve(base, href) with IPv6 hosts in square brackets: the colons inside the brackets belong to \
         the host, and only a `:` after the `]` starts a port. Base: {base}"
    ));
    let cases: [(&str, &str, &str); 6] = [
        (
            "http://[::1]/x",
            "http://[::1]/x",
            "no port: the last `:` is inside the brackets",
        ),
        (
            "http://[::1]:8080/x",
            "http://[::1]:8080/x",
            "a port after the brackets stays",
        ),
        (
            "http://[::1]:80/x",
            "http://[::1]/x",
            "80 after the brackets is http's default port: drop it",
        ),
        (
            "http://[::1]:/x",
            "http://[::1]/x",
            "an empty port after the brackets is dropped",
        ),
        (
            "HTTP://[FE80::1]",
            "http://[fe80::1]/",
            "the host is lower-cased and an empty path is /",
        ),
        (
            "https://[2001:db8::7]:443?q=1",
            "https://[2001:db8::7]/?q=1",
            "443 is https's default port; an empty path before a query is /",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(base, href, expected, why);
    }
    check_resolve(
        "http://[::1]/a/b",
        "c",
        "http://[::1]/a/c",
        "a relative link against a base on an IPv6 host",
    );
}

fn equivalent_spellings_are_fetched_once(_: &mut Ctx) {
    let web = web()
        .page(
            "/",
            &[
                "/a",
                "HTTP://SITE.TEST/a",
                "http://site.test:80/a",
                "/b/../a",
                "./a#x",
                "http://Site.Test:80/./a",
                "http://site.test:80",
                "HTTP://site.test/",
                "HTTP://Site.Test:80/x/../only",
            ],
        )
        .page("/a", &["http://SITE.test:80/b/../", "a"])
        .page("/only", &[])
        .build();
    scenario(format!(
        "the start page links to /a in six spellings, to itself in three, and to /only in one messy spelling:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_requests_stay_on(&web, &[SITE]);
    expect_each_requested_once(
        &web,
        "normalise a URL before checking whether it was seen: these spellings are one URL",
    );
    expect_eq(
        "report.pages: HTTP://Site.Test:80/x/../only is http://site.test/only, a page of the site",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/a".to_owned(),
            "d1 http://site.test/only".to_owned(),
        ],
    );
    expect_eq(
        "report.failures: every spelling names a page that exists",
        failure_lines(&report),
        Vec::<String>::new(),
    );
}

fn the_start_url_is_normalised(_: &mut Ctx) {
    let web = web().page("/", &["/", "/x"]).page("/x", &["/"]).build();
    scenario(format!(
        "the crawl starts from an unnormalised spelling of http://site.test/:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "HTTP://Site.Test:80",
        &CrawlConfig::default(),
        "default config",
    );
    expect_each_requested_once(
        &web,
        "the start URL is normalised before it is fetched and marked seen",
    );
    expect_eq(
        "report.pages: the start page under its normalised URL",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/x".to_owned(),
        ],
    );
}

fn depth_site() -> std::sync::Arc<Web> {
    web()
        .page("/", &["/1a", "/1b"])
        .page("/1a", &["/2a"])
        .page("/1b", &["/2b", "/1a"])
        .page("/2a", &["/3a"])
        .page("/2b", &["/3a"])
        .page("/3a", &["/4a"])
        .page("/4a", &[])
        .build()
}

fn pages_deeper_than_max_depth_are_not_fetched(_: &mut Ctx) {
    scenario(format!(
        "a site five levels deep, crawled with several max_depth values:\n{}",
        depth_site().describe()
    ));
    let all = ["/", "/1a", "/1b", "/2a", "/2b", "/3a", "/4a"];
    let depth = [0, 1, 1, 2, 2, 3, 4];
    for max_depth in [Some(0), Some(1), Some(2), Some(3), None] {
        let web = depth_site();
        let config = CrawlConfig {
            max_depth,
            ..CrawlConfig::default()
        };
        let report = run_crawl(
            &web,
            "http://site.test/",
            &config,
            &format!("max_depth: {max_depth:?}"),
        );
        let expected: Vec<String> = all
            .iter()
            .zip(depth)
            .filter(|(_, d)| max_depth.is_none_or(|m| *d <= m))
            .map(|(path, d)| format!("d{d} {SITE}{path}"))
            .collect();
        expect_eq(
            format!(
                "report.pages with max_depth = {max_depth:?}: pages at depth ≤ max_depth, and nothing deeper is fetched"
            ),
            page_lines(&report.pages),
            expected.clone(),
        );
        expect_eq(
            format!("page requests seen by the fake web with max_depth = {max_depth:?}"),
            web.page_requests().len(),
            expected.len(),
        );
    }
}

fn max_pages_caps_the_fetches_in_bfs_order(_: &mut Ctx) {
    let build = || {
        web()
            .page("/", &["/p1", "/p2", "/p3", "/p4"])
            .page("/p1", &["/q1", "/p2"])
            .page("/p2", &["/q2"])
            .page("/p3", &[])
            .page("/p4", &["/q4"])
            .page("/q1", &[])
            .page("/q2", &[])
            .page("/q4", &[])
            .build()
    };
    scenario(format!(
        "a site of 8 pages crawled with several max_pages values:\n{}",
        build().describe()
    ));
    let bfs = ["/", "/p1", "/p2", "/p3", "/p4", "/q1", "/q2", "/q4"];
    let depth = [0, 1, 1, 1, 1, 2, 2, 2];
    for max_pages in [0, 1, 3, 5, 8, 100] {
        let web = build();
        let config = CrawlConfig {
            max_pages: Some(max_pages),
            ..CrawlConfig::default()
        };
        let report = run_crawl(
            &web,
            "http://site.test/",
            &config,
            &format!("max_pages: Some({max_pages})"),
        );
        let expected: Vec<String> = bfs
            .iter()
            .zip(depth)
            .take(max_pages)
            .map(|(path, d)| format!("d{d} {SITE}{path}"))
            .collect();
        expect_eq(
            format!("report.pages with max_pages = {max_pages}: the first pages in BFS order"),
            page_lines(&report.pages),
            expected.clone(),
        );
        expect_eq(
            format!("page requests seen by the fake web with max_pages = {max_pages}: no fetch beyond the cap"),
            web.page_requests().len(),
            expected.len(),
        );
    }
}

fn failure_site() -> std::sync::Arc<Web> {
    web()
        .page("/", &["/ok1", "/e500", "/net", "/gone", "/ok2"])
        .page("/ok1", &["/deep"])
        .failing("/e500", Reply::Status(500))
        .failing("/net", Reply::Network)
        .page("/ok2", &["/ok1", "/e500", "/deep"])
        .page("/deep", &["/", "/gone"])
        .build()
}

fn a_failed_fetch_is_recorded_and_the_crawl_goes_on(_: &mut Ctx) {
    let web = failure_site();
    scenario(format!(
        "a site where some links fail (/gone does not exist: the fake web answers 404):\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_eq(
        "report.pages: the pages that answered, in BFS order — failures do not stop the crawl",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/ok1".to_owned(),
            "d1 http://site.test/ok2".to_owned(),
            "d2 http://site.test/deep".to_owned(),
        ],
    );
    expect_eq(
        "report.failures: each failed URL once, with its depth and the fetcher's error as returned, in BFS order",
        failure_lines(&report),
        vec![
            format!("d1 {SITE}/e500 {:?}", FetchError::Status(500)),
            format!("d1 {SITE}/net {:?}", FetchError::Network(NETWORK_ERROR.to_owned())),
            format!("d1 {SITE}/gone {:?}", FetchError::Status(404)),
        ],
    );
    expect_each_requested_once(&web, "a failed URL is not retried either");
}

fn a_failing_start_url_is_the_only_failure(_: &mut Ctx) {
    let web = web().failing("/", Reply::Status(503)).build();
    scenario(format!(
        "a site whose start page fails:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        Vec::<String>::new(),
    );
    expect_eq(
        "report.failures: the start URL at depth 0",
        failure_lines(&report),
        vec![format!("d0 {SITE}/ {:?}", FetchError::Status(503))],
    );
}

fn failures_count_toward_max_pages(_: &mut Ctx) {
    let web = web()
        .page("/", &["/e1", "/e2", "/a", "/b"])
        .failing("/e1", Reply::Status(500))
        .failing("/e2", Reply::Network)
        .page("/a", &[])
        .page("/b", &[])
        .build();
    scenario(format!(
        "max_pages = 3 on a site whose first links fail:\n{}",
        web.describe()
    ));
    let config = CrawlConfig {
        max_pages: Some(3),
        ..CrawlConfig::default()
    };
    let report = run_crawl(&web, "http://site.test/", &config, "max_pages: Some(3)");
    expect_eq(
        "page requests seen by the fake web: max_pages counts every page fetch, failed ones too",
        web.page_requests().len(),
        3,
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        vec![format!("d0 {SITE}/")],
    );
    expect_eq(
        "report.failures",
        failure_lines(&report),
        vec![
            format!("d1 {SITE}/e1 {:?}", FetchError::Status(500)),
            format!(
                "d1 {SITE}/e2 {:?}",
                FetchError::Network(NETWORK_ERROR.to_owned())
            ),
        ],
    );
}

fn random_sites_with_failures_and_limits_match_a_model(ctx: &mut Ctx) {
    scenario(
        "generated sites of 20–70 pages: links in every spelling (upper-case hosts, :80, dot segments, \
         fragments…), ~12% of pages failing, links to missing pages, random max_depth and max_pages; \
         the expected report comes from a plain BFS of the same link graph",
    );
    for round in 0..6 {
        let pages = ctx.rng().range(20, 70) as usize;
        let mut spec = GenSpec::new(pages);
        spec.normalising = true;
        spec.fail_percent = 12;
        spec.dangling_percent = 20;
        let site = generate(ctx.rng(), &spec);
        let max_depth = ctx.rng().chance(60).then(|| ctx.rng().range(1, 4) as usize);
        let max_pages = ctx
            .rng()
            .chance(50)
            .then(|| ctx.rng().range(1, pages as u64) as usize);
        step(format!(
            "site #{round}: {pages} pages, max_depth {max_depth:?}, max_pages {max_pages:?}"
        ));
        let config = CrawlConfig {
            max_depth,
            max_pages,
            ..CrawlConfig::default()
        };
        let report = run_crawl(
            &site.web,
            &site.start,
            &config,
            &format!("max_depth: {max_depth:?}, max_pages: {max_pages:?}"),
        );
        let expected = model(&site, max_depth, max_pages);
        expect_requests_stay_on(&site.web, &[SITE]);
        expect_each_requested_once(&site.web, "each URL is fetched once");
        expect_pages_in_order(&report.pages, &expected);
        expect_eq(
            "report.failures (depth, URL, error), in BFS order",
            failure_lines(&report),
            expected_failure_lines(&expected),
        );
        let requested: BTreeSet<String> = site
            .web
            .page_requests()
            .into_iter()
            .map(|r| r.url)
            .collect();
        let wanted: BTreeSet<String> = expected.fetched.iter().cloned().collect();
        if requested != wanted {
            let extra: Vec<&String> = requested.difference(&wanted).take(5).collect();
            fail(format!(
                "the crawl fetched {} URLs, a correct one fetches {}; fetched but not expected: {extra:?}",
                requested.len(),
                wanted.len()
            ));
        }
    }
}
