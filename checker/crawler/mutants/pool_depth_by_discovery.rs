//! Wrong solution: a worker pool over one FIFO queue that gives each URL the depth of its first discovery, so a fast long path beats a slow short one.

// ---- the wrong crawl --------------------------------------------------------------------------------

/// What the workers share.
struct Shared {
    queue: VecDeque<(String, usize)>,
    seen: HashSet<String>,
    in_flight: usize,
    budget: usize,
    report: CrawlReport,
}

/// Crawls with a pool of workers sharing one FIFO queue; a URL's depth is set when it is first discovered.
pub fn crawl(start: &str, fetcher: Arc<dyn Fetcher>, config: &CrawlConfig) -> CrawlReport {
    let Some(start) = Url::parse(start).map(|url| url.to_string()) else {
        return CrawlReport::default();
    };
    let origin = origin_of(&start).to_owned();
    let shared = Mutex::new(Shared {
        queue: VecDeque::from([(start.clone(), 0)]),
        seen: HashSet::from([start]),
        in_flight: 0,
        budget: config.max_pages.unwrap_or(usize::MAX),
        report: CrawlReport::default(),
    });
    let wake = Condvar::new();
    thread::scope(|scope| {
        for _ in 0..config.workers.max(1) {
            scope.spawn(|| work(&shared, &wake, &*fetcher, config, &origin));
        }
    });
    let mut report = shared.into_inner().unwrap().report;
    report.pages.sort_by_key(|p| p.depth);
    report.failures.sort_by_key(|f| f.depth);
    report
}

fn work(shared: &Mutex<Shared>, wake: &Condvar, fetcher: &dyn Fetcher, config: &CrawlConfig, origin: &str) {
    let mut state = shared.lock().unwrap();
    loop {
        let job = if state.budget > 0 { state.queue.pop_front() } else { None };
        if let Some((url, depth)) = job {
            state.budget -= 1;
            state.in_flight += 1;
            drop(state);
            let result = fetcher.fetch(&url);
            let follow = config.max_depth.is_none_or(|max| depth < max);
            let links = match &result {
                Ok(page) if follow => links_on(&url, page, origin),
                _ => Vec::new(),
            };
            state = shared.lock().unwrap();
            state.in_flight -= 1;
            let mut added = 0;
            for target in links {
                if state.seen.insert(target.clone()) {
                    state.queue.push_back((target, depth + 1));
                    added += 1;
                }
            }
            match result {
                Ok(_) => state.report.pages.push(CrawledPage { url, depth }),
                Err(error) => state.report.failures.push(Failure { url, depth, error }),
            }
            let _ = added;
            wake.notify_all();
            continue;
        }
        if state.in_flight == 0 {
            // Nothing queued and nothing running: the crawl is over.
            wake.notify_all();
            return;
        }
        state = wake.wait(state).unwrap();
    }
}
