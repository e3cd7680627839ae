//! The example binaries as processes: started as a user would start them, on a free port, read
//! until ready, interrupted, or run to their refusal; killed when a check ends.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use auth0_core::testing::wait_until_blocking;

/// A running example binary, killed when dropped.
pub struct Api {
    child: Child,
    /// `http://127.0.0.1:<port>`, from the readiness line.
    pub base: String,
    /// Everything printed on stdout before the readiness line.
    pub banner: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Api {
    /// Sends SIGINT (Ctrl-C) and waits for the program to exit; its exit status.
    #[cfg(unix)]
    pub fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        let mut status = None;
        wait_until_blocking(
            Duration::from_secs(20),
            Logged("the exit after Ctrl-C", "stderr", &self.stderr),
            || {
                status = self.child.try_wait().unwrap();
                status.is_some()
            },
        );
        status.unwrap()
    }

    /// What the program logged so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

/// What a wait is for, and a program's output as it is when the wait fails.
struct Logged<'a>(&'a str, &'a str, &'a Mutex<String>);

impl fmt::Display for Logged<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Logged(what, stream, log) = self;
        write!(f, "{what}; {stream}: {}", log.lock().unwrap())
    }
}

/// A child process killed (and reaped) when dropped, on every path out of a check.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn command(bin: &str, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(bin);
    command
        .env_remove("AUTH0_DOMAIN")
        .env_remove("AUTH0_AUDIENCE")
        .env_remove("PORT")
        .env_remove("PUBLIC_URL")
        .env_remove("AUTH0_DPOP");
    command.env("RUST_LOG", "info");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Collects `from` in the background: the text so far, and a signal sent when `from` ends.
fn drain(mut from: impl Read + Send + 'static) -> (Arc<Mutex<String>>, mpsc::Receiver<()>) {
    let buffer = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&buffer);
    let (ended, end) = mpsc::channel();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = from.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
        let _ = ended.send(());
    });
    (buffer, end)
}

/// Starts `bin` on a free `PORT` with `env`, choosing another port when something else took the
/// chosen one between its probe and the program's bind (tests run in parallel).
pub fn start_on_free_port(bin: &str, env: &[(&str, String)]) -> (Api, u16) {
    let mut attempt = 0;
    loop {
        let port = free_port();
        let mut with_port = env.to_vec();
        with_port.push(("PORT", port.to_string()));
        match try_start(bin, &with_port) {
            Ok(api) => return (api, port),
            Err(message) if attempt < 5 && message.contains("Address already in use") => {
                attempt += 1
            }
            Err(message) => panic!("{message}"),
        }
    }
}

/// Starts `bin` as a user would, with `env` (and none of the example's variables otherwise),
/// and waits for `listening on http://127.0.0.1:<port>` on stdout.
pub fn start(bin: &str, env: &[(&str, String)]) -> Api {
    try_start(bin, env).unwrap_or_else(|message| panic!("{message}"))
}

fn try_start(bin: &str, env: &[(&str, String)]) -> Result<Api, String> {
    let mut child = command(bin, env).spawn().unwrap();
    let (stderr, _) = drain(child.stderr.take().unwrap());
    let stdout = child.stdout.take().unwrap();
    let (lines, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut banner = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match receive.recv_timeout(left) {
            Ok(line) => {
                if let Some(at) = line.find("listening on http://127.0.0.1:") {
                    let base = line[at + "listening on ".len()..].trim().to_owned();
                    return Ok(Api {
                        child,
                        base,
                        banner,
                        stderr,
                    });
                }
                banner.push(line);
            }
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                return Err(format!(
                    "{bin} did not print its readiness line ({status:?});\nstdout: {banner:#?}\nstderr: {}",
                    stderr.lock().unwrap()
                ));
            }
        }
    }
}

/// Runs `bin` expecting it to refuse to start: its exit status, stdout and stderr.
pub fn run_to_failure(bin: &str, env: &[(&str, String)]) -> (ExitStatus, String, String) {
    let mut child = command(bin, env).spawn().unwrap();
    let (stderr, stderr_end) = drain(child.stderr.take().unwrap());
    let (stdout, stdout_end) = drain(child.stdout.take().unwrap());
    let mut child = Reaped(child);
    let mut status = None;
    let what = format!("{bin} to give up");
    wait_until_blocking(
        Duration::from_secs(30),
        Logged(&what, "stdout", &stdout),
        || {
            status = child.0.try_wait().unwrap();
            status.is_some()
        },
    );
    // Its output ends with it: read it to the end.
    for (name, end) in [("stdout", stdout_end), ("stderr", stderr_end)] {
        end.recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{bin} exited but its {name} did not end: {e}"));
    }
    let out = stdout.lock().unwrap().clone();
    let err = stderr.lock().unwrap().clone();
    (status.unwrap(), out, err)
}
