//! [`Auth0Verified`]: an extractor that verifies the access token itself, with the
//! [`AccessTokenVerifier`] of the router state — no layer needed.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, Claims, ExtraClaims, ScopeRequirement};
use auth0_tower::{
    Challenges, TokenCookie, Verified, verify_headers_cached, verify_parts_with_cookie,
};
use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::rejection::Auth0Rejection;
use crate::scoped::Scoped;

/// Verified claims, verified by the extractor with the [`AccessTokenVerifier<C>`] that the router
/// state provides through [`FromRef`].
///
/// Use it when only some handlers need a token, or to keep the verifier in the state instead
/// of a layer. If an [`Auth0Layer`](auth0_tower::Auth0Layer) (or another `Auth0Verified`)
/// already verified the request, its claims are reused, not verified twice.
///
/// ```
/// use auth0_axum::{AccessTokenVerifier, Auth0Verified};
/// use axum::{Router, extract::FromRef, routing::get};
///
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     verifier: AccessTokenVerifier,
///     // … your other state
/// }
///
/// async fn private(Auth0Verified(claims): Auth0Verified) -> String {
///     format!("hello {}", claims.sub)
/// }
///
/// # fn app(verifier: AccessTokenVerifier) -> Router {
/// Router::new()
///     .route("/api/private", get(private))
///     .with_state(AppState { verifier })
/// # }
/// ```
///
/// On success the extractor leaves [`Verified`] in the request extensions, so that
/// [`Auth0Claims`](crate::Auth0Claims) and [`Scoped`](crate::Scoped) taken after it in the same
/// handler read the same claims.
///
/// The verifier *is* a state too: `Router::new().route(..).with_state(verifier)` works.
/// With a [`TokenCookie`] in the request extensions, the token is also read from that cookie
/// when the request has no `Authorization` header (see the [crate docs](crate#the-access-token-from-a-cookie-websocket-server-sent-events)).
///
/// Rejections follow core's outcome mapping (see [`Auth0Rejection`]); `Option<Auth0Verified<C>>`
/// is `None` only when the request carried no credentials, and still refuses an invalid token.
#[derive(Debug)]
pub struct Auth0Verified<C = ExtraClaims>(pub Arc<Claims<C>>);

impl<C> Clone for Auth0Verified<C> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<C> Deref for Auth0Verified<C> {
    type Target = Claims<C>;

    fn deref(&self) -> &Claims<C> {
        &self.0
    }
}

/// Verifies the request's token (or reuses the claims an earlier layer or extractor verified).
async fn verify<S, C>(parts: &mut Parts, state: &S) -> Result<Arc<Claims<C>>, Auth0Rejection>
where
    AccessTokenVerifier<C>: FromRef<S>,
    C: DeserializeOwned + Send + Sync + 'static,
{
    if let Some(claims) = parts.extensions.get::<Arc<Claims<C>>>() {
        return Ok(Arc::clone(claims));
    }
    if let Some(claims) = parts
        .extensions
        .get::<Verified>()
        .and_then(Verified::claims::<C>)
    {
        return Ok(claims);
    }
    let verifier = AccessTokenVerifier::<C>::from_ref(state);
    let cookie = parts.extensions.get::<TokenCookie>().map(TokenCookie::name);
    // A token the caches hold is answered without the async path (no request target built).
    // The async path is boxed: inline, its ≈ 1.9 KiB would make every handler future that
    // holds this extractor that much larger, and axum boxes each one on every request (a block
    // of that size misses the allocator's fast path); a token the caches do not hold already
    // costs a signature check, beside which one allocation does not count.
    let result = match verify_headers_cached(&verifier, &parts.headers, cookie) {
        Some(result) => result,
        None => Box::pin(verify_parts_with_cookie(&verifier, parts, cookie)).await,
    };
    match result {
        Ok(claims) => {
            // One extension (one allocation): the extractors that come next read the claims
            // from `Verified`.
            let challenges = Challenges::new(&verifier);
            parts
                .extensions
                .insert(Verified::new(Arc::clone(&claims), challenges));
            Ok(claims)
        }
        Err(error) => {
            let outcome = verifier.outcome(&error);
            Err(Auth0Rejection::new(error, outcome))
        }
    }
}

impl<S, C> FromRequestParts<S> for Auth0Verified<C>
where
    AccessTokenVerifier<C>: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        verify::<S, C>(parts, state).await.map(Self)
    }
}

impl<S, C> OptionalFromRequestParts<S> for Auth0Verified<C>
where
    AccessTokenVerifier<C>: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match verify::<S, C>(parts, state).await {
            Ok(claims) => Ok(Some(Self(claims))),
            Err(rejection) if rejection.is_missing_credentials() => Ok(None),
            Err(rejection) => Err(rejection),
        }
    }
}

/// [`Auth0Verified`] and a scope requirement in one extractor: the token is verified with the
/// [`AccessTokenVerifier<C>`] of the router state, then must satisfy `R`; otherwise 403
/// `insufficient_scope` with `scope="…"` in the challenge. No layer needed.
///
/// [`Scoped`](crate::Scoped) is the same check on claims an [`Auth0Layer`](auth0_tower::Auth0Layer)
/// verified.
///
/// ```
/// use auth0_axum::{AccessTokenVerifier, Auth0Scoped, RequiredScopes, ScopeRequirement};
/// use axum::{Router, routing::get};
/// use std::sync::LazyLock;
///
/// struct ReadMessages;
///
/// impl ScopeRequirement for ReadMessages {
///     fn required() -> &'static RequiredScopes {
///         static REQUIRED: LazyLock<RequiredScopes> =
///             LazyLock::new(|| RequiredScopes::all(["read:messages"]));
///         &REQUIRED
///     }
/// }
///
/// async fn messages(claims: Auth0Scoped<ReadMessages>) -> String {
///     format!("messages for {}", claims.sub)
/// }
///
/// # fn app(verifier: AccessTokenVerifier) -> Router {
/// Router::new()
///     .route("/api/messages", get(messages))
///     .with_state(verifier)
/// # }
/// ```
pub struct Auth0Scoped<R, C = ExtraClaims>(pub Scoped<R, C>);

impl<R, C> Clone for Auth0Scoped<R, C> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<R, C: fmt::Debug> fmt::Debug for Auth0Scoped<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Auth0Scoped").field(&self.0).finish()
    }
}

/// The [`Scoped`] claims (and through it, [`Claims`]: `claims.sub` works).
impl<R, C> Deref for Auth0Scoped<R, C> {
    type Target = Scoped<R, C>;

    fn deref(&self) -> &Scoped<R, C> {
        &self.0
    }
}

impl<S, R, C> FromRequestParts<S> for Auth0Scoped<R, C>
where
    AccessTokenVerifier<C>: FromRef<S>,
    S: Send + Sync,
    R: ScopeRequirement,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let claims = verify::<S, C>(parts, state).await?;
        // `verify` left `Verified` (or found the layer's): `Scoped`'s check and answers.
        Scoped::admit(claims, &parts.extensions).map(Self)
    }
}
