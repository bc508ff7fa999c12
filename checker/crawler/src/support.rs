//! The fake web every stage crawls (latency, failures, a log of every request), random sites and a model crawl.
//!
//! Only stage 1's API is used here, so this module compiles at every stage; later stages wrap the
//! [`Web`] for what they add (the stage-5 `fetch_until`, for instance).
// Some helpers serve only later stages; with early stages alone they are unused.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use syskata_kit::{fail, step, Rng};

use crate::drill::{self, CrawledPage};

/// The origin of every hand-written and generated site.
pub const SITE: &str = "http://site.test";
/// The text of the network error the fake web answers with.
pub const NETWORK_ERROR: &str = "connection reset by the fake web";

/// What the fake web answers for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A page with this HTML.
    Body(String),
    /// An HTTP error status.
    Status(u16),
    /// A broken connection.
    Network,
}

/// How a request ended, as the fake web saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Page,
    Status(u16),
    Network,
    Timeout,
    Cancelled,
}

/// One request the crawler made, as the fake web recorded it.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub start: Instant,
    pub end: Instant,
    pub outcome: Outcome,
    /// Whether it came through `fetch_until` rather than `fetch`.
    pub until: bool,
    /// The deadline the crawler passed to `fetch_until`.
    pub deadline: Option<Instant>,
}

impl Request {
    /// Returns whether this was a robots.txt request.
    pub fn is_robots(&self) -> bool {
        self.url.ends_with("/robots.txt")
    }
}

/// How one request asks the web: plainly (`fetch`) or with a way to stop early (`fetch_until`).
#[derive(Clone, Copy)]
pub struct Ask<'a> {
    /// Polled while the latency runs; `Some` ends the request with that outcome.
    pub stop: Option<&'a dyn Fn() -> Option<Outcome>>,
    pub deadline: Option<Instant>,
}

impl Ask<'_> {
    /// Returns a plain `fetch`.
    pub fn plain() -> Self {
        Ask {
            stop: None,
            deadline: None,
        }
    }
}

struct Resource {
    reply: Reply,
    latency: Duration,
}

type Hook = Box<dyn Fn() + Send + Sync>;

/// A fake web: fixed answers per URL, with latency, recording every request it serves.
pub struct Web {
    resources: HashMap<String, Resource>,
    /// Pages and their hrefs in the order they were written, for [`Web::describe`].
    written: Vec<(String, String)>,
    log: Mutex<Vec<Request>>,
    /// URLs of the requests running now.
    running: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Per origin: requests running now, and the most ever running at once.
    per_origin: Mutex<HashMap<String, (usize, usize)>>,
    /// Threads other than the check's own that fetched and have not exited yet.
    live: Arc<AtomicUsize>,
    owner: ThreadId,
    on_start: Mutex<HashMap<String, Hook>>,
    on_end: Mutex<HashMap<String, Hook>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Decrements a live-thread counter when the thread that holds it exits.
struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static LIVE: RefCell<Vec<LiveGuard>> = const { RefCell::new(Vec::new()) };
}

impl Web {
    /// Serves one request for `url` the way `ask` says, and records it.
    pub fn serve(&self, url: &str, ask: Ask<'_>) -> Result<String, Outcome> {
        self.note_thread();
        let start = Instant::now();
        lock(&self.running).push(url.to_owned());
        let running = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(running, Ordering::SeqCst);
        let origin = origin_of(url).to_owned();
        {
            let mut per_origin = lock(&self.per_origin);
            let entry = per_origin.entry(origin.clone()).or_default();
            entry.0 += 1;
            entry.1 = entry.1.max(entry.0);
        }
        if let Some(hook) = lock(&self.on_start).get(url) {
            hook();
        }
        let (reply, latency) = match self.resources.get(url) {
            Some(resource) => (resource.reply.clone(), resource.latency),
            None => (Reply::Status(404), Duration::ZERO),
        };
        let stopped = match ask.stop {
            None => {
                if !latency.is_zero() {
                    thread::sleep(latency);
                }
                None
            }
            Some(stop) => wait_unless(latency, stop),
        };
        let result = match (stopped, reply) {
            (Some(outcome), _) => Err(outcome),
            (None, Reply::Body(body)) => Ok(body),
            (None, Reply::Status(code)) => Err(Outcome::Status(code)),
            (None, Reply::Network) => Err(Outcome::Network),
        };
        let end = Instant::now();
        lock(&self.log).push(Request {
            url: url.to_owned(),
            start,
            end,
            outcome: result.as_ref().err().copied().unwrap_or(Outcome::Page),
            until: ask.stop.is_some(),
            deadline: ask.deadline,
        });
        if let Some(entry) = lock(&self.per_origin).get_mut(&origin) {
            entry.0 -= 1;
        }
        {
            let mut running = lock(&self.running);
            if let Some(at) = running.iter().position(|u| u == url) {
                running.swap_remove(at);
            }
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(hook) = lock(&self.on_end).get(url) {
            hook();
        }
        result
    }

    fn note_thread(&self) {
        if thread::current().id() == self.owner {
            return;
        }
        let _ = LIVE.try_with(|guards| {
            let mut guards = guards.borrow_mut();
            if !guards.iter().any(|g| Arc::ptr_eq(&g.0, &self.live)) {
                self.live.fetch_add(1, Ordering::SeqCst);
                guards.push(LiveGuard(Arc::clone(&self.live)));
            }
        });
    }

    /// Runs `hook` when a request for `url` starts (before its latency).
    pub fn on_start(&self, url: &str, hook: impl Fn() + Send + Sync + 'static) {
        lock(&self.on_start).insert(url.to_owned(), Box::new(hook));
    }

    /// Runs `hook` when a request for `url` has been answered (just before it returns).
    pub fn on_end(&self, url: &str, hook: impl Fn() + Send + Sync + 'static) {
        lock(&self.on_end).insert(url.to_owned(), Box::new(hook));
    }

    /// Returns every request so far, in the order they ended.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.log).clone()
    }

    /// Returns the page requests (robots.txt left out), in the order they ended.
    pub fn page_requests(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| !r.is_robots())
            .collect()
    }

    /// Returns how many requests were running at once, at most.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Returns how many requests are running now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Returns the URLs of the requests running now.
    pub fn running(&self) -> Vec<String> {
        lock(&self.running).clone()
    }

    /// Returns how many requests to `origin` were running at once, at most.
    pub fn max_in_flight_at(&self, origin: &str) -> usize {
        lock(&self.per_origin).get(origin).map_or(0, |e| e.1)
    }

    /// Returns how many threads other than the check's own have fetched and not exited yet.
    pub fn live_threads(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// Returns the site as the learner should picture it: each page and the hrefs on it.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        for (url, what) in &self.written {
            let _ = writeln!(text, "  {url}  {what}");
        }
        text
    }
}

/// Sleeps `latency`, polling `stop` every millisecond; returns what `stop` said if it ended early.
fn wait_unless(latency: Duration, stop: &dyn Fn() -> Option<Outcome>) -> Option<Outcome> {
    let until = Instant::now() + latency;
    loop {
        if let Some(outcome) = stop() {
            return Some(outcome);
        }
        let now = Instant::now();
        if now >= until {
            return None;
        }
        thread::sleep((until - now).min(Duration::from_millis(1)));
    }
}

/// Returns `outcome` as the learner's stage-1 error type (only plain outcomes reach it).
pub fn plain_error(outcome: Outcome) -> drill::FetchError {
    match outcome {
        Outcome::Status(code) => drill::FetchError::Status(code),
        _ => drill::FetchError::Network(NETWORK_ERROR.to_owned()),
    }
}

impl drill::Fetcher for Web {
    fn fetch(&self, url: &str) -> Result<drill::Page, drill::FetchError> {
        self.serve(url, Ask::plain())
            .map(|body| drill::Page { body })
            .map_err(plain_error)
    }
}

/// Returns a page's HTML with one `<a href>` per link.
pub fn html<S: AsRef<str>>(title: &str, hrefs: &[S]) -> String {
    let mut body = format!(
        "<!doctype html>\n<html><head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n"
    );
    for (i, href) in hrefs.iter().enumerate() {
        let _ = writeln!(
            body,
            "  <li><a href=\"{}\">link {}</a></li>",
            href.as_ref(),
            i + 1
        );
    }
    body.push_str("</ul>\n</body></html>\n");
    body
}

/// Returns `at` as an absolute URL: paths are taken on [`SITE`].
pub fn absolute(at: &str) -> String {
    if at.starts_with("http") {
        at.to_owned()
    } else {
        format!("{SITE}{at}")
    }
}

/// Builds a [`Web`] by hand.
pub struct WebBuilder {
    resources: HashMap<String, Resource>,
    written: Vec<(String, String)>,
    latency: Duration,
}

/// Returns an empty web to build on (no latency unless set).
pub fn web() -> WebBuilder {
    WebBuilder {
        resources: HashMap::new(),
        written: Vec::new(),
        latency: Duration::ZERO,
    }
}

impl WebBuilder {
    /// Sets the latency of the resources added after this call.
    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency = Duration::from_millis(ms);
        self
    }

    /// Adds a page at `at` (a path on [`SITE`] or an absolute URL) linking with `hrefs`.
    pub fn page(self, at: &str, hrefs: &[&str]) -> Self {
        let latency = self.latency;
        self.page_with_latency(at, hrefs, latency)
    }

    /// Adds a page with its own latency.
    pub fn page_with_latency(mut self, at: &str, hrefs: &[&str], latency: Duration) -> Self {
        let url = absolute(at);
        let what = if hrefs.is_empty() {
            "(no links)".to_owned()
        } else {
            format!("links to: {}", hrefs.join(", "))
        };
        let what = if latency.is_zero() || latency == self.latency {
            what
        } else {
            format!("{what}   [answers after {} ms]", latency.as_millis())
        };
        self.written.push((url.clone(), what));
        self.resources.insert(
            url.clone(),
            Resource {
                reply: Reply::Body(html(&url, hrefs)),
                latency,
            },
        );
        self
    }

    /// Adds a URL that answers with an error.
    pub fn failing(mut self, at: &str, reply: Reply) -> Self {
        let url = absolute(at);
        let what = match &reply {
            Reply::Status(code) => format!("answers status {code}"),
            Reply::Network => "breaks the connection (network error)".to_owned(),
            Reply::Body(_) => "answers a page".to_owned(),
        };
        self.written.push((url.clone(), what));
        self.resources.insert(
            url,
            Resource {
                reply,
                latency: self.latency,
            },
        );
        self
    }

    /// Serves `text` as `origin`'s robots.txt.
    pub fn robots(mut self, origin: &str, text: &str) -> Self {
        let url = format!("{origin}/robots.txt");
        let shown = text.trim_end().replace('\n', "\n      | ");
        self.written
            .push((url.clone(), format!("robots.txt:\n      | {shown}")));
        self.resources.insert(
            url,
            Resource {
                reply: Reply::Body(text.to_owned()),
                latency: self.latency,
            },
        );
        self
    }

    /// Adds a raw resource without describing it.
    fn raw(mut self, url: String, reply: Reply, latency: Duration) -> Self {
        self.resources.insert(url, Resource { reply, latency });
        self
    }

    /// Returns the finished web; the calling thread is the check's own (not counted as a worker).
    pub fn build(self) -> Arc<Web> {
        Arc::new(Web {
            resources: self.resources,
            written: self.written,
            log: Mutex::new(Vec::new()),
            running: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            per_origin: Mutex::new(HashMap::new()),
            live: Arc::new(AtomicUsize::new(0)),
            owner: thread::current().id(),
            on_start: Mutex::new(HashMap::new()),
            on_end: Mutex::new(HashMap::new()),
        })
    }
}

/// Returns the `scheme://host[:port]` part of an absolute URL.
pub fn origin_of(url: &str) -> &str {
    let authority = url.find("://").map_or(0, |at| at + 3);
    let end = url[authority..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |slash| authority + slash);
    &url[..end]
}

/// Returns a report's pages as `d<depth> <url>` lines.
pub fn page_lines(pages: &[CrawledPage]) -> Vec<String> {
    pages
        .iter()
        .map(|p| format!("d{} {}", p.depth, p.url))
        .collect()
}

/// Returns the URLs of `pages`.
pub fn urls(pages: &[CrawledPage]) -> Vec<&str> {
    pages.iter().map(|p| p.url.as_str()).collect()
}

/// Fails unless every URL was requested at most once (robots.txt included).
pub fn expect_each_requested_once(web: &Web, why: &str) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for request in web.requests() {
        *counts.entry(request.url).or_default() += 1;
    }
    let twice: Vec<String> = counts
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(url, n)| format!("{url} ({n} times)"))
        .collect();
    if !twice.is_empty() {
        fail(format!(
            "some URLs were fetched more than once: {}\n{why}",
            twice.join(", ")
        ));
    }
}

/// Fails if any request went to an origin outside `allowed` or carried a fragment.
pub fn expect_requests_stay_on(web: &Web, allowed: &[&str]) {
    for request in web.requests() {
        if request.url.contains('#') {
            fail(format!(
                "the crawler requested {:?}: a fragment (#…) never goes to the server; drop it when resolving",
                request.url
            ));
        }
        let origin = origin_of(&request.url);
        if !allowed.contains(&origin) {
            fail(format!(
                "the crawler requested {:?}, whose origin {origin:?} is not the crawl's ({}): \
                 links to another scheme, host or port must not be followed",
                request.url,
                allowed.join(", ")
            ));
        }
    }
}

/// Waits up to `limit` for `done`, checking every millisecond; returns whether it became true.
pub fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

pub use syskata_kit::platform::os_threads;

// ---- generated sites ----------------------------------------------------------------------------

/// What a generated site looks like.
#[derive(Debug, Clone)]
pub struct GenSpec {
    pub pages: usize,
    /// Each page gets up to this many links besides the one that makes it reachable.
    pub extra_links: u64,
    /// Chance (percent) that a page other than the start answers with an error.
    pub fail_percent: u64,
    /// Chance (percent) that a page carries a link to a page that does not exist.
    pub dangling_percent: u64,
    /// Chance (percent) that a page carries a link off the crawl's origins.
    pub offsite_percent: u64,
    /// Whether hrefs use spellings that only normalisation makes equal (stage 2).
    pub normalising: bool,
    /// Latency range of each page, in milliseconds.
    pub latency_ms: (u64, u64),
    /// The origins of the site; the first is the start's, the others are extra origins.
    pub origins: Vec<String>,
    /// Whether each origin serves a robots.txt with rules.
    pub robots: bool,
}

impl GenSpec {
    /// Returns a spec for a one-origin site of `pages` pages with stage-1 spellings.
    pub fn new(pages: usize) -> Self {
        GenSpec {
            pages,
            extra_links: 3,
            fail_percent: 0,
            dangling_percent: 0,
            offsite_percent: 30,
            normalising: false,
            latency_ms: (0, 0),
            origins: vec![SITE.to_owned()],
            robots: false,
        }
    }
}

/// What robots.txt says for one origin, as the model applies it.
#[derive(Debug, Clone)]
pub enum RobotsRules {
    /// No usable robots.txt (404): everything allowed.
    AllowAll,
    /// robots.txt unreachable (5xx): nothing allowed.
    DisallowAll,
    /// `(prefix, allowed)` rules; the longest match wins, Allow on a tie.
    Rules(Vec<(String, bool)>),
}

impl RobotsRules {
    /// Returns whether the path-and-query `path` may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        match self {
            RobotsRules::AllowAll => true,
            RobotsRules::DisallowAll => false,
            RobotsRules::Rules(rules) => rules
                .iter()
                .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
                .max_by_key(|(prefix, allowed)| (prefix.len(), *allowed))
                .is_none_or(|(_, allowed)| *allowed),
        }
    }
}

/// A generated site: the fake web plus everything the model needs to know about it.
pub struct Site {
    pub web: Arc<Web>,
    pub start: String,
    /// Each page's links: the href written, and the URL it means if that is on the crawl's origins.
    pub links: HashMap<String, Vec<(String, Option<String>)>>,
    /// What each URL answers (pages and failures; anything else is a 404).
    pub replies: HashMap<String, Reply>,
    pub robots: HashMap<String, RobotsRules>,
    pub spec: GenSpec,
}

const DIRS: [&str; 3] = ["docs", "blog", "shop"];
const SUBDIRS: [&str; 2] = ["x", "y"];
const OFFSITE: [&str; 8] = [
    "http://elsewhere.test/",
    "https://site.test/",
    "http://site.test:8080/",
    "http://site.test.evil/",
    "http://www.site.test/",
    "//elsewhere.test/",
    "mailto:team@site.test?subject=",
    "javascript:void(0)//",
];

fn random_path(rng: &mut Rng, i: usize) -> String {
    let dir = rng.pick(&DIRS);
    match rng.below(7) {
        0 => format!("/{dir}/s{i}/"),
        1 | 2 => format!("/{dir}/p{i}.html"),
        3 => format!("/{dir}/{}/p{i}.html", rng.pick(&SUBDIRS)),
        4 => format!("/find?q={i}"),
        5 => format!("/{dir}/item?id={i}"),
        _ => format!("/{dir}/{}/s{i}/", rng.pick(&SUBDIRS)),
    }
}

/// Splits an absolute URL into its origin and its path-and-query.
pub fn split_url(url: &str) -> (&str, &str) {
    let origin = origin_of(url);
    (origin, &url[origin.len()..])
}

/// Returns the relative reference that leads from the page at `from` to `to` (both paths with optional query).
pub fn relative(from: &str, to: &str) -> String {
    let from_path = from.split('?').next().unwrap_or("/");
    let (to_path, query) = match to.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (to, None),
    };
    let from_dir: Vec<&str> = from_path[..=from_path.rfind('/').unwrap_or(0)]
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let to_segments: Vec<&str> = to_path.split('/').skip(1).collect();
    let (file, to_dir) = to_segments
        .split_last()
        .map_or(("", &[][..]), |(f, d)| (*f, d));
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = "../".repeat(from_dir.len() - common);
    for segment in &to_dir[common..] {
        rel.push_str(segment);
        rel.push('/');
    }
    rel.push_str(file);
    if let Some(query) = query {
        rel.push('?');
        rel.push_str(query);
    }
    if rel.is_empty() || rel.starts_with('?') {
        rel.insert_str(0, "./");
    }
    rel
}

/// Returns an href on the page `from` that means `to`, in a randomly chosen spelling.
fn spell(rng: &mut Rng, from: &str, to: &str, normalising: bool) -> String {
    let (from_origin, from_path) = split_url(from);
    let (origin, path) = split_url(to);
    let host = origin.trim_start_matches("http://");
    let mut href = if origin == from_origin {
        let same_path = from_path.split('?').next() == path.split('?').next();
        let forms = if normalising { 11 } else { 7 };
        match rng.below(forms) {
            0 => to.to_owned(),
            1 => path.to_owned(),
            2 => relative(from_path, path),
            3 => format!("./{}", relative(from_path, path)),
            4 => format!("zz/../{}", relative(from_path, path)),
            5 => format!("//{host}{path}"),
            6 if same_path && path.contains('?') => {
                format!("?{}", path.split_once('?').map_or("", |(_, q)| q))
            }
            6 => path.to_owned(),
            7 => format!("{}{path}", origin.to_uppercase()),
            8 => format!("{origin}:80{path}"),
            9 => format!("{origin}/zz/..{path}"),
            _ => format!("http://{}:80/./{}", host.to_uppercase(), &path[1..]),
        }
    } else {
        match rng.below(if normalising { 4 } else { 2 }) {
            0 => to.to_owned(),
            1 => format!("//{host}{path}"),
            2 => format!("{}{path}", origin.to_uppercase()),
            _ => format!("{origin}:80{path}"),
        }
    };
    if rng.chance(20) {
        href.push_str("#part");
    }
    href
}

/// Returns a robots.txt and its rules for an origin whose pages have these paths.
fn random_robots(rng: &mut Rng, paths: &[&str]) -> (Reply, RobotsRules) {
    match rng.below(10) {
        0 => return (Reply::Status(404), RobotsRules::AllowAll),
        1 => return (Reply::Status(503), RobotsRules::DisallowAll),
        _ => {}
    }
    let mut rules = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let Some(path) = (!paths.is_empty()).then(|| *rng.pick(paths)) else {
            break;
        };
        // A prefix of a real path: a directory, or the path up to some character.
        let cut = rng.range(1, path.len() as u64) as usize;
        let prefix = match path[..cut].rfind('/') {
            Some(slash) if rng.chance(60) && slash > 0 => &path[..=slash],
            _ => &path[..cut.max(2).min(path.len())],
        };
        rules.push((prefix.to_owned(), false));
        if rng.chance(50) {
            let longer = &path[..path.len().min(prefix.len() + 3)];
            if longer.len() > prefix.len() {
                rules.push((longer.to_owned(), true));
            }
        }
    }
    let ours = rng.chance(50);
    let mut text = String::from("# generated\nUser-agent: otherbot\nDisallow: /\n\n");
    text.push_str(if ours {
        "User-agent: SysKata-Bot\n"
    } else {
        "User-agent: *\n"
    });
    for (prefix, allowed) in &rules {
        let field = if *allowed { "Allow" } else { "Disallow" };
        let _ = writeln!(text, "{field}: {prefix}");
    }
    (Reply::Body(text), RobotsRules::Rules(rules))
}

/// Returns a random site shaped by `spec`.
pub fn generate(rng: &mut Rng, spec: &GenSpec) -> Site {
    let start = format!("{}/", spec.origins[0]);
    let mut urls = vec![start.clone()];
    for i in 1..spec.pages {
        let origin = if spec.origins.len() > 1 && rng.chance(40) {
            rng.pick(&spec.origins[1..]).clone()
        } else {
            spec.origins[0].clone()
        };
        urls.push(format!("{origin}{}", random_path(rng, i)));
    }
    // Every page is linked from an earlier one, so all are reachable unless a failure cuts them off.
    let mut targets: Vec<Vec<Option<String>>> = vec![Vec::new(); urls.len()];
    for (i, url) in urls.iter().enumerate().skip(1) {
        let parent = rng.index(i);
        targets[parent].push(Some(url.clone()));
    }
    let mut dangling = 0;
    for (i, page) in targets.iter_mut().enumerate() {
        for _ in 0..rng.range(0, spec.extra_links) {
            page.push(Some(rng.pick(&urls).clone()));
        }
        if rng.chance(spec.dangling_percent) {
            dangling += 1;
            let origin = origin_of(&urls[i]).to_owned();
            page.push(Some(format!("{origin}/gone/p{dangling}.html")));
        }
        if rng.chance(spec.offsite_percent) {
            page.push(None);
        }
        rng.shuffle(page);
    }
    let mut builder = web();
    let mut links = HashMap::new();
    let mut replies = HashMap::new();
    for (i, url) in urls.iter().enumerate() {
        let latency = Duration::from_millis(rng.range(spec.latency_ms.0, spec.latency_ms.1));
        let failure = i > 0 && rng.chance(spec.fail_percent);
        if failure {
            let reply = match rng.below(4) {
                0 => Reply::Status(404),
                1 => Reply::Status(500),
                2 => Reply::Status(503),
                _ => Reply::Network,
            };
            replies.insert(url.clone(), reply.clone());
            builder = builder.raw(url.clone(), reply, latency);
            continue;
        }
        let page_links: Vec<(String, Option<String>)> = targets[i]
            .iter()
            .map(|target| match target {
                Some(to) => (spell(rng, url, to, spec.normalising), Some(to.clone())),
                None => (format!("{}p{i}.html", rng.pick(&OFFSITE)), None),
            })
            .collect();
        let hrefs: Vec<&str> = page_links.iter().map(|(h, _)| h.as_str()).collect();
        let body = html(url, &hrefs);
        replies.insert(url.clone(), Reply::Body(body.clone()));
        builder = builder.raw(url.clone(), Reply::Body(body), latency);
        links.insert(url.clone(), page_links);
    }
    let mut robots = HashMap::new();
    for origin in &spec.origins {
        if !spec.robots {
            robots.insert(origin.clone(), RobotsRules::AllowAll);
            continue;
        }
        let paths: Vec<&str> = urls
            .iter()
            .filter(|u| origin_of(u) == origin)
            .map(|u| split_url(u).1)
            .filter(|p| *p != "/")
            .collect();
        let (mut reply, mut rules) = random_robots(rng, &paths);
        if origin == &spec.origins[0] && matches!(rules, RobotsRules::DisallowAll) {
            // Keep the start page crawlable; a dark start origin is probed by hand.
            (reply, rules) = (Reply::Status(404), RobotsRules::AllowAll);
        }
        if let RobotsRules::Rules(list) = &rules {
            if list
                .iter()
                .any(|(prefix, allowed)| !allowed && "/".starts_with(prefix.as_str()))
            {
                (reply, rules) = (Reply::Status(404), RobotsRules::AllowAll);
            }
        }
        builder = builder.raw(format!("{origin}/robots.txt"), reply, Duration::ZERO);
        robots.insert(origin.clone(), rules);
    }
    Site {
        web: builder.build(),
        start,
        links,
        replies,
        robots,
        spec: spec.clone(),
    }
}

/// What a correct crawl of a generated site returns, computed by a plain sequential BFS.
#[derive(Debug, Default)]
pub struct Expected {
    pub pages: Vec<(String, usize)>,
    pub failures: Vec<(String, usize, Reply)>,
    pub disallowed: Vec<String>,
    /// Every page URL a crawl must request, in BFS order.
    pub fetched: Vec<String>,
    /// How each URL was first found: the linking page and the href on it.
    pub found_by: HashMap<String, (String, String)>,
}

impl Expected {
    /// Explains how `url` is reached, for failure messages.
    pub fn how_found(&self, url: &str) -> String {
        match self.found_by.get(url) {
            Some((page, href)) => format!("first linked from {page} as \"{href}\""),
            None => "the start URL".to_owned(),
        }
    }
}

/// Returns what a correct sequential crawl of `site` finds with these limits.
pub fn model(site: &Site, max_depth: Option<usize>, max_pages: Option<usize>) -> Expected {
    let mut expected = Expected::default();
    let mut budget = max_pages.unwrap_or(usize::MAX);
    let mut seen = HashSet::from([site.start.clone()]);
    let mut level = vec![site.start.clone()];
    let mut depth = 0;
    while !level.is_empty() && budget > 0 {
        let mut allowed = Vec::new();
        for url in level {
            let (origin, path) = split_url(&url);
            let rules = site.robots.get(origin).unwrap_or(&RobotsRules::AllowAll);
            if rules.allows(path) {
                allowed.push(url);
            } else {
                expected.disallowed.push(url);
            }
        }
        allowed.truncate(budget);
        budget -= allowed.len();
        let follow = max_depth.is_none_or(|max| depth < max);
        let mut next = Vec::new();
        for url in allowed {
            expected.fetched.push(url.clone());
            match site
                .replies
                .get(&url)
                .cloned()
                .unwrap_or(Reply::Status(404))
            {
                Reply::Body(_) => {
                    if follow {
                        for (href, target) in &site.links[&url] {
                            let Some(target) = target else { continue };
                            if seen.insert(target.clone()) {
                                expected
                                    .found_by
                                    .insert(target.clone(), (url.clone(), href.clone()));
                                next.push(target.clone());
                            }
                        }
                    }
                    expected.pages.push((url, depth));
                }
                failure => expected.failures.push((url, depth, failure)),
            }
        }
        level = next;
        depth += 1;
    }
    expected
}

/// Fails unless `got` lists exactly the expected pages, in the expected (BFS) order.
pub fn expect_pages_in_order(got: &[CrawledPage], expected: &Expected) {
    let got_pairs: Vec<(&str, usize)> = got.iter().map(|p| (p.url.as_str(), p.depth)).collect();
    for (i, want) in expected.pages.iter().enumerate() {
        match got_pairs.get(i) {
            Some(&(url, depth)) if url == want.0 && depth == want.1 => continue,
            Some(&(url, depth)) => fail(format!(
                "report.pages[{i}] is wrong\nexpected: d{} {} ({})\n     got: d{depth} {url}\n\
                 pages before it matched; BFS lists a page when it is taken off a FIFO queue, and a URL \
                 joins the queue the first time a link to it is seen, in link order",
                want.1,
                want.0,
                expected.how_found(&want.0)
            )),
            None => fail(format!(
                "report.pages stops after {i} pages, but {} should come next ({}); {} pages expected in all",
                want.0,
                expected.how_found(&want.0),
                expected.pages.len()
            )),
        }
    }
    if got_pairs.len() > expected.pages.len() {
        let extra: Vec<String> = got_pairs[expected.pages.len()..]
            .iter()
            .take(5)
            .map(|(u, d)| format!("d{d} {u}"))
            .collect();
        fail(format!(
            "report.pages has {} pages, {} expected; the first extra ones: {}",
            got_pairs.len(),
            expected.pages.len(),
            extra.join(", ")
        ));
    }
}

/// Fails unless `got` holds exactly the expected `(url, depth)` pairs, listed by non-decreasing depth.
pub fn expect_pages_by_depth(got: &[CrawledPage], expected: &[(String, usize)], why: &str) {
    if let Some(pair) = got.windows(2).find(|w| w[1].depth < w[0].depth) {
        fail(format!(
            "report.pages must be ordered by depth: d{} {} comes after d{} {}\n{why}",
            pair[1].depth, pair[1].url, pair[0].depth, pair[0].url
        ));
    }
    let got_set: BTreeSet<(usize, &str)> = got.iter().map(|p| (p.depth, p.url.as_str())).collect();
    if got_set.len() != got.len() {
        fail(format!("report.pages lists a page twice\n{why}"));
    }
    let want_set: BTreeSet<(usize, &str)> =
        expected.iter().map(|(u, d)| (*d, u.as_str())).collect();
    if got_set != want_set {
        let missing: Vec<String> = want_set
            .difference(&got_set)
            .take(6)
            .map(|(d, u)| format!("d{d} {u}"))
            .collect();
        let extra: Vec<String> = got_set
            .difference(&want_set)
            .take(6)
            .map(|(d, u)| format!("d{d} {u}"))
            .collect();
        fail(format!(
            "report.pages differs from a correct crawl ({} pages expected, {} returned)\n\
             missing or at another depth: {}\n\
             unexpected or at another depth: {}\n{why}",
            want_set.len(),
            got_set.len(),
            if missing.is_empty() {
                "none".to_owned()
            } else {
                missing.join(", ")
            },
            if extra.is_empty() {
                "none".to_owned()
            } else {
                extra.join(", ")
            },
        ));
    }
}

/// Logs and runs one crawl.
pub fn run_crawl(
    web: &Arc<Web>,
    start: &str,
    config: &drill::CrawlConfig,
    settings: &str,
) -> drill::CrawlReport {
    step(format!("crawl({start:?}, web, {settings})"));
    let report = drill::crawl(start, Arc::clone(web) as Arc<dyn drill::Fetcher>, config);
    step(format!(
        "  → report.pages.len() = {}; requests that reached the web: {}",
        report.pages.len(),
        web.requests().len()
    ));
    report
}
