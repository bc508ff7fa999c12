//! The stage 1–3 API written plainly, shared by the whole-file wrong solutions (each adds a wrong `crawl`).

// ---- the stage 1–3 API, written plainly (only `crawl` below is wrong) ----------------------------

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

/// A page a fetcher fetched successfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub body: String,
}

/// Why a fetch produced no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    Status(u16),
    Network(String),
}

/// Fetches pages.
pub trait Fetcher: Send + Sync {
    fn fetch(&self, url: &str) -> Result<Page, FetchError>;
}

/// Settings of one crawl.
#[derive(Debug, Clone, Default)]
pub struct CrawlConfig {
    pub max_depth: Option<usize>,
    pub max_pages: Option<usize>,
    pub workers: usize,
}

/// A page the crawl fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawledPage {
    pub url: String,
    pub depth: usize,
}

/// A URL whose fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub url: String,
    pub depth: usize,
    pub error: FetchError,
}

/// What a crawl found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    pub pages: Vec<CrawledPage>,
    pub failures: Vec<Failure>,
}

/// Returns the value of every `href="…"` attribute in `html`, in the order they appear.
///
/// # Example
///
/// ```
/// let html = r#"<a href="/a">A</a> <a class="x" href="b.html#top">B</a>"#;
/// assert_eq!(crawler_solution::extract_links(html), ["/a", "b.html#top"]);
/// ```
pub fn extract_links(html: &str) -> Vec<String> {
    const ATTRIBUTE: &str = "href=\"";
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(ATTRIBUTE) {
        let value = &rest[at + ATTRIBUTE.len()..];
        let Some(end) = value.find('"') else { break };
        links.push(value[..end].to_owned());
        rest = &value[end + 1..];
    }
    links
}

/// Returns `href` resolved against the page URL `base` and normalised, without its fragment, or
/// `None` when either is not an http(s) URL.
///
/// # Example
///
/// ```
/// use crawler_solution::resolve;
///
/// let base = "http://site.test/docs/guide/intro.html";
/// assert_eq!(resolve(base, "../api/x.html#top").as_deref(), Some("http://site.test/docs/api/x.html"));
/// assert_eq!(resolve(base, "HTTP://Site.Test:80/").as_deref(), Some("http://site.test/"));
/// assert_eq!(resolve(base, "mailto:team@site.test"), None);
/// ```
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let base = Url::parse(base)?;
    let href = href.trim();
    let href = href.split_once('#').map_or(href, |(before, _)| before);
    if has_scheme(href) {
        return Url::parse(href).map(|url| url.to_string());
    }
    if let Some(rest) = href.strip_prefix("//") {
        return Url::parse(&format!("{}://{rest}", base.scheme)).map(|url| url.to_string());
    }
    let (path, query) = match href.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (href, None),
    };
    let (path, query) = if path.is_empty() {
        (base.path.clone(), query.or(base.query.clone()))
    } else if path.starts_with('/') {
        (remove_dot_segments(path), query)
    } else {
        let directory = &base.path[..base.path.rfind('/').map_or(0, |slash| slash + 1)];
        (remove_dot_segments(&format!("{directory}{path}")), query)
    };
    Some(
        Url {
            path,
            query,
            ..base
        }
        .to_string(),
    )
}

/// An absolute, normalised http(s) URL without a fragment.
#[derive(Debug, Clone)]
struct Url {
    /// `http` or `https`.
    scheme: String,
    /// Lower-case `host[:port]`, without the scheme's default port.
    authority: String,
    /// Starts with `/`, dot segments removed.
    path: String,
    query: Option<String>,
}

impl Url {
    /// Returns `text` parsed and normalised, or `None` if it is not an absolute http(s) URL.
    fn parse(text: &str) -> Option<Url> {
        let text = text.trim();
        let text = text.split_once('#').map_or(text, |(before, _)| before);
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        let authority = normalise_authority(authority, default_port)?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (rest, None),
        };
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            remove_dot_segments(path)
        };
        Some(Url {
            scheme,
            authority,
            path,
            query,
        })
    }

    /// Returns `scheme://authority`.
    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

/// Returns `host[:port]` in lower case without the default port, or `None` if it is malformed.
fn normalise_authority(authority: &str, default_port: u16) -> Option<String> {
    let authority = authority.to_ascii_lowercase();
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority.as_str(), None),
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    match port {
        None | Some("") => Some(host.to_owned()),
        Some(digits) => match digits.parse::<u16>().ok()? {
            port if port == default_port => Some(host.to_owned()),
            port => Some(format!("{host}:{port}")),
        },
    }
}

/// Returns whether `href` starts with a URI scheme (`mailto:`, `HTTP:`), so it is not relative.
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Returns `path` (which starts with `/`) without `.` and `..` segments, as RFC 3986 §5.2.4 does;
/// `..` at the root stays at the root.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut kept: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {}
            ".." => {
                kept.pop();
            }
            other => {
                kept.push(other);
                continue;
            }
        }
        // A trailing `.` or `..` names a directory: keep the slash.
        if i == last {
            kept.push("");
        }
    }
    format!("/{}", kept.join("/"))
}

/// Returns the `scheme://host[:port]` part of a normalised URL.
fn origin_of(url: &str) -> &str {
    let authority_start = url.find("://").map_or(0, |at| at + 3);
    let end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |slash| authority_start + slash);
    &url[..end]
}


/// Returns the in-scope targets of the links on `page` (at `url`).
fn links_on(url: &str, page: &Page, origin: &str) -> Vec<String> {
    extract_links(&page.body)
        .iter()
        .filter_map(|href| resolve(url, href))
        .filter(|target| origin_of(target) == origin)
        .collect()
}
