//! [`Auth0Layer`]: the configuration of the verifying middleware, applied to a service with
//! [`tower_layer::Layer`].

use std::fmt;
use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, ExtraClaims};
use serde::de::DeserializeOwned;
use tower_layer::Layer;

use crate::challenges::Challenges;
use crate::response::JsonErrorResponse;
use crate::service::Auth0Service;
use crate::shared::Shared;

/// A tower [`Layer`] that verifies the access token of every request with an
/// [`AccessTokenVerifier`] and wraps services in [`Auth0Service`].
///
/// * valid token → the request goes on with `Arc<Claims<C>>` and [`Verified`](crate::Verified)
///   in its extensions;
/// * otherwise → the inner service is not called; the answer follows core's outcome mapping
///   (400 / 401 / 403 / 503 with `WWW-Authenticate` and `Retry-After`, and the `DPoP`
///   challenge when the verifier accepts DPoP), its body comes from the
///   [`ErrorResponder`](crate::ErrorResponder) `R` (JSON by default).
///
/// Cheap to clone (one `Arc`). See the [crate docs](crate) for an example.
#[must_use]
pub struct Auth0Layer<C = ExtraClaims, R = JsonErrorResponse> {
    shared: Arc<Shared<C, R>>,
}

impl<C> Auth0Layer<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// A layer that requires a valid token on every request, answering failures with
    /// [`JsonErrorResponse`] and challenges with the verifier's realm.
    pub fn new(verifier: AccessTokenVerifier<C>) -> Self {
        let challenges = Challenges::new(&verifier);
        Self {
            shared: Arc::new(Shared {
                verifier,
                responder: Arc::new(JsonErrorResponse),
                challenges,
                optional: false,
                token_cookie: None,
            }),
        }
    }
}

impl<C, R> Auth0Layer<C, R>
where
    C: Send + Sync + 'static,
{
    fn with(self, change: impl FnOnce(&mut Shared<C, R>)) -> Self {
        let mut shared = Arc::try_unwrap(self.shared).unwrap_or_else(|shared| shared.duplicate());
        change(&mut shared);
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Optional authentication: a request **without** credentials (no `Authorization` header,
    /// or a scheme the verifier does not accept, such as `Basic`) goes through without claims,
    /// marked [`Unauthenticated`](crate::Unauthenticated); a request with a token is verified
    /// and refused if the token is invalid. Handlers then take `Option<Auth0Claims<C>>` (axum).
    pub fn optional(self) -> Self {
        self.with(|s| s.optional = true)
    }

    /// Also reads the access token from the cookie `name` (case-sensitive, e.g. `access_token`
    /// or `__Host-access_token`) when a request has no `Authorization` header: for WebSocket
    /// upgrades and `EventSource` requests, on which browsers cannot set headers.
    ///
    /// * A request with an `Authorization` header (any scheme) is verified from the header
    ///   alone; the cookie is ignored.
    /// * Refusals map as for the header: no header and no cookie → 401 bare, the cookie twice
    ///   or malformed → 400 `invalid_request`, a bad token → 401 `invalid_token`. In
    ///   [optional](Self::optional) mode, no header and no cookie passes unauthenticated.
    /// * The query string is never read.
    ///
    /// **CSRF:** a browser sends the cookie with cross-site requests too. Use it only with a
    /// cookie set `SameSite=Strict` (or `Lax`, for top-level `GET`s), `Secure` and `HttpOnly`,
    /// on safe (`GET`) endpoints such as WebSocket upgrades and event streams; keep
    /// state-changing routes behind a layer without a cookie (or add CSRF protection).
    ///
    /// ```
    /// # fn layer(verifier: auth0_core::AccessTokenVerifier) {
    /// use auth0_tower::Auth0Layer;
    /// let for_websockets = Auth0Layer::new(verifier).token_cookie("access_token");
    /// # let _ = for_websockets; }
    /// ```
    pub fn token_cookie(self, name: impl Into<String>) -> Self {
        let name: Arc<str> = Arc::from(name.into());
        self.with(|s| s.token_cookie = Some(name))
    }

    /// The name of the cookie the token is also read from, if [configured](Self::token_cookie).
    #[must_use]
    pub fn token_cookie_name(&self) -> Option<&str> {
        self.shared.token_cookie.as_deref()
    }

    /// Sets the `realm` of the `WWW-Authenticate` challenges (default: the verifier's realm,
    /// its first audience unless configured otherwise). Quotes, backslashes and control
    /// characters are dropped from it. [`realm`](Self::realm) reads it.
    pub fn with_realm(self, realm: impl Into<String>) -> Self {
        let realm: Arc<str> = Arc::from(realm.into());
        self.with(|s| s.challenges = Challenges::with_realm(&s.verifier, realm))
    }

    /// Replaces the responder that builds the answer to a refused request (see
    /// [`ErrorResponder`](crate::ErrorResponder)).
    pub fn error_response<R2>(self, responder: R2) -> Auth0Layer<C, R2> {
        let shared = Arc::try_unwrap(self.shared).unwrap_or_else(|shared| shared.duplicate());
        Auth0Layer {
            shared: Arc::new(Shared {
                verifier: shared.verifier,
                responder: Arc::new(responder),
                challenges: shared.challenges,
                optional: shared.optional,
                token_cookie: shared.token_cookie,
            }),
        }
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &AccessTokenVerifier<C> {
        &self.shared.verifier
    }

    /// Whether the layer lets requests without credentials through.
    #[must_use]
    pub fn is_optional(&self) -> bool {
        self.shared.optional
    }

    /// The realm of the challenges (set with [`with_realm`](Self::with_realm)).
    #[must_use]
    pub fn realm(&self) -> &str {
        self.shared.challenges.realm()
    }

    /// What the layer's services share.
    #[cfg(feature = "tower-http")]
    pub(crate) fn shared(self) -> Arc<Shared<C, R>> {
        self.shared
    }
}

impl<C, R> Clone for Auth0Layer<C, R> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<C, R> fmt::Debug for Auth0Layer<C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0Layer")
            .field("verifier", &self.shared.verifier)
            .field("realm", &self.shared.challenges.realm())
            .field("optional", &self.shared.optional)
            .field("token_cookie", &self.shared.token_cookie)
            .field("responder", &std::any::type_name::<R>())
            .finish()
    }
}

impl<S, C, R> Layer<S> for Auth0Layer<C, R> {
    type Service = Auth0Service<S, C, R>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth0Service::from_shared(inner, Arc::clone(&self.shared))
    }
}
