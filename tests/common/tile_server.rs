//! A tile server on 127.0.0.1 for tests: answers every request with the response given at
//! start, counts requests per path, and stops (refusing connections) when shut down.

// Each test crate that includes this uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

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

    fn start(response: Vec<u8>) -> Self {
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
                    *m.entry(path).or_default() += 1;
                }
                let _ = stream.write_all(&response);
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
