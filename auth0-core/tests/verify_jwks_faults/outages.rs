//! A JWKS endpoint that is slow, down or hostile: deadlines, stale keys within `max_stale`, cold
//! outages, failed refetches, invalid or huge documents, redirects, statuses, plain HTTP.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j04_slow_jwks_is_cut_by_the_total_deadline() {
    let f = fixture_with(
        JwksOptions::default().timeouts(Duration::from_millis(800), Duration::from_millis(500)),
    )
    .await;
    f.tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    // At one byte a second the document would take many minutes: an answer within the guard
    // means the deadline cut the fetch.
    let kind = tokio::time::timeout(GUARD, f.kind(&f.tenant.token().sign()))
        .await
        .expect("the total deadline did not cut the slow body");
    assert!(
        matches!(kind, ErrorKind::KeysUnavailable { .. }),
        "{kind:?}"
    );
}

/// Longer than any deadline under test and far shorter than the faults would last without one.
const GUARD: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j04_known_kids_do_not_wait_for_a_slow_refresh() {
    // A fetch deadline of an hour: the refresh below cannot end while the test runs, so a
    // request that waited on it would never be answered.
    let long = Duration::from_secs(3600);
    let f = fixture_with(JwksOptions::default().timeouts(long, Duration::from_secs(2))).await;
    f.ok().await;
    f.tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    f.clock.advance(Duration::from_secs(500)); // past the refresh point (80 % of 600 s)
    f.ok().await; // answered from the current set; the refresh starts in the background
    f.wait_for_hits(2).await;
    let answered = tokio::time::timeout(WAIT, async {
        for _ in 0..20 {
            f.ok().await;
        }
    })
    .await;
    assert!(
        answered.is_ok(),
        "requests for known kids waited on the refresh"
    );
    let m = f.metrics();
    assert_eq!(
        (m.fetches, m.failures),
        (2, 0),
        "the refresh is still under way"
    );
    assert_eq!(f.hits(), 2);
}

#[tokio::test]
async fn j05_unanswered_connects_are_cut_by_the_connect_timeout() {
    // A loopback listener that never accepts, its accept queue filled: further SYNs go
    // unanswered, as with a blackholed address.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    // A total deadline of an hour: only the 300 ms connect deadline can end the refresh within
    // the guard.
    let options =
        JwksOptions::default().timeouts(Duration::from_secs(3600), Duration::from_millis(300));
    let store = auth0_core::jwks::KeyStore::new(
        &format!("http://{addr}/.well-known/jwks.json"),
        &[auth0_core::Algorithm::RS256],
        options,
    )
    .unwrap();
    let err = tokio::time::timeout(GUARD, store.refresh())
        .await
        .expect("the connect phase was not cut")
        .unwrap_err();
    assert!(
        matches!(
            err,
            auth0_core::jwks::JwksError::Timeout | auth0_core::jwks::JwksError::Transport(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn j06_warm_cache_survives_an_outage_within_max_stale() {
    for fault in [
        JwksFault::Status(500),
        JwksFault::Status(503),
        JwksFault::Status(429),
        JwksFault::Refuse,
        JwksFault::Garbage,
    ] {
        let f = fixture().await;
        f.ok().await;
        f.tenant.set_fault(fault.clone());
        f.clock.advance(Duration::from_secs(700)); // expired, within max_stale (1 h)
        f.ok().await;
        f.wait_for_store("the failed background refresh", |m| m.failures == 1)
            .await;
        f.ok().await;
        assert_eq!(
            f.kind(&f.random_kid_token(1)).await,
            ErrorKind::UnknownKey,
            "{fault:?}"
        );
        // Beyond max_stale, keys are no longer trusted: 503.
        f.clock.advance(Duration::from_secs(3600));
        let kind = f.kind(&f.tenant.token().sign()).await;
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{fault:?}: {kind:?}"
        );
    }
}

#[tokio::test]
async fn j07_cold_outage_answers_503_at_once_with_backoff() {
    let f = fixture().await;
    f.tenant.set_fault(JwksFault::Status(500));
    let kind = f.kind(&f.tenant.token().sign()).await;
    assert_eq!(kind, ErrorKind::KeysUnavailable { retry_after: 1 });
    assert_eq!(f.hits(), 1);
    // Within the back-off: no new fetch, 503 at once.
    for _ in 0..10 {
        assert!(matches!(
            f.kind(&f.tenant.token().sign()).await,
            ErrorKind::KeysUnavailable { .. }
        ));
    }
    assert_eq!(f.hits(), 1);
    // Back-off doubles: 1 s, then 2 s.
    f.clock.advance(Duration::from_millis(1100));
    assert_eq!(
        f.kind(&f.tenant.token().sign()).await,
        ErrorKind::KeysUnavailable { retry_after: 2 }
    );
    assert_eq!(f.hits(), 2);
    // The endpoint recovers: the next attempt after the back-off succeeds.
    f.tenant.clear_fault();
    f.clock.advance(Duration::from_secs(3));
    f.ok().await;
    assert_eq!(f.hits(), 3);
}

#[tokio::test]
async fn j08_failed_refetch_never_poisons_the_cache() {
    let f = fixture().await;
    f.ok().await;
    f.tenant.set_fault(JwksFault::Status(500));
    assert_eq!(f.kind(&f.random_kid_token(1)).await, ErrorKind::UnknownKey);
    assert_eq!(f.hits(), 2);
    f.ok().await;
    f.tenant.set_jwks_body(Some(r#"{"keys":[]}"#.into()));
    f.tenant.clear_fault();
    f.clock.advance(Duration::from_secs(31));
    assert_eq!(f.kind(&f.random_kid_token(2)).await, ErrorKind::UnknownKey);
    f.ok().await;
}

#[tokio::test]
async fn j09_invalid_documents_are_failed_fetches() {
    let many: Vec<serde_json::Value> = (0..33).map(|i| TestKey::es256(i).public_jwk()).collect();
    let bodies = [
        Some("<html>login</html>".to_owned()),
        Some("{\"keys\":".to_owned()),
        Some("{}".to_owned()),
        Some(r#"{"keys":[]}"#.to_owned()),
        Some(r#"{"keys":{}}"#.to_owned()),
        Some("[]".to_owned()),
        Some(serde_json::json!({ "keys": many }).to_string()),
    ];
    for body in bodies {
        let f = fixture().await;
        f.tenant.set_jwks_body(body.clone());
        let kind = f.kind(&f.tenant.token().sign()).await;
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{body:?}: {kind:?}"
        );
    }
    for fault in [JwksFault::Html, JwksFault::Garbage] {
        let f = fixture().await;
        f.tenant.set_fault(fault);
        assert!(matches!(
            f.kind(&f.tenant.token().sign()).await,
            ErrorKind::KeysUnavailable { .. }
        ));
    }
}

#[tokio::test]
async fn j10_huge_bodies_are_cut_at_the_cap() {
    for fault in [
        JwksFault::HugeBody(100 * 1024 * 1024),
        JwksFault::ContentLengthLie,
    ] {
        let f = fixture().await;
        f.tenant.set_fault(fault.clone());
        let kind = tokio::time::timeout(GUARD, f.kind(&f.tenant.token().sign()))
            .await
            .unwrap_or_else(|_| panic!("{fault:?}: the body was not cut"));
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{fault:?}: {kind:?}"
        );
    }
}

#[tokio::test]
async fn j11_redirects_are_not_followed() {
    let target = TestTenant::start().await;
    let f = fixture().await;
    f.tenant.set_fault(JwksFault::Redirect(target.jwks_url()));
    // Same key in both tenants: following the redirect would make the token verify.
    assert!(matches!(
        f.kind(&f.tenant.token().sign()).await,
        ErrorKind::KeysUnavailable { .. }
    ));
    assert_eq!(target.jwks_requests(), 0);
}

#[tokio::test]
async fn j12_only_200_is_success() {
    for status in [201, 203, 204, 206, 301, 304, 404] {
        let f = fixture().await;
        f.tenant.set_fault(JwksFault::Status(status));
        assert!(
            matches!(
                f.kind(&f.tenant.token().sign()).await,
                ErrorKind::KeysUnavailable { .. }
            ),
            "{status}"
        );
    }
}

#[tokio::test]
async fn j13_plain_http_is_refused_for_remote_hosts() {
    let err = AccessTokenVerifier::builder("http://tenant.example.com")
        .audience("a")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}
