//! Stage same_host_bfs: link extraction, URL resolution, and a breadth-first crawl that stays on one origin.

use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{self, CrawlConfig};
use crate::support::{
    expect_each_requested_once, expect_pages_in_order, expect_requests_stay_on, generate, model,
    page_lines, run_crawl, web, GenSpec, SITE,
};

/// Returns the checks of stage same_host_bfs.
pub fn stage() -> Stage {
    Stage {
        slug: "same_host_bfs",
        checks: checks![
            links_are_the_href_values_in_page_order,
            relative_links_resolve_against_the_page_url,
            fragments_are_dropped,
            links_that_are_not_http_resolve_to_none,
            a_scheme_is_letters_before_the_first_colon,
            https_bases_resolve_like_http_ones,
            a_slash_in_a_query_is_not_a_directory,
            whitespace_around_href_and_base_is_ignored,
            the_start_page_comes_back_at_depth_0,
            pages_come_back_in_breadth_first_order,
            each_url_is_fetched_once,
            links_to_other_origins_are_not_followed,
            lookalike_hosts_are_other_hosts,
            sites_on_short_hosts_are_crawled,
            a_fragment_link_is_the_same_page,
            random_sites_are_crawled_in_bfs_order,
            an_invalid_start_url_fetches_nothing,
        ],
    }
}

#[track_caller]
fn check_links(html: &str, expected: &[&str]) {
    step(format!("extract_links({html:?})"));
    let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expect_eq(
        format!(
            "extract_links({html:?}): every href=\"…\" value, verbatim, in the order it appears"
        ),
        drill::extract_links(html),
        expected,
    );
}

fn links_are_the_href_values_in_page_order(_: &mut Ctx) {
    scenario("extract_links on small HTML snippets");
    check_links(
        r#"<a href="/a">A</a> <a href="b.html">B</a>"#,
        &["/a", "b.html"],
    );
    check_links("", &[]);
    check_links("<p>no links here</p>", &[]);
    check_links(
        r#"<a class="nav" href="https://x.test/">x</a>"#,
        &["https://x.test/"],
    );
    check_links(
        r##"<a href="">me</a><a href="#top">top</a>"##,
        &["", "#top"],
    );
    check_links(r#"<a href="/a">1</a><a href="/a">2</a>"#, &["/a", "/a"]);
    check_links(
        "<ul>\n<li><a href=\"../up.html?x=1\">up</a></li>\n<li><a href=\"mailto:me@x.test\">mail</a></li>\n</ul>",
        &["../up.html?x=1", "mailto:me@x.test"],
    );
    check_links(r#"<a href="/ok">ok</a> <a href="/never-closed"#, &["/ok"]);
}

#[track_caller]
fn check_resolve(base: &str, href: &str, expected: Option<&str>, why: &str) {
    step(format!("resolve({base:?}, {href:?})"));
    expect_eq(
        format!("resolve({base:?}, {href:?}): {why}"),
        drill::resolve(base, href),
        expected.map(str::to_owned),
    );
}

const GUIDE: &str = "http://site.test/docs/guide/intro.html";

fn relative_links_resolve_against_the_page_url(_: &mut Ctx) {
    scenario(format!(
        "resolve(base, href) for the common kinds of href; most are on the page {GUIDE}"
    ));
    let cases: [(&str, &str, &str); 17] = [
        (
            "setup.html",
            "http://site.test/docs/guide/setup.html",
            "a bare name replaces the last segment of the base path",
        ),
        (
            "./setup.html",
            "http://site.test/docs/guide/setup.html",
            "`./` is the base's own directory",
        ),
        (
            "../api/index.html",
            "http://site.test/docs/api/index.html",
            "`..` climbs one directory",
        ),
        (
            "../../about",
            "http://site.test/about",
            "two `..` climb two directories",
        ),
        (
            "../../../../x",
            "http://site.test/x",
            "`..` at the root stays at the root",
        ),
        (
            "/contact",
            "http://site.test/contact",
            "a path starting with / replaces the whole path",
        ),
        (
            "?page=2",
            "http://site.test/docs/guide/intro.html?page=2",
            "a query alone keeps the base path",
        ),
        (
            "",
            "http://site.test/docs/guide/intro.html",
            "an empty href is the page itself",
        ),
        (
            "//cdn.test/lib.js",
            "http://cdn.test/lib.js",
            "`//host/…` keeps only the base's scheme",
        ),
        (
            "http://other.test/a/b",
            "http://other.test/a/b",
            "an absolute URL ignores the base",
        ),
        (
            "https://site.test/x",
            "https://site.test/x",
            "an absolute URL keeps its own scheme",
        ),
        (
            "sub/",
            "http://site.test/docs/guide/sub/",
            "a trailing slash is kept",
        ),
        (
            "..",
            "http://site.test/docs/",
            "a final `..` names the parent directory, with its slash",
        ),
        (
            ".",
            "http://site.test/docs/guide/",
            "a final `.` names the directory itself",
        ),
        (
            "a/./b/../c.html",
            "http://site.test/docs/guide/a/c.html",
            "`.` and `..` in the middle are removed too",
        ),
        (
            "/a/b/../c",
            "http://site.test/a/c",
            "dot segments are removed from rooted paths as well",
        ),
        (
            "search?q=rust",
            "http://site.test/docs/guide/search?q=rust",
            "a relative path may carry a query",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(GUIDE, href, Some(expected), why);
    }
    let list = "http://site.test/list?page=1";
    check_resolve(
        list,
        "item/3",
        Some("http://site.test/item/3"),
        "the base's query does not carry over to a new path",
    );
    check_resolve(
        list,
        "?page=2",
        Some("http://site.test/list?page=2"),
        "a new query replaces the base's",
    );
    check_resolve(list, "", Some(list), "an empty href keeps the base's query");
    check_resolve(
        "http://site.test/docs/",
        "a.html",
        Some("http://site.test/docs/a.html"),
        "a base ending in / is a directory",
    );
    check_resolve(
        "http://site.test/",
        "../x",
        Some("http://site.test/x"),
        "`..` at the root stays at the root",
    );
    check_resolve(
        "http://localhost:8080/a/b",
        "c",
        Some("http://localhost:8080/a/c"),
        "the port belongs to the origin and is kept",
    );
    check_resolve(
        "http://localhost:8080/a/b",
        "/d",
        Some("http://localhost:8080/d"),
        "a rooted path keeps the base's port",
    );
}

fn fragments_are_dropped(_: &mut Ctx) {
    scenario("resolve(base, href) where the href or the base carries a #fragment: it names a spot inside a page, never another page");
    check_resolve(
        GUIDE,
        "#install",
        Some(GUIDE),
        "a fragment alone is the page itself",
    );
    check_resolve(
        GUIDE,
        "setup.html#step-2",
        Some("http://site.test/docs/guide/setup.html"),
        "the fragment is dropped",
    );
    check_resolve(
        GUIDE,
        "http://site.test/a#x",
        Some("http://site.test/a"),
        "absolute URLs lose their fragment too",
    );
    check_resolve(
        GUIDE,
        "?q=1#results",
        Some("http://site.test/docs/guide/intro.html?q=1"),
        "the fragment follows the query and goes",
    );
    check_resolve(
        "http://site.test/a/b#frag",
        "c",
        Some("http://site.test/a/c"),
        "a base with a fragment resolves as without it",
    );
    check_resolve(
        "http://site.test/a/b#frag",
        "",
        Some("http://site.test/a/b"),
        "an empty href is the base without its fragment",
    );
}

fn links_that_are_not_http_resolve_to_none(_: &mut Ctx) {
    scenario("resolve(base, href) where the href, or the base, is not an http(s) URL");
    for href in [
        "mailto:team@site.test",
        "javascript:void(0)",
        "ftp://site.test/pub/",
        "tel:+15551234",
        "data:text/plain,hello",
    ] {
        check_resolve(
            GUIDE,
            href,
            None,
            "only http and https links can be crawled",
        );
    }
    check_resolve(
        "not a url",
        "a.html",
        None,
        "the base is not an absolute URL",
    );
    check_resolve(
        "ftp://site.test/pub/",
        "a.html",
        None,
        "the base is not http(s)",
    );
}

fn a_scheme_is_letters_before_the_first_colon(_: &mut Ctx) {
    scenario(format!(
        "resolve(base, href) where the href holds a `:`: it has a scheme only when the text before its \
         first `:` is a letter followed by letters, digits, `+`, `-` or `.`; otherwise the colon is part \
         of a path. Base: {GUIDE}"
    ));
    let cases: [(&str, Option<&str>, &str); 9] = [
        ("foo:bar.html", None, "`foo` is a scheme, and not http(s)"),
        (
            "x-y.z+1:abc",
            None,
            "`x-y.z+1` is a scheme too: letters, digits, `+`, `-` and `.` after a first letter",
        ),
        (
            "./foo:bar.html",
            Some("http://site.test/docs/guide/foo:bar.html"),
            "`./` comes first, so the colon is inside a path",
        ),
        (
            "a/b:c.html",
            Some("http://site.test/docs/guide/a/b:c.html"),
            "a `/` before the colon: a relative path",
        ),
        (
            "/x:y",
            Some("http://site.test/x:y"),
            "a rooted path with a colon in it",
        ),
        (
            "1a:b",
            Some("http://site.test/docs/guide/1a:b"),
            "a scheme starts with a letter, so this is a path",
        ),
        (
            "a_b:c",
            Some("http://site.test/docs/guide/a_b:c"),
            "`_` cannot appear in a scheme, so this is a path",
        ),
        (
            "?t=10:30",
            Some("http://site.test/docs/guide/intro.html?t=10:30"),
            "a colon in a query-only href",
        ),
        (
            ":x",
            Some("http://site.test/docs/guide/:x"),
            "nothing before the colon: no scheme",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(GUIDE, href, expected, why);
    }
    check_resolve(
        "http://site.test/a:b/c",
        "d",
        Some("http://site.test/a:b/d"),
        "a colon inside the base's path is just a character of the path",
    );
}

fn https_bases_resolve_like_http_ones(_: &mut Ctx) {
    let base = "https://site.test/docs/a.html";
    scenario(format!(
        "resolve(base, href) on pages served over https; the base is {base}"
    ));
    let cases: [(&str, &str, &str); 7] = [
        (
            "b.html",
            "https://site.test/docs/b.html",
            "a bare name keeps the base's https scheme",
        ),
        (
            "../up",
            "https://site.test/up",
            "`..` climbs a directory on https as on http",
        ),
        (
            "/root",
            "https://site.test/root",
            "a rooted path keeps the scheme and host",
        ),
        (
            "?q=1",
            "https://site.test/docs/a.html?q=1",
            "a query alone keeps the base path",
        ),
        (
            "",
            "https://site.test/docs/a.html",
            "an empty href is the base itself",
        ),
        (
            "//cdn.test/x.js",
            "https://cdn.test/x.js",
            "`//host/…` takes the base's scheme: https here",
        ),
        (
            "http://site.test/plain",
            "http://site.test/plain",
            "an absolute http URL keeps its own scheme",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(base, href, Some(expected), why);
    }
    check_resolve(
        "https://site.test:8443/a/b",
        "c",
        Some("https://site.test:8443/a/c"),
        "the base's port stays on https too",
    );
}

fn a_slash_in_a_query_is_not_a_directory(_: &mut Ctx) {
    let base = "http://site.test/a/b?next=/c/d";
    scenario(format!(
        "resolve(base, href) where the base's query or the href's holds `/`, `.` or `..`; only the path \
         before the `?` decides the directory, and a query is kept as written. Base: {base}"
    ));
    let cases: [(&str, &str, &str); 6] = [
        (
            "e",
            "http://site.test/a/e",
            "the directory of /a/b is /a/: the `/` in the query does not count",
        ),
        (
            "../f",
            "http://site.test/f",
            "`..` climbs from /a/, not from inside the query",
        ),
        (
            "",
            "http://site.test/a/b?next=/c/d",
            "an empty href is the base, its query included as written",
        ),
        (
            "?x=/y/../z",
            "http://site.test/a/b?x=/y/../z",
            "dot segments inside a query are not removed",
        ),
        (
            "g?h=/i/./j",
            "http://site.test/a/g?h=/i/./j",
            "a relative path with a query: the query stays as written",
        ),
        (
            "/k?back=../../l",
            "http://site.test/k?back=../../l",
            "a rooted path with `..` in its query",
        ),
    ];
    for (href, expected, why) in cases {
        check_resolve(base, href, Some(expected), why);
    }
    check_resolve(
        "http://site.test/p?dir=/x/y/",
        "q",
        Some("http://site.test/q"),
        "a query ending in `/` does not make the base a directory",
    );
}

fn whitespace_around_href_and_base_is_ignored(_: &mut Ctx) {
    scenario(
        "whitespace before and after an href or a base: extract_links hands it over verbatim, \
         resolve ignores it",
    );
    check_links(r#"<a href=" a.html ">x</a>"#, &[" a.html "]);
    let cases: [(&str, &str, Option<&str>, &str); 6] = [
        (
            GUIDE,
            " setup.html ",
            Some("http://site.test/docs/guide/setup.html"),
            "spaces around the href",
        ),
        (
            GUIDE,
            "\n\t../api/x.html\n",
            Some("http://site.test/docs/api/x.html"),
            "tabs and line breaks around the href",
        ),
        (
            GUIDE,
            "   ",
            Some(GUIDE),
            "an href of spaces only is an empty href: the base itself",
        ),
        (GUIDE, " #top ", Some(GUIDE), "a fragment after spaces"),
        (
            GUIDE,
            " mailto:me@site.test",
            None,
            "spaces before another scheme",
        ),
        (
            " http://site.test/a/b\n",
            "c",
            Some("http://site.test/a/c"),
            "spaces and a line break around the base",
        ),
    ];
    for (base, href, expected, why) in cases {
        check_resolve(base, href, expected, why);
    }
}

fn the_start_page_comes_back_at_depth_0(_: &mut Ctx) {
    let web = web().page("/", &[]).build();
    scenario(format!(
        "a site of one page without links:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_eq(
        "report.pages: the start page alone, at depth 0",
        page_lines(&report.pages),
        vec!["d0 http://site.test/".to_owned()],
    );
    expect_eq(
        "requests of http://site.test/ seen by the fake web",
        web.page_requests().len(),
        1,
    );
}

fn pages_come_back_in_breadth_first_order(_: &mut Ctx) {
    let web = web()
        .page("/", &["/a.html", "b.html", "./c.html"])
        .page("/a.html", &["d.html", "/b.html"])
        .page("/b.html", &["http://site.test/e.html", "/"])
        .page("/c.html", &["f.html"])
        .page("/d.html", &["g.html"])
        .page("/e.html", &[])
        .page("/f.html", &["d.html"])
        .page("/g.html", &[])
        .build();
    scenario(format!(
        "a small site where depth-first and breadth-first orders differ:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    let expected: Vec<String> = [
        "d0 /",
        "d1 /a.html",
        "d1 /b.html",
        "d1 /c.html",
        "d2 /d.html",
        "d2 /e.html",
        "d2 /f.html",
        "d3 /g.html",
    ]
    .iter()
    .map(|line| line.replacen(" /", &format!(" {SITE}/"), 1))
    .collect();
    expect_eq(
        "report.pages: breadth-first — all of depth 1 in link order, then depth 2 in the order \
         their links were first seen (d from a, e from b, f from c), then depth 3",
        page_lines(&report.pages),
        expected,
    );
}

fn each_url_is_fetched_once(_: &mut Ctx) {
    let web = web()
        .page("/", &["/a", "b", "a", "/", "./", "http://site.test/"])
        .page("/a", &["/b", "/a", "/"])
        .page("/b", &["/c", "/a", "http://site.test/b"])
        .page("/c", &["/", "c", "/b"])
        .build();
    scenario(format!(
        "a site full of cycles, self-links and repeated links (also back to the start page):\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_each_requested_once(
        &web,
        "a URL is queued the first time a link to it is seen — the start URL counts as seen — and never again",
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/a".to_owned(),
            "d1 http://site.test/b".to_owned(),
            "d2 http://site.test/c".to_owned(),
        ],
    );
}

fn links_to_other_origins_are_not_followed(_: &mut Ctx) {
    let web = web()
        .page(
            "/",
            &[
                "/a",
                "http://other.test/",
                "https://site.test/secure",
                "http://site.test:8080/admin",
                "http://sub.site.test/",
                "//other.test/x",
            ],
        )
        .page("/a", &["http://other.test/b"])
        .page("http://other.test/", &["http://other.test/b"])
        .page("http://other.test/b", &[])
        .page("http://other.test/x", &[])
        .page("https://site.test/secure", &[])
        .page("http://site.test:8080/admin", &[])
        .page("http://sub.site.test/", &[])
        .build();
    scenario(format!(
        "the start page links to other hosts, another scheme and another port, all of which exist:\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_requests_stay_on(&web, &[SITE]);
    expect_eq(
        "report.pages: only pages of http://site.test (the start URL's scheme, host and port)",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/a".to_owned(),
        ],
    );
}

fn lookalike_hosts_are_other_hosts(_: &mut Ctx) {
    let web = web()
        .page(
            "/",
            &[
                "http://site.test.evil/",
                "http://site.testing/",
                "http://site.test:81/",
                "http://evil.test/http://site.test/",
                "/ok",
            ],
        )
        .page("/ok", &[])
        .page("http://site.test.evil/", &[])
        .page("http://site.testing/", &[])
        .page("http://site.test:81/", &[])
        .page("http://evil.test/http://site.test/", &[])
        .build();
    scenario(format!(
        "links to URLs that merely start with the text \"http://site.test\":\n{}",
        web.describe()
    ));
    let report = run_crawl(
        &web,
        "http://site.test/",
        &CrawlConfig::default(),
        "default config",
    );
    expect_requests_stay_on(&web, &[SITE]);
    expect_eq(
        "report.pages: a URL is on the site when its scheme, host and port equal the start's — \
         a string prefix is not enough",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/ok".to_owned(),
        ],
    );
}

fn sites_on_short_hosts_are_crawled(_: &mut Ctx) {
    scenario(
        "sites on very short host names, over http and https: a URL's origin is its scheme, host and \
         port, however short the host, and pages deeper than one directory belong to the site too",
    );
    for (start, pages) in [
        ("http://a.io/", ["http://a.io/x/y", "http://a.io/z"]),
        ("https://b.io/", ["https://b.io/x/y", "https://b.io/z"]),
    ] {
        let web = web()
            .page(start, &["/x/y", "z"])
            .page(pages[0], &["../z", "/"])
            .page(pages[1], &[])
            .build();
        step(format!("the site:\n{}", web.describe()));
        let report = run_crawl(&web, start, &CrawlConfig::default(), "default config");
        expect_eq(
            format!(
                "report.pages for the site at {start}: every page is on the start URL's origin"
            ),
            page_lines(&report.pages),
            vec![
                format!("d0 {start}"),
                format!("d1 {}", pages[0]),
                format!("d1 {}", pages[1]),
            ],
        );
    }
}

fn a_fragment_link_is_the_same_page(_: &mut Ctx) {
    let web = web()
        .page("/", &["#top", "/a#one", "a#two", "/a", "./a#three"])
        .page("/a", &["/#intro", "#here"])
        .build();
    scenario(format!(
        "links that differ only by their #fragment:\n{}",
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
        "all the links to /a name the same page; #… only scrolls",
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        vec![
            "d0 http://site.test/".to_owned(),
            "d1 http://site.test/a".to_owned(),
        ],
    );
}

fn random_sites_are_crawled_in_bfs_order(ctx: &mut Ctx) {
    scenario(
        "generated sites of 15–60 pages: links spelled absolute, rooted, relative with ./ and ../, \
         protocol-relative, query-only, some with #fragments, some leading off the site; \
         the expected pages come from a plain BFS of the same link graph",
    );
    for round in 0..6 {
        let pages = ctx.rng().range(15, 60) as usize;
        let site = generate(ctx.rng(), &GenSpec::new(pages));
        step(format!("site #{round}: {pages} pages (a new random site)"));
        let report = run_crawl(
            &site.web,
            &site.start,
            &CrawlConfig::default(),
            "default config",
        );
        expect_requests_stay_on(&site.web, &[SITE]);
        expect_each_requested_once(&site.web, "each URL is fetched once");
        expect_pages_in_order(&report.pages, &model(&site, None, None));
    }
}

fn an_invalid_start_url_fetches_nothing(_: &mut Ctx) {
    scenario("crawl() with start URLs that are not http(s) URLs: the report is empty and nothing is fetched");
    let web = web().page("/", &[]).build();
    for start in [
        "not a url",
        "",
        "ftp://site.test/",
        "mailto:team@site.test",
        "site.test/",
    ] {
        let report = run_crawl(&web, start, &CrawlConfig::default(), "default config");
        expect(
            report.pages.is_empty(),
            format!(
                "crawl({start:?}) returned pages {:?}; expected none",
                page_lines(&report.pages)
            ),
        );
    }
    expect_eq(
        "requests that reached the fake web",
        web.requests().len(),
        0,
    );
}
