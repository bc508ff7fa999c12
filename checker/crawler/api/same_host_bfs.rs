//! crawler stage 1 (same_host_bfs): the stub's API as prompts/crawler/1-same_host_bfs.md spells it, one `// api` line per item.

use std::sync::Arc;

// api: pub struct Page { pub body: String }
const _: fn(String) -> drill::Page = |body| drill::Page { body };
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Page>;
};

// api: pub enum FetchError { Status(u16), Network(String) }
const _: fn(u16) -> drill::FetchError = drill::FetchError::Status;
const _: fn(String) -> drill::FetchError = drill::FetchError::Network;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::FetchError>;
};

// api: pub trait Fetcher: Send + Sync
const _: () = {
    fn shared<T: drill::Fetcher + ?Sized>() -> bool where T: Send + Sync { true }
    let _ = shared::<dyn drill::Fetcher>;
};
struct Web;
impl drill::Fetcher for Web {
    // api Fetcher: fn fetch(&self, url: &str) -> Result<Page, FetchError>
    fn fetch(&self, _: &str) -> Result<drill::Page, drill::FetchError> {
        Err(drill::FetchError::Status(404))
    }
}

// api: pub struct CrawlConfig {}
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Default>() {}
    let _ = derives::<drill::CrawlConfig>;
};

// api: pub struct CrawledPage { pub url: String, pub depth: usize }
const _: fn(String, usize) -> drill::CrawledPage = |url, depth| drill::CrawledPage { url, depth };
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::CrawledPage>;
};

// api: pub struct CrawlReport { pub pages: Vec<CrawledPage> }
const _: fn(&drill::CrawlReport) -> &Vec<drill::CrawledPage> = |r| &r.pages;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Default + PartialEq + Eq>() {}
    let _ = derives::<drill::CrawlReport>;
};

// api: pub fn extract_links(html: &str) -> Vec<String>
const _: fn(&str) -> Vec<String> = drill::extract_links;

// api: pub fn resolve(base: &str, href: &str) -> Option<String>
const _: fn(&str, &str) -> Option<String> = drill::resolve;

// api: pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport
const _: fn(&str, Arc<dyn drill::Fetcher>, &drill::CrawlConfig) -> drill::CrawlReport = drill::crawl;
