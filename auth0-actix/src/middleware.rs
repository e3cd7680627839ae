//! [`Auth0Middleware`]: verifies every request of an app, scope or resource, and optionally
//! requires scopes or permissions.

use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage, ResponseError};
use auth0_core::{AccessTokenVerifier, Claims, ExtraClaims, RequiredScopes};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::Auth0Error;
use crate::extract::{Anonymous, authenticate, authenticate_cached};

/// Middleware that verifies the access token of every request it wraps, puts the claims into
/// the request extensions (where [`Auth0Claims`](crate::Auth0Claims) finds them) and, when
/// configured, requires scopes or permissions.
///
/// ```
/// use actix_web::{App, web};
/// use auth0_actix::{AccessTokenVerifier, Auth0Claims, Auth0Middleware, RequiredScopes};
///
/// async fn private(claims: Auth0Claims) -> String {
///     claims.sub.clone()
/// }
///
/// # fn app(verifier: AccessTokenVerifier) {
/// let app = App::new().service(
///     web::scope("/api")
///         .wrap(Auth0Middleware::new(verifier.clone()))
///         .route("/private", web::get().to(private))
///         .service(
///             web::resource("/private-scoped")
///                 .wrap(Auth0Middleware::new(verifier).require_scopes(RequiredScopes::all(["read:messages"])))
///                 .route(web::get().to(private)),
///         ),
/// );
/// # let _ = app; }
/// ```
///
/// Nested middleware reuse the claims an outer one verified, so a per-resource requirement
/// costs a scope check, not a second verification. Refusals are responses built from
/// [`Auth0Error`] (core's outcome mapping); the inner service is not called.
pub struct Auth0Middleware<C = ExtraClaims> {
    verifier: AccessTokenVerifier<C>,
    required: Option<Arc<RequiredScopes>>,
    realm: Arc<str>,
    optional: bool,
    token_cookie: Option<Arc<str>>,
}

impl<C> Auth0Middleware<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Requires a valid token on every request; challenges carry the verifier's realm.
    #[must_use]
    pub fn new(verifier: AccessTokenVerifier<C>) -> Self {
        let realm = Arc::from(verifier.realm());
        Self {
            verifier,
            required: None,
            realm,
            optional: false,
            token_cookie: None,
        }
    }
}

impl<C> Auth0Middleware<C> {
    /// Also requires these scopes or permissions: 403 `insufficient_scope` otherwise.
    #[must_use]
    pub fn require_scopes(mut self, required: RequiredScopes) -> Self {
        self.required = Some(Arc::new(required));
        self
    }

    /// Optional authentication: a request without credentials goes through without claims
    /// (take [`MaybeAuth0Claims`](crate::MaybeAuth0Claims)); an invalid token is still refused.
    /// With [`require_scopes`](Self::require_scopes), a request without credentials gets the
    /// bare 401 challenge.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Also reads the access token from the cookie `name` (case-sensitive, e.g. `access_token`
    /// or `__Host-access_token`) when a request has no `Authorization` header: for WebSocket
    /// upgrades and `EventSource` requests, on which browsers cannot set headers.
    ///
    /// A request with an `Authorization` header (any scheme) is verified from the header alone.
    /// Refusals map as for the header: no header and no cookie → 401 bare, the cookie twice or
    /// malformed → 400 `invalid_request`, a bad token → 401 `invalid_token`. The query string
    /// is never read.
    ///
    /// **CSRF:** a browser sends the cookie with cross-site requests too. Use it only with a
    /// cookie set `SameSite=Strict` (or `Lax`, for top-level `GET`s), `Secure` and `HttpOnly`,
    /// on safe (`GET`) resources such as WebSocket upgrades and event streams; keep
    /// state-changing resources on a middleware without a cookie (or add CSRF protection).
    #[must_use]
    pub fn token_cookie(mut self, name: impl Into<String>) -> Self {
        self.token_cookie = Some(Arc::from(name.into()));
        self
    }

    /// Sets the `realm` of the challenges (default: the verifier's); [`realm`](Self::realm)
    /// reads it.
    #[must_use]
    pub fn with_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Arc::from(realm.into());
        self
    }

    /// The realm of the challenges.
    #[must_use]
    pub fn realm(&self) -> &str {
        &self.realm
    }
}

impl<C> Clone for Auth0Middleware<C> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            required: self.required.clone(),
            realm: Arc::clone(&self.realm),
            optional: self.optional,
            token_cookie: self.token_cookie.clone(),
        }
    }
}

impl<C> fmt::Debug for Auth0Middleware<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0Middleware")
            .field("verifier", &self.verifier)
            .field("required", &self.required)
            .field("realm", &self.realm)
            .field("optional", &self.optional)
            .field("token_cookie", &self.token_cookie)
            .finish()
    }
}

impl<S, B, C> Transform<S, ServiceRequest> for Auth0Middleware<C>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = Auth0MiddlewareService<S, C>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(Auth0MiddlewareService {
            service: Rc::new(service),
            config: self.clone(),
        }))
    }
}

/// The service [`Auth0Middleware`] wraps around the next one.
pub struct Auth0MiddlewareService<S, C = ExtraClaims> {
    service: Rc<S>,
    config: Auth0Middleware<C>,
}

impl<S, C> fmt::Debug for Auth0MiddlewareService<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0MiddlewareService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, B, C> Service<ServiceRequest> for Auth0MiddlewareService<S, C>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        // A token the verifier's caches hold is decided here and now, without cloning the
        // configuration or waiting on a verification.
        if let Some(decision) = check_cached(&self.config, &request) {
            return match decision {
                Ok(()) => {
                    let response = service.call(request);
                    Box::pin(async move { response.await.map(ServiceResponse::map_into_left_body) })
                }
                Err(refusal) => {
                    let response = refusal.error_response();
                    let response = request.into_response(response).map_into_right_body();
                    Box::pin(std::future::ready(Ok(response)))
                }
            };
        }
        let config = self.config.clone();
        Box::pin(async move {
            // On success the claims are already in the request extensions (put there by the
            // verification, or by an outer middleware).
            if let Err(refusal) = check(&config, &request).await {
                let response = refusal.error_response();
                return Ok(request.into_response(response).map_into_right_body());
            }
            service
                .call(request)
                .await
                .map(ServiceResponse::map_into_left_body)
        })
    }
}

/// Authentication, then authorization; the refusal, if any. Verified claims go into the request
/// extensions; an anonymous request in optional mode is marked [`Anonymous`].
async fn check<C>(config: &Auth0Middleware<C>, request: &ServiceRequest) -> Result<(), Auth0Error>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let existing = request.extensions().get::<Arc<Claims<C>>>().cloned();
    let authenticated = match existing {
        Some(claims) => Ok(claims),
        None => {
            let realm = Some(&*config.realm);
            let cookie = config.token_cookie.as_deref();
            authenticate(&config.verifier, realm, cookie, request.request()).await
        }
    };
    decide(config, request, authenticated)
}

/// [`check`] without waiting, when the claims are already there or the verifier's caches hold
/// the token's answer; `None` when the request needs `check`.
fn check_cached<C>(
    config: &Auth0Middleware<C>,
    request: &ServiceRequest,
) -> Option<Result<(), Auth0Error>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let existing = request.extensions().get::<Arc<Claims<C>>>().cloned();
    let authenticated = match existing {
        Some(claims) => Ok(claims),
        None => {
            let realm = Some(&*config.realm);
            let cookie = config.token_cookie.as_deref();
            authenticate_cached(&config.verifier, realm, cookie, request.request())?
        }
    };
    Some(decide(config, request, authenticated))
}

/// The optional mode and the scope requirement, given the authentication's result.
fn decide<C>(
    config: &Auth0Middleware<C>,
    request: &ServiceRequest,
    authenticated: Result<Arc<Claims<C>>, Auth0Error>,
) -> Result<(), Auth0Error>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let claims = match authenticated {
        Ok(claims) => Some(claims),
        Err(refusal) if config.optional && refusal.is_missing_credentials() => {
            let anonymous = Anonymous::new(&config.verifier, &config.realm);
            request.extensions_mut().insert(anonymous);
            None
        }
        Err(refusal) => return Err(refusal),
    };
    if let Some(required) = &config.required {
        match &claims {
            Some(claims) => {
                if let Err(error) = required.check(claims) {
                    let outcome = config.verifier.outcome_with_realm(&error, &config.realm);
                    return Err(Auth0Error::new(error, outcome));
                }
            }
            None => {
                return Err(Anonymous::new(&config.verifier, &config.realm).refusal());
            }
        }
    }
    Ok(())
}
