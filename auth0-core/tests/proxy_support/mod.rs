//! A real HTTP forward proxy for the proxy tests: Debian's `tinyproxy`, started in the
//! foreground on a free loopback port with its own configuration and log in a temporary
//! directory, and a "dead proxy" address that refuses connections.
#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long tinyproxy may take to listen, and a log line to appear.
const DEADLINE: Duration = Duration::from_secs(15);

/// Where `tinyproxy` is, or why the calling test cannot run: `None` (after printing a SKIPPED
/// line) when it is missing outside CI; a panic when it is missing with `CI=true`.
pub fn tinyproxy_binary(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("tinyproxy"))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: tinyproxy is not installed and CI=true; scripts/deps installs it");
        }
        // Straight to stderr: the test harness would hide a captured line of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: tinyproxy is not installed (scripts/deps installs it)"
        );
    }
    found
}

/// A running tinyproxy; killed and its directory removed on drop.
pub struct Tinyproxy {
    child: Child,
    port: u16,
    dir: PathBuf,
    credentials: Option<(String, String)>,
}

/// Options of a tinyproxy instance.
#[derive(Default)]
pub struct ProxyConfig<'a> {
    /// Ports that `CONNECT` may reach (the `https` targets of the test).
    pub connect_ports: &'a [u16],
    /// `BasicAuth user password`: the proxy then answers 407 without these credentials.
    pub basic_auth: Option<(&'a str, &'a str)>,
}

impl Tinyproxy {
    /// Starts tinyproxy, or returns `None` when it is missing outside CI (see
    /// [`tinyproxy_binary`]).
    pub fn start(test: &str, config: &ProxyConfig<'_>) -> Option<Self> {
        let binary = tinyproxy_binary(test)?;
        let dir = temp_dir(test);
        let mut last_failure = String::new();
        for _ in 0..5 {
            let port = free_port();
            let conf = dir.join("tinyproxy.conf");
            fs::write(&conf, render(port, &dir, config)).unwrap();
            let child = Command::new(&binary)
                .arg("-d")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(fs::File::create(dir.join("stdout")).unwrap())
                .stderr(fs::File::create(dir.join("stderr")).unwrap())
                .spawn()
                .unwrap();
            let mut proxy = Self {
                child,
                port,
                dir: dir.clone(),
                credentials: config.basic_auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
            };
            match proxy.wait_listening() {
                Ok(()) => return Some(proxy),
                // The port was taken between the probe and tinyproxy's bind: try another.
                Err(output) => last_failure = output,
            }
        }
        panic!("{test}: tinyproxy did not start: {last_failure}");
    }

    /// Polls the port until tinyproxy accepts connections; `Err` with its output when it exits.
    fn wait_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + DEADLINE;
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(format!("exited with {status}: {}", self.output()));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            assert!(
                Instant::now() < deadline,
                "tinyproxy is not listening on {addr} after {DEADLINE:?}: {}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `http://127.0.0.1:PORT`, with the configured credentials when there are some.
    pub fn url(&self) -> String {
        match &self.credentials {
            Some((user, password)) => format!("http://{user}:{password}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// `http://127.0.0.1:PORT`, even when the proxy wants credentials.
    pub fn url_without_credentials(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://user:password@127.0.0.1:PORT` with other credentials.
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@127.0.0.1:{}", self.port)
    }

    /// The log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("tinyproxy.log")).unwrap_or_default()
    }

    /// Waits (with a deadline, failing loudly) until the log has a line containing every one of
    /// `parts`; returns that line.
    pub async fn wait_for_line(&self, parts: &[&str]) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let log = self.log();
            if let Some(line) = log.lines().find(|l| parts.iter().all(|p| l.contains(p))) {
                return line.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no tinyproxy log line with {parts:?} after {DEADLINE:?}; log:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (with a deadline, failing loudly) until at least `count` log lines contain
    /// `needle`.
    pub async fn wait_for_count(&self, needle: &str, count: usize) {
        let deadline = Instant::now() + DEADLINE;
        while self.lines_with(needle).len() < count {
            assert!(
                Instant::now() < deadline,
                "fewer than {count} tinyproxy log lines with {needle:?} after {DEADLINE:?}; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Log lines containing `needle`.
    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_owned)
            .collect()
    }

    fn output(&self) -> String {
        let read = |name: &str| fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "stdout: {} stderr: {} log: {}",
            read("stdout"),
            read("stderr"),
            self.log()
        )
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn render(port: u16, dir: &Path, config: &ProxyConfig<'_>) -> String {
    let mut conf = format!(
        "Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 32\n\
         LogFile \"{}\"\nLogLevel Info\n",
        dir.join("tinyproxy.log").display()
    );
    for p in config.connect_ports {
        conf.push_str(&format!("ConnectPort {p}\n"));
    }
    if let Some((user, password)) = config.basic_auth {
        conf.push_str(&format!("BasicAuth {user} {password}\n"));
    }
    conf
}

/// A loopback port nothing listens on: a socket bound to it without `listen`, so that
/// connections are refused for as long as it is kept.
pub struct DeadProxy {
    _socket: tokio::net::TcpSocket,
    port: u16,
}

impl DeadProxy {
    /// Reserves the port.
    pub fn reserve() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        let port = socket.local_addr().unwrap().port();
        Self {
            _socket: socket,
            port,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn temp_dir(test: &str) -> PathBuf {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "auth0-rs-proxy-{}-{}-{test}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    fs::create_dir_all(&dir).unwrap();
    dir
}
