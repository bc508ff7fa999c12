//! Reference crawler: breadth-first over one site through a pluggable fetcher, concurrent, polite and cancellable.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::panic;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// The product token matched against the `User-agent` lines of robots.txt.
const USER_AGENT: &str = "syskata-bot";

/// How long a worker waiting for a politeness slot sleeps at most before re-checking cancellation:
/// a [`CancelToken`] cannot wake the crawler's condition variable, so waits are sliced.
const CANCEL_POLL: Duration = Duration::from_millis(5);

/// A page a [`Fetcher`] fetched successfully.
///
/// # Example
///
/// ```
/// use crawler_solution::{extract_links, Page};
///
/// let page = Page { body: r#"<a href="/next">next</a>"#.to_string() };
/// assert_eq!(extract_links(&page.body), ["/next"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The page's HTML.
    pub body: String,
}

/// Why a fetch produced no page.
///
/// # Example
///
/// ```
/// use crawler_solution::FetchError;
///
/// assert_eq!(FetchError::Status(404).to_string(), "the server answered with status 404");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with this non-success HTTP status (404, 500, …).
    Status(u16),
    /// No answer came back: the connection failed or broke; the text says how.
    Network(String),
    /// The fetch was still running at its deadline.
    Timeout,
    /// The fetch stopped early because the crawl was cancelled.
    Cancelled,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(code) => write!(f, "the server answered with status {code}"),
            FetchError::Network(why) => write!(f, "network error: {why}"),
            FetchError::Timeout => f.write_str("the fetch ran past its deadline"),
            FetchError::Cancelled => f.write_str("the fetch was cancelled"),
        }
    }
}

impl std::error::Error for FetchError {}

/// Fetches pages: the crawler's only way to reach the web.
///
/// # Example
///
/// ```
/// use crawler_solution::{FetchError, Fetcher, Page};
///
/// struct Echo;
/// impl Fetcher for Echo {
///     fn fetch(&self, url: &str) -> Result<Page, FetchError> {
///         Ok(Page { body: url.to_string() })
///     }
/// }
///
/// assert_eq!(Echo.fetch("http://site.test/").unwrap().body, "http://site.test/");
/// ```
pub trait Fetcher: Send + Sync {
    /// Fetches `url`, an absolute, normalised URL without a fragment.
    fn fetch(&self, url: &str) -> Result<Page, FetchError>;

    /// Fetches `url`, giving up with [`FetchError::Timeout`] at `deadline` and with
    /// [`FetchError::Cancelled`] once `cancel` fires. The default ignores both and calls
    /// [`Fetcher::fetch`]; fetchers that can stop early override it.
    ///
    /// # Example
    ///
    /// ```
    /// use crawler_solution::{CancelToken, FetchError, Fetcher, Page};
    ///
    /// struct Blank;
    /// impl Fetcher for Blank {
    ///     fn fetch(&self, _url: &str) -> Result<Page, FetchError> {
    ///         Ok(Page { body: String::new() })
    ///     }
    /// }
    ///
    /// let page = Blank.fetch_until("http://site.test/", None, &CancelToken::new());
    /// assert!(page.is_ok());
    /// ```
    fn fetch_until(
        &self,
        url: &str,
        deadline: Option<Instant>,
        cancel: &CancelToken,
    ) -> Result<Page, FetchError> {
        let _ = (deadline, cancel);
        self.fetch(url)
    }
}

/// A shareable switch that asks a crawl to stop; clones share the switch.
///
/// # Example
///
/// ```
/// use crawler_solution::CancelToken;
///
/// let token = CancelToken::new();
/// let handle = token.clone();
/// handle.cancel();
/// assert!(token.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    cancelled: Arc<AtomicBool>,
}

impl CancelToken {
    /// Returns a token that has not been cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!crawler_solution::CancelToken::new().is_cancelled());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the token and every clone of it; cancelling twice is harmless.
    ///
    /// # Example
    ///
    /// ```
    /// let token = crawler_solution::CancelToken::new();
    /// token.cancel();
    /// token.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Returns whether the token (or a clone of it) was cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// let token = crawler_solution::CancelToken::new();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Settings of one crawl; `CrawlConfig::default()` crawls everything reachable with one worker.
///
/// # Example
///
/// ```
/// use crawler_solution::CrawlConfig;
///
/// let config = CrawlConfig { max_depth: Some(2), workers: 4, ..CrawlConfig::default() };
/// assert_eq!(config.max_pages, None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CrawlConfig {
    /// Links are followed only from pages shallower than this; `Some(0)` fetches the start page alone.
    pub max_depth: Option<usize>,
    /// At most this many page fetches, failed ones included (robots.txt does not count).
    pub max_pages: Option<usize>,
    /// How many fetches may run at once; 0 and 1 both mean one at a time.
    pub workers: usize,
    /// At most this many requests to one host are busy at once; 0 means no limit.
    pub per_host_limit: usize,
    /// A request keeps its host slot busy for this long after it ends.
    pub host_delay: Duration,
    /// Other origins (`scheme://host[:port]`) whose pages the crawl follows as well.
    pub extra_origins: Vec<String>,
    /// Stops the crawl when cancelled.
    pub cancel: CancelToken,
    /// The crawl stops at this instant.
    pub deadline: Option<Instant>,
    /// One fetch may take at most this long.
    pub fetch_timeout: Option<Duration>,
}

/// A page the crawl fetched, with its link distance from the start page.
///
/// # Example
///
/// ```
/// let page = crawler_solution::CrawledPage { url: "http://site.test/".into(), depth: 0 };
/// assert_eq!(page.depth, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawledPage {
    /// The page's normalised URL.
    pub url: String,
    /// The fewest links from the start page to this one.
    pub depth: usize,
}

/// A URL whose fetch failed.
///
/// # Example
///
/// ```
/// use crawler_solution::{Failure, FetchError};
///
/// let failure = Failure { url: "http://site.test/gone".into(), depth: 1, error: FetchError::Status(404) };
/// assert_eq!(failure.error, FetchError::Status(404));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The normalised URL.
    pub url: String,
    /// Its link distance from the start page.
    pub depth: usize,
    /// What the fetcher answered.
    pub error: FetchError,
}

/// What a crawl found.
///
/// # Example
///
/// ```
/// let report = crawler_solution::CrawlReport::default();
/// assert!(report.pages.is_empty() && !report.interrupted);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// The pages fetched, by depth; in discovery order within a depth.
    pub pages: Vec<CrawledPage>,
    /// The fetches that failed, in the same order.
    pub failures: Vec<Failure>,
    /// URLs robots.txt kept us from fetching, in discovery order.
    pub disallowed: Vec<String>,
    /// Whether cancellation or the deadline stopped the crawl before it ran out of pages.
    pub interrupted: bool,
}

/// Returns the value of every `href="…"` attribute in `html`, in the order they appear.
///
/// # Example
///
/// ```
/// let html = r#"<a href="/a">A</a> <a class="x" href="b.html#top">B</a>"#;
/// assert_eq!(crawler_solution::extract_links(html), ["/a", "b.html#top"]);
/// ```
pub fn extract_links(html: &str) -> Vec<String> {
    const ATTRIBUTE: &str = "href=\"";
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(ATTRIBUTE) {
        let value = &rest[at + ATTRIBUTE.len()..];
        let Some(end) = value.find('"') else { break };
        links.push(value[..end].to_owned());
        rest = &value[end + 1..];
    }
    links
}

/// Returns `href` resolved against the page URL `base` and normalised, without its fragment, or
/// `None` when either is not an http(s) URL or carries user-info (`user@host`). Whitespace around
/// either is ignored.
///
/// # Example
///
/// ```
/// use crawler_solution::resolve;
///
/// let base = "http://site.test/docs/guide/intro.html";
/// assert_eq!(resolve(base, "../api/x.html#top").as_deref(), Some("http://site.test/docs/api/x.html"));
/// assert_eq!(resolve(base, "HTTP://Site.Test:80/").as_deref(), Some("http://site.test/"));
/// assert_eq!(resolve(base, "mailto:team@site.test"), None);
/// ```
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let base = Url::parse(base)?;
    let href = href.trim();
    let href = href.split_once('#').map_or(href, |(before, _)| before);
    if has_scheme(href) {
        return Url::parse(href).map(|url| url.to_string());
    }
    if let Some(rest) = href.strip_prefix("//") {
        return Url::parse(&format!("{}://{rest}", base.scheme)).map(|url| url.to_string());
    }
    let (path, query) = match href.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (href, None),
    };
    let (path, query) = if path.is_empty() {
        (base.path.clone(), query.or(base.query.clone()))
    } else if path.starts_with('/') {
        (remove_dot_segments(path), query)
    } else {
        let directory = &base.path[..base.path.rfind('/').map_or(0, |slash| slash + 1)];
        (remove_dot_segments(&format!("{directory}{path}")), query)
    };
    Some(
        Url {
            path,
            query,
            ..base
        }
        .to_string(),
    )
}

/// Returns whether the robots.txt text `robots_txt` lets our crawler (`syskata-bot`) fetch
/// `path` (a URL's path and query).
///
/// # Example
///
/// ```
/// let robots = "User-agent: *\nDisallow: /private/\nAllow: /private/press/\n";
/// assert!(!crawler_solution::robots_allows(robots, "/private/notes.html"));
/// assert!(crawler_solution::robots_allows(robots, "/private/press/kit.html"));
/// ```
pub fn robots_allows(robots_txt: &str, path: &str) -> bool {
    Robots::parse(robots_txt).allows(path)
}

/// Crawls the pages reachable from `start` on its origin (and `config.extra_origins`) breadth-first
/// through `fetcher`, honouring robots.txt and the limits in `config`.
///
/// # Example
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Arc;
/// use crawler_solution::{crawl, CrawlConfig, FetchError, Fetcher, Page};
///
/// struct Site(HashMap<&'static str, &'static str>);
/// impl Fetcher for Site {
///     fn fetch(&self, url: &str) -> Result<Page, FetchError> {
///         let body = self.0.get(url).ok_or(FetchError::Status(404))?;
///         Ok(Page { body: body.to_string() })
///     }
/// }
///
/// let site = Site(HashMap::from([
///     ("http://site.test/", r#"<a href="/a">a</a> <a href="http://other.test/">elsewhere</a>"#),
///     ("http://site.test/a", r#"<a href="/">home</a>"#),
/// ]));
/// let report = crawl("http://site.test/", Arc::new(site), &CrawlConfig::default());
/// let urls: Vec<&str> = report.pages.iter().map(|p| p.url.as_str()).collect();
/// assert_eq!(urls, ["http://site.test/", "http://site.test/a"]);
/// ```
pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport {
    let mut report = CrawlReport::default();
    let Some(start) = Url::parse(start).map(|url| url.to_string()) else {
        return report;
    };
    let mut scope: HashSet<String> = config
        .extra_origins
        .iter()
        .filter_map(|origin| Url::parse(origin))
        .map(|url| url.origin())
        .collect();
    scope.insert(origin_of(&start).to_owned());

    let crawler = Crawler::new(fetcher, config);
    let mut robots: HashMap<String, Robots> = HashMap::new();
    let mut seen = HashSet::from([start.clone()]);
    let mut level = vec![start];
    let mut depth = 0;
    while !level.is_empty() {
        if crawler.stopped() {
            report.interrupted = true;
            break;
        }
        if crawler.budget_left() == 0 {
            break;
        }
        crawler.learn_robots(&level, &mut robots);
        let mut batch = Vec::with_capacity(level.len());
        for url in level {
            match robots.get(origin_of(&url)) {
                Some(rules) if rules.allows(path_of(&url)) => batch.push(url),
                Some(_) => report.disallowed.push(url),
                // The crawl stopped before this host's robots.txt came back.
                None => report.interrupted = true,
            }
        }
        let results = crawler.run_batch(&batch, true);
        let follow = config.max_depth.is_none_or(|max| depth < max);
        let mut next = Vec::new();
        for (url, result) in batch.into_iter().zip(results) {
            match result {
                Some(Ok(page)) => {
                    if follow {
                        for href in extract_links(&page.body) {
                            let Some(target) = resolve(&url, &href) else {
                                continue;
                            };
                            if scope.contains(origin_of(&target)) && seen.insert(target.clone()) {
                                next.push(target);
                            }
                        }
                    }
                    report.pages.push(CrawledPage { url, depth });
                }
                Some(Err(error)) if !crawler.cut_short(&error) => {
                    report.failures.push(Failure { url, depth, error });
                }
                // Never started, or cut short by the stop: left out. Only the page budget running out
                // is not an interruption.
                _ => report.interrupted |= crawler.stopped(),
            }
        }
        level = next;
        depth += 1;
    }
    report
}

/// An absolute, normalised http(s) URL without a fragment.
#[derive(Debug, Clone)]
struct Url {
    /// `http` or `https`.
    scheme: String,
    /// Lower-case `host[:port]`, without the scheme's default port.
    authority: String,
    /// Starts with `/`, dot segments removed.
    path: String,
    query: Option<String>,
}

impl Url {
    /// Returns `text` parsed and normalised, or `None` if it is not an absolute http(s) URL.
    fn parse(text: &str) -> Option<Url> {
        let text = text.trim();
        let text = text.split_once('#').map_or(text, |(before, _)| before);
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        let authority = normalise_authority(authority, default_port)?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (rest, None),
        };
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            remove_dot_segments(path)
        };
        Some(Url {
            scheme,
            authority,
            path,
            query,
        })
    }

    /// Returns `scheme://authority`.
    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

/// Returns `host[:port]` in lower case without the default port, or `None` if it is malformed or
/// carries user-info (`user@host`): a crawler never sends credentials it found in a link.
fn normalise_authority(authority: &str, default_port: u16) -> Option<String> {
    if authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority.as_str(), None),
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    match port {
        None | Some("") => Some(host.to_owned()),
        Some(digits) => match digits.parse::<u16>().ok()? {
            port if port == default_port => Some(host.to_owned()),
            port => Some(format!("{host}:{port}")),
        },
    }
}

/// Returns whether `href` starts with a URI scheme (`mailto:`, `HTTP:`), so it is not relative.
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Returns `path` (which starts with `/`) without `.` and `..` segments, as RFC 3986 §5.2.4 does;
/// `..` at the root stays at the root.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut kept: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {}
            ".." => {
                kept.pop();
            }
            other => {
                kept.push(other);
                continue;
            }
        }
        // A trailing `.` or `..` names a directory: keep the slash.
        if i == last {
            kept.push("");
        }
    }
    format!("/{}", kept.join("/"))
}

/// Returns the `scheme://host[:port]` part of a normalised URL.
fn origin_of(url: &str) -> &str {
    let authority_start = url.find("://").map_or(0, |at| at + 3);
    let end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |slash| authority_start + slash);
    &url[..end]
}

/// Returns the path and query of a normalised URL.
fn path_of(url: &str) -> &str {
    &url[origin_of(url).len()..]
}

/// The robots.txt rules that apply to us: `(path prefix, allowed)` pairs.
#[derive(Debug, Clone, Default)]
struct Robots {
    rules: Vec<(String, bool)>,
}

impl Robots {
    /// Returns rules allowing everything (no robots.txt, or a 4xx answer).
    fn allow_all() -> Self {
        Robots::default()
    }

    /// Returns rules forbidding everything (robots.txt unreachable).
    fn disallow_all() -> Self {
        Robots {
            rules: vec![("/".to_owned(), false)],
        }
    }

    /// Returns the rules of the groups naming our agent, or else of the `*` groups.
    fn parse(text: &str) -> Self {
        let mut ours = Vec::new();
        let mut anyone = Vec::new();
        let mut named_us = false;
        let mut agents: Vec<String> = Vec::new();
        let mut reading_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match field.trim().to_ascii_lowercase().as_str() {
                "user-agent" => {
                    if !reading_agents {
                        agents.clear();
                    }
                    reading_agents = true;
                    let agent = value.to_ascii_lowercase();
                    named_us |= agent == USER_AGENT;
                    agents.push(agent);
                }
                rule @ ("allow" | "disallow") => {
                    reading_agents = false;
                    if value.is_empty() {
                        continue;
                    }
                    let entry = (value.to_owned(), rule == "allow");
                    if agents.iter().any(|agent| agent == USER_AGENT) {
                        ours.push(entry.clone());
                    }
                    if agents.iter().any(|agent| agent == "*") {
                        anyone.push(entry);
                    }
                }
                _ => {}
            }
        }
        Robots {
            rules: if named_us { ours } else { anyone },
        }
    }

    /// Returns whether `path` may be fetched: the longest matching rule decides, `Allow` winning a tie.
    fn allows(&self, path: &str) -> bool {
        self.rules
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, allowed)| (prefix.len(), *allowed))
            .is_none_or(|(_, allowed)| *allowed)
    }
}

/// Whether a host has room for one more request now.
enum Slot {
    Free,
    /// Full, and a slot frees at this instant (a finished request stops cooling down).
    FreeAt(Instant),
    /// Full of running requests: one frees when it ends.
    Busy,
}

/// One origin's politeness state, kept for the whole crawl.
#[derive(Debug, Default)]
struct Host {
    /// Jobs of the current batch waiting for this host (indices into the batch), in order.
    queue: VecDeque<usize>,
    /// Requests to this host now running.
    in_flight: usize,
    /// When each recently finished request stops counting against the limit.
    cooling: Vec<Instant>,
}

impl Host {
    fn slot(&mut self, now: Instant, limit: usize) -> Slot {
        self.cooling.retain(|&until| until > now);
        if limit == 0 || self.in_flight + self.cooling.len() < limit {
            Slot::Free
        } else {
            self.cooling
                .iter()
                .min()
                .map_or(Slot::Busy, |&until| Slot::FreeAt(until))
        }
    }
}

/// What the workers share, under one lock.
#[derive(Debug)]
struct Schedule {
    hosts: HashMap<String, Host>,
    /// Page fetches still allowed by `max_pages`.
    budget: usize,
}

/// The state of one crawl that its workers share.
struct Crawler<'a> {
    fetcher: Arc<dyn Fetcher>,
    config: &'a CrawlConfig,
    schedule: Mutex<Schedule>,
    /// Signalled when a request ends, so waiting workers look for a free host again.
    changed: Condvar,
}

impl<'a> Crawler<'a> {
    fn new(fetcher: Arc<dyn Fetcher>, config: &'a CrawlConfig) -> Self {
        Crawler {
            fetcher,
            config,
            schedule: Mutex::new(Schedule {
                hosts: HashMap::new(),
                budget: config.max_pages.unwrap_or(usize::MAX),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns whether the crawl was cancelled or ran past its deadline.
    fn stopped(&self) -> bool {
        self.config.cancel.is_cancelled()
            || self.config.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Returns whether `error` only means the crawl stopped while the fetch ran.
    fn cut_short(&self, error: &FetchError) -> bool {
        matches!(error, FetchError::Cancelled | FetchError::Timeout) && self.stopped()
    }

    fn budget_left(&self) -> usize {
        self.lock().budget
    }

    /// Fetches robots.txt of every origin in `level` not yet known, and records its rules.
    fn learn_robots(&self, level: &[String], robots: &mut HashMap<String, Robots>) {
        let mut origins: Vec<&str> = Vec::new();
        for url in level {
            let origin = origin_of(url);
            if !robots.contains_key(origin) && !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        let urls: Vec<String> = origins.iter().map(|o| format!("{o}/robots.txt")).collect();
        for (origin, result) in origins.into_iter().zip(self.run_batch(&urls, false)) {
            let rules = match result {
                Some(Ok(page)) => Robots::parse(&page.body),
                Some(Err(FetchError::Status(400..=499))) => Robots::allow_all(),
                Some(Err(error)) if !self.cut_short(&error) => Robots::disallow_all(),
                _ => continue,
            };
            robots.insert(origin.to_owned(), rules);
        }
    }

    /// Fetches `urls` on up to `workers` threads, politely; returns each result in `urls` order,
    /// `None` where the fetch never started (stopped, or out of page budget when `counted`).
    fn run_batch(&self, urls: &[String], counted: bool) -> Vec<Option<Result<Page, FetchError>>> {
        let origins: Vec<&str> = urls.iter().map(|url| origin_of(url)).collect();
        {
            let mut schedule = self.lock();
            for (job, origin) in origins.iter().enumerate() {
                let host = schedule.hosts.entry((*origin).to_owned()).or_default();
                host.queue.push_back(job);
            }
        }
        let mut results: Vec<Option<Result<Page, FetchError>>> =
            urls.iter().map(|_| None).collect();
        let workers = self.config.workers.clamp(1, urls.len().max(1));
        let work = || self.work(urls, &origins, counted);
        if workers == 1 {
            for (job, result) in work() {
                results[job] = Some(result);
            }
        } else {
            thread::scope(|scope| {
                let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
                for handle in handles {
                    match handle.join() {
                        Ok(done) => {
                            for (job, result) in done {
                                results[job] = Some(result);
                            }
                        }
                        Err(panic) => panic::resume_unwind(panic),
                    }
                }
            });
        }
        for host in self.lock().hosts.values_mut() {
            host.queue.clear();
        }
        results
    }

    /// One worker: claims jobs until none is left, fetching each.
    fn work(
        &self,
        urls: &[String],
        origins: &[&str],
        counted: bool,
    ) -> Vec<(usize, Result<Page, FetchError>)> {
        let mut done = Vec::new();
        while let Some(job) = self.claim(counted) {
            let result = self.fetch(&urls[job]);
            self.release(origins[job]);
            done.push((job, result));
        }
        done
    }

    /// Returns the earliest queued job whose host has a free slot, waiting while every host with
    /// jobs is full; `None` once nothing is queued or the crawl stopped.
    fn claim(&self, counted: bool) -> Option<usize> {
        let limit = self.config.per_host_limit;
        let mut guard = self.lock();
        loop {
            let schedule = &mut *guard;
            if self.stopped() || (counted && schedule.budget == 0) {
                return None;
            }
            let now = Instant::now();
            let mut wake_at = self.config.deadline;
            let mut queued = false;
            let mut pick: Option<(usize, &mut Host)> = None;
            for host in schedule.hosts.values_mut() {
                let Some(&job) = host.queue.front() else {
                    continue;
                };
                queued = true;
                match host.slot(now, limit) {
                    Slot::Free => {
                        if pick.as_ref().is_none_or(|(earliest, _)| job < *earliest) {
                            pick = Some((job, host));
                        }
                    }
                    Slot::FreeAt(until) => wake_at = Some(wake_at.map_or(until, |w| w.min(until))),
                    Slot::Busy => {}
                }
            }
            if let Some((job, host)) = pick {
                host.queue.pop_front();
                host.in_flight += 1;
                if counted {
                    schedule.budget -= 1;
                }
                return Some(job);
            }
            if !queued {
                return None;
            }
            let pause = wake_at.map_or(CANCEL_POLL, |t| {
                t.saturating_duration_since(now).min(CANCEL_POLL)
            });
            guard = self
                .changed
                .wait_timeout(guard, pause)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Fetches `url` with the tighter of the fetch timeout and the crawl's deadline.
    fn fetch(&self, url: &str) -> Result<Page, FetchError> {
        let timeout = self
            .config
            .fetch_timeout
            .and_then(|timeout| Instant::now().checked_add(timeout));
        let deadline = match (timeout, self.config.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.fetcher.fetch_until(url, deadline, &self.config.cancel)
    }

    /// Frees the slot a request to `origin` held, after its cool-down.
    fn release(&self, origin: &str) {
        let mut schedule = self.lock();
        if let Some(host) = schedule.hosts.get_mut(origin) {
            host.in_flight -= 1;
            if self.config.per_host_limit > 0 && !self.config.host_delay.is_zero() {
                if let Some(until) = Instant::now().checked_add(self.config.host_delay) {
                    host.cooling.push(until);
                }
            }
        }
        drop(schedule);
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_follow_rfc_3986() {
        for (path, expected) in [
            ("/", "/"),
            ("/a/b/../c", "/a/c"),
            ("/a/./b", "/a/b"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/../../x", "/x"),
            ("/..", "/"),
            ("/a//b", "/a//b"),
        ] {
            assert_eq!(remove_dot_segments(path), expected, "{path}");
        }
    }

    #[test]
    fn robots_groups_and_ties() {
        let text =
            "User-agent: *\nDisallow: /\n\nUser-agent: SysKata-Bot\nDisallow: /a\nAllow: /a\n";
        let robots = Robots::parse(text);
        assert!(robots.allows("/a/b"), "a tie goes to Allow");
        assert!(robots.allows("/b"), "our group replaces the * group");
    }
}
