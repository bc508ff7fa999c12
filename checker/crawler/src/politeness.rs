//! Stage politeness: robots.txt rules for our agent, a per-host concurrency cap and a per-host delay, measured.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{self, CrawlConfig, CrawlReport, FetchError};
use crate::http::{HttpFetcher, Server};
use crate::limits_and_errors::{expected_failure_lines, failure_lines};
use crate::support::{
    expect_each_requested_once, expect_pages_by_depth, expect_requests_stay_on, generate, html,
    model, origin_of, page_lines, run_crawl, web, GenSpec, Reply, Request, Web, SITE,
};

const DOCS: &str = "http://docs.site.test";
const API: &str = "http://api.site.test";

/// Slack granted to the delay measurements: the fake web and the crawler read the clock at slightly
/// different moments.
const SLACK: Duration = Duration::from_micros(500);

/// Returns the checks of stage politeness.
pub fn stage() -> Stage {
    Stage {
        slug: "politeness",
        checks: checks![
            robots_rules_pick_the_longest_match,
            our_agent_group_replaces_the_star_group,
            robots_txt_is_read_leniently,
            robots_disallowed_pages_are_not_fetched,
            robots_txt_is_fetched_once_per_host_before_its_pages,
            a_missing_robots_txt_allows_everything,
            an_unreachable_robots_txt_disallows_the_host,
            only_4xx_means_robots_txt_does_not_exist,
            only_listed_extra_origins_join_the_crawl,
            one_worker_fetches_across_hosts_in_breadth_first_order,
            no_more_than_per_host_limit_requests_to_one_host,
            requests_to_one_host_keep_the_delay,
            politeness_is_per_host_not_global,
            random_sites_with_robots_match_a_model,
            a_real_http_server_is_crawled_politely,
        ],
    }
}

fn polite(
    workers: usize,
    per_host_limit: usize,
    delay_ms: u64,
    extra: &[&str],
) -> (CrawlConfig, String) {
    let config = CrawlConfig {
        workers,
        per_host_limit,
        host_delay: Duration::from_millis(delay_ms),
        extra_origins: extra.iter().map(|s| s.to_string()).collect(),
        ..CrawlConfig::default()
    };
    let text = format!(
        "workers: {workers}, per_host_limit: {per_host_limit}, host_delay: {delay_ms} ms, extra_origins: {extra:?}"
    );
    (config, text)
}

fn crawl_politely(site: &Arc<Web>, config: &(CrawlConfig, String)) -> CrawlReport {
    run_crawl(site, "http://site.test/", &config.0, &config.1)
}

#[track_caller]
fn check_robots(text: &str, path: &str, allowed: bool, why: &str) {
    step(format!("robots_allows(<robots.txt above>, {path:?})"));
    expect_eq(
        format!("robots_allows(…, {path:?}): {why}"),
        drill::robots_allows(text, path),
        allowed,
    );
}

fn robots_rules_pick_the_longest_match(_: &mut Ctx) {
    let robots = "User-agent: *\nDisallow: /docs/\nAllow: /docs/public/\nDisallow: /docs/public/drafts/\n\
                  Allow: /docs/public/drafts/final.html\nDisallow: /search?q=\nAllow: /a\nDisallow: /a\n";
    scenario(format!(
        "robots_allows(robots.txt, path) with overlapping rules; robots.txt:\n  | {}",
        robots.trim_end().replace('\n', "\n  | ")
    ));
    let cases: [(&str, bool, &str); 12] = [
        ("/", true, "no rule matches: allowed"),
        ("/docs/", false, "Disallow: /docs/ matches"),
        (
            "/docs/guide.html",
            false,
            "Disallow: /docs/ is a prefix of the path",
        ),
        (
            "/docs/public/",
            true,
            "Allow: /docs/public/ is longer than Disallow: /docs/, so it wins",
        ),
        (
            "/docs/public/faq.html",
            true,
            "the longest matching rule is Allow: /docs/public/",
        ),
        (
            "/docs/public/drafts/x.html",
            false,
            "the longest match is Disallow: /docs/public/drafts/",
        ),
        (
            "/docs/public/drafts/final.html",
            true,
            "the longest match is Allow: /docs/public/drafts/final.html",
        ),
        ("/docs", true, "/docs does not start with /docs/"),
        (
            "/search?q=rust",
            false,
            "rules match the path together with its query",
        ),
        ("/search", true, "/search does not start with /search?q="),
        (
            "/a",
            true,
            "Allow: /a and Disallow: /a are equally long: Allow wins a tie",
        ),
        ("/DOCS/x", true, "paths are case-sensitive"),
    ];
    for (path, allowed, why) in cases {
        check_robots(robots, path, allowed, why);
    }
}

fn our_agent_group_replaces_the_star_group(_: &mut Ctx) {
    scenario(
        "robots_allows with several User-agent groups; our agent is syskata-bot (matched without regard \
         to case); a group naming us replaces the * group entirely, and groups naming us are merged",
    );
    let cases: [(&str, &str, bool, &str); 8] = [
        ("User-agent: *\nDisallow: /\n\nUser-agent: syskata-bot\nDisallow: /private/\n", "/", true,
         "our group replaces the * group, whose Disallow: / no longer applies"),
        ("User-agent: *\nDisallow: /\n\nUser-agent: syskata-bot\nDisallow: /private/\n", "/private/x", false,
         "our group's own rule applies"),
        ("User-agent: googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n", "/x", true,
         "another agent's group does not apply to us"),
        ("User-agent: googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n", "/tmp/a", false,
         "with no group naming us, the * group applies"),
        ("User-agent: otherbot\nUser-agent: SysKata-Bot\nDisallow: /shared/\n\nUser-agent: *\nDisallow: /\n", "/x", true,
         "a group may name several agents; SysKata-Bot is us"),
        ("User-agent: otherbot\nUser-agent: SysKata-Bot\nDisallow: /shared/\n\nUser-agent: *\nDisallow: /\n", "/shared/1", false,
         "the rules after those User-agent lines are ours"),
        ("User-agent: syskata-bot\nDisallow: /a/\n\nUser-agent: *\nDisallow: /b/\n\nUser-agent: syskata-bot\nDisallow: /c/\n", "/c/1", false,
         "two groups naming us are merged"),
        ("User-agent: syskata-bot\nDisallow: /a/\n\nUser-agent: *\nDisallow: /b/\n\nUser-agent: syskata-bot\nDisallow: /c/\n", "/b/1", true,
         "the * group does not apply once a group names us"),
    ];
    for (text, path, allowed, why) in cases {
        step(format!("robots.txt = {text:?}"));
        check_robots(text, path, allowed, why);
    }
    let lookalikes: [(&str, &str, bool, &str); 4] = [
        ("User-agent: syskata-bot-news\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n", "/public", true,
         "syskata-bot-news is another agent (the token must be exactly ours), so the * group applies"),
        ("User-agent: syskata-bot-news\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n", "/private/x", false,
         "the * group applies, since no group names exactly syskata-bot"),
        ("User-agent: my-syskata-bot\nUser-agent: syskata\nDisallow: /\n", "/x", true,
         "neither my-syskata-bot nor syskata is us, and there is no * group: no rules"),
        ("User-agent: SYSKATA-BOT\nDisallow: /x\n\nUser-agent: *\nDisallow: /\n", "/y", true,
         "SYSKATA-BOT is us in another case: our group replaces the * group"),
    ];
    for (text, path, allowed, why) in lookalikes {
        step(format!("robots.txt = {text:?}"));
        check_robots(text, path, allowed, why);
    }
}

fn robots_txt_is_read_leniently(_: &mut Ctx) {
    scenario(
        "robots_allows on robots.txt files with comments, odd case and spacing, unknown lines, empty rules, \
         CRLF line ends, and rules before any User-agent line",
    );
    let messy = "# robots for site.test\nuser-agent: *   # everyone\nDISALLOW:   /private/   \n\n\
                 Sitemap: http://site.test/sitemap.xml\nCrawl-delay: 10\nAllow:\nDisallow:\n";
    step(format!("robots.txt = {messy:?}"));
    check_robots(
        messy,
        "/private/x",
        false,
        "field names are case-insensitive; values are trimmed; # starts a comment",
    );
    check_robots(
        messy,
        "/x",
        true,
        "an empty Disallow: or Allow: is no rule at all",
    );
    let orphan = "Disallow: /everything\nUser-agent: *\nDisallow: /tmp/\n";
    step(format!("robots.txt = {orphan:?}"));
    check_robots(
        orphan,
        "/everything",
        true,
        "a rule before any User-agent line belongs to no group",
    );
    check_robots(orphan, "/tmp/x", false, "the * group's rule applies");
    let crlf = "User-agent: *\r\nDisallow: /win/\r\n";
    step(format!("robots.txt = {crlf:?}"));
    check_robots(crlf, "/win/x", false, "lines may end with \\r\\n");
    step("robots.txt = \"\"");
    check_robots(
        "",
        "/anything",
        true,
        "an empty robots.txt allows everything",
    );
}

fn robots_disallowed_pages_are_not_fetched(_: &mut Ctx) {
    let site = web()
        .robots(SITE, "User-agent: *\nDisallow: /private/\nDisallow: /tmp\n")
        .page(
            "/",
            &[
                "/private/",
                "/private/a.html",
                "/tmp.html",
                "/tmpdir/x",
                "/public/private/",
                "/privateer.html",
                "/ok",
            ],
        )
        .page("/ok", &["/private/b.html"])
        .page("/private/", &[])
        .page("/private/a.html", &[])
        .page("/private/b.html", &[])
        .page("/tmp.html", &[])
        .page("/tmpdir/x", &[])
        .page("/public/private/", &[])
        .page("/privateer.html", &[])
        .build();
    scenario(format!(
        "a site whose robots.txt disallows two prefixes; every page exists:\n{}",
        site.describe()
    ));
    let report = crawl_politely(&site, &polite(1, 0, 0, &[]));
    let blocked = [
        "/private/",
        "/private/a.html",
        "/tmp.html",
        "/tmpdir/x",
        "/private/b.html",
    ];
    for request in site.requests() {
        if blocked
            .iter()
            .any(|path| request.url == format!("{SITE}{path}"))
        {
            fail(format!(
                "the crawler fetched {}, which robots.txt disallows (Disallow: /private/ and Disallow: /tmp are prefixes)",
                request.url
            ));
        }
    }
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        [
            "d0 /",
            "d1 /public/private/",
            "d1 /privateer.html",
            "d1 /ok",
        ]
        .iter()
        .map(|l| l.replacen(" /", &format!(" {SITE}/"), 1))
        .collect::<Vec<_>>(),
    );
    expect_eq(
        "report.disallowed: the URLs robots.txt kept us from, in the order they were found",
        report.disallowed.clone(),
        blocked
            .iter()
            .map(|p| format!("{SITE}{p}"))
            .collect::<Vec<_>>(),
    );
}

/// Fails unless each of `origins` had its robots.txt fetched exactly once, before any other request to it.
fn expect_robots_first(site: &Web, origins: &[&str]) {
    let requests = site.requests();
    for origin in origins {
        let robots_url = format!("{origin}/robots.txt");
        let robots: Vec<&Request> = requests.iter().filter(|r| r.url == robots_url).collect();
        if robots.len() != 1 {
            fail(format!(
                "{robots_url} was fetched {} times; fetch it exactly once per host and remember its rules",
                robots.len()
            ));
        }
        if let Some(early) = requests.iter().find(|r| {
            origin_of(&r.url) == *origin && r.url != robots_url && r.start < robots[0].end
        }) {
            fail(format!(
                "{} was requested before {robots_url} had been answered; no page of a host may be fetched \
                 before its robots.txt is known (also when several workers reach a new host at once)",
                early.url
            ));
        }
    }
}

fn two_host_site() -> Arc<Web> {
    web()
        .latency_ms(2)
        .robots(SITE, "User-agent: *\nDisallow: /nothing-here/\n")
        .robots(DOCS, "User-agent: *\nDisallow: /private/\n")
        .page(
            "/",
            &[
                "/s1",
                "http://docs.site.test/d1",
                "/s2",
                "http://docs.site.test/d2",
                "http://other.test/",
            ],
        )
        .page("/s1", &["/s3", "http://docs.site.test/d3"])
        .page("/s2", &["http://docs.site.test/d4"])
        .page("/s3", &[])
        .page(
            "http://docs.site.test/d1",
            &["/private/x", "/d3", "http://site.test/s3"],
        )
        .page("http://docs.site.test/d2", &["/d4"])
        .page("http://docs.site.test/d3", &[])
        .page("http://docs.site.test/d4", &["http://site.test/"])
        .page("http://docs.site.test/private/x", &[])
        .page("http://other.test/", &[])
        .build()
}

fn robots_txt_is_fetched_once_per_host_before_its_pages(_: &mut Ctx) {
    scenario(format!(
        "two hosts in the crawl (docs.site.test is an extra origin), each with a robots.txt; \
         other.test is not part of the crawl:\n{}",
        two_host_site().describe()
    ));
    for workers in [1, 4] {
        let site = two_host_site();
        step(format!("phase: {workers} workers"));
        let report = crawl_politely(&site, &polite(workers, 0, 0, &[DOCS]));
        expect_requests_stay_on(&site, &[SITE, DOCS]);
        expect_robots_first(&site, &[SITE, DOCS]);
        expect_each_requested_once(&site, "each URL once");
        expect_eq(
            "pages found (the 4 of site.test and 4 of docs.site.test; /private/x is disallowed)",
            report.pages.len(),
            8,
        );
    }
}

fn a_missing_robots_txt_allows_everything(_: &mut Ctx) {
    let site = web()
        .failing("http://docs.site.test/robots.txt", Reply::Status(403))
        .page("/", &["/private/a", "http://docs.site.test/private/b"])
        .page("/private/a", &[])
        .page("http://docs.site.test/private/b", &[])
        .build();
    scenario(format!(
        "site.test has no robots.txt (404) and docs.site.test answers 403 for it: any 4xx means there are no rules\n{}",
        site.describe()
    ));
    let report = crawl_politely(&site, &polite(2, 0, 0, &[DOCS]));
    expect_eq("pages found: all three", report.pages.len(), 3);
    expect_eq(
        "report.disallowed",
        report.disallowed.clone(),
        Vec::<String>::new(),
    );
}

fn an_unreachable_robots_txt_disallows_the_host(_: &mut Ctx) {
    let site = web()
        .robots(SITE, "User-agent: *\nDisallow: /nothing-here/\n")
        .failing("http://docs.site.test/robots.txt", Reply::Status(503))
        .failing("http://api.site.test/robots.txt", Reply::Network)
        .page(
            "/",
            &["http://docs.site.test/a", "http://api.site.test/b", "/c"],
        )
        .page("/c", &[])
        .page("http://docs.site.test/a", &[])
        .page("http://api.site.test/b", &[])
        .build();
    scenario(format!(
        "robots.txt of docs.site.test answers 503 and that of api.site.test breaks the connection: \
         an unreachable robots.txt means the whole host is off limits\n{}",
        site.describe()
    ));
    let report = crawl_politely(&site, &polite(2, 0, 0, &[DOCS, API]));
    let fetched_pages: Vec<String> = site.page_requests().into_iter().map(|r| r.url).collect();
    expect(
        !fetched_pages
            .iter()
            .any(|u| u.starts_with(DOCS) || u.starts_with(API)),
        format!("pages of hosts whose robots.txt failed were fetched: {fetched_pages:?}"),
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        vec![format!("d0 {SITE}/"), format!("d1 {SITE}/c")],
    );
    let disallowed: BTreeSet<String> = report.disallowed.iter().cloned().collect();
    expect_eq(
        "report.disallowed (as a set): the pages of the two unreachable hosts",
        disallowed,
        BTreeSet::from([format!("{DOCS}/a"), format!("{API}/b")]),
    );

    let dark = web()
        .failing("/robots.txt", Reply::Status(500))
        .page("/", &["/a"])
        .page("/a", &[])
        .build();
    step("phase: a site whose own robots.txt answers 500");
    let report = crawl_politely(&dark, &polite(2, 0, 0, &[]));
    expect_eq(
        "page requests: none, not even the start page",
        dark.page_requests().len(),
        0,
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        Vec::<String>::new(),
    );
    expect_eq(
        "report.disallowed",
        report.disallowed.clone(),
        vec![format!("{SITE}/")],
    );
}

fn only_4xx_means_robots_txt_does_not_exist(_: &mut Ctx) {
    scenario(
        "the site's own robots.txt answers one status after another; the start page links to /a. \
         Only 400–499 means \"no robots.txt, everything allowed\"; every other status (3xx, 5xx, 600 and \
         up) means the host is unreachable: nothing fetched, the start URL disallowed",
    );
    for (code, allowed) in [
        (301, false),
        (399, false),
        (400, true),
        (499, true),
        (500, false),
        (600, false),
    ] {
        let site = web()
            .failing("/robots.txt", Reply::Status(code))
            .page("/", &["/a"])
            .page("/a", &[])
            .build();
        step(format!("phase: robots.txt answers Status({code})"));
        let report = crawl_politely(&site, &polite(2, 0, 0, &[]));
        let (pages, disallowed) = if allowed {
            (vec![format!("d0 {SITE}/"), format!("d1 {SITE}/a")], vec![])
        } else {
            (vec![], vec![format!("{SITE}/")])
        };
        let verdict = if allowed {
            "a 4xx robots.txt does not exist: everything is allowed"
        } else {
            "any status outside 400–499 makes the host unreachable: nothing on it is allowed"
        };
        expect_eq(
            format!("report.pages when robots.txt answers {code} ({verdict})"),
            page_lines(&report.pages),
            pages,
        );
        expect_eq(
            format!("report.disallowed when robots.txt answers {code}"),
            report.disallowed.clone(),
            disallowed,
        );
    }
}

fn only_listed_extra_origins_join_the_crawl(_: &mut Ctx) {
    let site = web()
        .page(
            "/",
            &[
                "http://docs.site.test/a",
                "http://blog.site.test/b",
                "https://docs.site.test/c",
                "http://docs.site.test:8080/d",
            ],
        )
        .page("http://docs.site.test/a", &["a2", "http://site.test/"])
        .page("http://docs.site.test/a2", &[])
        .page("http://blog.site.test/b", &[])
        .page("https://docs.site.test/c", &[])
        .page("http://docs.site.test:8080/d", &[])
        .build();
    scenario(format!(
        "extra_origins = [\"HTTP://Docs.Site.Test:80\"] (an unnormalised spelling of http://docs.site.test):\n{}",
        site.describe()
    ));
    let report = crawl_politely(&site, &polite(1, 0, 0, &["HTTP://Docs.Site.Test:80"]));
    expect_requests_stay_on(&site, &[SITE, DOCS]);
    expect_eq(
        "report.pages: the start origin and http://docs.site.test only (https and :8080 are other origins)",
        page_lines(&report.pages),
        vec![
            format!("d0 {SITE}/"),
            format!("d1 {DOCS}/a"),
            format!("d2 {DOCS}/a2"),
        ],
    );
}

fn one_worker_fetches_across_hosts_in_breadth_first_order(_: &mut Ctx) {
    // The start page's links alternate between the hosts, docs.site.test first.
    let level: Vec<String> = (0..3)
        .flat_map(|i| [format!("{DOCS}/d{i}"), format!("{SITE}/s{i}")])
        .collect();
    let build = || {
        let hrefs: Vec<&str> = level.iter().map(String::as_str).collect();
        let mut builder = web().page("/", &hrefs);
        for url in &level {
            builder = builder.page(url, &[]);
        }
        builder.build()
    };
    scenario(format!(
        "one fetch at a time, no per-host limit, docs.site.test an extra origin; the start page's links \
         alternate between the two hosts:\n{}",
        build().describe()
    ));
    for workers in [0, 1] {
        for max_pages in [None, Some(4)] {
            let site = build();
            let (mut config, text) = polite(workers, 0, 0, &[DOCS]);
            config.max_pages = max_pages;
            step(format!("phase: workers {workers}, max_pages {max_pages:?}"));
            let report = run_crawl(
                &site,
                "http://site.test/",
                &config,
                &format!("{text}, max_pages: {max_pages:?}"),
            );
            let below = max_pages.map_or(level.len(), |n| n - 1);
            let want: Vec<String> = std::iter::once(format!("{SITE}/"))
                .chain(level.iter().take(below).cloned())
                .collect();
            let got: Vec<String> = site.page_requests().into_iter().map(|r| r.url).collect();
            expect_eq(
                format!(
                    "the page requests in the order they were made (workers {workers}, max_pages {max_pages:?}): \
                     one fetch at a time serves the queue in breadth-first order, whichever host each URL \
                     is on, so max_pages keeps the first pages of that order"
                ),
                got,
                want.clone(),
            );
            let lines: Vec<String> = want
                .iter()
                .enumerate()
                .map(|(i, url)| format!("d{} {url}", usize::from(i > 0)))
                .collect();
            expect_eq(
                format!("report.pages (workers {workers}, max_pages {max_pages:?})"),
                page_lines(&report.pages),
                lines,
            );
        }
    }
}

/// Returns a site whose start page links to `per_host` pages on site.test and as many on docs.site.test, interleaved.
fn interleaved_site(per_host: usize, latency_ms: u64) -> Arc<Web> {
    let mut links = Vec::new();
    for i in 0..per_host {
        links.push(format!("/s{i}"));
        links.push(format!("{DOCS}/d{i}"));
    }
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let mut builder = web().latency_ms(latency_ms).page("/", &refs);
    for link in &links {
        builder = builder.page(link, &["/"]);
    }
    builder.build()
}

/// Fails unless every request to `origin` started while fewer than `limit` earlier ones were busy,
/// a request being busy from its start until `delay` after its end.
fn expect_polite(site: &Web, origin: &str, limit: usize, delay: Duration) {
    if limit == 0 {
        return;
    }
    let mut requests: Vec<Request> = site
        .requests()
        .into_iter()
        .filter(|r| origin_of(&r.url) == origin)
        .collect();
    requests.sort_by_key(|r| r.start);
    let Some(t0) = requests.first().map(|r| r.start) else {
        return;
    };
    let ms = |t: Instant| t.duration_since(t0).as_secs_f64() * 1000.0;
    for (i, request) in requests.iter().enumerate() {
        let busy: Vec<&Request> = requests[..i]
            .iter()
            .filter(|earlier| earlier.end + delay > request.start + SLACK)
            .collect();
        if busy.len() >= limit {
            let listed: Vec<String> = busy
                .iter()
                .map(|r| format!("{} [{:.1}–{:.1} ms]", r.url, ms(r.start), ms(r.end)))
                .collect();
            fail(format!(
                "{} started at {:.1} ms while {} earlier request(s) to {origin} still held a slot: {}\n\
                 with per_host_limit = {limit} and host_delay = {} ms, a request holds its host's slot from \
                 its start until host_delay after it ends, and at most per_host_limit slots are held at once \
                 (times measured by the fake web from the host's first request)",
                request.url,
                ms(request.start),
                busy.len(),
                listed.join(", "),
                delay.as_millis()
            ));
        }
    }
}

fn no_more_than_per_host_limit_requests_to_one_host(_: &mut Ctx) {
    scenario(
        "the start page links to 12 pages on site.test and 12 on docs.site.test, interleaved, 3 ms each; \
         8 workers; the fake web counts the requests running at once on each host",
    );
    for limit in [2, 1] {
        let site = interleaved_site(12, 3);
        step(format!("phase: per_host_limit {limit}"));
        let report = crawl_politely(&site, &polite(8, limit, 0, &[DOCS]));
        for origin in [SITE, DOCS] {
            expect(
                site.max_in_flight_at(origin) <= limit,
                format!(
                    "with per_host_limit = {limit}, the fake web saw {} requests to {origin} running at once",
                    site.max_in_flight_at(origin)
                ),
            );
            expect_polite(&site, origin, limit, Duration::ZERO);
        }
        expect_eq("pages found", report.pages.len(), 25);
    }
}

fn requests_to_one_host_keep_the_delay(_: &mut Ctx) {
    scenario(
        "one host, several workers; the fake web records when each request starts and ends, and checks \
         that each request holds its slot until host_delay after it ends",
    );
    let build = |pages: usize, latency: u64| {
        let links: Vec<String> = (0..pages).map(|i| format!("/p{i}")).collect();
        let refs: Vec<&str> = links.iter().map(String::as_str).collect();
        let mut builder = web().latency_ms(latency).page("/", &refs);
        for link in &links {
            builder = builder.page(link, &[]);
        }
        builder.build()
    };
    step("phase: 8 pages of 1 ms, per_host_limit 1, host_delay 15 ms, 4 workers");
    let site = build(8, 1);
    let report = crawl_politely(&site, &polite(4, 1, 15, &[]));
    expect_polite(&site, SITE, 1, Duration::from_millis(15));
    expect_eq("pages found", report.pages.len(), 9);
    step("phase: 10 pages of 3 ms, per_host_limit 2, host_delay 10 ms, 6 workers");
    let site = build(10, 3);
    let report = crawl_politely(&site, &polite(6, 2, 10, &[]));
    expect_polite(&site, SITE, 2, Duration::from_millis(10));
    expect_eq("pages found", report.pages.len(), 11);
}

fn politeness_is_per_host_not_global(_: &mut Ctx) {
    scenario(
        "the start page links to 8 pages on site.test and 8 on docs.site.test, interleaved, 4 ms each; \
         per_host_limit 1, host_delay 4 ms, 4 workers: the two hosts must be fetched at the same time",
    );
    let site = interleaved_site(8, 4);
    let report = crawl_politely(&site, &polite(4, 1, 4, &[DOCS]));
    expect_eq("pages found", report.pages.len(), 17);
    for origin in [SITE, DOCS] {
        expect_polite(&site, origin, 1, Duration::from_millis(4));
    }
    expect(
        site.max_in_flight() >= 2,
        "requests to site.test and docs.site.test never ran at the same time: politeness is per host — \
         one host's limit or delay must not hold back another host",
    );

    let grouped = web()
        .latency_ms(10)
        .page(
            "/",
            &[
                "/s0",
                "/s1",
                "http://docs.site.test/d0",
                "http://docs.site.test/d1",
            ],
        )
        .page("/s0", &[])
        .page("/s1", &[])
        .page("http://docs.site.test/d0", &[])
        .page("http://docs.site.test/d1", &[])
        .build();
    step(format!(
        "phase: the start page links to both site.test pages first, then both docs.site.test pages; \
         10 ms each, per_host_limit 1, host_delay 60 ms, 4 workers:\n{}",
        grouped.describe()
    ));
    crawl_politely(&grouped, &polite(4, 1, 60, &[DOCS]));
    let requests = grouped.requests();
    let request = |path: &str| requests.iter().find(|r| r.url.ends_with(path));
    match (request("/s0"), request("/d0")) {
        // Once /s0 ends, site.test cools for 60 ms, so /s1 cannot start before s0.end + 60 ms. A
        // crawler that keeps /d0 waiting behind /s1 therefore starts it at that instant or later,
        // however the threads are scheduled; docs.site.test is free long before.
        (Some(s0), Some(d0)) => {
            let s1_earliest = s0.end + Duration::from_millis(60);
            expect(
                d0.start < s1_earliest,
                format!(
                    "docs.site.test/d0 started {:.1} ms after site.test/s0 ended, so not before site.test's \
                     60 ms cool-down was over and /s1 could go; docs.site.test had a free slot all that \
                     time, so /d0 must start without waiting behind /s1 (a full or cooling host must not \
                     hold back another host)",
                    d0.start.saturating_duration_since(s0.end).as_secs_f64() * 1000.0
                ),
            );
        }
        _ => fail(
            "site.test/s0 or docs.site.test/d0 was never requested; all four pages are allowed"
                .to_owned(),
        ),
    }
}

fn random_sites_with_robots_match_a_model(ctx: &mut Ctx) {
    scenario(
        "generated sites of 25–50 pages over three hosts (two extra origins), each host with a random \
         robots.txt (rules for * or for us, a decoy group, sometimes 404 or 503), ~8% failing pages, \
         random workers, per_host_limit, host_delay and max_depth; compared with a sequential BFS",
    );
    for round in 0..4 {
        let pages = ctx.rng().range(25, 50) as usize;
        let mut spec = GenSpec::new(pages);
        spec.normalising = true;
        spec.fail_percent = 8;
        spec.dangling_percent = 10;
        spec.latency_ms = (0, 2);
        spec.origins = vec![SITE.to_owned(), DOCS.to_owned(), API.to_owned()];
        spec.robots = true;
        let site = generate(ctx.rng(), &spec);
        let workers = ctx.rng().range(1, 6) as usize;
        let limit = ctx.rng().range(0, 3) as usize;
        let delay = ctx.rng().range(0, 2);
        let max_depth = ctx.rng().chance(40).then(|| ctx.rng().range(1, 4) as usize);
        step(format!(
            "site #{round}: {pages} pages, workers {workers}, per_host_limit {limit}, host_delay {delay} ms, max_depth {max_depth:?}"
        ));
        let (mut config, text) = polite(workers, limit, delay, &[DOCS, API]);
        config.max_depth = max_depth;
        let report = run_crawl(
            &site.web,
            &site.start,
            &config,
            &format!("{text}, max_depth: {max_depth:?}"),
        );
        let expected = model(&site, max_depth, None);
        expect_requests_stay_on(&site.web, &[SITE, DOCS, API]);
        expect_each_requested_once(&site.web, "each URL once");
        let reached: Vec<&str> = [SITE, DOCS, API]
            .into_iter()
            .filter(|o| site.web.requests().iter().any(|r| origin_of(&r.url) == *o))
            .collect();
        expect_robots_first(&site.web, &reached);
        for origin in [SITE, DOCS, API] {
            expect_polite(&site.web, origin, limit, Duration::from_millis(delay));
        }
        expect_pages_by_depth(
            &report.pages,
            &expected.pages,
            "compared with a sequential BFS that obeys robots.txt",
        );
        let got: BTreeSet<String> = report.disallowed.iter().cloned().collect();
        let want: BTreeSet<String> = expected.disallowed.iter().cloned().collect();
        expect_eq("report.disallowed (as a set)", got, want);
        let got: BTreeSet<String> = failure_lines(&report).into_iter().collect();
        let want: BTreeSet<String> = expected_failure_lines(&expected).into_iter().collect();
        expect_eq("report.failures (as a set)", got, want);
    }
}

/// Returns the loopback site: path → (status, body).
fn loopback_site(origin: &str) -> HashMap<String, (u16, String)> {
    let port = origin.rsplit(':').next().unwrap_or_default();
    let mut site = HashMap::new();
    let mut add = |path: &str, links: &[String]| {
        site.insert(path.to_owned(), (200, html(path, links)));
    };
    add(
        "/",
        &[
            "p1.html".to_owned(),
            "/p2.html".to_owned(),
            "./p3.html".to_owned(),
            format!("{origin}/p4.html"),
            "/private/secret.html".to_owned(),
            format!("http://localhost:{port}/p1.html"),
            "missing.html".to_owned(),
            "p1.html#again".to_owned(),
        ],
    );
    for n in 1..=4 {
        add(
            &format!("/p{n}.html"),
            &[
                format!("sub/q{n}1.html"),
                format!("sub/q{n}2.html"),
                "/".to_owned(),
                format!("private/x{n}.html"),
            ],
        );
        for k in 1..=2 {
            add(
                &format!("/sub/q{n}{k}.html"),
                &[format!("../p{n}.html"), format!("leaf{n}{k}.html")],
            );
            add(&format!("/sub/leaf{n}{k}.html"), &[]);
        }
    }
    site.insert(
        "/robots.txt".to_owned(),
        (200, "User-agent: *\nDisallow: /private/\n".to_owned()),
    );
    site
}

fn a_real_http_server_is_crawled_politely(_: &mut Ctx) {
    scenario(
        "a real HTTP/1.1 server on 127.0.0.1 (a port the OS picked), 3 ms per answer, serving 21 pages, a robots.txt \
         with Disallow: /private/, a dangling link and a link to the same port under the name localhost \
         (another host); crawled through a std TcpStream fetcher with 4 workers, per_host_limit 2, host_delay 1 ms",
    );
    step("start the loopback server");
    let server = match Server::start(loopback_site, Duration::from_millis(3)) {
        Ok(server) => server,
        Err(e) => fail(format!(
            "the test could not start its loopback HTTP server: {e}"
        )),
    };
    let origin = server.origin().to_owned();
    let start = format!("{origin}/");
    let config = CrawlConfig {
        workers: 4,
        per_host_limit: 2,
        host_delay: Duration::from_millis(1),
        ..CrawlConfig::default()
    };
    step(format!(
        "phase: crawl({start:?}, HttpFetcher, workers: 4, per_host_limit: 2, host_delay: 1 ms) — waiting for it to return"
    ));
    let report = drill::crawl(&start, Arc::new(HttpFetcher), &config);
    let (served, max_in_flight) = server.finish();
    step(format!(
        "  → {} pages; the server answered {} requests",
        report.pages.len(),
        served.len()
    ));

    let mut expected_pages = vec![(format!("{origin}/"), 0)];
    let mut expected_paths = vec![
        "/robots.txt".to_owned(),
        "/".to_owned(),
        "/missing.html".to_owned(),
    ];
    for n in 1..=4 {
        expected_pages.push((format!("{origin}/p{n}.html"), 1));
        expected_paths.push(format!("/p{n}.html"));
        for k in 1..=2 {
            expected_pages.push((format!("{origin}/sub/q{n}{k}.html"), 2));
            expected_pages.push((format!("{origin}/sub/leaf{n}{k}.html"), 3));
            expected_paths.push(format!("/sub/q{n}{k}.html"));
            expected_paths.push(format!("/sub/leaf{n}{k}.html"));
        }
    }
    let mut got_paths: Vec<String> = served.iter().map(|s| s.path.clone()).collect();
    got_paths.sort();
    expected_paths.sort();
    expect_eq(
        "the paths the server was asked for (sorted): robots.txt, every allowed page once, the dangling link once",
        got_paths,
        expected_paths,
    );
    expect(
        max_in_flight <= 2,
        format!("the server handled {max_in_flight} requests at once; per_host_limit is 2"),
    );
    if let Some(robots) = served.iter().find(|s| s.path == "/robots.txt") {
        if let Some(early) = served
            .iter()
            .find(|s| s.path != "/robots.txt" && s.start < robots.end)
        {
            fail(format!(
                "{} was requested before robots.txt had been answered",
                early.path
            ));
        }
    }
    expect_pages_by_depth(&report.pages, &expected_pages, "the loopback site's pages");
    expect_eq(
        "report.failures",
        failure_lines(&report),
        vec![format!(
            "d1 {origin}/missing.html {:?}",
            FetchError::Status(404)
        )],
    );
    let disallowed: BTreeSet<String> = report.disallowed.iter().cloned().collect();
    let mut expected_disallowed = BTreeSet::from([format!("{origin}/private/secret.html")]);
    for n in 1..=4 {
        expected_disallowed.insert(format!("{origin}/private/x{n}.html"));
    }
    expect_eq(
        "report.disallowed (as a set)",
        disallowed,
        expected_disallowed,
    );
}
