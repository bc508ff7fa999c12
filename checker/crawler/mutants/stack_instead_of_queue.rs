//! Wrong solution: a crawler that takes URLs from the back of its frontier, so it walks depth-first.

// ---- the wrong crawl --------------------------------------------------------------------------------

/// Crawls the start URL's origin; the frontier is a VecDeque, but URLs come off its back (a stack).
pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport {
    let mut report = CrawlReport::default();
    let Some(start) = Url::parse(start).map(|url| url.to_string()) else {
        return report;
    };
    let origin = origin_of(&start).to_owned();
    let mut seen = HashSet::from([start.clone()]);
    let mut frontier = VecDeque::from([(start, 0)]);
    let mut budget = config.max_pages.unwrap_or(usize::MAX);
    while let Some((url, depth)) = frontier.pop_back() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        match fetcher.fetch(&url) {
            Ok(page) => {
                if config.max_depth.is_none_or(|max| depth < max) {
                    for target in links_on(&url, &page, &origin) {
                        if seen.insert(target.clone()) {
                            frontier.push_back((target, depth + 1));
                        }
                    }
                }
                report.pages.push(CrawledPage { url, depth });
            }
            Err(error) => report.failures.push(Failure { url, depth, error }),
        }
    }
    report
}
