//! Stage concurrent: N workers, each URL fetched once, the same pages as a sequential crawl, and termination.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::CrawlConfig;
use crate::limits_and_errors::{expected_failure_lines, failure_lines};
use crate::support::{
    expect_each_requested_once, expect_pages_by_depth, expect_requests_stay_on, generate, model,
    page_lines, run_crawl, web, GenSpec, Reply, Web, SITE,
};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            the_crawl_returns_when_the_frontier_drains,
            no_more_than_n_fetches_are_in_flight,
            workers_fetch_in_parallel,
            each_url_is_fetched_exactly_once_with_workers,
            depths_are_shortest_link_distances_with_workers,
            max_pages_holds_with_workers,
            a_concurrent_crawl_finds_what_a_sequential_one_finds,
        ],
    }
}

fn workers(n: usize) -> CrawlConfig {
    CrawlConfig {
        workers: n,
        ..CrawlConfig::default()
    }
}

/// Returns a site whose start page links to `width` pages, each linking to `leaves` leaf pages.
fn wide_site(width: usize, leaves: usize, latency_ms: u64) -> Arc<Web> {
    let level1: Vec<String> = (0..width).map(|i| format!("/w{i}")).collect();
    let level1_refs: Vec<&str> = level1.iter().map(String::as_str).collect();
    let mut builder = web().latency_ms(latency_ms).page("/", &level1_refs);
    for (i, page) in level1.iter().enumerate() {
        let kids: Vec<String> = (0..leaves).map(|k| format!("/w{i}/leaf{k}")).collect();
        let kid_refs: Vec<&str> = kids.iter().map(String::as_str).collect();
        builder = builder.page(page, &kid_refs);
        for kid in &kids {
            builder = builder.page(kid, &["/"]);
        }
    }
    builder.build()
}

fn the_crawl_returns_when_the_frontier_drains(ctx: &mut Ctx) {
    scenario(
        "crawls with several workers where the work runs out in different ways; each crawl must \
         return once nothing is queued and no fetch is running (workers waiting for work that can \
         no longer appear is the classic hang)",
    );
    let phases: Vec<(&str, Arc<Web>, usize, usize)> = vec![
        (
            "a single page without links (10 ms, so the idle workers are already waiting when it ends), 4 workers",
            web().latency_ms(10).page("/", &[]).build(),
            4,
            1,
        ),
        (
            "the start page fails with 503, 4 workers",
            web().failing("/", Reply::Status(503)).build(),
            4,
            0,
        ),
        (
            "a chain of 6 pages (one URL available at a time), 8 workers",
            web()
                .latency_ms(2)
                .page("/", &["/1"])
                .page("/1", &["/2"])
                .page("/2", &["/3"])
                .page("/3", &["/4"])
                .page("/4", &["/5"])
                .page("/5", &[])
                .build(),
            8,
            6,
        ),
        (
            "the last level is all failures, 3 workers",
            web()
                .latency_ms(1)
                .page("/", &["/a", "/b"])
                .page("/a", &["/x", "/y"])
                .page("/b", &["/z"])
                .failing("/x", Reply::Status(500))
                .failing("/y", Reply::Network)
                .build(),
            3,
            3,
        ),
    ];
    for (what, site, n, pages) in phases {
        step(format!("phase: {what} — waiting for crawl() to return"));
        let report = run_crawl(
            &site,
            "http://site.test/",
            &workers(n),
            &format!("workers: {n}"),
        );
        expect_eq(
            format!("pages found in phase \"{what}\""),
            report.pages.len(),
            pages,
        );
    }
    let mut spec = GenSpec::new(60);
    spec.fail_percent = 15;
    spec.latency_ms = (0, 2);
    let site = generate(ctx.rng(), &spec);
    step("phase: a generated 60-page site with failing pages, 4 workers — waiting for crawl() to return");
    let report = run_crawl(&site.web, &site.start, &workers(4), "workers: 4");
    let expected = model(&site, None, None);
    expect_pages_by_depth(
        &report.pages,
        &expected.pages,
        "the generated site, crawled with 4 workers",
    );
}

fn no_more_than_n_fetches_are_in_flight(_: &mut Ctx) {
    scenario(
        "a site whose start page links to 24 pages, each linking to 2 more (2 ms per fetch); \
         the fake web counts the fetches running at the same moment",
    );
    for n in [2, 3, 5] {
        let site = wide_site(24, 2, 2);
        step(format!("phase: crawl with {n} workers"));
        let report = run_crawl(
            &site,
            "http://site.test/",
            &workers(n),
            &format!("workers: {n}"),
        );
        expect(
            site.max_in_flight() <= n,
            format!(
                "with workers = {n}, the fake web saw {} fetches running at once; at most {n} may be in flight",
                site.max_in_flight()
            ),
        );
        expect_eq("pages found", report.pages.len(), 73);
    }
}

fn workers_fetch_in_parallel(_: &mut Ctx) {
    scenario(
        "a site whose start page links to 40 pages that each take 5 ms; crawled with 4 workers, \
         the fake web must see 4 fetches running at the same moment",
    );
    let site = wide_site(40, 0, 5);
    step("phase: crawl with 4 workers");
    let report = run_crawl(&site, "http://site.test/", &workers(4), "workers: 4");
    expect_eq("pages found", report.pages.len(), 41);
    expect(
        site.max_in_flight() >= 4,
        format!(
            "with workers = 4 and 40 slow pages ready at once, at most {} fetches ever ran at the same time; \
             the workers must fetch in parallel (do not hold a lock around fetch())",
            site.max_in_flight()
        ),
    );
}

/// Returns a site of levels of `width` pages where every page links to every page of the next level.
fn dense_site(levels: usize, width: usize, rng: &mut syskata_kit::Rng) -> (Arc<Web>, usize) {
    let name = |level: usize, i: usize| format!("/l{level}/p{i}");
    let mut builder = web().latency_ms(2);
    let mut first: Vec<String> = (0..width).map(|i| name(1, i)).collect();
    rng.shuffle(&mut first);
    let refs: Vec<&str> = first.iter().map(String::as_str).collect();
    builder = builder.page("/", &refs);
    for level in 1..=levels {
        for i in 0..width {
            let mut links: Vec<String> = if level < levels {
                (0..width).map(|j| name(level + 1, j)).collect()
            } else {
                Vec::new()
            };
            links.push("/".to_owned());
            links.push(name(level, i));
            rng.shuffle(&mut links);
            let refs: Vec<&str> = links.iter().map(String::as_str).collect();
            builder = builder.page(&name(level, i), &refs);
        }
    }
    (builder.build(), 1 + levels * width)
}

fn each_url_is_fetched_exactly_once_with_workers(ctx: &mut Ctx) {
    scenario(
        "3 levels of 12 pages (2 ms each) where every page links to every page of the next level, \
         so many workers discover the same URLs at the same time",
    );
    for n in [3, 6, 8] {
        let (site, pages) = dense_site(3, 12, ctx.rng());
        step(format!("phase: crawl with {n} workers"));
        let report = run_crawl(
            &site,
            "http://site.test/",
            &workers(n),
            &format!("workers: {n}"),
        );
        expect_each_requested_once(
            &site,
            "claim a URL (mark it seen) in the same critical section that checks it, before fetching — \
             check-then-insert in two steps lets two workers fetch the same page",
        );
        expect_eq("pages found", report.pages.len(), pages);
    }
}

fn depths_are_shortest_link_distances_with_workers(_: &mut Ctx) {
    let build = || {
        web()
            .latency_ms(1)
            .page_with_latency("/", &["/slow", "/fast"], Duration::from_millis(1))
            .page_with_latency("/slow", &["/x"], Duration::from_millis(60))
            .page("/fast", &["/mid"])
            .page("/mid", &["/x"])
            .page("/x", &["/y"])
            .page("/y", &[])
            .build()
    };
    scenario(format!(
        "/x is 2 links from the start through the slow page, 3 links through the fast ones:\n{}",
        build().describe()
    ));
    let expected: Vec<(String, usize)> = [
        ("/", 0),
        ("/slow", 1),
        ("/fast", 1),
        ("/mid", 2),
        ("/x", 2),
        ("/y", 3),
    ]
    .iter()
    .map(|(p, d)| (format!("{SITE}{p}"), *d))
    .collect();
    let site = build();
    let report = run_crawl(&site, "http://site.test/", &workers(4), "workers: 4");
    expect_pages_by_depth(
        &report.pages,
        &expected,
        "a page's depth is its shortest link distance from the start, however fast each path answers: \
         /x must wait until every depth-1 page has been fetched before it can be given depth 3",
    );
    let site = build();
    let report = run_crawl(
        &site,
        "http://site.test/",
        &CrawlConfig {
            max_depth: Some(2),
            workers: 4,
            ..CrawlConfig::default()
        },
        "workers: 4, max_depth: Some(2)",
    );
    let within: Vec<(String, usize)> = expected.into_iter().filter(|(_, d)| *d <= 2).collect();
    expect_pages_by_depth(
        &report.pages,
        &within,
        "with max_depth = 2 a concurrent crawl finds what a sequential one finds: /x is at depth 2",
    );
}

fn max_pages_holds_with_workers(_: &mut Ctx) {
    scenario(
        "a site whose start page links to 40 pages (3 ms each), each linking to one more page; \
         crawled with 8 workers and a max_pages cap",
    );
    for max_pages in [1, 10, 25, 60] {
        let site = wide_site(40, 1, 3);
        step(format!(
            "phase: crawl with 8 workers, max_pages {max_pages}"
        ));
        let config = CrawlConfig {
            workers: 8,
            max_pages: Some(max_pages),
            ..CrawlConfig::default()
        };
        let report = run_crawl(
            &site,
            "http://site.test/",
            &config,
            &format!("workers: 8, max_pages: Some({max_pages})"),
        );
        let requests = site.page_requests();
        expect(
            requests.len() <= max_pages,
            format!(
                "with max_pages = {max_pages} and 8 workers, the fake web saw {} page fetches: \
                 take a page from the budget when a worker claims a URL, not when its fetch ends",
                requests.len()
            ),
        );
        expect_eq(
            format!("page fetches with max_pages = {max_pages}: the cap is reached, there are more pages"),
            requests.len(),
            max_pages,
        );
        expect_each_requested_once(&site, "each URL once");
        expect_eq(
            "report.pages: every fetch answered",
            report.pages.len(),
            max_pages,
        );
        let depths: Vec<usize> = report.pages.iter().map(|p| p.depth).collect();
        let full_levels = if max_pages > 41 { 2 } else { 1 };
        let level_size = |d: usize| [1usize, 40, 40][d];
        for d in 0..full_levels {
            let got = depths.iter().filter(|&&x| x == d).count();
            expect_eq(
                format!("pages at depth {d}: a deeper page is fetched only once every page of depth {d} has been"),
                got,
                level_size(d),
            );
        }
    }
}

fn a_concurrent_crawl_finds_what_a_sequential_one_finds(ctx: &mut Ctx) {
    scenario(
        "generated sites of 30–70 pages (0–3 ms each, ~10% failing, links in every spelling), crawled \
         with 2–8 workers and sometimes a max_depth; pages and failures must equal a sequential BFS's, \
         pages listed by depth (any order within a depth)",
    );
    for round in 0..5 {
        let pages = ctx.rng().range(30, 70) as usize;
        let mut spec = GenSpec::new(pages);
        spec.normalising = true;
        spec.fail_percent = 10;
        spec.dangling_percent = 10;
        spec.latency_ms = (0, 3);
        let site = generate(ctx.rng(), &spec);
        let n = ctx.rng().range(2, 8) as usize;
        let max_depth = ctx.rng().chance(50).then(|| ctx.rng().range(1, 4) as usize);
        step(format!(
            "site #{round}: {pages} pages, {n} workers, max_depth {max_depth:?}"
        ));
        let config = CrawlConfig {
            workers: n,
            max_depth,
            ..CrawlConfig::default()
        };
        let report = run_crawl(
            &site.web,
            &site.start,
            &config,
            &format!("workers: {n}, max_depth: {max_depth:?}"),
        );
        let expected = model(&site, max_depth, None);
        expect_requests_stay_on(&site.web, &[SITE]);
        expect_each_requested_once(&site.web, "each URL is fetched once");
        expect_pages_by_depth(
            &report.pages,
            &expected.pages,
            "compared with a sequential BFS of the same site",
        );
        let got: BTreeSet<String> = failure_lines(&report).into_iter().collect();
        let want: BTreeSet<String> = expected_failure_lines(&expected).into_iter().collect();
        if got != want {
            fail(format!(
                "report.failures differs from a sequential crawl's (compared as sets)\nexpected: {want:?}\n     got: {got:?}\npages: {:?}",
                page_lines(&report.pages)
            ));
        }
    }
}
