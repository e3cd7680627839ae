//! DPoP (RFC 9449) through the extractors and the middleware on a real actix-web `HttpServer`
//! on loopback, with proofs checked against `dpop_base_url` or the request's `Host`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{App, HttpResponse, HttpServer, Responder, web};
use auth0_actix::{
    AccessTokenVerifier, Auth0Claims, Auth0Middleware, DpopMode, MaybeAuth0Claims, RequiredScopes,
};
use auth0_core::testing::TestTenant;
use serde_json::json;
use test_support::adapter::{
    DpopClient, dpop_allowed_scenario, dpop_required_scenario, dpop_verifier, send,
};

async fn whoami(claims: Auth0Claims) -> impl Responder {
    HttpResponse::Ok().json(json!({ "sub": claims.sub }))
}

async fn maybe(MaybeAuth0Claims(claims): MaybeAuth0Claims) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

/// Binds `127.0.0.1:0`, builds the verifier knowing the base URL, serves the app (extractor at
/// `/x/…`, middleware at `/m/…`, optional middleware at `/o/…`) with one worker.
fn serve(verifier: impl FnOnce(&str) -> AccessTokenVerifier) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let verifier = verifier(&url);
    let server = HttpServer::new(move || {
        let read = RequiredScopes::all(["read:messages"]);
        App::new()
            .service(
                web::scope("/x")
                    .app_data(verifier.clone())
                    .route("/private", web::get().to(whoami))
                    .route("/maybe", web::get().to(maybe)),
            )
            .service(
                web::scope("/m")
                    .wrap(Auth0Middleware::new(verifier.clone()))
                    .route("/private", web::get().to(whoami))
                    .service(
                        web::resource("/scoped")
                            .wrap(
                                Auth0Middleware::new(verifier.clone()).require_scopes(read.clone()),
                            )
                            .route(web::get().to(whoami)),
                    ),
            )
            .service(
                web::scope("/o")
                    .wrap(Auth0Middleware::new(verifier.clone()).optional())
                    .route("/must", web::get().to(whoami))
                    .service(
                        web::resource("/scoped")
                            .wrap(Auth0Middleware::new(verifier.clone()).require_scopes(read))
                            .route(web::get().to(maybe)),
                    ),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap();
    actix_web::rt::spawn(server.disable_signals().run());
    url
}

#[actix_web::test]
async fn allowed_with_base_url() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| dpop_verifier(&tenant, DpopMode::Allowed, Some(url)));
    for path in ["/x/private", "/m/private"] {
        let target = format!("{url}{path}");
        dpop_allowed_scenario(&tenant, &target, &target).await;
    }
}

#[actix_web::test]
async fn allowed_with_the_host_header() {
    let tenant = TestTenant::start().await;
    let url = serve(|_| dpop_verifier(&tenant, DpopMode::Allowed, None));
    for path in ["/x/private", "/m/private"] {
        // actix knows the listener is plain HTTP: the proof names `http://<Host><path>`.
        let target = format!("{url}{path}");
        dpop_allowed_scenario(&tenant, &target, &target).await;
        let https = target.replacen("http://", "https://", 1);
        DpopClient::new(&tenant, "openid")
            .get(&target, &https)
            .await
            .assert_error_on(400, "DPoP", "invalid_dpop_proof");
    }
}

#[actix_web::test]
async fn required() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| dpop_verifier(&tenant, DpopMode::Required, Some(url)));
    for path in ["/x/private", "/m/private"] {
        let target = format!("{url}{path}");
        dpop_required_scenario(&tenant, &target, &target).await;
    }
}

#[actix_web::test]
async fn scopes_and_optional_mode_with_dpop() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| dpop_verifier(&tenant, DpopMode::Allowed, Some(url)));

    let scoped = format!("{url}/m/scoped");
    let a = DpopClient::new(&tenant, "openid")
        .get(&scoped, &scoped)
        .await;
    assert_eq!(a.status, 403, "{a:?}");
    let challenge = a.challenge.as_deref().unwrap();
    assert!(challenge.contains(r#"scope="read:messages""#), "{a:?}");
    assert!(challenge.contains(r#"algs="ES256 PS256""#), "{a:?}");
    assert_eq!(a.json()["error"], "insufficient_scope");
    let a = DpopClient::new(&tenant, "read:messages")
        .get(&scoped, &scoped)
        .await;
    assert_eq!((a.status, a.json()), (200, json!({ "sub": "auth0|dpop" })));

    // Anonymous requests behind the optional middleware: the extractor, the scope requirement
    // and the maybe-extractor answer with the verifier's challenges.
    for path in ["/o/must", "/o/scoped"] {
        let a = send("GET", &format!("{url}{path}"), &[]).await;
        assert_eq!(a.status, 401, "{path}: {a:?}");
        let (bearer, dpop) = a.challenges();
        assert!(!bearer.unwrap().contains("error="), "{path}: {a:?}");
        assert!(
            dpop.unwrap().contains(r#"algs="ES256 PS256""#),
            "{path}: {a:?}"
        );
    }
    let a = send("GET", &format!("{url}/x/maybe"), &[]).await;
    assert_eq!((a.status, a.body.as_str()), (200, "anonymous"));
    let maybe = format!("{url}/x/maybe");
    let a = DpopClient::new(&tenant, "openid").get(&maybe, &maybe).await;
    assert_eq!((a.status, a.body.as_str()), (200, "auth0|dpop"));
    // A DPoP request without its proof is not "no credentials".
    let client = DpopClient::new(&tenant, "openid");
    send(
        "GET",
        &maybe,
        &[("authorization", &format!("DPoP {}", client.token))],
    )
    .await
    .assert_error_on(400, "DPoP", "invalid_request");
}
