//! An example API binary run as a child process: started against the loopback tenant, ready
//! once it prints `listening on http://127.0.0.1:<port>`, measured through `/proc`, killed at
//! the end (and on drop).

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

use crate::Fallible;
use crate::pinning::Pinning;

/// Clock ticks per second of `utime`/`stime` in `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const USER_HZ: u64 = 100;
/// How long a binary may take to print its readiness line.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of the child's output kept for the report when something goes wrong.
const KEPT_LINES: usize = 20;

/// A running example API.
pub(crate) struct Server {
    /// Short name (the binary's file name).
    pub(crate) name: String,
    /// Where it listens (always 127.0.0.1).
    pub(crate) addr: SocketAddr,
    child: Child,
    pid: u32,
    output: Arc<Mutex<VecDeque<String>>>,
}

impl Server {
    /// Starts `binary` with `AUTH0_DOMAIN`, `AUTH0_AUDIENCE` and `PORT=0` (the kernel picks a
    /// free port, read back from the readiness line) and waits until it is ready; with
    /// `pinning`, on the server's CPU alone.
    pub(crate) async fn start(
        binary: &Path,
        domain: &str,
        audience: &str,
        pinning: Option<&Pinning>,
    ) -> Fallible<Server> {
        let name = binary.file_name().map_or_else(
            || binary.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let command = match pinning {
            Some(pinning) => pinning.server_command(binary),
            None => std::process::Command::new(binary),
        };
        let mut child = Command::from(command)
            .env("AUTH0_DOMAIN", domain)
            .env("AUTH0_AUDIENCE", audience)
            .env("PORT", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let pid = child.id().ok_or_else(|| format!("{name} exited at once"))?;
        let output = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(keep_lines(stderr, Arc::clone(&output), None));
        }
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| format!("{name}: no stdout"))?;
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(keep_lines(stdout, Arc::clone(&output), Some(ready_tx)));
        let port = match tokio::time::timeout(READY_TIMEOUT, ready_rx).await {
            Ok(Ok(port)) => port,
            _ => {
                let _ = child.start_kill();
                let log = output_text(&output);
                return Err(format!("{name} did not print its readiness line:\n{log}"));
            }
        };
        Ok(Server {
            name,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            child,
            pid,
            output,
        })
    }

    /// CPU time used so far (user + system, all threads), in microseconds.
    pub(crate) fn cpu_micros(&self) -> Fallible<u64> {
        cpu_micros_of(&self.pid.to_string()).map_err(|e| format!("{}: {e}", self.name))
    }

    /// Resident set size, in KiB.
    pub(crate) fn rss_kib(&self) -> Fallible<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .map_err(|e| format!("{}: /proc status: {e}", self.name))?;
        parse_rss_kib(&status).ok_or_else(|| format!("{}: no VmRSS", self.name))
    }

    /// Whether the process is still running.
    pub(crate) fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The last lines it printed (stdout and stderr).
    pub(crate) fn recent_output(&self) -> String {
        output_text(&self.output)
    }

    /// Kills it and waits for it to exit.
    pub(crate) async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// CPU time (user + system, all threads) of this program, in microseconds.
pub(crate) fn own_cpu_micros() -> Fallible<u64> {
    cpu_micros_of("self")
}

fn cpu_micros_of(pid: &str) -> Fallible<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    let ticks = parse_cpu_ticks(&stat).ok_or_else(|| format!("/proc/{pid}/stat: unreadable"))?;
    Ok(ticks * (1_000_000 / USER_HZ))
}

/// Reads lines, keeps the last few; on stdout, reports the port of the readiness line.
async fn keep_lines(
    pipe: impl AsyncRead + Unpin,
    kept: Arc<Mutex<VecDeque<String>>>,
    mut ready: Option<tokio::sync::oneshot::Sender<u16>>,
) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(port) = ready_port(&line)
            && let Some(tx) = ready.take()
        {
            let _ = tx.send(port);
        }
        let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() == KEPT_LINES {
            kept.pop_front();
        }
        kept.push_back(line);
    }
}

fn output_text(kept: &Mutex<VecDeque<String>>) -> String {
    let kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    kept.iter().map(|l| format!("  | {l}\n")).collect()
}

/// The port of a `listening on http://127.0.0.1:<port>` line.
fn ready_port(line: &str) -> Option<u16> {
    let (_, rest) = line.split_once("listening on http://127.0.0.1:")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|&p| p != 0)
}

/// `utime + stime` (fields 14 and 15) of a `/proc/<pid>/stat` line. The command name (field 2)
/// may contain spaces and parentheses, so fields are counted after its last `)`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_ascii_whitespace().skip(11); // field 3 is the first here
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// `VmRSS` of `/proc/<pid>/status`, in KiB.
fn parse_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_ascii_whitespace().nth(1)?.parse().ok()
}

/// The example binaries next to this program (`cargo build --release` puts them together).
pub(crate) fn default_binaries() -> Fallible<Vec<PathBuf>> {
    let me = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let dir = me
        .parent()
        .ok_or_else(|| "the program has no directory".to_owned())?;
    Ok(["axum-api", "actix-api"]
        .iter()
        .map(|n| dir.join(n))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_parsing() {
        let stat = "4242 (actix (rt) api) S 1 4242 4242 0 -1 4194560 1200 0 0 0 731 96 0 0 20 0 3 0 1234 1000000 2000 18446744073709551615";
        assert_eq!(parse_cpu_ticks(stat), Some(827));
        let status = "Name:\taxum-api\nVmPeak:\t  10000 kB\nVmRSS:\t    8123 kB\nThreads:\t3\n";
        assert_eq!(parse_rss_kib(status), Some(8123));
        assert_eq!(parse_rss_kib("Name: x\n"), None);
    }

    #[test]
    fn readiness_line() {
        assert_eq!(
            ready_port("listening on http://127.0.0.1:40123"),
            Some(40123)
        );
        assert_eq!(
            ready_port("… listening on http://127.0.0.1:8080/ now"),
            Some(8080)
        );
        assert_eq!(ready_port("listening on http://127.0.0.1:0"), None);
        assert_eq!(ready_port("listening on http://0.0.0.0:80"), None);
    }
}
