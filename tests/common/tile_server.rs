//! A tile server on 127.0.0.1 for tests: answers every request with the response given at
//! start, or misbehaves as a [`Fault`] says, counts requests per path, and stops (refusing
//! connections) when shut down.

// Each test crate that includes this uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How a server answers one connection: the stream, the path asked for, and the flag set
/// when the server stops.
type Answer = dyn Fn(&mut TcpStream, &str, &AtomicBool) + Send + Sync;

/// Ways a tile server misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Headers of a 5 000-byte tile, then nothing, the connection held open.
    HangAfterHeaders,
    /// Headers of a 5 000-byte tile, 100 bytes of it, then the connection closed.
    PartialBody,
    /// 500 Internal Server Error.
    ServerError,
    /// A 5 000-byte tile, one byte a second.
    Drip,
    /// 200 with `Content-Type: text/plain` and a body that is no tile.
    WrongType,
    /// 302 to the same address, for ever.
    RedirectLoop,
    /// A body with no end, as fast as the client reads (a misconfigured proxy).
    Endless,
    /// Not TLS: for an `https://` template, the handshake fails.
    NotTls,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 8] = [
        Fault::HangAfterHeaders,
        Fault::PartialBody,
        Fault::ServerError,
        Fault::Drip,
        Fault::WrongType,
        Fault::RedirectLoop,
        Fault::Endless,
        Fault::NotTls,
    ];

    fn answer(self, stream: &mut TcpStream, path: &str, stop: &AtomicBool) {
        let tile_headers = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n";
        // Hold the connection until the server stops (or a minute passes).
        let hold = |stream: &mut TcpStream, per_byte: Option<Duration>| {
            for _ in 0..600 {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                match per_byte {
                    Some(d) => {
                        if stream.write_all(b"\x1a").is_err() {
                            return;
                        }
                        std::thread::sleep(d);
                    }
                    None => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        };
        match self {
            Fault::HangAfterHeaders => {
                let _ = stream.write_all(tile_headers.as_bytes());
                hold(stream, None);
            }
            Fault::PartialBody => {
                let _ = stream.write_all(tile_headers.as_bytes());
                let _ = stream.write_all(&[0x1a; 100]);
            }
            Fault::ServerError => {
                let _ = stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 21\r\nConnection: close\r\n\r\nInternal Server Error");
            }
            Fault::Drip => {
                let _ = stream.write_all(tile_headers.as_bytes());
                hold(stream, Some(Duration::from_secs(1)));
            }
            Fault::WrongType => {
                let body = "this is not a tile\n";
                let _ = stream.write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes());
            }
            Fault::RedirectLoop => {
                let _ = stream.write_all(format!("HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
            }
            Fault::Endless => {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nConnection: close\r\n\r\n");
                let chunk = [0x1a_u8; 64 * 1024];
                // At most 4 GB, or until the client hangs up.
                for _ in 0..65_536 {
                    if stop.load(Ordering::SeqCst) || stream.write_all(&chunk).is_err() {
                        return;
                    }
                }
            }
            Fault::NotTls => {
                let _ = stream.write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        }
    }

    /// The template to reach this fault on `port`, vector (`.pbf`) or raster (`.png`).
    pub fn template(self, port: u16, vector: bool) -> String {
        let scheme = if self == Fault::NotTls {
            "https"
        } else {
            "http"
        };
        let ext = if vector { "pbf" } else { "png" };
        format!("{scheme}://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.{ext}")
    }
}

/// A running test server.
pub struct TileServer {
    /// Its port.
    pub port: u16,
    counts: Arc<Mutex<HashMap<String, usize>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TileServer {
    /// Serve this PNG to every request, with a day's cache lifetime.
    pub fn png(png: Vec<u8>) -> Self {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nCache-Control: public, max-age=86400\r\nConnection: close\r\n\r\n",
            png.len()
        )
        .into_bytes();
        response.extend_from_slice(&png);
        Self::start(response)
    }

    /// Fail every request with 503.
    pub fn failing() -> Self {
        Self::start(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
        )
    }

    /// Answer every request with this JSON document (a TileJSON, say).
    pub fn json(body: &str) -> Self {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body.as_bytes());
        Self::start(response)
    }

    /// The port it listens on, for URLs of its own.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Answer every request with a web page (a captive portal, a proxy's error page).
    pub fn html() -> Self {
        let page = b"<!DOCTYPE html><html><body>Please log in to the hotel network</body></html>";
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            page.len()
        )
        .into_bytes();
        response.extend_from_slice(page);
        Self::start(response)
    }

    /// A server that misbehaves in this way on every request.
    pub fn fault(fault: Fault) -> Self {
        Self::serve(Arc::new(
            move |stream: &mut TcpStream, path: &str, stop: &AtomicBool| {
                fault.answer(stream, path, stop)
            },
        ))
    }

    fn start(response: Vec<u8>) -> Self {
        Self::serve(Arc::new(
            move |stream: &mut TcpStream, _: &str, _: &AtomicBool| {
                let _ = stream.write_all(&response);
            },
        ))
    }

    /// Each connection on a thread of its own (a hanging answer holds only its own).
    fn serve(answer: Arc<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, st) = (Arc::clone(&counts), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let (c, st, answer) = (Arc::clone(&c), Arc::clone(&st), Arc::clone(&answer));
                std::thread::spawn(move || {
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut buf = [0u8; 2048];
                    let mut got = Vec::new();
                    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    let path = String::from_utf8_lossy(&got)
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("")
                        .to_string();
                    if let Ok(mut m) = c.lock() {
                        *m.entry(path.clone()).or_default() += 1;
                    }
                    answer(&mut stream, &path, &st);
                });
            }
            // The listener is dropped here: the port refuses connections from now on.
        });
        Self {
            port,
            counts,
            stop,
            thread: Some(thread),
        }
    }

    /// The XYZ template for this server.
    pub fn template(&self) -> String {
        format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", self.port)
    }

    /// The XYZ template for this server, as a vector tile source.
    pub fn vector_template(&self) -> String {
        format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.pbf", self.port)
    }

    /// Requests so far, per path.
    pub fn counts(&self) -> HashMap<String, usize> {
        self.counts.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Requests so far.
    pub fn requests(&self) -> usize {
        self.counts().values().sum()
    }

    /// Stop serving.
    pub fn shut_down(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}
