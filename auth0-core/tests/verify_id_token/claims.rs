//! Token verifier: iss, sub, aud, exp, iat, nbf, nonce, azp, max_age.

use super::*;

#[tokio::test]
async fn fails_with_iss_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("iss")),
        &none(),
        Kind::Issuer,
        "Issuer (iss) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_iss_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("iss", "something-else")),
        &none(),
        Kind::Issuer,
        r#"Issuer (iss) claim mismatch in the ID token; expected "https://tokens-test.auth0.com/", found "something-else""#,
    )
    .await;
}

#[tokio::test]
async fn fails_with_sub_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("sub")),
        &none(),
        Kind::Subject,
        "Subject (sub) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_fails_with_aud_missing`, plus wrong types (an object, an array with a number).
#[tokio::test]
async fn fails_with_aud_missing() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    for p in [
        Payload::p().without("aud"),
        Payload::p().set("aud", json!({"a": AUDIENCE})),
        Payload::p().set("aud", json!([AUDIENCE, 42])),
        Payload::p().set("aud", Value::Null),
    ] {
        assert_fails_with(
            &v,
            &rs256(&p),
            &none(),
            Kind::Audience,
            "Audience (aud) claim must be a string or array of strings present in the ID token",
        )
        .await;
    }
}

/// `test_fails_with_aud_invalid`, plus an empty list (shown as `""`, as in the reference).
#[tokio::test]
async fn fails_with_aud_invalid() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([ALT_AUDIENCE]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of "external-test-999""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([ALT_AUDIENCE, "other"]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of "external-test-999, other""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of """#,
    )
    .await;
}

/// Untested in the reference: the message for a string `aud` ("but found").
#[tokio::test]
async fn fails_with_string_aud_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("aud", ALT_AUDIENCE)),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but found "external-test-999""#,
    )
    .await;
}

#[tokio::test]
async fn fails_with_exp_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("exp")),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim must be a number present in the ID token",
    )
    .await;
}

/// `test_fails_with_exp_invalid`: exp = MOCKED, clock = MOCKED + 60 + 1.
#[tokio::test]
async fn fails_with_exp_invalid() {
    let fx = Fx::start().await;
    fx.clock.set_unix(MOCKED_CLOCK + 60 + 1);
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592622) is after expiration time (1587592621)",
    )
    .await;
}

/// Boundary of `exp` with leeway 0: valid while `now < exp` (RFC 7519 §4.1.4). The reference
/// still accepted `now == exp`.
#[tokio::test]
async fn exp_boundary_now_equal_to_exp_is_expired_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.strict_verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK + 1)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

/// Boundary of `exp` with leeway 60 (untested pass side of the reference): `exp + 60 > now`
/// passes, `exp + 60 == now` fails.
#[tokio::test]
async fn exp_leeway_boundary() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 59)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 60)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

/// The reference's code default leeway is 0 (its docs say 60); ours really is 60 s.
#[tokio::test]
async fn default_leeway_is_60_seconds_unlike_reference() {
    assert_eq!(DEFAULT_LEEWAY, secs(60));
    let fx = Fx::start().await;
    let v = TokenVerifier::builder(fx.sv(), ISSUER, AUDIENCE)
        .clock(fx.clock.clone())
        .build()
        .unwrap();
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 30)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 60)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

#[tokio::test]
async fn fails_with_iat_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("iat")),
        &none(),
        Kind::IssuedAt,
        "Issued At (iat) claim must be a number present in the ID token",
    )
    .await;
}

/// The reference only type-checks `iat`; ours refuses one beyond `now + leeway`.
#[tokio::test]
async fn future_iat_is_refused_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("iat", MOCKED_CLOCK + 60)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("iat", MOCKED_CLOCK + 61)),
        &none(),
        Kind::IssuedAt,
        "Issued At (iat) claim error in the ID token; current time (1587592561) is before issued at time (1587592622)",
    )
    .await;
}

/// The reference never checks `nbf`; ours refuses one beyond `now + leeway` and a non-number.
#[tokio::test]
async fn nbf_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK - 3600)),
        &none(),
    )
    .await;
    accepted(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK + 60)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK + 61)),
        &none(),
        Kind::NotBefore,
        "Not Before (nbf) claim error in the ID token; current time (1587592561) is before not before time (1587592622)",
    )
    .await;
    for bad in [json!("soon"), json!(true), Value::Null, json!(-1)] {
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("nbf", bad)),
            &none(),
            Kind::NotBefore,
            "Not Before (nbf) claim must be a number in the ID token",
        )
        .await;
    }
}

/// The reference rejects fractional NumericDates and accepts `true` as 1. Ours accepts
/// fractions (floored) and refuses booleans, strings and negatives.
#[tokio::test]
async fn float_dates_accepted_and_booleans_refused_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let p = Payload::p()
        .set("exp", 1_587_765_361.5)
        .set("iat", 1_587_592_561.25)
        .set("auth_time", 1_587_592_500.75);
    accepted(&v, &rs256(&p), &VerifyOptions::new().max_age(secs(120))).await;

    // Floored: exp 1587592561.9 is 1587592561, expired at 1587592561 with leeway 0.
    assert_fails_with(
        &fx.strict_verifier(),
        &rs256(&Payload::p().set("exp", 1_587_592_561.9)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;

    for bad in [
        json!(true),
        json!(false),
        json!("1587765361"),
        json!(-1),
        json!(1e300),
    ] {
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("exp", bad.clone())),
            &none(),
            Kind::Expiration,
            "Expiration Time (exp) claim must be a number present in the ID token",
        )
        .await;
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("iat", bad.clone())),
            &none(),
            Kind::IssuedAt,
            "Issued At (iat) claim must be a number present in the ID token",
        )
        .await;
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("auth_time", bad)),
            &VerifyOptions::new().max_age(secs(120)),
            Kind::AuthTime,
            "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
        )
        .await;
    }
}

#[tokio::test]
async fn passes_when_nonce_missing_but_not_required() {
    let fx = Fx::start().await;
    accepted(
        &fx.verifier(),
        &rs256(&Payload::p().without("nonce")),
        &none(),
    )
    .await;
}

#[tokio::test]
async fn fails_with_nonce_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("nonce")),
        &VerifyOptions::new().nonce(NONCE),
        Kind::Nonce,
        "Nonce (nonce) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_nonce_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("nonce", "000999")),
        &VerifyOptions::new().nonce(NONCE),
        Kind::Nonce,
        r#"Nonce (nonce) claim mismatch in the ID token; expected "a1b2c3d4e5", found "000999""#,
    )
    .await;
}

/// The reference skips an empty (falsy) nonce; ours compares it.
#[tokio::test]
async fn empty_nonce_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    assert_fails_with(
        &v,
        &rs256(&Payload::p()),
        &VerifyOptions::new().nonce(""),
        Kind::Nonce,
        r#"Nonce (nonce) claim mismatch in the ID token; expected "", found "a1b2c3d4e5""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().without("nonce")),
        &VerifyOptions::new().nonce(""),
        Kind::Nonce,
        "Nonce (nonce) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_aud_array_and_azp_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("azp")),
        &none(),
        Kind::AuthorizedParty,
        "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values",
    )
    .await;
}

#[tokio::test]
async fn fails_with_aud_array_and_azp_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("azp", ALT_AUDIENCE)),
        &none(),
        Kind::AuthorizedParty,
        r#"Authorized Party (azp) claim mismatch in the ID token; expected "tokens-test-123", found "external-test-999""#,
    )
    .await;
}

/// The reference ignores `azp` unless `aud` has several values; ours checks it whenever it is
/// present (and a single audience without `azp` still passes).
#[tokio::test]
async fn azp_checked_whenever_present_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let single = Payload::p().set("aud", AUDIENCE);
    accepted(&v, &rs256(&single), &none()).await;
    accepted(&v, &rs256(&single.clone().without("azp")), &none()).await;
    for p in [
        single.clone().set("azp", ALT_AUDIENCE),
        Payload::p()
            .set("aud", json!([AUDIENCE]))
            .set("azp", ALT_AUDIENCE),
    ] {
        assert_fails_with(
            &v,
            &rs256(&p),
            &none(),
            Kind::AuthorizedParty,
            r#"Authorized Party (azp) claim mismatch in the ID token; expected "tokens-test-123", found "external-test-999""#,
        )
        .await;
    }
    // A present but non-string azp is refused too (with the reference's wording).
    assert_fails_with(
        &v,
        &rs256(&single.set("azp", 42)),
        &none(),
        Kind::AuthorizedParty,
        "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values",
    )
    .await;
}

#[tokio::test]
async fn fails_when_max_age_sent_with_auth_time_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("auth_time")),
        &VerifyOptions::new().max_age(secs(120)),
        Kind::AuthTime,
        "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
    )
    .await;
}

/// `test_fails_when_max_age_sent_with_auth_time_invalid`: auth_time = MOCKED, max_age 120,
/// clock = MOCKED + 60 + 120 + 1.
#[tokio::test]
async fn fails_when_max_age_sent_with_auth_time_invalid() {
    let fx = Fx::start().await;
    fx.clock.set_unix(MOCKED_CLOCK + 60 + 120 + 1);
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK)),
        &VerifyOptions::new().max_age(secs(120)),
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592742) is after last auth at (1587592741)",
    )
    .await;
}

/// Untested in the reference: the `max_age` success path, and its boundary
/// (`now == auth_time + max_age + leeway` passes, one second later fails).
#[tokio::test]
async fn max_age_passes_up_to_the_boundary() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let opts = VerifyOptions::new().max_age(secs(120));
    let claims = accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 100)),
        &opts,
    )
    .await;
    assert_eq!(claims["auth_time"], MOCKED_CLOCK - 100);
    accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 180)),
        &opts,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 181)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
}

/// The reference skips `max_age=0` (falsy); ours enforces it ("authenticate now", plus leeway).
#[tokio::test]
async fn max_age_zero_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let opts = VerifyOptions::new().max_age(Duration::ZERO);
    let strict = fx.strict_verifier();
    accepted(
        &strict,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK)),
        &opts,
    )
    .await;
    assert_fails_with(
        &strict,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 1)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 60)),
        &opts,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 61)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().without("auth_time")),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
    )
    .await;
}
