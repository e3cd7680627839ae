//! [`Auth0Service`]: verifies the request, then calls the inner service or answers the refusal.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::{AccessTokenVerifier, Claims, ExtraClaims, VerifyError};
use http::{Extensions, Request, Response};
use serde::de::DeserializeOwned;
use tower_service::Service;

use crate::extension::{Unauthenticated, Verified};
use crate::future::ResponseFuture;
use crate::request::{verify_headers_cached, verify_parts_with_cookie};
use crate::response::{ErrorResponder, JsonErrorResponse, refuse};
use crate::shared::Shared;

/// The service built by [`Auth0Layer`](crate::Auth0Layer). Its error type is the inner
/// service's: a refused request is a response, never an error.
///
/// See the [crate docs](crate) for an example.
pub struct Auth0Service<S, C = ExtraClaims, R = JsonErrorResponse> {
    inner: S,
    shared: Arc<Shared<C, R>>,
}

impl<S, C, R> Auth0Service<S, C, R> {
    pub(crate) fn from_shared(inner: S, shared: Arc<Shared<C, R>>) -> Self {
        Self { inner, shared }
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &AccessTokenVerifier<C> {
        &self.shared.verifier
    }

    /// A reference to the inner service.
    #[must_use]
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// A mutable reference to the inner service.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Clone, C, R> Clone for Auth0Service<S, C, R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S: fmt::Debug, C, R> fmt::Debug for Auth0Service<S, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0Service")
            .field("inner", &self.inner)
            .field("realm", &self.shared.challenges.realm())
            .field("optional", &self.shared.optional)
            .finish_non_exhaustive()
    }
}

impl<S, C, R, ReqBody, ResBody> Service<Request<ReqBody>> for Auth0Service<S, C, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    C: DeserializeOwned + Send + Sync + 'static,
    R: ErrorResponder<ResBody> + Send + Sync + 'static,
    ReqBody: Send + 'static,
    ResBody: Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // A token the verifier's caches hold is answered here and now: no boxed future, no
        // clone of the inner service.
        let shared = &*self.shared;
        let headers = request.headers();
        if let Some(result) = verify_headers_cached(&shared.verifier, headers, cookie(shared)) {
            return match admit(shared, request.extensions_mut(), result) {
                Ok(()) => ResponseFuture::calling(self.inner.call(request)),
                Err(refusal) => ResponseFuture::refused(refusal),
            };
        }
        // The service that was driven to readiness goes into the future; a fresh clone
        // stays here (see tower's "Be careful when cloning inner services").
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let check = authenticate(Arc::clone(&self.shared), request);
        ResponseFuture::new(Box::pin(check), inner)
    }
}

/// Verifies `request`: `Ok` with the claims attached, or `Err` with the refusal.
pub(crate) async fn authenticate<C, R, ReqBody, ResBody>(
    shared: Arc<Shared<C, R>>,
    request: Request<ReqBody>,
) -> Result<Request<ReqBody>, Response<ResBody>>
where
    C: DeserializeOwned + Send + Sync + 'static,
    R: ErrorResponder<ResBody> + Send + Sync + 'static,
{
    // Only the parts are borrowed across the verification, so the body need not be `Sync`.
    let (mut parts, body) = request.into_parts();
    let result = verify_parts_with_cookie(&shared.verifier, &parts, cookie(&shared)).await;
    admit(&shared, &mut parts.extensions, result)?;
    Ok(Request::from_parts(parts, body))
}

fn cookie<C, R>(shared: &Shared<C, R>) -> Option<&str> {
    shared.token_cookie.as_deref()
}

/// What a verification's result does to the request: the claims attached (or, for an optional
/// layer without credentials, the mark of an anonymous request), or the refusal to send.
fn admit<C, R, ResBody>(
    shared: &Shared<C, R>,
    extensions: &mut Extensions,
    result: Result<Arc<Claims<C>>, VerifyError>,
) -> Result<(), Response<ResBody>>
where
    C: Send + Sync + 'static,
    R: ErrorResponder<ResBody>,
{
    match result {
        Ok(claims) => {
            extensions.insert(Verified::new(
                Arc::clone(&claims),
                shared.challenges.clone(),
            ));
            extensions.insert(claims);
            Ok(())
        }
        Err(error) if shared.optional && error.is_missing_credentials() => {
            extensions.insert(Unauthenticated::new(shared.challenges.clone()));
            Ok(())
        }
        Err(error) => {
            let outcome = shared.challenges.outcome(&error);
            Err(refuse(&*shared.responder, error, &outcome))
        }
    }
}
