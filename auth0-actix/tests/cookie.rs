//! The access token from a cookie in actix-web: `Auth0Middleware::token_cookie`, and the
//! extractors with a `TokenCookie` in `app_data`, on a real `HttpServer` on loopback with
//! tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{App, HttpResponse, HttpServer, Responder, web};
use auth0_actix::{Auth0Claims, Auth0Middleware, MaybeAuth0Claims, TokenCookie};
use auth0_core::testing::TestTenant;
use serde_json::json;
use test_support::adapter::cookie::{COOKIE, cookie_scenario};
use test_support::adapter::{send, verifier};

async fn whoami(claims: Auth0Claims) -> impl Responder {
    HttpResponse::Ok().json(json!({ "sub": claims.sub }))
}

async fn maybe(MaybeAuth0Claims(claims): MaybeAuth0Claims) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

#[actix_web::test]
async fn token_from_a_cookie() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let server = HttpServer::new(move || {
        App::new()
            .service(
                web::scope("/m")
                    .service(
                        web::resource("/cookie")
                            .wrap(Auth0Middleware::new(v.clone()).token_cookie(COOKIE))
                            .route(web::get().to(whoami)),
                    )
                    .service(
                        web::resource("/plain")
                            .wrap(Auth0Middleware::new(v.clone()))
                            .route(web::get().to(whoami)),
                    ),
            )
            .service(
                web::scope("/x/cookie")
                    .app_data(v.clone())
                    .app_data(TokenCookie::new(COOKIE))
                    .route("/private", web::get().to(whoami))
                    .route("/maybe", web::get().to(maybe)),
            )
            .service(
                web::scope("/d/cookie")
                    .app_data(v.clone())
                    .app_data(web::Data::new(TokenCookie::new(COOKIE)))
                    .route("/private", web::get().to(whoami)),
            )
            .service(
                web::scope("/x/plain")
                    .app_data(v.clone())
                    .route("/private", web::get().to(whoami)),
            )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let base = format!("http://{}", server.addrs()[0]);
    actix_web::rt::spawn(server.disable_signals().run());

    // The middleware.
    cookie_scenario(
        &tenant,
        &format!("{base}/m/cookie"),
        &format!("{base}/m/plain"),
    )
    .await;
    // The extractor, with the cookie name in app_data as itself and in web::Data.
    for cookie_url in ["/x/cookie/private", "/d/cookie/private"] {
        cookie_scenario(
            &tenant,
            &format!("{base}{cookie_url}"),
            &format!("{base}/x/plain/private"),
        )
        .await;
    }

    // MaybeAuth0Claims: no cookie → None; a valid one → Some; a bad one → refused.
    let url = format!("{base}/x/cookie/maybe");
    assert_eq!(send("GET", &url, &[]).await.body, "anonymous");
    let token = tenant.token().sub("auth0|cookie").sign();
    let a = send("GET", &url, &[("cookie", &format!("{COOKIE}={token}"))]).await;
    assert_eq!(a.body, "auth0|cookie");
    let bad = tenant.token().expired().sign();
    send("GET", &url, &[("cookie", &format!("{COOKIE}={bad}"))])
        .await
        .assert_refused(401, Some("invalid_token"), &tenant.audience());
}
