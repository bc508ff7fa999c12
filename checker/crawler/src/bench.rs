//! The speed workload `cargo xtask compare crawler` times: crawling a large generated site with stage 1's API.

use std::hint::black_box;
use std::sync::Arc;

use syskata_kit::{Bench, Rng};

use crate::drill::{self, CrawlConfig};
use crate::support::{generate, GenSpec, Reply};

/// Times a one-worker crawl of a 4000-page site without latency, and link extraction plus resolution alone.
pub fn bench(b: &mut Bench) {
    const PAGES: usize = 4000;
    let mut rng = Rng::new(0xC4A3);
    let mut spec = GenSpec::new(PAGES);
    spec.extra_links = 6;
    let site = generate(&mut rng, &spec);
    b.measure(
        "crawl a 4000-page site, one worker, no latency",
        PAGES as u64,
        || {
            let report = drill::crawl(
                &site.start,
                Arc::clone(&site.web) as Arc<dyn drill::Fetcher>,
                &CrawlConfig::default(),
            );
            black_box(report.pages.len());
        },
    );
    let pages: Vec<(&String, &String)> = site
        .replies
        .iter()
        .filter_map(|(url, reply)| match reply {
            Reply::Body(body) => Some((url, body)),
            _ => None,
        })
        .collect();
    let links: u64 = site.links.values().map(|l| l.len() as u64).sum();
    b.measure("extract_links and resolve on every page", links, || {
        let mut resolved = 0usize;
        for (url, body) in &pages {
            for href in drill::extract_links(body) {
                resolved += usize::from(drill::resolve(url, &href).is_some());
            }
        }
        black_box(resolved);
    });
}
