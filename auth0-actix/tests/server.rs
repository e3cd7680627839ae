//! The extractors and the middleware on a real actix-web `HttpServer` on loopback, driven by
//! reqwest with tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{App, HttpResponse, HttpServer, Responder, web};

use auth0_actix::{
    AccessTokenVerifier, Auth0Claims, Auth0Middleware, MaybeAuth0Claims, RequiredScopes, Scoped,
};
use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
use auth0_core::testing::{JwksFault, TestTenant};
use serde_json::json;
use test_support::adapter::{ReadMessages, answer, bearer, check_case, get as fetch, verifier};

/// Starts an `HttpServer` with one worker on `127.0.0.1:0`; evaluates to its base URL.
macro_rules! serve {
    ($factory:expr) => {{
        let server = HttpServer::new($factory)
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap();
        let addr = server.addrs()[0];
        actix_web::rt::spawn(server.disable_signals().run());
        format!("http://{addr}")
    }};
}

async fn whoami(claims: Auth0Claims) -> impl Responder {
    HttpResponse::Ok().json(json!({ "sub": claims.sub }))
}

async fn maybe(MaybeAuth0Claims(claims): MaybeAuth0Claims) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

async fn scoped(claims: Scoped<ReadMessages>) -> impl Responder {
    HttpResponse::Ok().json(json!({ "sub": claims.sub }))
}

/// Three extractors of one handler, each verifying with the verifier of `app_data`.
async fn three(
    claims: Auth0Claims,
    scoped: Scoped<ReadMessages>,
    MaybeAuth0Claims(maybe): MaybeAuth0Claims,
) -> impl Responder {
    let same = maybe.is_some_and(|m| m.sub == claims.sub) && scoped.sub == claims.sub;
    HttpResponse::Ok().json(json!({ "sub": claims.sub, "same": same }))
}

/// Extractors with the verifier in `app_data` (`/x/…`, as itself; `/d/…`, in `web::Data`), and
/// the middleware (`/m/…`).
fn app(
    verifier: AccessTokenVerifier,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let read = || RequiredScopes::all(["read:messages"]);
    App::new()
        .service(
            web::scope("/x")
                .app_data(verifier.clone())
                .route("/private", web::get().to(whoami))
                .route("/scoped", web::get().to(scoped))
                .route("/maybe", web::get().to(maybe))
                .route("/three", web::get().to(three)),
        )
        .service(
            web::scope("/d")
                .app_data(web::Data::new(verifier.clone()))
                .route("/private", web::get().to(whoami))
                .route("/scoped", web::get().to(scoped)),
        )
        .service(
            web::scope("/m")
                .wrap(Auth0Middleware::new(verifier.clone()))
                .route("/private", web::get().to(whoami))
                .service(
                    web::resource("/scoped")
                        .wrap(Auth0Middleware::new(verifier.clone()).require_scopes(read()))
                        .route(web::get().to(whoami)),
                )
                .service(
                    web::resource("/permission")
                        .wrap(
                            Auth0Middleware::new(verifier.clone())
                                .require_scopes(read().permissions_only()),
                        )
                        .route(web::get().to(whoami)),
                ),
        )
        .service(
            web::scope("/o")
                .wrap(Auth0Middleware::new(verifier.clone()).optional())
                .route("/maybe", web::get().to(maybe))
                .route("/must", web::get().to(whoami))
                .service(
                    web::resource("/scoped")
                        .wrap(Auth0Middleware::new(verifier).require_scopes(read()))
                        .route(web::get().to(maybe)),
                ),
        )
        .route("/no-verifier", web::get().to(whoami))
        .route("/no-verifier-maybe", web::get().to(maybe))
}

#[actix_web::test]
async fn outcome_table() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let url = serve!(move || app(v.clone()));
    let cases = bearer_cases(&tenant);
    for path in ["/x/private", "/d/private", "/m/private"] {
        for case in &cases {
            let a = check_case(&format!("{url}{path}"), case).await;
            if case.expect.is_accepted() {
                assert_eq!(a.json(), json!({ "sub": SUBJECT }), "{path} {}", case.name);
            }
        }
    }
}

#[actix_web::test]
async fn scopes_and_permissions() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let url = serve!(move || app(v.clone()));
    let realm = tenant.audience();
    let none = bearer(&tenant.token().scope("openid").sign());
    let by_scope = bearer(&tenant.token().scope("read:messages").sign());
    let by_permission = bearer(&tenant.token().permissions(["read:messages"]).sign());

    // The middleware's requirement, and the `Scoped` extractor with the verifier in app_data.
    for path in ["/m/scoped", "/x/scoped", "/d/scoped"] {
        let u = format!("{url}{path}");
        let a = answer(fetch(&u, &[&none]).await).await;
        a.assert_refused(403, Some("insufficient_scope"), &realm);
        assert!(
            a.challenge.unwrap().contains(r#"scope="read:messages""#),
            "{path}"
        );
        assert_eq!(
            answer(fetch(&u, &[&by_scope]).await).await.status,
            200,
            "{path}"
        );
        assert_eq!(
            answer(fetch(&u, &[&by_permission]).await).await.status,
            200,
            "{path}"
        );
        answer(fetch(&u, &[]).await)
            .await
            .assert_refused(401, None, &realm);
    }

    answer(fetch(&format!("{url}/m/permission"), &[&by_scope]).await)
        .await
        .assert_refused(403, Some("insufficient_scope"), &realm);
    assert_eq!(
        answer(fetch(&format!("{url}/m/permission"), &[&by_permission]).await)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn extractors_of_one_handler_agree_on_a_new_and_a_cached_token() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let url = serve!(move || app(v.clone()));
    let realm = tenant.audience();
    let u = format!("{url}/x/three");
    let token = bearer(&tenant.token().sub(SUBJECT).scope("read:messages").sign());
    // The first request verifies the token, the second finds it cached: each extractor of
    // the handler gets the same claims either way.
    for round in ["new", "cached"] {
        let a = answer(fetch(&u, &[&token]).await).await;
        assert_eq!(a.status, 200, "{round}");
        assert_eq!(a.json(), json!({ "sub": SUBJECT, "same": true }), "{round}");
    }
    let unscoped = bearer(&tenant.token().scope("openid").sign());
    for _new_then_cached in 0..2 {
        answer(fetch(&u, &[&unscoped]).await).await.assert_refused(
            403,
            Some("insufficient_scope"),
            &realm,
        );
    }
    let expired = bearer(&tenant.token().expired().sign());
    answer(fetch(&u, &[&expired]).await)
        .await
        .assert_refused(401, Some("invalid_token"), &realm);
    answer(fetch(&u, &[]).await)
        .await
        .assert_refused(401, None, &realm);
}

#[actix_web::test]
async fn optional_authentication() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let url = serve!(move || app(v.clone()));
    let realm = tenant.audience();
    let valid = bearer(
        &tenant
            .token()
            .sub("auth0|bob")
            .scope("read:messages")
            .sign(),
    );
    let expired = bearer(&tenant.token().expired().sign());

    for path in ["/x/maybe", "/o/maybe"] {
        let u = format!("{url}{path}");
        let a = answer(fetch(&u, &[]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "anonymous"), "{path}");
        let a = answer(fetch(&u, &["Basic dXNlcjpwYXNz"]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "anonymous"), "{path}");
        let a = answer(fetch(&u, &[&valid]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "auth0|bob"), "{path}");
        answer(fetch(&u, &[&expired]).await).await.assert_refused(
            401,
            Some("invalid_token"),
            &realm,
        );
        answer(fetch(&u, &["Bearer"]).await).await.assert_refused(
            400,
            Some("invalid_request"),
            &realm,
        );
    }
    // Behind the optional middleware: Auth0Claims and a scope requirement still challenge.
    answer(fetch(&format!("{url}/o/must"), &[]).await)
        .await
        .assert_refused(401, None, &realm);
    answer(fetch(&format!("{url}/o/scoped"), &[]).await)
        .await
        .assert_refused(401, None, &realm);
    let a = answer(fetch(&format!("{url}/o/scoped"), &[&valid]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "auth0|bob"));
}

#[actix_web::test]
async fn missing_verifier_is_500() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let url = serve!(move || app(v.clone()));
    let token = bearer(&tenant.token().sign());
    for path in ["/no-verifier", "/no-verifier-maybe"] {
        for headers in [vec![], vec![token.as_str()]] {
            let a = answer(fetch(&format!("{url}{path}"), &headers).await).await;
            assert_eq!(a.status, 500, "{path}: {a:?}");
            assert!(a.challenge.is_none());
        }
    }
}

#[derive(serde::Deserialize)]
struct MyClaims {
    #[serde(rename = "https://example.com/plan", default)]
    plan: Option<String>,
}

#[actix_web::test]
async fn custom_claims_rotation_and_cold_outage() {
    let tenant = TestTenant::start().await;
    let v = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .custom_claims::<MyClaims>()
        .build()
        .unwrap();
    async fn plan(claims: Auth0Claims<MyClaims>) -> String {
        claims.custom.plan.clone().unwrap_or_default()
    }
    let url = serve!(move || App::new()
        .app_data(v.clone())
        .route("/plan", web::get().to(plan)));
    let token = bearer(
        &tenant
            .token()
            .claim("https://example.com/plan", "gold")
            .sign(),
    );
    let a = answer(fetch(&format!("{url}/plan"), &[&token]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "gold"));

    tenant.rotate();
    let token = bearer(
        &tenant
            .token()
            .claim("https://example.com/plan", "platinum")
            .sign(),
    );
    let a = answer(fetch(&format!("{url}/plan"), &[&token]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "platinum"));

    let cold = TestTenant::start().await;
    cold.set_fault(JwksFault::Refuse);
    let v = verifier(&cold);
    let url = serve!(move || app(v.clone()));
    for path in ["/x/private", "/m/private"] {
        answer(fetch(&format!("{url}{path}"), &[&bearer(&cold.token().sign())]).await)
            .await
            .assert_unavailable();
    }
}

#[actix_web::test]
async fn init_service_and_typed_error() {
    use actix_web::test;
    let tenant = TestTenant::start().await;
    let app = test::init_service(app(verifier(&tenant))).await;
    let request = test::TestRequest::get()
        .uri("/m/private")
        .insert_header(("authorization", bearer(&tenant.token().expired().sign())))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 401);
    let error = response
        .response()
        .extensions()
        .get::<auth0_core::VerifyError>()
        .cloned()
        .unwrap();
    assert_eq!(error.kind(), &auth0_core::ErrorKind::Expired);
}

#[actix_web::test]
async fn realm_override_on_the_middleware() {
    use actix_web::test;
    let tenant = TestTenant::start().await;
    let app = test::init_service(
        App::new().service(
            web::resource("/r")
                .wrap(
                    Auth0Middleware::new(verifier(&tenant))
                        .with_realm("orders")
                        .require_scopes(RequiredScopes::all(["read:orders"])),
                )
                .route(web::get().to(whoami)),
        ),
    )
    .await;
    let challenge = |response: &actix_web::dev::ServiceResponse| {
        response
            .headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let response = test::call_service(&app, test::TestRequest::get().uri("/r").to_request()).await;
    assert_eq!(
        (response.status().as_u16(), challenge(&response)),
        (401, r#"Bearer realm="orders""#.to_owned())
    );
    let request = test::TestRequest::get()
        .uri("/r")
        .insert_header(("authorization", bearer(&tenant.token().sign())))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 403);
    assert!(
        challenge(&response).starts_with(r#"Bearer realm="orders", error="insufficient_scope""#)
    );
}
