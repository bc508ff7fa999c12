//! Your web crawler: it walks one site breadth-first through a fetcher it does not control.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::sync::Arc;

/// A page a [`Fetcher`] fetched successfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The page's HTML.
    pub body: String,
}

/// Why a fetch produced no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with this non-success HTTP status (404, 500, …).
    Status(u16),
    /// No answer came back: the connection failed or broke; the text says how.
    Network(String),
}

/// Fetches pages: the crawler's only way to reach the web. The tests supply a fake web.
pub trait Fetcher: Send + Sync {
    /// Fetches `url`, an absolute, normalised URL without a fragment.
    fn fetch(&self, url: &str) -> Result<Page, FetchError>;
}

/// Settings of one crawl. Empty for now: later stages add public fields, and the tests build it
/// as `CrawlConfig { some_field: …, ..CrawlConfig::default() }`.
#[derive(Debug, Clone, Default)]
pub struct CrawlConfig {}

/// A page the crawl fetched, with its link distance from the start page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawledPage {
    /// The page's URL, resolved and without fragment.
    pub url: String,
    /// The fewest links from the start page to this one (the start page is 0).
    pub depth: usize,
}

/// What a crawl found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// The pages fetched, in breadth-first order.
    pub pages: Vec<CrawledPage>,
}

/// Returns the value of every `href="…"` attribute in `html`, in the order they appear.
pub fn extract_links(html: &str) -> Vec<String> {
    todo!()
}

/// Returns `href` resolved against the page URL `base`, without its fragment, or `None` when
/// either is not an http(s) URL.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    todo!()
}

/// Crawls the pages reachable from `start` on its own origin, breadth-first, through `fetcher`.
pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport {
    todo!()
}
