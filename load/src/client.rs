//! The load client: N persistent HTTP/1.1 keep-alive connections to 127.0.0.1, each sending
//! requests back to back, every answer checked against the contract. A burst is bounded in
//! time and in count and stops by itself; the server's CPU time is read around it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONNECTION, CONTENT_TYPE, HOST, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Notify};

use crate::Fallible;
use crate::child::{Server, own_cpu_micros};
use crate::expect::{Answer, Expect};
use crate::stats::Stats;

/// A request that takes longer than this is counted as a socket error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause before reconnecting after a failed connect.
const RECONNECT_PAUSE: Duration = Duration::from_millis(20);

/// One request to send, and the answer the contract predicts.
pub(crate) struct Planned {
    /// The path (a static route of the examples).
    pub(crate) path: &'static str,
    /// The `Authorization` value, if any (cloning a pre-built value is a reference count).
    pub(crate) authorization: Option<HeaderValue>,
    /// The predicted answer.
    pub(crate) expect: Expect,
    /// The request class, for per-class counts.
    pub(crate) class: usize,
}

/// Produces the requests of one connection. `None` ends the connection's run early (a pool
/// of single-use tokens ran out).
pub(crate) trait Source: Send + 'static {
    /// The next request.
    fn next(&mut self) -> Option<Planned>;
}

/// How a burst runs.
#[derive(Clone, Debug)]
pub(crate) struct BurstSpec {
    /// Persistent connections.
    pub(crate) connections: usize,
    /// Wall-clock length.
    pub(crate) duration: Duration,
    /// Upper bound on requests over all connections.
    pub(crate) max_requests: u64,
    /// Full RFC 6750 checks of every answer (bodies read as text), else status and challenge.
    pub(crate) full_check: bool,
    /// The realm challenges must carry (the example's audience).
    pub(crate) realm: Arc<str>,
    /// Number of request classes the sources use.
    pub(crate) classes: usize,
    /// Notified when every connection is up and the burst starts.
    pub(crate) started: Option<Arc<Notify>>,
}

/// What a burst measured.
pub(crate) struct Burst {
    /// Merged counters of every connection.
    pub(crate) stats: Stats,
    /// From the start signal to the last answer.
    pub(crate) elapsed: Duration,
    /// Server CPU time (user + system) during the burst, µs.
    pub(crate) server_cpu_micros: u64,
    /// Server resident set size at the end of the burst, KiB.
    pub(crate) server_rss_kib: u64,
    /// CPU time of this program (the client, and the in-process tenant) during the burst, µs.
    pub(crate) client_cpu_micros: u64,
}

impl Burst {
    /// Answered requests per second.
    pub(crate) fn rate(&self) -> f64 {
        self.stats.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Server CPU µs per answered request.
    pub(crate) fn cpu_per_request(&self) -> f64 {
        self.server_cpu_micros as f64 / (self.stats.requests.max(1) as f64)
    }

    /// Client CPU µs per answered request.
    pub(crate) fn client_cpu_per_request(&self) -> f64 {
        self.client_cpu_micros as f64 / (self.stats.requests.max(1) as f64)
    }
}

/// Runs one burst against `server`: connects every connection, starts them together, and
/// returns when every connection has stopped (deadline, count bound or exhausted source).
pub(crate) async fn burst<S: Source>(
    server: &Server,
    spec: &BurstSpec,
    sources: Vec<S>,
) -> Fallible<Burst> {
    let connections = sources.len().max(1);
    let barrier = Arc::new(Barrier::new(connections + 1));
    let per_connection = spec.max_requests.div_ceil(connections as u64).max(1);
    let host =
        HeaderValue::from_str(&server.addr.to_string()).map_err(|e| format!("host header: {e}"))?;
    let mut tasks = Vec::with_capacity(connections);
    for source in sources {
        let conn = Connection {
            addr: server.addr,
            host: host.clone(),
            duration: spec.duration,
            max_requests: per_connection,
            full_check: spec.full_check,
            realm: Arc::clone(&spec.realm),
            stats: Stats::new(spec.classes),
        };
        tasks.push(tokio::spawn(conn.run(source, Arc::clone(&barrier))));
    }
    barrier.wait().await;
    if let Some(started) = &spec.started {
        started.notify_one();
    }
    let cpu_before = server.cpu_micros()?;
    let own_before = own_cpu_micros()?;
    let started = Instant::now();
    let mut stats = Stats::new(spec.classes);
    for task in tasks {
        match task.await {
            Ok(s) => stats.merge(&s),
            Err(e) => stats.socket_error(format!("connection task failed: {e}")),
        }
    }
    let elapsed = started.elapsed();
    let cpu_after = server.cpu_micros()?;
    let own_after = own_cpu_micros()?;
    Ok(Burst {
        stats,
        elapsed,
        server_cpu_micros: cpu_after.saturating_sub(cpu_before),
        server_rss_kib: server.rss_kib()?,
        client_cpu_micros: own_after.saturating_sub(own_before),
    })
}

/// One connection's settings and counters.
struct Connection {
    addr: SocketAddr,
    host: HeaderValue,
    duration: Duration,
    max_requests: u64,
    full_check: bool,
    realm: Arc<str>,
    stats: Stats,
}

impl Connection {
    async fn run<S: Source>(mut self, mut source: S, barrier: Arc<Barrier>) -> Stats {
        let mut sender = match connect(self.addr).await {
            Ok(s) => Some(s),
            Err(e) => {
                self.stats.socket_error(e);
                None
            }
        };
        barrier.wait().await;
        let deadline = Instant::now() + self.duration;
        let mut sent = 0u64;
        while sent < self.max_requests && Instant::now() < deadline {
            let mut live = match sender.take() {
                Some(s) if !s.is_closed() => s,
                _ => match connect(self.addr).await {
                    Ok(s) => s,
                    Err(e) => {
                        self.stats.socket_error(e);
                        tokio::time::sleep(RECONNECT_PAUSE).await;
                        continue;
                    }
                },
            };
            let Some(planned) = source.next() else { break };
            sent += 1;
            let class = planned.class;
            let expect = planned.expect;
            let request = self.request(planned);
            let started = Instant::now();
            let result = tokio::time::timeout(REQUEST_TIMEOUT, async {
                live.ready().await.map_err(|e| format!("not ready: {e}"))?;
                exchange(&mut live, request, expect, &self.realm, self.full_check).await
            })
            .await;
            match result {
                Ok(Ok(reply)) => {
                    let mismatch = reply
                        .mismatch
                        .map(|m| format!("class {class}: expected {expect:?}: {m}"));
                    self.stats
                        .answered(class, reply.status, started.elapsed(), mismatch);
                    if reply.close {
                        self.stats.reconnects += 1;
                    } else {
                        sender = Some(live);
                    }
                }
                Ok(Err(e)) => self.stats.socket_error(format!("class {class}: {e}")),
                Err(_) => self.stats.socket_error(format!(
                    "class {class}: no answer within {REQUEST_TIMEOUT:?}"
                )),
            }
        }
        self.stats
    }

    fn request(&self, planned: Planned) -> Request<Empty<Bytes>> {
        let mut request = Request::new(Empty::new());
        *request.uri_mut() = Uri::from_static(planned.path);
        let headers = request.headers_mut();
        headers.insert(HOST, self.host.clone());
        if let Some(value) = planned.authorization {
            headers.insert(AUTHORIZATION, value);
        }
        request
    }
}

/// A response, checked.
struct Reply {
    status: u16,
    /// How it differs from the prediction, if it does.
    mismatch: Option<String>,
    /// The server asked to close the connection.
    close: bool,
}

/// A keep-alive HTTP/1.1 connection to a loopback address.
pub(crate) async fn connect(addr: SocketAddr) -> Result<SendRequest<Empty<Bytes>>, String> {
    if !addr.ip().is_loopback() {
        return Err(format!("{addr} is not a loopback address"));
    }
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("nodelay: {e}"))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request, reads the whole answer and checks it.
async fn exchange(
    sender: &mut SendRequest<Empty<Bytes>>,
    request: Request<Empty<Bytes>>,
    expect: Expect,
    realm: &str,
    full_check: bool,
) -> Result<Reply, String> {
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("send: {e}"))?;
    let (parts, mut body) = response.into_parts();
    let header = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
    let close = header(CONNECTION).is_some_and(|v| v.eq_ignore_ascii_case(b"close"));
    let status = parts.status.as_u16();
    let text = |name| header(name).map(String::from_utf8_lossy);
    let challenge = text(WWW_AUTHENTICATE);
    let mismatch = if full_check {
        let bytes = body
            .collect()
            .await
            .map_err(|e| format!("body: {e}"))?
            .to_bytes();
        let content_type = text(CONTENT_TYPE);
        let answer = Answer {
            status,
            challenge: challenge.as_deref(),
            content_type: content_type.as_deref(),
            body: Some(&String::from_utf8_lossy(&bytes)),
        };
        expect.check(&answer, realm).err()
    } else {
        while let Some(frame) = body.frame().await {
            frame.map_err(|e| format!("body: {e}"))?;
        }
        let answer = Answer {
            status,
            challenge: challenge.as_deref(),
            content_type: None,
            body: None,
        };
        expect.check(&answer, realm).err()
    };
    let mismatch = mismatch.map(|m| format!("{m} (status {status}, challenge {challenge:?})"));
    Ok(Reply {
        status,
        mismatch,
        close,
    })
}
