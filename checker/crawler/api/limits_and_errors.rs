//! crawler stage 2 (limits_and_errors): the "API to add" of prompts/crawler/2-limits_and_errors.md, one `// api` line per item.

// api CrawlConfig: pub max_depth: Option<usize>
const _: fn(&drill::CrawlConfig) -> Option<usize> = |c| c.max_depth;

// api CrawlConfig: pub max_pages: Option<usize>
const _: fn(&drill::CrawlConfig) -> Option<usize> = |c| c.max_pages;

// api: pub struct Failure
const _: fn(String, usize, drill::FetchError) -> drill::Failure =
    |url, depth, error| drill::Failure { url, depth, error };
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Failure>;
};

// api CrawlReport: pub failures: Vec<Failure>
const _: fn(&drill::CrawlReport) -> &Vec<drill::Failure> = |r| &r.failures;
