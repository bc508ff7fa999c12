//! Stage cancellation: a cancel token and a deadline stop the crawl promptly; slow fetches time out; no thread outlives the crawl.
//!
//! Time here is real: the fake web stamps every request's start and end with `Instant::now()` and the
//! checks compare those stamps with when `cancel()` was called and when `crawl()` returned. Latencies
//! are a few milliseconds, the slow pages a second or two, and the bounds generous (200 ms) so that a
//! busy machine does not fail a correct crawler, while every wrong one misses them by a second or more.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{self, CancelToken, CrawlConfig, CrawlReport, FetchError, Page};
use crate::limits_and_errors::{expected_failure_lines, failure_lines};
use crate::support::{
    expect_pages_by_depth, generate, model, os_threads, page_lines, wait_for, web, Ask, GenSpec,
    Outcome, Web, NETWORK_ERROR, SITE,
};

/// How soon after cancellation (or the deadline) `crawl()` must return.
const BOUND: Duration = Duration::from_millis(200);
/// The fetch timeout of the slow-page checks; the slow page takes 1.5 s.
const FETCH_TIMEOUT: Duration = Duration::from_millis(100);

/// Returns the checks of stage cancellation.
pub fn stage() -> Stage {
    Stage {
        slug: "cancellation",
        checks: checks![
            every_fetch_goes_through_fetch_until,
            a_slow_fetch_times_out_and_the_crawl_goes_on,
            a_robots_txt_that_times_out_disallows_its_host,
            a_robots_txt_cut_short_by_the_stop_decides_nothing,
            cancel_stops_the_crawl_promptly,
            no_new_fetches_start_after_cancel,
            a_cancelled_crawl_keeps_what_it_already_fetched,
            cancelling_before_the_start_fetches_nothing,
            limits_are_not_interruptions,
            the_deadline_stops_the_crawl,
            cancel_interrupts_a_politeness_wait,
            an_uncancelled_crawl_is_complete,
            no_worker_thread_outlives_the_crawl,
        ],
    }
}

/// The fake web behind a fetcher that can stop early: `fetch_until` polls the token and the deadline
/// every millisecond; plain `fetch` sits out the whole latency.
struct Stoppable(Arc<Web>);

fn error_of(outcome: Outcome) -> FetchError {
    match outcome {
        Outcome::Status(code) => FetchError::Status(code),
        Outcome::Timeout => FetchError::Timeout,
        Outcome::Cancelled => FetchError::Cancelled,
        Outcome::Network | Outcome::Page => FetchError::Network(NETWORK_ERROR.to_owned()),
    }
}

impl drill::Fetcher for Stoppable {
    fn fetch(&self, url: &str) -> Result<Page, FetchError> {
        self.0
            .serve(url, Ask::plain())
            .map(|body| Page { body })
            .map_err(error_of)
    }

    fn fetch_until(
        &self,
        url: &str,
        deadline: Option<Instant>,
        cancel: &CancelToken,
    ) -> Result<Page, FetchError> {
        let stop = || {
            if cancel.is_cancelled() {
                Some(Outcome::Cancelled)
            } else if deadline.is_some_and(|d| Instant::now() >= d) {
                Some(Outcome::Timeout)
            } else {
                None
            }
        };
        self.0
            .serve(
                url,
                Ask {
                    stop: Some(&stop),
                    deadline,
                },
            )
            .map(|body| Page { body })
            .map_err(error_of)
    }
}

/// Runs one crawl through a [`Stoppable`] fetcher; returns the report and when `crawl()` returned.
fn run(site: &Arc<Web>, config: &CrawlConfig, settings: &str) -> (CrawlReport, Instant) {
    step(format!("crawl(\"http://site.test/\", web, {settings})"));
    let report = drill::crawl(
        "http://site.test/",
        Arc::new(Stoppable(Arc::clone(site))),
        config,
    );
    let returned = Instant::now();
    step(format!(
        "  → pages: {}, failures: {}, interrupted: {}; requests that reached the web: {}",
        report.pages.len(),
        report.failures.len(),
        report.interrupted,
        site.requests().len()
    ));
    (report, returned)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn slow_site() -> Arc<Web> {
    web()
        .latency_ms(2)
        .page("/", &["/a", "/slow", "/b"])
        .page("/a", &[])
        .page_with_latency("/slow", &["/never"], Duration::from_millis(1500))
        .page("/b", &["/c"])
        .page("/c", &[])
        .page("/never", &[])
        .build()
}

fn every_fetch_goes_through_fetch_until(_: &mut Ctx) {
    let build = || {
        web()
            .latency_ms(1)
            .robots(SITE, "User-agent: *\nDisallow: /nothing-here/\n")
            .page("/", &["/a", "/b"])
            .page("/a", &["/c"])
            .page("/b", &[])
            .page("/c", &[])
            .build()
    };
    scenario(format!(
        "a fake web that records, for every request, whether it came through fetch_until or plain fetch, \
         and the deadline it was given; five crawls with different fetch_timeout and deadline settings:\n{}",
        build().describe()
    ));
    let timeout = Duration::from_millis(300);
    let far = Duration::from_secs(10);
    for (settings, fetch_timeout, deadline_in) in [
        ("neither fetch_timeout nor deadline", None, None),
        ("fetch_timeout: 300 ms", Some(timeout), None),
        ("deadline: now + 10 s", None, Some(far)),
        (
            "fetch_timeout: 300 ms, deadline: now + 10 s",
            Some(timeout),
            Some(far),
        ),
        (
            "fetch_timeout: 20 s, deadline: now + 10 s",
            Some(Duration::from_secs(20)),
            Some(far),
        ),
    ] {
        let site = build();
        let before = Instant::now();
        let deadline = deadline_in.map(|d| before + d);
        let config = CrawlConfig {
            workers: 2,
            fetch_timeout,
            deadline,
            ..CrawlConfig::default()
        };
        step(format!("phase: {settings}"));
        let (report, _) = run(&site, &config, &format!("workers: 2, {settings}"));
        expect_eq("pages found", report.pages.len(), 4);
        let requests = site.requests();
        expect(
            requests.iter().any(|r| r.is_robots()),
            "robots.txt was never requested",
        );
        for r in &requests {
            let what = if r.is_robots() {
                "the robots.txt request"
            } else {
                "the request"
            };
            if !r.until {
                fail(format!(
                    "{what} for {} came through plain fetch(): every fetch, robots.txt included, must go \
                     through fetch_until with the deadline and the crawl's token, or it can neither time \
                     out nor be cancelled",
                    r.url
                ));
            }
            let got = r.deadline.map(|d| {
                format!(
                    "{:.1} ms after crawl() was called",
                    d.duration_since(before).as_secs_f64() * 1000.0
                )
            });
            let ok = match (fetch_timeout, deadline) {
                (None, None) => r.deadline.is_none(),
                (None, Some(d)) => r.deadline == Some(d),
                (Some(t), None) => r
                    .deadline
                    .is_some_and(|got| got >= before + t && got <= r.start + t),
                (Some(t), Some(d)) => {
                    if before + t >= d {
                        r.deadline == Some(d)
                    } else {
                        r.deadline
                            .is_some_and(|got| got >= before + t && got <= r.start + t)
                    }
                }
            };
            let want = match (fetch_timeout, deadline) {
                (None, None) => "None: neither a fetch timeout nor a crawl deadline is set".to_owned(),
                (None, Some(_)) => "exactly the crawl's deadline (10 s after crawl() was called)".to_owned(),
                (Some(t), Some(d)) if before + t >= d => format!(
                    "exactly the crawl's deadline: it comes before now + fetch_timeout ({} s)",
                    t.as_secs()
                ),
                (Some(t), _) => format!(
                    "now + fetch_timeout, taken when the fetch starts: {} ms after the fetch began at the latest{}",
                    t.as_millis(),
                    if deadline.is_some() { ", the earlier of that and the crawl's deadline" } else { "" }
                ),
            };
            expect(
                ok,
                format!(
                    "{what} for {} was given the deadline {got:?}; expected {want}",
                    r.url
                ),
            );
        }
    }
}

fn a_robots_txt_that_times_out_disallows_its_host(_: &mut Ctx) {
    let site = web()
        .latency_ms(1)
        .page_with_latency("/robots.txt", &[], Duration::from_millis(1500))
        .page("/", &["/a"])
        .page("/a", &[])
        .build();
    scenario(format!(
        "the site's robots.txt takes 1.5 s and fetch_timeout is 50 ms, the crawl itself never stopped: \
         robots.txt times out, which is an error like any other, so the host is unreachable:\n{}",
        site.describe()
    ));
    let config = CrawlConfig {
        workers: 2,
        fetch_timeout: Some(Duration::from_millis(50)),
        ..CrawlConfig::default()
    };
    let (report, _) = run(&site, &config, "workers: 2, fetch_timeout: 50 ms");
    expect_eq(
        "page requests (robots.txt aside): the host is unreachable, so none",
        site.requests().iter().filter(|r| !r.is_robots()).count(),
        0,
    );
    expect_eq(
        "report.disallowed: the start URL, as its host is off limits",
        report.disallowed.clone(),
        vec![format!("{SITE}/")],
    );
    expect_eq(
        "report.failures: robots.txt is never a failure, even when it times out",
        failure_lines(&report),
        Vec::<String>::new(),
    );
    expect(
        !report.interrupted,
        "report.interrupted must be false: neither the token nor a deadline stopped the crawl",
    );
}

fn a_slow_fetch_times_out_and_the_crawl_goes_on(_: &mut Ctx) {
    scenario(format!(
        "fetch_timeout = 100 ms on a site where one page takes 1.5 s to answer:\n{}",
        slow_site().describe()
    ));
    for workers in [1, 3] {
        let site = slow_site();
        step(format!("phase: {workers} workers"));
        let config = CrawlConfig {
            workers,
            fetch_timeout: Some(FETCH_TIMEOUT),
            ..CrawlConfig::default()
        };
        let started = Instant::now();
        let (report, returned) = run(
            &site,
            &config,
            &format!("workers: {workers}, fetch_timeout: 100 ms"),
        );
        let took = returned - started;
        if took > Duration::from_millis(1000) {
            let plain = site
                .requests()
                .iter()
                .any(|r| r.url.ends_with("/slow") && !r.until);
            fail(format!(
                "crawl() took {}; the slow page should have been given up after 100 ms{}",
                ms(took),
                if plain {
                    " — the crawler called fetch() for it, which cannot stop early: call \
                     fetch_until(url, deadline, &cancel) with deadline = now + fetch_timeout"
                } else {
                    ""
                }
            ));
        }
        expect_eq(
            "report.failures: the slow page, as a Timeout",
            failure_lines(&report),
            vec![format!("d1 {SITE}/slow {:?}", FetchError::Timeout)],
        );
        let pages: BTreeSet<String> = report.pages.iter().map(|p| p.url.clone()).collect();
        let expected: BTreeSet<String> = ["/", "/a", "/b", "/c"]
            .iter()
            .map(|p| format!("{SITE}{p}"))
            .collect();
        expect_eq(
            "the pages found (as a set): the crawl went on past the timeout",
            pages,
            expected,
        );
        expect(!report.interrupted, "report.interrupted is true, but nothing cancelled the crawl and it had no deadline: a timed-out fetch is a failure, not an interruption");
    }
}

const TRAP: &str = "http://site.test/trap";

/// What a cancelled crawl did.
struct CancelledCrawl {
    site: Arc<Web>,
    report: CrawlReport,
    cancelled_at: Instant,
    returned: Instant,
    workers: usize,
}

/// Crawls a 121-page site with 4 workers; the fake web cancels the token the moment /trap (a 2 s page) starts.
fn run_cancelled_crawl() -> CancelledCrawl {
    let mut level1: Vec<String> = (0..30).map(|i| format!("/w{i}")).collect();
    level1.insert(12, "/trap".to_owned());
    let refs: Vec<&str> = level1.iter().map(String::as_str).collect();
    let mut builder = web().latency_ms(4).page("/", &refs);
    for i in 0..30 {
        let kids: Vec<String> = (0..3).map(|k| format!("/w{i}/{k}")).collect();
        let kid_refs: Vec<&str> = kids.iter().map(String::as_str).collect();
        builder = builder.page(&format!("/w{i}"), &kid_refs);
        for kid in &kids {
            builder = builder.page(kid, &[]);
        }
    }
    let site = builder
        .page_with_latency("/trap", &["/w0/0"], Duration::from_millis(2000))
        .build();
    let token = CancelToken::new();
    let when: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    {
        let token = token.clone();
        let when = Arc::clone(&when);
        site.on_start(TRAP, move || {
            *when.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
            token.cancel();
        });
    }
    let config = CrawlConfig {
        workers: 4,
        cancel: token,
        ..CrawlConfig::default()
    };
    let (report, returned) = run(
        &site,
        &config,
        "workers: 4, cancel: <token cancelled when /trap starts>",
    );
    let cancelled_at = when
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(|| fail("the crawl never requested /trap, a link of the start page"));
    step(format!(
        "  cancel() was called {} before crawl() returned",
        ms(returned - cancelled_at)
    ));
    CancelledCrawl {
        site,
        report,
        cancelled_at,
        returned,
        workers: 4,
    }
}

const CANCEL_SCENARIO: &str = "the start page links to 30 pages of 4 ms (each with 3 children) and to /trap, \
     a page that takes 2 s; 4 workers; the fake web calls cancel() on the crawl's token the moment /trap is requested";

fn cancel_stops_the_crawl_promptly(_: &mut Ctx) {
    scenario(CANCEL_SCENARIO);
    let run = run_cancelled_crawl();
    let took = run.returned - run.cancelled_at;
    if took > BOUND {
        let plain = run.site.requests().iter().any(|r| !r.until);
        fail(format!(
            "crawl() returned {} after cancel(); it must return within {} — stop claiming new URLs, and give \
             each fetch the token (fetch_until) so a running fetch stops too{}",
            ms(took),
            ms(BOUND),
            if plain {
                "\n(the crawler called fetch(), which cannot be interrupted, instead of fetch_until())"
            } else {
                ""
            }
        ));
    }
    expect(
        run.report.interrupted,
        "report.interrupted is false after the crawl was cancelled with pages left to fetch",
    );
}

fn no_new_fetches_start_after_cancel(_: &mut Ctx) {
    scenario(CANCEL_SCENARIO);
    let run = run_cancelled_crawl();
    let late: Vec<String> = run
        .site
        .requests()
        .into_iter()
        .filter(|r| r.start > run.cancelled_at)
        .map(|r| format!("{} (+{})", r.url, ms(r.start - run.cancelled_at)))
        .collect();
    expect(
        late.len() <= run.workers,
        format!(
            "{} fetches started after cancel(): {}\nonce cancelled, workers must stop taking URLs; only a \
             worker that had already claimed one may still start it (at most one per worker)",
            late.len(),
            late.join(", ")
        ),
    );
}

fn a_cancelled_crawl_keeps_what_it_already_fetched(_: &mut Ctx) {
    scenario(CANCEL_SCENARIO);
    let run = run_cancelled_crawl();
    let requests = run.site.page_requests();
    let answered: BTreeSet<&str> = requests
        .iter()
        .filter(|r| r.outcome == Outcome::Page)
        .map(|r| r.url.as_str())
        .collect();
    let in_report: BTreeSet<&str> = run.report.pages.iter().map(|p| p.url.as_str()).collect();
    for request in &requests {
        if request.outcome == Outcome::Page
            && request.end < run.cancelled_at
            && !in_report.contains(request.url.as_str())
        {
            fail(format!(
                "{} was fetched before cancel() but is missing from report.pages: a cancelled crawl returns \
                 the pages it already has",
                request.url
            ));
        }
    }
    if let Some(extra) = in_report.difference(&answered).next() {
        fail(format!(
            "report.pages lists {extra}, which the fake web never served"
        ));
    }
    let cut: Vec<String> = run
        .report
        .failures
        .iter()
        .filter(|f| matches!(f.error, FetchError::Cancelled | FetchError::Timeout))
        .map(|f| f.url.clone())
        .collect();
    expect(
        cut.is_empty(),
        format!(
            "report.failures lists fetches stopped by the cancellation: {cut:?}; a fetch cut short by \
             cancel() is not a failure of the page — leave it out"
        ),
    );
    expect(
        !in_report.contains(TRAP),
        "report.pages lists /trap, whose fetch was cancelled",
    );
    expect(run.report.interrupted, "report.interrupted must be true");
    if let Some(pair) = run
        .report
        .pages
        .windows(2)
        .find(|w| w[1].depth < w[0].depth)
    {
        fail(format!(
            "partial results are still listed by depth: d{} {} comes after d{} {}",
            pair[1].depth, pair[1].url, pair[0].depth, pair[0].url
        ));
    }
}

fn cancelling_before_the_start_fetches_nothing(_: &mut Ctx) {
    let site = web().page("/", &["/a"]).page("/a", &[]).build();
    scenario(format!(
        "a token cancelled before crawl() is called:\n{}",
        site.describe()
    ));
    let token = CancelToken::new();
    step("token.cancel()");
    token.cancel();
    let config = CrawlConfig {
        cancel: token,
        workers: 2,
        ..CrawlConfig::default()
    };
    let (report, _) = run(&site, &config, "workers: 2, cancel: <already cancelled>");
    expect_eq(
        "requests that reached the web (robots.txt included)",
        site.requests().len(),
        0,
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        Vec::<String>::new(),
    );
    expect(
        report.interrupted,
        "report.interrupted must be true: the start page was never fetched",
    );
}

fn a_robots_txt_cut_short_by_the_stop_decides_nothing(_: &mut Ctx) {
    let site = web()
        .page_with_latency("/robots.txt", &[], Duration::from_millis(1500))
        .page("/", &["/a"])
        .page("/a", &[])
        .build();
    scenario(format!(
        "the site's robots.txt takes 1.5 s, and the token is cancelled the moment it is requested: \
         the cut-short robots.txt decides nothing, so the start URL is neither fetched nor disallowed, \
         and the crawl was interrupted:\n{}",
        site.describe()
    ));
    let token = CancelToken::new();
    let trigger = token.clone();
    site.on_start(&format!("{SITE}/robots.txt"), move || trigger.cancel());
    let config = CrawlConfig {
        workers: 2,
        cancel: token,
        ..CrawlConfig::default()
    };
    let (report, _) = run(
        &site,
        &config,
        "workers: 2, cancel: <token cancelled when robots.txt starts>",
    );
    expect_eq(
        "report.disallowed: robots.txt was cut short by the cancellation, so it allows or forbids nothing",
        report.disallowed.clone(),
        Vec::<String>::new(),
    );
    expect_eq(
        "report.pages",
        page_lines(&report.pages),
        Vec::<String>::new(),
    );
    expect_eq(
        "report.failures: neither robots.txt nor a page cut short by the stop is a failure",
        failure_lines(&report),
        Vec::<String>::new(),
    );
    expect(
        report.interrupted,
        "report.interrupted must be true: the cancellation stopped the crawl with the start page left",
    );
}

fn limits_are_not_interruptions(_: &mut Ctx) {
    let build = || {
        web()
            .page("/", &["/a", "/b"])
            .page("/a", &["/c", "/d"])
            .page("/b", &["/e"])
            .page("/c", &[])
            .page("/d", &[])
            .page("/e", &[])
            .build()
    };
    scenario(format!(
        "crawls ended by max_pages or max_depth, with an untouched token and no deadline: the crawl \
         stopped because it was asked for no more, so report.interrupted is false:\n{}",
        build().describe()
    ));
    for (settings, max_pages, max_depth, pages) in [
        ("max_pages: Some(0)", Some(0), None, 0),
        ("max_pages: Some(3)", Some(3), None, 3),
        ("max_pages: Some(5)", Some(5), None, 5),
        ("max_pages: Some(6)", Some(6), None, 6),
        ("max_depth: Some(0)", None, Some(0), 1),
        ("max_depth: Some(1)", None, Some(1), 3),
    ] {
        let site = build();
        let config = CrawlConfig {
            workers: 2,
            max_pages,
            max_depth,
            ..CrawlConfig::default()
        };
        step(format!("phase: {settings}"));
        let (report, _) = run(&site, &config, &format!("workers: 2, {settings}"));
        expect_eq(
            format!("pages found with {settings}"),
            report.pages.len(),
            pages,
        );
        expect(
            !report.interrupted,
            format!(
                "with {settings}, report.interrupted must be false: the limit ended the crawl, not the \
                 cancel token or a deadline"
            ),
        );
    }
}

fn the_deadline_stops_the_crawl(_: &mut Ctx) {
    let site = web()
        .latency_ms(20)
        .page("/", &["/1"])
        .page("/1", &["/2"])
        .page("/2", &["/slow"])
        .page_with_latency("/slow", &["/after"], Duration::from_millis(1000))
        .page("/after", &[])
        .build();
    scenario(format!(
        "deadline = 150 ms after crawl() is called, on a chain of 20 ms pages whose fourth page takes 1 s:\n{}",
        site.describe()
    ));
    let deadline = Instant::now() + Duration::from_millis(150);
    let config = CrawlConfig {
        workers: 2,
        deadline: Some(deadline),
        ..CrawlConfig::default()
    };
    let (report, returned) = run(&site, &config, "workers: 2, deadline: now + 150 ms");
    if returned > deadline + BOUND {
        let slow = site
            .requests()
            .into_iter()
            .find(|r| r.url.ends_with("/slow"));
        let hint = match slow {
            Some(r) if !r.until => " — /slow was fetched with fetch(), which cannot stop at the deadline".to_owned(),
            Some(r) if r.deadline.is_none_or(|d| d > deadline) => {
                " — /slow was fetched without the crawl's deadline: pass the earlier of the fetch timeout and the crawl deadline to fetch_until".to_owned()
            }
            _ => String::new(),
        };
        fail(format!(
            "crawl() returned {} after the deadline; it must return within {}{hint}",
            ms(returned - deadline),
            ms(BOUND)
        ));
    }
    let answered: Vec<String> = ["/", "/1", "/2", "/slow", "/after"]
        .iter()
        .enumerate()
        .filter(|(_, path)| {
            site.requests()
                .iter()
                .any(|r| r.url == format!("{SITE}{path}") && r.outcome == Outcome::Page)
        })
        .map(|(depth, path)| format!("d{depth} {SITE}{path}"))
        .collect();
    expect(
        !answered.iter().any(|line| line.ends_with("/slow")),
        "the fake web answered /slow in full: its fetch should have been stopped at the crawl's deadline",
    );
    expect_eq(
        "report.pages: exactly the pages the fake web answered before the deadline (/, /1 and /2 unless the machine is very busy)",
        page_lines(&report.pages),
        answered,
    );
    expect_eq(
        "report.failures: a fetch cut by the crawl's deadline is not a failure",
        failure_lines(&report),
        Vec::<String>::new(),
    );
    expect(
        report.interrupted,
        "report.interrupted must be true: the deadline stopped the crawl with pages left",
    );
}

fn cancel_interrupts_a_politeness_wait(_: &mut Ctx) {
    let site = web().page("/", &["/a"]).page("/a", &[]).build();
    scenario(format!(
        "per_host_limit = 1 and host_delay = 2 s, so after its first request the crawl must wait 2 s; \
         another thread cancels 60 ms after crawl() is called:\n{}",
        site.describe()
    ));
    let token = CancelToken::new();
    let when: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let canceller = {
        let token = token.clone();
        let when = Arc::clone(&when);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(60));
            *when.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
            token.cancel();
        })
    };
    let config = CrawlConfig {
        workers: 2,
        per_host_limit: 1,
        host_delay: Duration::from_secs(2),
        cancel: token,
        ..CrawlConfig::default()
    };
    let (report, returned) = run(
        &site,
        &config,
        "workers: 2, per_host_limit: 1, host_delay: 2 s, cancel: <cancelled after 60 ms>",
    );
    let _ = canceller.join();
    let cancelled_at = when
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(|| {
            fail("crawl() returned before the token was cancelled, with a 2 s host_delay pending")
        });
    let took = returned.saturating_duration_since(cancelled_at);
    expect(
        took <= BOUND,
        format!(
            "crawl() returned {} after cancel(); a worker waiting out host_delay must notice the cancellation \
             within {} — wait in slices, or on something cancel() wakes",
            ms(took),
            ms(BOUND)
        ),
    );
    expect(report.interrupted, "report.interrupted must be true");
}

fn an_uncancelled_crawl_is_complete(ctx: &mut Ctx) {
    scenario(
        "a generated 40-page site (0–2 ms per page, ~10% failing) crawled with 4 workers, a deadline 30 s \
         away, a 5 s fetch timeout and a token nobody cancels: the report is complete and not interrupted",
    );
    let mut spec = GenSpec::new(40);
    spec.normalising = true;
    spec.fail_percent = 10;
    spec.latency_ms = (0, 2);
    let site = generate(ctx.rng(), &spec);
    let config = CrawlConfig {
        workers: 4,
        deadline: Some(Instant::now() + Duration::from_secs(30)),
        fetch_timeout: Some(Duration::from_secs(5)),
        ..CrawlConfig::default()
    };
    let (report, _) = run(
        &site.web,
        &config,
        "workers: 4, deadline: now + 30 s, fetch_timeout: 5 s",
    );
    let expected = model(&site, None, None);
    expect_pages_by_depth(
        &report.pages,
        &expected.pages,
        "compared with a sequential BFS",
    );
    let got: BTreeSet<String> = failure_lines(&report).into_iter().collect();
    let want: BTreeSet<String> = expected_failure_lines(&expected).into_iter().collect();
    expect_eq("report.failures (as a set)", got, want);
    expect(
        !report.interrupted,
        "report.interrupted is true, but the crawl ran out of pages on its own",
    );
}

/// Fails if a fetch is running when `crawl()` returned, starts afterwards, or a thread outlives it.
fn expect_nothing_outlives(
    site: &Web,
    returned: Instant,
    running_at_return: Vec<String>,
    threads_before: Option<usize>,
) {
    if !running_at_return.is_empty() {
        fail(format!(
            "crawl() returned while the fake web was still serving {}: every worker, and every fetch it \
             started, must be finished (joined) before crawl() returns — a fetch abandoned on a helper \
             thread keeps running",
            running_at_return.join(", ")
        ));
    }
    if !wait_for(Duration::from_millis(300), || site.live_threads() == 0) {
        fail(format!(
            "{} threads that fetched pages were still alive 300 ms after crawl() returned: join every worker before returning",
            site.live_threads()
        ));
    }
    if let Some(before) = threads_before {
        if !wait_for(Duration::from_millis(300), || {
            os_threads().is_some_and(|now| now <= before)
        }) {
            fail(format!(
                "the process had {before} threads before crawl() and {} threads 300 ms after it returned: a thread \
                 the crawl started (a worker, a timer waiting for the deadline…) is still running",
                os_threads().unwrap_or_default()
            ));
        }
    }
    if let Some(late) = site.requests().into_iter().find(|r| r.start > returned) {
        fail(format!(
            "{} was requested after crawl() had returned",
            late.url
        ));
    }
}

fn no_worker_thread_outlives_the_crawl(ctx: &mut Ctx) {
    scenario(
        "three crawls; after each returns, the fake web checks that no fetch is running, no thread that fetched \
         is alive (within 300 ms), nothing is requested later, and (where the OS tells) the process is back to its \
         thread count from before the crawl",
    );
    let mut spec = GenSpec::new(40);
    spec.latency_ms = (0, 2);
    let site = generate(ctx.rng(), &spec);
    step("phase: a generated 40-page site, 4 workers, run to completion");
    let before = os_threads();
    let (_, returned) = run(
        &site.web,
        &CrawlConfig {
            workers: 4,
            ..CrawlConfig::default()
        },
        "workers: 4",
    );
    expect_nothing_outlives(&site.web, returned, site.web.running(), before);

    let site = slow_site();
    step("phase: the site with a 1.5 s page, 3 workers, fetch_timeout 100 ms");
    let before = os_threads();
    let config = CrawlConfig {
        workers: 3,
        fetch_timeout: Some(FETCH_TIMEOUT),
        ..CrawlConfig::default()
    };
    let (_, returned) = run(&site, &config, "workers: 3, fetch_timeout: 100 ms");
    expect_nothing_outlives(&site, returned, site.running(), before);

    let site = web()
        .latency_ms(1)
        .page("/", &["/a", "/b"])
        .page("/a", &[])
        .page("/b", &[])
        .build();
    step("phase: a 3-page site, 2 workers, a deadline 10 s away (the crawl ends long before it)");
    let before = os_threads();
    let config = CrawlConfig {
        workers: 2,
        deadline: Some(Instant::now() + Duration::from_secs(10)),
        ..CrawlConfig::default()
    };
    let (_, returned) = run(&site, &config, "workers: 2, deadline: now + 10 s");
    expect_nothing_outlives(&site, returned, site.running(), before);
}
