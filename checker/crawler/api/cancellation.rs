//! crawler stage 5 (cancellation): the "API to add" of prompts/crawler/5-cancellation.md, one `// api` line per item.

use std::time::{Duration, Instant};

// api: pub struct CancelToken
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Default + Send + Sync>() {}
    let _ = derives::<drill::CancelToken>;
};

// api CancelToken: pub fn new() -> Self
const _: fn() -> drill::CancelToken = drill::CancelToken::new;

// api CancelToken: pub fn cancel(&self)
const _: fn(&drill::CancelToken) = drill::CancelToken::cancel;

// api CancelToken: pub fn is_cancelled(&self) -> bool
const _: fn(&drill::CancelToken) -> bool = drill::CancelToken::is_cancelled;

// api FetchError: Timeout
const _: drill::FetchError = drill::FetchError::Timeout;

// api FetchError: Cancelled
const _: drill::FetchError = drill::FetchError::Cancelled;

// api Fetcher: fn fetch_until(&self, url: &str, deadline: Option<Instant>, cancel: &CancelToken) -> Result<Page, FetchError>
struct OnlyFetch;
impl drill::Fetcher for OnlyFetch {
    fn fetch(&self, _: &str) -> Result<drill::Page, drill::FetchError> {
        Err(drill::FetchError::Timeout)
    }
}
const _: fn(&OnlyFetch, &str, Option<Instant>, &drill::CancelToken) -> Result<drill::Page, drill::FetchError> =
    <OnlyFetch as drill::Fetcher>::fetch_until;

// api CrawlConfig: pub cancel: CancelToken
const _: fn(&drill::CrawlConfig) -> &drill::CancelToken = |c| &c.cancel;

// api CrawlConfig: pub deadline: Option<Instant>
const _: fn(&drill::CrawlConfig) -> Option<Instant> = |c| c.deadline;

// api CrawlConfig: pub fetch_timeout: Option<Duration>
const _: fn(&drill::CrawlConfig) -> Option<Duration> = |c| c.fetch_timeout;

// api CrawlReport: pub interrupted: bool
const _: fn(&drill::CrawlReport) -> bool = |r| r.interrupted;
