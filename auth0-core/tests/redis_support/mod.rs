//! A real `redis-server` for a test (Debian's, installed by `scripts/deps`), started on a free
//! loopback port; shared by the test binaries that need one.
#![allow(dead_code)]

use std::io::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use auth0_core::testing::wait_until_async;

/// How long the server may take to answer its first `PING`.
const DEADLINE: Duration = Duration::from_secs(15);

/// A `redis-server` of one test; killed and its directory removed on drop.
pub(crate) struct Redis {
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
    password: Option<&'static str>,
}

impl Redis {
    /// Starts `redis-server`, or returns `None` after a SKIPPED line when it is missing outside
    /// CI; with `CI=true` a missing server fails the test.
    pub(crate) async fn start(test: &str, password: Option<&'static str>) -> Option<Self> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let Some(binary) = std::env::split_paths(&path)
            .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
            .map(|dir| dir.join("redis-server"))
            .find(|candidate| candidate.is_file())
        else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "{test}: redis-server is not installed and CI=true; scripts/deps installs it"
                );
            }
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: redis-server is not installed (scripts/deps installs it)"
            );
            return None;
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "auth0-rs-redis-{}-{}-{test}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(binary);
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&dir);
        if let Some(password) = password {
            command.args(["--requirepass", password]);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("log")).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let redis = Self {
            child,
            port,
            dir,
            password,
        };
        let probe = redis::Client::open(redis.url()).unwrap();
        wait_until_async(DEADLINE, format!("redis-server on port {port}"), || async {
            match probe.get_multiplexed_async_connection().await {
                Ok(mut c) => redis::cmd("PING")
                    .query_async::<String>(&mut c)
                    .await
                    .is_ok_and(|p| p == "PONG"),
                Err(_) => false,
            }
        })
        .await;
        Some(redis)
    }

    pub(crate) fn url(&self) -> String {
        match self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}/0", self.port),
            None => format!("redis://127.0.0.1:{}/0", self.port),
        }
    }

    pub(crate) async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// The keys under `prefix`.
    pub(crate) async fn keys(&self, prefix: &str) -> Vec<String> {
        redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut self.connection().await)
            .await
            .unwrap()
    }

    /// `PTTL key` in milliseconds (-2 once the key is gone).
    pub(crate) async fn pttl(&self, key: &str) -> i64 {
        redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut self.connection().await)
            .await
            .unwrap()
    }

    /// Kills the server and waits until it is gone.
    pub(crate) fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
