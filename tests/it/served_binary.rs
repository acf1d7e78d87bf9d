//! The real `vaardig serve` binary as a child process, with its JSON log captured: for tests about
//! what the process as deployed writes and exposes (log lines, the metrics endpoint).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A running `vaardig serve --log-json`; killed when dropped.
pub struct ServedBinary {
    child: Child,
    /// The gRPC address it listens on.
    pub addr: SocketAddr,
    /// The metrics endpoint once logged (when `VAARDIG_METRICS_LISTEN` was given).
    metrics_addr: Arc<Mutex<Option<SocketAddr>>>,
    lines: Arc<Mutex<Vec<String>>>,
    _index_dir: tempfile::TempDir,
}

impl ServedBinary {
    /// Starts `vaardig serve --listen 127.0.0.1:0 --log-json` with `args` and `env` (on the embedded
    /// ontology unless `args` say otherwise) and waits until it serves.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> ServedBinary {
        let index_dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_vaardig"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--log-json", "--index-dir"])
            .arg(index_dir.path())
            .args(args)
            // The test's own filter must not decide what the server logs.
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start vaardig serve");
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let collected = lines.clone();
        let metrics_addr = Arc::new(Mutex::new(None));
        let metrics = metrics_addr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                    let address = event["fields"]["address"].as_str().and_then(|a| a.parse::<SocketAddr>().ok());
                    match (event["fields"]["message"].as_str(), address) {
                        (Some("metrics endpoint"), Some(address)) => *metrics.lock().unwrap() = Some(address),
                        (Some("serving"), Some(address)) => {
                            let _ = ready_tx.send(address);
                        }
                        _ => {}
                    }
                }
                collected.lock().unwrap().push(line);
            }
        });
        let Ok(addr) = ready_rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!("vaardig serve did not start:\n{}", lines.lock().unwrap().join("\n"));
        };
        ServedBinary { child, addr, metrics_addr, lines, _index_dir: index_dir }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every line written to stderr so far.
    pub fn log(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Sends a signal (`HUP`, `TERM`, …) to the server.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Stops the server with SIGTERM, waits for it to exit and returns its whole log.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        // The reader thread drains the pipe after the exit.
        std::thread::sleep(Duration::from_millis(200));
        self.log()
    }

    /// `GET /metrics` from the metrics endpoint (waiting up to 10 s for it to be logged).
    pub fn scrape(&self) -> String {
        for _ in 0..100 {
            if let Some(addr) = *self.metrics_addr.lock().unwrap() {
                return http_get(addr, "/metrics");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no metrics endpoint was logged:\n{}", self.log());
    }
}

impl Drop for ServedBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET; returns the body, panics unless the status is 200.
pub fn http_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(head.starts_with("HTTP/1.1 200"), "GET {path}: {head}");
    body.to_string()
}
