//! [`Auth0Claims`] and [`MaybeAuth0Claims`]: verified claims as handler arguments, with the
//! verifier from `app_data`.

use std::future::{Ready, ready};
use std::ops::Deref;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use auth0_core::{AccessTokenVerifier, Claims, ErrorKind, ExtraClaims, Outcome, VerifyError};
use futures_util::future::{Either, LocalBoxFuture};
use serde::de::DeserializeOwned;

use crate::error::Auth0Error;
use crate::request::{TokenCookie, verify_request, verify_request_cached};

/// Left in the request extensions by an optional [`Auth0Middleware`](crate::Auth0Middleware)
/// for a request without credentials: the answer its verifier gives such a request.
#[derive(Clone, Debug)]
pub(crate) struct Anonymous {
    outcome: Outcome,
}

impl Anonymous {
    /// The marker for a request without credentials, challenged by `verifier` with `realm`.
    pub(crate) fn new<C>(verifier: &AccessTokenVerifier<C>, realm: &str) -> Self {
        let error = VerifyError::new(ErrorKind::MissingCredentials);
        Self {
            outcome: verifier.outcome_with_realm(&error, realm),
        }
    }

    /// 401 with the challenges of a request without credentials.
    pub(crate) fn refusal(&self) -> Auth0Error {
        let error = VerifyError::new(ErrorKind::MissingCredentials);
        Auth0Error::new(error, self.outcome.clone())
    }
}

/// The verified claims of the request.
///
/// Taken from the request extensions when an [`Auth0Middleware`](crate::Auth0Middleware)
/// already verified it; otherwise the extractor verifies the access token itself with the
/// verifier registered in `app_data` — `App::new().app_data(verifier.clone())` (the verifier is
/// cheap to clone) or `.app_data(web::Data::new(verifier))`.
///
/// ```
/// use actix_web::{App, HttpResponse, Responder, web};
/// use auth0_actix::{AccessTokenVerifier, Auth0Claims};
///
/// async fn private(claims: Auth0Claims) -> impl Responder {
///     HttpResponse::Ok().body(format!("hello {}", claims.sub))
/// }
///
/// # fn app(verifier: AccessTokenVerifier) {
/// let app = App::new()
///     .app_data(verifier.clone())
///     .route("/api/private", web::get().to(private));
/// # let _ = app; }
/// ```
///
/// Refusals follow core's outcome mapping ([`Auth0Error`]); no verifier in `app_data` is a 500
/// with an error log saying how to register it. `C` must be the verifier's claims type.
#[derive(Debug)]
pub struct Auth0Claims<C = ExtraClaims>(pub Arc<Claims<C>>);

impl<C> Clone for Auth0Claims<C> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<C> Deref for Auth0Claims<C> {
    type Target = Claims<C>;

    fn deref(&self) -> &Claims<C> {
        &self.0
    }
}

/// Claims, or a request without credentials — but never an invalid token.
///
/// actix-web's own `Option<T>` extractor turns *every* error into `None`, so
/// `Option<Auth0Claims>` would treat a forged or expired token like no token at all. This
/// extractor is `MaybeAuth0Claims(None)` only when the request carried no bearer credentials
/// (no `Authorization` header, or another scheme); an invalid token is refused as with
/// [`Auth0Claims`].
///
/// ```
/// use auth0_actix::MaybeAuth0Claims;
///
/// async fn greeting(MaybeAuth0Claims(claims): MaybeAuth0Claims) -> String {
///     match claims {
///         Some(claims) => format!("hello {}", claims.sub),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct MaybeAuth0Claims<C = ExtraClaims>(pub Option<Arc<Claims<C>>>);

impl<C> Clone for MaybeAuth0Claims<C> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

/// The verifier of `app_data`, as itself or in `web::Data` (borrowed: the cached path needs no
/// clone of it).
pub(crate) fn registered_verifier<C: 'static>(
    request: &HttpRequest,
) -> Option<&AccessTokenVerifier<C>> {
    request.app_data::<AccessTokenVerifier<C>>().or_else(|| {
        request
            .app_data::<web::Data<AccessTokenVerifier<C>>>()
            .map(|data| data.get_ref())
    })
}

/// The cookie name of the [`TokenCookie`] of `app_data`, as itself or in `web::Data`
/// (borrowed: the cached path copies nothing). Looked up only for a request without an
/// `Authorization` header: any such header wins over the cookie, which is then not read, and a
/// lookup that finds nothing walks every `app_data` container twice.
pub(crate) fn registered_cookie(request: &HttpRequest) -> Option<&str> {
    if request.headers().contains_key(AUTHORIZATION) {
        return None;
    }
    request
        .app_data::<TokenCookie>()
        .or_else(|| {
            request
                .app_data::<web::Data<TokenCookie>>()
                .map(|data| data.get_ref())
        })
        .map(TokenCookie::name)
}

/// Verifies the request's access token with `verifier` (see the crate docs on DPoP); on success
/// the claims are put into the request extensions for the extractors and middleware that
/// follow. A refusal is answered with the verifier's challenges, with `realm` if given.
pub(crate) async fn authenticate<C>(
    verifier: &AccessTokenVerifier<C>,
    realm: Option<&str>,
    cookie: Option<&str>,
    request: &HttpRequest,
) -> Result<Arc<Claims<C>>, Auth0Error>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let result = verify_request(verifier, request, cookie).await;
    admit(verifier, realm, request, result)
}

/// [`authenticate`] without waiting, for a token the verifier's caches hold; `None` when the
/// request needs `authenticate`. The claims go into the request extensions, for the handler
/// behind the middleware that calls this.
pub(crate) fn authenticate_cached<C>(
    verifier: &AccessTokenVerifier<C>,
    realm: Option<&str>,
    cookie: Option<&str>,
    request: &HttpRequest,
) -> Option<Result<Arc<Claims<C>>, Auth0Error>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let result = verify_request_cached(verifier, request, cookie)?;
    Some(admit(verifier, realm, request, result))
}

/// The extractors' [`authenticate_cached`], which leaves no extension: an extractor's claims
/// go to its handler, and another extractor of the same handler finds the token in the
/// verifier's cache just as this one did. That saves a request extension (an allocation and
/// a map insert) on every request with a cached token.
fn extract_cached<C>(
    verifier: &AccessTokenVerifier<C>,
    cookie: Option<&str>,
    request: &HttpRequest,
) -> Option<Result<Arc<Claims<C>>, Auth0Error>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let result = verify_request_cached(verifier, request, cookie)?;
    Some(result.map_err(|error| refusal(verifier, None, error)))
}

/// Claims go into the request extensions; a refusal gets the verifier's answer.
fn admit<C>(
    verifier: &AccessTokenVerifier<C>,
    realm: Option<&str>,
    request: &HttpRequest,
    result: Result<Arc<Claims<C>>, VerifyError>,
) -> Result<Arc<Claims<C>>, Auth0Error>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    match result {
        Ok(claims) => {
            request.extensions_mut().insert(Arc::clone(&claims));
            Ok(claims)
        }
        Err(error) => Err(refusal(verifier, realm, error)),
    }
}

/// The verifier's answer to `error`, with `realm` if given.
fn refusal<C>(
    verifier: &AccessTokenVerifier<C>,
    realm: Option<&str>,
    error: VerifyError,
) -> Auth0Error {
    let outcome = match realm {
        Some(realm) => verifier.outcome_with_realm(&error, realm),
        None => verifier.outcome(&error),
    };
    Auth0Error::new(error, outcome)
}

/// What the extractors do before verifying: reuse claims, honour the anonymous marker, find
/// the verifier.
pub(crate) enum Step<'a, C> {
    Done(Result<Option<Arc<Claims<C>>>, Auth0Error>),
    Verify(&'a AccessTokenVerifier<C>),
}

pub(crate) fn first_step<'a, C: Send + Sync + 'static>(
    request: &'a HttpRequest,
    extractor: &str,
) -> Step<'a, C> {
    let extensions = request.extensions();
    if let Some(claims) = extensions.get::<Arc<Claims<C>>>() {
        return Step::Done(Ok(Some(Arc::clone(claims))));
    }
    if extensions.get::<Anonymous>().is_some() {
        return Step::Done(Ok(None));
    }
    drop(extensions);
    match registered_verifier::<C>(request) {
        Some(verifier) => Step::Verify(verifier),
        None => Step::Done(Err(Auth0Error::misconfigured(format!(
            "{extractor} found no verifier: register it with `App::new().app_data(verifier.clone())` \
             (an `{verifier}`, or the same in `web::Data`), or wrap the route in \
             `Auth0Middleware::new(verifier)`",
            verifier = std::any::type_name::<AccessTokenVerifier<C>>(),
        )))),
    }
}

pub(crate) type ClaimsFuture<T> =
    Either<Ready<Result<T, Auth0Error>>, LocalBoxFuture<'static, Result<T, Auth0Error>>>;

impl<C> FromRequest for Auth0Claims<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Error = Auth0Error;
    type Future = ClaimsFuture<Self>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        match first_step::<C>(request, "Auth0Claims") {
            Step::Done(Ok(Some(claims))) => Either::Left(ready(Ok(Self(claims)))),
            Step::Done(Ok(None)) => {
                let refusal = request
                    .extensions()
                    .get::<Anonymous>()
                    .map(Anonymous::refusal);
                let refusal = refusal.unwrap_or_else(|| {
                    let error = VerifyError::new(ErrorKind::MissingCredentials);
                    let outcome = error.outcome(None);
                    Auth0Error::new(error, outcome)
                });
                Either::Left(ready(Err(refusal)))
            }
            Step::Done(Err(error)) => Either::Left(ready(Err(error))),
            Step::Verify(verifier) => {
                let cookie = registered_cookie(request);
                if let Some(result) = extract_cached(verifier, cookie, request) {
                    return Either::Left(ready(result.map(Self)));
                }
                let (verifier, request) = (verifier.clone(), request.clone());
                let cookie: Option<Arc<str>> = cookie.map(Arc::from);
                Either::Right(Box::pin(async move {
                    authenticate(&verifier, None, cookie.as_deref(), &request)
                        .await
                        .map(Self)
                }))
            }
        }
    }
}

impl<C> FromRequest for MaybeAuth0Claims<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Error = Auth0Error;
    type Future = ClaimsFuture<Self>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        match first_step::<C>(request, "MaybeAuth0Claims") {
            Step::Done(result) => Either::Left(ready(result.map(Self))),
            Step::Verify(verifier) => {
                let optional = |result: Result<Arc<Claims<C>>, Auth0Error>| match result {
                    Ok(claims) => Ok(Self(Some(claims))),
                    Err(error) if error.is_missing_credentials() => Ok(Self(None)),
                    Err(error) => Err(error),
                };
                let cookie = registered_cookie(request);
                if let Some(result) = extract_cached(verifier, cookie, request) {
                    return Either::Left(ready(optional(result)));
                }
                let (verifier, request) = (verifier.clone(), request.clone());
                let cookie: Option<Arc<str>> = cookie.map(Arc::from);
                Either::Right(Box::pin(async move {
                    optional(authenticate(&verifier, None, cookie.as_deref(), &request).await)
                }))
            }
        }
    }
}
