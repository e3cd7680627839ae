//! Browser tests of the web-app login, in headless Chromium driven through chromedriver
//! (cargo feature `browser`).
//!
//! * [`Browser`] starts `chromedriver` on a free loopback port and a headless Chromium session
//!   through it, with bounded waits for elements and URLs, screenshots, the cookies the browser
//!   holds and the URLs it requested; the session is closed and chromedriver killed on
//!   [`Browser::close`] or on drop.
//! * [`ExampleServer`] runs an example binary (`axum-webapp`, `actix-webapp`) on a free port and
//!   keeps what it prints, so that a test can check that no secret reached its logs.
//! * [`webapp`] holds the scenarios that both example web apps' `tests/browser.rs` run.
//!
//! Without chromedriver (Debian package `chromium-driver`) [`Browser::start`] returns `Ok(None)`
//! after printing `skipped: …` to stderr, and the test returns early; under `CI=true` (any value
//! but `false` and `0`) a missing chromedriver or Chromium is an error instead.
//!
//! # Why fantoccini
//!
//! The browser is driven over WebDriver with [`fantoccini`]: a maintained, async (tokio)
//! WebDriver client with a small dependency tree (hyper, rustls) that talks to the standard
//! chromedriver Debian ships in `chromium-driver`, which always matches the installed Chromium.
//! `thirtyfour` is a heavier client for the same protocol; `chromiumoxide` speaks the DevTools
//! protocol directly, and its generated bindings must match the browser's CDP version, which
//! moves with every Chromium update.
//!
//! # Bounds
//!
//! Nothing here can hang a test: starting chromedriver and Chromium, every WebDriver command,
//! every wait for an element or a URL and the example's readiness line are each wrapped in
//! [`tokio::time::timeout`]; a wait that runs out says what it waited for and where the browser
//! was.

use std::fmt;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep, timeout};

pub mod webapp;

pub use fantoccini;

/// How long chromedriver may take to answer `/status`.
const DRIVER_READY: Duration = Duration::from_secs(20);
/// How long creating the session (starting Chromium) may take.
const SESSION_START: Duration = Duration::from_secs(60);
/// How long one WebDriver command may take (a navigation waits for the page load).
const COMMAND: Duration = Duration::from_secs(30);
/// The default wait for an element or a URL.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long an example binary may take to print its readiness line.
const READY_LINE: Duration = Duration::from_secs(60);
/// Between two polls of a wait.
const POLL: Duration = Duration::from_millis(100);

/// The arguments Chromium runs with.
pub const CHROMIUM_ARGS: [&str; 5] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

/// What went wrong in a browser test: a message saying what was being done, and where.
pub struct BrowserError(String);

impl BrowserError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> BrowserError {
        BrowserError(message.into())
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

// `Debug` is what a test that returns `Err` prints: the message as it is, newlines included.
impl fmt::Debug for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrowserError {}

/// The `Result` of this module.
pub type Result<T, E = BrowserError> = std::result::Result<T, E>;

/// Fails with `message` unless `condition` holds: the assertion of functions that return
/// [`Result`].
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<()> {
    if condition {
        Ok(())
    } else {
        Err(BrowserError(message()))
    }
}

/// `fut`, failing with what it was doing when it errs or takes longer than `limit`.
async fn bounded<T, E: fmt::Display>(
    what: impl fmt::Display,
    limit: Duration,
    fut: impl Future<Output = std::result::Result<T, E>>,
) -> Result<T> {
    match timeout(limit, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(BrowserError(format!("{what}: {e}"))),
        Err(_) => Err(BrowserError(format!("{what}: no answer within {limit:?}"))),
    }
}

/// `CI` is set to anything but `false` or `0` (or nothing).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0")
}

/// The first of `names` that is an executable file in a `PATH` directory, else in `fallback`.
fn find_program(names: &[&str], fallback: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(fallback.iter().map(PathBuf::from))
        .collect();
    dirs.iter()
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The program `variable` names (`None` unless it is executable), else the one
/// [`find_program`] finds.
fn program(variable: &str, names: &[&str], fallback: &[&str]) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(given) if !given.is_empty() => {
            Some(PathBuf::from(given)).filter(|path| is_executable(path))
        }
        _ => find_program(names, fallback),
    }
}

/// Whether a missing tool skips the test (`Ok(None)`) or fails it (under CI).
fn missing<T>(what: &str, package: &str) -> Result<Option<T>> {
    if under_ci() {
        Err(BrowserError(format!(
            "{what} is not installed (Debian package {package}) and CI is set: the browser \
             tests cannot run; install it (scripts/deps does)"
        )))
    } else {
        eprintln!("skipped: {what} not installed (Debian package {package})");
        Ok(None)
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| BrowserError(format!("no free loopback port: {e}")))
}

/// Appends what `from` prints to `sink`, line by line, until it ends.
fn collect(from: impl AsyncRead + Unpin + Send + 'static, sink: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(from).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            push_line(&sink, &line);
        }
    });
}

fn push_line(sink: &Mutex<String>, line: &str) {
    let mut text = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    text.push_str(line);
    text.push('\n');
}

fn read_shared(text: &Mutex<String>) -> String {
    text.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Kills a process group (chromedriver and the Chromium it started): `kill -KILL -- -PGID`.
fn kill_group(pgid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Ends a WebDriver session with a blocking `DELETE /session/{id}` (used on drop, where nothing
/// can be awaited): Chromium quits and chromedriver removes its profile directory.
fn delete_session_blocking(port: u16, session: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        // The answer comes once Chromium has quit; chromedriver may keep the connection open.
        let mut answer = [0u8; 1024];
        let _ = stream.read(&mut answer);
    }
}

/// chromedriver, running in its own process group with the Chromium it starts, and with its
/// own `TMPDIR`, where both keep the profile and sockets of the session: removed at the end, so
/// that even a killed Chromium leaves nothing behind.
struct Driver {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
    tmp: PathBuf,
}

/// A new, empty folder under the system's temporary folder.
fn scratch_dir() -> Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "auth0-rs-browser-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| BrowserError(format!("creating {}: {e}", dir.display())))?;
    Ok(dir)
}

impl Driver {
    /// Starts `driver` on a free port and waits until its `/status` says it is ready; another
    /// port when the chosen one was taken meanwhile.
    async fn start(driver: &Path) -> Result<Driver> {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            let tmp = scratch_dir()?;
            let output = Arc::new(Mutex::new(String::new()));
            let mut child = Command::new(driver)
                .arg(format!("--port={port}"))
                .env("TMPDIR", &tmp)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0)
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| BrowserError(format!("starting {}: {e}", driver.display())))?;
            if let Some(out) = child.stdout.take() {
                collect(out, Arc::clone(&output));
            }
            if let Some(err) = child.stderr.take() {
                collect(err, Arc::clone(&output));
            }
            let mut running = Driver {
                child,
                port,
                output,
                tmp,
            };
            match running.ready().await {
                Ok(()) => return Ok(running),
                Err(e) => last = e.0,
            }
        }
        Err(BrowserError(last))
    }

    /// Polls `/status` until `value.ready` is true, chromedriver exits, or [`DRIVER_READY`].
    async fn ready(&mut self) -> Result<()> {
        let status = format!("http://127.0.0.1:{}/status", self.port);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .no_proxy()
            .build()
            .map_err(|e| BrowserError(format!("an HTTP client: {e}")))?;
        let deadline = Instant::now() + DRIVER_READY;
        while Instant::now() < deadline {
            if let Ok(Some(exit)) = self.child.try_wait() {
                return Err(BrowserError(format!(
                    "chromedriver exited ({exit}) before it was ready; its output:\n{}",
                    read_shared(&self.output)
                )));
            }
            if let Ok(answer) = http.get(&status).send().await
                && let Ok(body) = answer.json::<Value>().await
                && body["value"]["ready"] == true
            {
                return Ok(());
            }
            sleep(POLL).await;
        }
        Err(BrowserError(format!(
            "chromedriver did not answer {status} within {DRIVER_READY:?}; its output:\n{}",
            read_shared(&self.output)
        )))
    }

    /// Kills chromedriver and Chromium, waits (briefly) for chromedriver to exit, and removes
    /// the temporary folder. Idempotent.
    fn kill(&mut self) {
        if let Some(pid) = self.child.id() {
            kill_group(pid);
        }
        let _ = self.child.start_kill();
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while !matches!(self.child.try_wait(), Ok(Some(_)) | Err(_))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        for _ in 0..3 {
            match std::fs::remove_dir_all(&self.tmp) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => break,
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A headless Chromium session through chromedriver. Every method is bounded in time.
pub struct Browser {
    client: Option<Client>,
    session: String,
    driver: Driver,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.client.take().is_some() {
            delete_session_blocking(self.driver.port, &self.session);
        }
        self.driver.kill();
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. `Ok(None)` when chromedriver or
    /// Chromium is not installed (after printing `skipped: …` to stderr) unless [`under_ci`],
    /// where that is an error. `CHROMEDRIVER` and `CHROMIUM` name other binaries.
    pub async fn start() -> Result<Option<Browser>> {
        let Some(driver) = program("CHROMEDRIVER", &["chromedriver"], &["/usr/bin"]) else {
            return missing("chromedriver", "chromium-driver");
        };
        let Some(chromium) = program("CHROMIUM", &["chromium", "chromium-browser"], &["/usr/bin"])
        else {
            return missing("chromium", "chromium");
        };
        let driver = Driver::start(&driver).await?;
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": { "pageLoad": 30_000, "script": 10_000, "implicit": 0 },
            "goog:loggingPrefs": { "performance": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": CHROMIUM_ARGS,
            },
        });
        let Value::Object(capabilities) = capabilities else {
            return Err(BrowserError::new("the capabilities are not a JSON object"));
        };
        let webdriver = format!("http://127.0.0.1:{}", driver.port);
        let mut builder = ClientBuilder::rustls()
            .map_err(|e| BrowserError(format!("the WebDriver client's TLS setup: {e}")))?;
        builder.capabilities(capabilities);
        let client = match timeout(SESSION_START, builder.connect(&webdriver)).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                return Err(BrowserError(format!(
                    "starting Chromium ({}) through chromedriver: {e}; chromedriver's \
                     output:\n{}",
                    chromium.display(),
                    read_shared(&driver.output)
                )));
            }
            Err(_) => {
                return Err(BrowserError(format!(
                    "Chromium did not start within {SESSION_START:?}; chromedriver's output:\n{}",
                    read_shared(&driver.output)
                )));
            }
        };
        let session = match bounded("the session id", COMMAND, client.session_id()).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err(BrowserError::new("chromedriver gave the session no id"));
            }
            Err(e) => return Err(e),
        };
        Ok(Some(Browser {
            client: Some(client),
            session,
            driver,
        }))
    }

    /// The fantoccini client, for what this type does not wrap (bound its calls yourself).
    pub fn client(&self) -> Result<&Client> {
        self.client
            .as_ref()
            .ok_or_else(|| BrowserError::new("the browser session is closed"))
    }

    /// Closes the session (Chromium quits) and kills chromedriver.
    pub async fn close(mut self) -> Result<()> {
        let closed = match self.client.take() {
            Some(client) => bounded("closing the browser session", COMMAND, client.close()).await,
            None => Ok(()),
        };
        self.driver.kill();
        closed
    }

    /// Opens `url` and waits for its page to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        bounded(format!("opening {url}"), COMMAND, self.client()?.goto(url)).await
    }

    /// Reloads the page.
    pub async fn refresh(&self) -> Result<()> {
        bounded("reloading the page", COMMAND, self.client()?.refresh()).await
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> Result<url::Url> {
        bounded(
            "reading the current URL",
            COMMAND,
            self.client()?.current_url(),
        )
        .await
    }

    /// The title of the current page.
    pub async fn title(&self) -> Result<String> {
        bounded("reading the page title", COMMAND, self.client()?.title()).await
    }

    /// The HTML of the current page.
    pub async fn source(&self) -> Result<String> {
        bounded("reading the page source", COMMAND, self.client()?.source()).await
    }

    /// Where the browser is, for a failure message: its URL and the start of its page.
    pub async fn whereabouts(&self) -> String {
        let url = match self.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => e.0,
        };
        let source = match self.source().await {
            Ok(source) => source.chars().take(2_000).collect(),
            Err(e) => e.0,
        };
        format!("the browser is at {url}; its page:\n{source}")
    }

    /// The element `css` selects, waiting up to [`WAIT`] for it to appear.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.wait_for_within(css, WAIT).await
    }

    /// The element `css` selects, waiting up to `limit` for it to appear.
    pub async fn wait_for_within(&self, css: &str, limit: Duration) -> Result<Element> {
        let client = self.client()?;
        let deadline = Instant::now() + limit;
        loop {
            let last = match timeout(COMMAND, client.find(Locator::Css(css))).await {
                Ok(Ok(element)) => return Ok(element),
                Ok(Err(e)) => e.to_string(),
                Err(_) => format!("no answer within {COMMAND:?}"),
            };
            if Instant::now() >= deadline {
                return Err(BrowserError(format!(
                    "no element `{css}` within {limit:?} ({last}); {}",
                    self.whereabouts().await
                )));
            }
            sleep(POLL).await;
        }
    }

    /// Whether `css` selects an element now (no wait).
    pub async fn exists(&self, css: &str) -> Result<bool> {
        let found = bounded(
            format!("looking for `{css}`"),
            COMMAND,
            self.client()?.find_all(Locator::Css(css)),
        )
        .await?;
        Ok(!found.is_empty())
    }

    /// The visible text of the element `css` selects (waiting for it).
    pub async fn text(&self, css: &str) -> Result<String> {
        let element = self.wait_for(css).await?;
        bounded(format!("the text of `{css}`"), COMMAND, element.text()).await
    }

    /// An attribute of the element `css` selects (waiting for it); `None` when it has none.
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let element = self.wait_for(css).await?;
        bounded(
            format!("the attribute {name} of `{css}`"),
            COMMAND,
            element.attr(name),
        )
        .await
    }

    /// Types `value` into the field `css` selects (waiting for it), after clearing it.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        bounded(format!("clearing `{css}`"), COMMAND, element.clear()).await?;
        bounded(
            format!("typing into `{css}`"),
            COMMAND,
            element.send_keys(value),
        )
        .await
    }

    /// Clicks the element `css` selects (waiting for it).
    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        bounded(format!("clicking `{css}`"), COMMAND, element.click()).await
    }

    /// Runs `script` in the page (its `return` value), bounded.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        bounded(
            "running a script in the page",
            COMMAND,
            self.client()?.execute(script, Vec::new()),
        )
        .await
    }

    /// Waits up to [`WAIT`] for a URL that `accept` accepts; that URL. `what` says what is
    /// awaited, for the failure message.
    pub async fn wait_for_url(
        &self,
        what: &str,
        accept: impl Fn(&url::Url) -> bool,
    ) -> Result<url::Url> {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.current_url().await?;
            if accept(&url) {
                return Ok(url);
            }
            if Instant::now() >= deadline {
                return Err(BrowserError(format!(
                    "not at {what} within {WAIT:?}; {}",
                    self.whereabouts().await
                )));
            }
            sleep(POLL).await;
        }
    }

    /// Takes a screenshot of the window and writes it to `path` as PNG (creating its folder).
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let png = bounded("taking a screenshot", COMMAND, self.client()?.screenshot()).await?;
        ensure(png.starts_with(b"\x89PNG\r\n\x1a\n"), || {
            "the screenshot is not a PNG".to_owned()
        })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| BrowserError(format!("creating {}: {e}", dir.display())))?;
        }
        std::fs::write(path, png)
            .map_err(|e| BrowserError(format!("writing {}: {e}", path.display())))
    }

    /// The cookies the browser would send to the current page (`HttpOnly` ones included), as
    /// name and value pairs.
    pub async fn cookies(&self) -> Result<Vec<(String, String)>> {
        let cookies = bounded(
            "reading the cookies",
            COMMAND,
            self.client()?.get_all_cookies(),
        )
        .await?;
        Ok(cookies
            .iter()
            .map(|cookie| (cookie.name().to_owned(), cookie.value().to_owned()))
            .collect())
    }

    /// The cookies of [`Browser::cookies`] as a `Cookie` request header value.
    pub async fn cookie_header(&self) -> Result<String> {
        let pairs: Vec<String> = self
            .cookies()
            .await?
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        Ok(pairs.join("; "))
    }

    /// The URLs the browser requested since the last call (pages, redirects followed, images,
    /// scripts), from chromedriver's performance log, in order. Shows what the address bar
    /// never does, such as the `/callback?code=…` a login passes through.
    pub async fn requested_urls(&self) -> Result<Vec<String>> {
        let url = format!(
            "http://127.0.0.1:{}/session/{}/se/log",
            self.driver.port, self.session
        );
        let http = reqwest::Client::builder()
            .timeout(COMMAND)
            .no_proxy()
            .build()
            .map_err(|e| BrowserError(format!("an HTTP client: {e}")))?;
        let answer = bounded(
            "reading the performance log",
            COMMAND,
            http.post(&url).json(&json!({"type": "performance"})).send(),
        )
        .await?;
        let log: Value = bounded("the performance log", COMMAND, answer.json()).await?;
        let entries = log["value"].as_array().cloned().unwrap_or_default();
        let mut urls = Vec::new();
        for entry in entries {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let Ok(message) = serde_json::from_str::<Value>(message) else {
                continue;
            };
            if message["message"]["method"] == "Network.requestWillBeSent"
                && let Some(url) = message["message"]["params"]["request"]["url"].as_str()
            {
                urls.push(url.to_owned());
            }
        }
        Ok(urls)
    }
}

/// An example binary running on a free port, killed when dropped, whose stdout and stderr are
/// kept.
pub struct ExampleServer {
    child: Child,
    base: String,
    logs: Arc<Mutex<String>>,
}

impl Drop for ExampleServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}

/// The environment variables an example reads, removed before `envs` are set so that the
/// example runs as configured by the test alone.
fn example_variable(name: &str) -> bool {
    name.starts_with("AUTH0_")
        || matches!(
            name,
            "PORT" | "PUBLIC_URL" | "BASE_URL" | "APP_BASE_URL" | "SESSION_SECRET" | "RUST_LOG"
        )
}

impl ExampleServer {
    /// Runs `bin_path` with `PORT=0`, `RUST_LOG=info` and `envs` (and none of the example's
    /// other variables: no `AUTH0_DOMAIN` means the embedded dev tenant), and waits up to 60 s
    /// for `listening on http://127.0.0.1:NNNN` on its stdout.
    pub async fn spawn(bin_path: &str, envs: &[(&str, &str)]) -> Result<ExampleServer> {
        let mut command = Command::new(bin_path);
        for (name, _) in std::env::vars_os() {
            if name.to_str().is_some_and(example_variable) {
                command.env_remove(name);
            }
        }
        command.env("PORT", "0").env("RUST_LOG", "info");
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| BrowserError(format!("starting {bin_path}: {e}")))?;
        let logs = Arc::new(Mutex::new(String::new()));
        if let Some(err) = child.stderr.take() {
            collect(err, Arc::clone(&logs));
        }
        let Some(out) = child.stdout.take() else {
            return Err(BrowserError(format!("{bin_path}: no stdout")));
        };
        let mut lines = BufReader::new(out).lines();
        let readiness = async {
            while let Some(line) = lines.next_line().await? {
                push_line(&logs, &line);
                if let Some((_, rest)) = line.split_once("listening on ") {
                    let base = rest.trim().trim_end_matches('/').to_owned();
                    if base.starts_with("http://127.0.0.1:") {
                        return Ok(Some(base));
                    }
                }
            }
            Ok::<_, std::io::Error>(None)
        };
        let base = match timeout(READY_LINE, readiness).await {
            Ok(Ok(Some(base))) => base,
            outcome => {
                let why = match outcome {
                    Ok(Ok(_)) => "its stdout ended".to_owned(),
                    Ok(Err(e)) => format!("reading its stdout: {e}"),
                    Err(_) => format!("nothing within {READY_LINE:?}"),
                };
                let _ = child.start_kill();
                let exit = timeout(Duration::from_secs(5), child.wait()).await;
                // What it printed on stderr up to its end.
                sleep(Duration::from_millis(100)).await;
                return Err(BrowserError(format!(
                    "{bin_path} did not print `listening on http://127.0.0.1:…` ({why}; exit: \
                     {exit:?}); its output:\n{}",
                    read_shared(&logs)
                )));
            }
        };
        // The rest of stdout, kept with stderr.
        let sink = Arc::clone(&logs);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                push_line(&sink, &line);
            }
        });
        Ok(ExampleServer { child, base, logs })
    }

    /// `http://127.0.0.1:NNNN`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of `path` (which starts with `/`) on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the program printed so far, stdout and stderr.
    pub fn logs(&self) -> String {
        read_shared(&self.logs)
    }

    /// Fails when any of `secrets` (empty ones ignored) appears in the logs; the message names
    /// which, never the value.
    pub fn assert_never_logged(&self, secrets: &[(&str, String)]) -> Result<()> {
        let logs = self.logs();
        let leaked: Vec<&str> = secrets
            .iter()
            .filter(|(_, value)| !value.is_empty() && logs.contains(value.as_str()))
            .map(|(what, _)| *what)
            .collect();
        ensure(leaked.is_empty(), || {
            format!("secrets in the example's logs: {leaked:?}")
        })
    }

    /// Kills the program and waits for it to exit (bounded).
    pub async fn stop(mut self) -> Result<()> {
        let _ = self.child.start_kill();
        bounded(
            "waiting for the example to exit",
            Duration::from_secs(10),
            self.child.wait(),
        )
        .await
        .map(drop)
    }
}
