//! A minimal HTTP/1.1 server on 127.0.0.1 and a std-only HTTP fetcher, so one check crawls a real socket.
//!
//! The server binds port 0 (the OS picks a free port), answers each connection on its own thread
//! after a fixed latency, records every request with its start and end, and stops by itself after
//! a few seconds or a few hundred requests even if the check never stops it.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::drill::{FetchError, Fetcher, Page};

/// The server stops accepting after this long, whatever happens.
const LIFETIME: Duration = Duration::from_secs(4);
/// The server stops accepting after this many connections.
const MAX_REQUESTS: usize = 300;
/// Socket timeouts on both sides.
const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// One request the server answered.
#[derive(Debug, Clone)]
pub struct Served {
    pub path: String,
    /// When the server accepted the connection (never before the client started the fetch).
    pub start: Instant,
    /// When the server had written the answer (never after the client's fetch returned).
    pub end: Instant,
}

#[derive(Default)]
struct Shared {
    log: Mutex<Vec<Served>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    stop: AtomicBool,
}

/// A running loopback server; dropping it stops it.
pub struct Server {
    origin: String,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server; `site(origin)` returns its resources as path → (status, body).
    pub fn start(
        site: impl FnOnce(&str) -> HashMap<String, (u16, String)>,
        latency: Duration,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let origin = format!("http://{}", listener.local_addr()?);
        let pages = Arc::new(site(&origin));
        let shared = Arc::new(Shared::default());
        let accept = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("loopback http server".to_owned())
                .spawn(move || accept_loop(&listener, &shared, &pages, latency))?
        };
        Ok(Server {
            origin,
            shared,
            accept: Some(accept),
        })
    }

    /// Returns `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Stops the server and returns what it served, and the most requests it ever handled at once.
    pub fn finish(mut self) -> (Vec<Served>, usize) {
        self.stop();
        let log = self
            .shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        (log, self.shared.max_in_flight.load(Ordering::SeqCst))
    }

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    pages: &Arc<HashMap<String, (u16, String)>>,
    latency: Duration,
) {
    let born = Instant::now();
    let mut handlers = Vec::new();
    while !shared.stop.load(Ordering::SeqCst)
        && born.elapsed() < LIFETIME
        && handlers.len() < MAX_REQUESTS
    {
        match listener.accept() {
            Ok((stream, _)) => {
                let start = Instant::now();
                let shared = Arc::clone(shared);
                let pages = Arc::clone(pages);
                handlers.push(thread::spawn(move || {
                    handle(stream, start, &shared, &pages, latency)
                }));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_micros(300));
            }
            Err(_) => thread::sleep(Duration::from_millis(1)),
        }
    }
    for handler in handlers {
        let _ = handler.join();
    }
}

fn handle(
    mut stream: TcpStream,
    start: Instant,
    shared: &Shared,
    pages: &HashMap<String, (u16, String)>,
    latency: Duration,
) {
    let running = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(running, Ordering::SeqCst);
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    thread::sleep(latency);
    let (status, body) = pages
        .get(&path)
        .cloned()
        .unwrap_or((404, "not found".to_owned()));
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Whatever",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
    shared
        .log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Served {
            path,
            start,
            end: Instant::now(),
        });
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// Fetches `http://<ip>:<port>/…` URLs over a real TCP connection, one connection per request.
pub struct HttpFetcher;

impl Fetcher for HttpFetcher {
    fn fetch(&self, url: &str) -> Result<Page, FetchError> {
        let network = |what: String| FetchError::Network(what);
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            network(format!(
                "the test's HTTP fetcher only speaks http://, not {url}"
            ))
        })?;
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        let address: SocketAddr = authority
            .parse()
            .map_err(|_| network(format!("{authority} is not an ip:port address")))?;
        let mut stream =
            TcpStream::connect_timeout(&address, IO_TIMEOUT).map_err(|e| network(e.to_string()))?;
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: syskata-bot/1.0\r\nConnection: close\r\n\r\n"
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| network(e.to_string()))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| network(e.to_string()))?;
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .ok_or_else(|| network("the answer has no header end".to_owned()))?;
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| network("the answer has no status code".to_owned()))?;
        if (200..300).contains(&status) {
            Ok(Page {
                body: body.to_owned(),
            })
        } else {
            Err(FetchError::Status(status))
        }
    }
}
