//! A throwaway `redis-server` for one test (Debian's, installed by `scripts/deps`) on a free
//! loopback port, without persistence; killed and its directory removed on drop.
//!
//! Without `redis-server`, [`Redis::start`] prints `skipped: …` to stderr and returns `None`,
//! and the test returns early; under `CI=true` (any value but `false` and `0`) a missing server
//! fails the test instead.
//!
//! ```no_run
//! # fn run() {
//! let Some(redis) = test_support::redis::Redis::start("my_test") else {
//!     return;
//! };
//! let url = redis.url(); // redis://127.0.0.1:PORT/0
//! # }
//! ```

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use auth0_core::testing::wait_until_blocking;

/// How long `redis-server` may take to answer `PING`.
const READY: Duration = Duration::from_secs(15);

/// A `redis-server` of one test; killed and its directory removed on drop.
#[derive(Debug)]
pub struct Redis {
    child: Child,
    port: u16,
    dir: PathBuf,
}

/// `CI` is set to anything but `false` or `0` (or nothing).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0")
}

/// `redis-server` in a `PATH` directory, else in `/usr/bin` or `/usr/sbin`.
fn find_redis_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
}

impl Redis {
    /// Starts `redis-server` for the test named `test` and waits until it answers `PING`.
    ///
    /// Returns `None` after a `skipped: …` line on stderr when `redis-server` is not installed.
    ///
    /// # Panics
    /// When `redis-server` is missing under CI (see the module), cannot be started, or does not
    /// answer within 15 seconds.
    pub fn start(test: &str) -> Option<Redis> {
        let Some(binary) = find_redis_server() else {
            assert!(
                !under_ci(),
                "{test}: redis-server is not installed and CI is set; scripts/deps installs it"
            );
            eprintln!("skipped: {test}: redis-server is not installed (scripts/deps installs it)");
            return None;
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "test-support-redis-{}-{}-{test}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("log")).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // Built before the wait: a failed wait drops it, which kills the server.
        let redis = Redis { child, port, dir };
        wait_until_blocking(READY, format!("redis-server on port {port}"), || {
            redis.ping()
        });
        Some(redis)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Sends one inline command and reads one line of answer (`+PONG`, `:3`), without its
    /// `\r\n`.
    fn command(&self, command: &str) -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        stream.write_all(format!("{command}\r\n").as_bytes())?;
        let mut answer = Vec::new();
        let mut byte = [0u8; 1];
        while !answer.ends_with(b"\r\n") {
            stream.read_exact(&mut byte)?;
            answer.push(byte[0]);
        }
        answer.truncate(answer.len() - 2);
        String::from_utf8(answer).map_err(std::io::Error::other)
    }

    /// Whether the server answers `PING`.
    fn ping(&self) -> bool {
        self.command("PING").is_ok_and(|answer| answer == "+PONG")
    }

    /// The number of keys in the database (`DBSIZE`).
    ///
    /// # Panics
    /// When the server does not answer with a number.
    pub fn keys(&self) -> usize {
        let answer = self.command("DBSIZE").unwrap();
        answer
            .strip_prefix(':')
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("DBSIZE answered {answer:?}"))
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
