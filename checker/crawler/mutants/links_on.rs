//! A helper the whole-file wrong solutions share: they are joined after the reference, whose `crawl` a patch renames.

/// Returns the in-scope targets of the links on `page` (at `url`).
fn links_on(url: &str, page: &Page, origin: &str) -> Vec<String> {
    extract_links(&page.body)
        .iter()
        .filter_map(|href| resolve(url, href))
        .filter(|target| origin_of(target) == origin)
        .collect()
}
