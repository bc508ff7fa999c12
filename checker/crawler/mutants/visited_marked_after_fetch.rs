//! Wrong solution: a level-by-level crawler whose workers check "visited" before fetching but mark a URL visited only after the fetch, so two workers can fetch the same URL.

// ---- the wrong crawl --------------------------------------------------------------------------------

/// Crawls level by level; each level is shared by the workers through a queue that may hold duplicates.
pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport {
    let mut report = CrawlReport::default();
    let Some(start) = Url::parse(start).map(|url| url.to_string()) else {
        return report;
    };
    let origin = origin_of(&start).to_owned();
    let visited: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let budget = Mutex::new(config.max_pages.unwrap_or(usize::MAX));
    let mut level = vec![start];
    let mut depth = 0;
    while !level.is_empty() {
        let queue: Mutex<VecDeque<(usize, String)>> = Mutex::new(level.into_iter().enumerate().collect());
        let done: Mutex<Vec<(usize, String, Result<Page, FetchError>)>> = Mutex::new(Vec::new());
        thread::scope(|scope| {
            for _ in 0..config.workers.max(1) {
                scope.spawn(|| loop {
                    let Some((i, url)) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    if visited.lock().unwrap().contains(&url) {
                        continue;
                    }
                    {
                        let mut left = budget.lock().unwrap();
                        if *left == 0 {
                            break;
                        }
                        *left -= 1;
                    }
                    let result = fetcher.fetch(&url);
                    visited.lock().unwrap().insert(url.clone());
                    done.lock().unwrap().push((i, url, result));
                });
            }
        });
        let mut done = done.into_inner().unwrap();
        done.sort_by_key(|(i, _, _)| *i);
        let follow = config.max_depth.is_none_or(|max| depth < max);
        let mut next = Vec::new();
        for (_, url, result) in done {
            match result {
                Ok(page) => {
                    if follow {
                        let visited = visited.lock().unwrap();
                        for target in links_on(&url, &page, &origin) {
                            if !visited.contains(&target) {
                                next.push(target);
                            }
                        }
                    }
                    report.pages.push(CrawledPage { url, depth });
                }
                Err(error) => report.failures.push(Failure { url, depth, error }),
            }
        }
        level = next;
        depth += 1;
    }
    report
}
