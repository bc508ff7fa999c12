//! crawler stage 3 (concurrent): the "API to add" of prompts/crawler/3-concurrent.md, one `// api` line per item.

// api CrawlConfig: pub workers: usize
const _: fn(&drill::CrawlConfig) -> usize = |c| c.workers;
