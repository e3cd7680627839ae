//! The Redis [`ReplayStore`]: `SET <prefix><key> 1 NX PX <ttl>` on one connection manager.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{ReplayCheck, ReplayFuture, ReplayKey, ReplayStore, ReplayStoreError};

/// Default prefix of the keys.
const DEFAULT_PREFIX: &str = "auth0:dpop:jti:";
/// Default bound on connecting and on each command.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// A [`ReplayStore`] in Redis, shared by every instance of a service: a proof accepted by one
/// instance is refused by the others. Cargo feature `redis`.
///
/// Each proof costs one `SET <prefix><sha-256 hex> 1 NX PX <ttl>`; Redis forgets the key when
/// the proof's acceptance window is over. The connection is opened on first use, reopened
/// after a failure, and every check is bounded by [`timeout`](Self::timeout): a Redis that is
/// down or slow makes the verifier refuse the proof with a 503 (see the
/// [module documentation](super) for fail-open). The URL may hold a password
/// (`redis://:password@host:6379/0`); it never appears in `Debug` output or errors. Clones
/// share the connection.
///
/// ```no_run
/// use std::time::Duration;
/// use auth0_core::verify::replay::RedisReplayStore;
/// use auth0_core::{AccessTokenVerifier, DpopMode};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let url = std::env::var("REDIS_URL")?; // redis://:password@redis.internal:6379/0
/// let store = RedisReplayStore::new(&url)?
///     .key_prefix("orders-api:dpop:")
///     .timeout(Duration::from_millis(250));
/// let verifier = AccessTokenVerifier::builder("example.eu.auth0.com")
///     .audience("https://api.example.com")
///     .dpop(DpopMode::Allowed)
///     .dpop_replay_store(store)
///     .build()?;
/// # drop(verifier);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisReplayStore {
    client: redis::Client,
    connection: Arc<tokio::sync::OnceCell<ConnectionManager>>,
    prefix: Arc<str>,
    timeout: Duration,
    /// The URL without its credentials, for `Debug`.
    endpoint: Arc<str>,
}

impl RedisReplayStore {
    /// A store on the Redis at `url` (`redis://[:password@]host[:port][/db]`, or
    /// `redis+unix:///path`), key prefix `auth0:dpop:jti:`, timeout 1 s. Nothing is connected
    /// yet.
    ///
    /// # Errors
    /// [`ReplayStoreError::Config`] when the URL is not a usable Redis URL.
    pub fn new(url: &str) -> Result<Self, ReplayStoreError> {
        let client = redis::Client::open(url)
            .map_err(|_| ReplayStoreError::Config("the Redis URL is not usable"))?;
        Ok(Self {
            client,
            connection: Arc::new(tokio::sync::OnceCell::new()),
            prefix: DEFAULT_PREFIX.into(),
            timeout: DEFAULT_TIMEOUT,
            endpoint: redact(url).into(),
        })
    }

    /// The prefix of every key (default `auth0:dpop:jti:`): one per API when several share a
    /// Redis database.
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().into();
        self
    }

    /// The bound on a check, connecting included (default 1 s). Set it before the first check.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        self.connection
            .get_or_try_init(|| async {
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    async fn set_nx(
        &self,
        key: &ReplayKey,
        ttl: Duration,
    ) -> Result<ReplayCheck, ReplayStoreError> {
        let mut connection = self.connection().await.map_err(unavailable)?;
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let set: Option<String> = redis::cmd("SET")
            .arg(format!("{}{}", self.prefix, key.to_hex()))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(match set {
            Some(_) => ReplayCheck::Fresh,
            None => ReplayCheck::Replayed,
        })
    }
}

impl ReplayStore for RedisReplayStore {
    fn check_and_remember<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> ReplayFuture<'a> {
        Box::pin(async move {
            tokio::time::timeout(self.timeout, self.set_nx(key, ttl))
                .await
                .unwrap_or(Err(ReplayStoreError::Timeout))
        })
    }
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("endpoint", &self.endpoint)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A Redis failure as a [`ReplayStoreError`]: its category only, never the server's text.
fn unavailable(e: redis::RedisError) -> ReplayStoreError {
    if e.is_timeout() {
        return ReplayStoreError::Timeout;
    }
    let what = if e.is_connection_refusal() {
        "connection refused"
    } else if e.is_connection_dropped() {
        "connection dropped"
    } else if e.is_io_error() {
        "I/O error"
    } else {
        "command failed"
    };
    ReplayStoreError::Unavailable(format!("{what} ({:?})", e.kind()))
}

/// `url` without its user information: `redis://***@host:6379/0`.
fn redact(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(unparsed)".to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact("redis://:s3cret@cache:6379/2"),
            "redis://***@cache:6379/2"
        );
        assert_eq!(redact("redis://u:p@w@cache"), "redis://***@cache");
        assert_eq!(redact("redis://cache:6379"), "redis://cache:6379");
        assert_eq!(redact("redis://cache/0?password=x"), "redis://cache/0");
        assert_eq!(redact("redis://:p@h/0?password=x"), "redis://***@h/0");
        assert_eq!(redact("nonsense"), "(unparsed)");
        let store = RedisReplayStore::new("redis://:s3cret@127.0.0.1:1/0").unwrap();
        assert!(!format!("{store:?}").contains("s3cret"));
    }
}
