//! crawler stage 4 (politeness): the "API to add" of prompts/crawler/4-politeness.md, one `// api` line per item.

use std::time::Duration;

// api CrawlConfig: pub per_host_limit: usize
const _: fn(&drill::CrawlConfig) -> usize = |c| c.per_host_limit;

// api CrawlConfig: pub host_delay: Duration
const _: fn(&drill::CrawlConfig) -> Duration = |c| c.host_delay;

// api CrawlConfig: pub extra_origins: Vec<String>
const _: fn(&drill::CrawlConfig) -> &Vec<String> = |c| &c.extra_origins;

// api CrawlReport: pub disallowed: Vec<String>
const _: fn(&drill::CrawlReport) -> &Vec<String> = |r| &r.disallowed;

// api: pub fn robots_allows(robots_txt: &str, path: &str) -> bool
const _: fn(&str, &str) -> bool = drill::robots_allows;
