//! [`Scoped`]: a scope requirement written in a handler's signature.

use std::fmt;
use std::future::ready;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use auth0_core::{Claims, ExtraClaims, Outcome, RefusalAnswers, ScopeRequirement, VerifyError};
use futures_util::future::Either;
use serde::de::DeserializeOwned;

use crate::error::Auth0Error;
use crate::extract::{Auth0Claims, ClaimsFuture, registered_verifier};

/// The verified claims of a token that satisfies the requirement `R`; otherwise 403
/// `insufficient_scope` with `scope="…"` in the challenge.
///
/// The token is verified as [`Auth0Claims`] verifies it: claims an
/// [`Auth0Middleware`](crate::Auth0Middleware) left are reused, otherwise the verifier
/// registered with `app_data` verifies it. With a registered verifier the route needs no
/// middleware, which is the cheapest way to protect it: a cached token is answered while the
/// extractor runs, without a future.
///
/// The 403 carries the challenges of the verifier registered with `app_data`; behind a
/// middleware without one registered, the bare `Bearer` challenge (the middleware's own
/// [`require_scopes`](crate::Auth0Middleware::require_scopes) answers with its realm).
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use auth0_actix::{AccessTokenVerifier, RequiredScopes, ScopeRequirement, Scoped};
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
/// async fn messages(claims: Scoped<ReadMessages>) -> HttpResponse {
///     HttpResponse::Ok().body(format!("messages for {}", claims.sub))
/// }
///
/// # fn app(verifier: AccessTokenVerifier) {
/// App::new()
///     .app_data(verifier)
///     .route("/api/messages", web::get().to(messages));
/// # }
/// ```
pub struct Scoped<R, C = ExtraClaims> {
    claims: Arc<Claims<C>>,
    requirement: PhantomData<fn() -> R>,
}

impl<R, C> Scoped<R, C> {
    /// The verified claims.
    #[must_use]
    pub fn claims(&self) -> &Arc<Claims<C>> {
        &self.claims
    }

    /// The verified claims, taken out.
    #[must_use]
    pub fn into_claims(self) -> Arc<Claims<C>> {
        self.claims
    }
}

impl<R, C> Clone for Scoped<R, C> {
    fn clone(&self) -> Self {
        Self {
            claims: Arc::clone(&self.claims),
            requirement: PhantomData,
        }
    }
}

impl<R, C: fmt::Debug> fmt::Debug for Scoped<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("claims", &self.claims)
            .field("requirement", &std::any::type_name::<R>())
            .finish()
    }
}

impl<R, C> Deref for Scoped<R, C> {
    type Target = Claims<C>;

    fn deref(&self) -> &Claims<C> {
        &self.claims
    }
}

/// The claims if they satisfy `R`, else the refusal answered by `answer` (called only then).
fn admit<R: ScopeRequirement, C>(
    claims: Arc<Claims<C>>,
    answer: impl FnOnce(&VerifyError) -> Outcome,
) -> Result<Scoped<R, C>, Auth0Error> {
    match R::required().check(&claims) {
        Ok(()) => Ok(Scoped {
            claims,
            requirement: PhantomData,
        }),
        Err(error) => {
            let outcome = answer(&error);
            Err(Auth0Error::new(error, outcome))
        }
    }
}

/// The refusal's answer: the registered verifier's challenges, or the bare `Bearer` one when
/// no verifier is registered.
fn outcome(answers: Option<&RefusalAnswers>, error: &VerifyError) -> Outcome {
    match answers {
        Some(answers) => answers.outcome(error),
        None => error.outcome(None),
    }
}

impl<R, C> FromRequest for Scoped<R, C>
where
    R: ScopeRequirement,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Error = Auth0Error;
    type Future = ClaimsFuture<Self>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let answers = || registered_verifier::<C>(request).map(|v| v.refusal_answers());
        match Auth0Claims::<C>::from_request(request, payload) {
            // A cached token: the verifier's answers are looked up only for a refusal.
            Either::Left(done) => {
                Either::Left(ready(done.into_inner().and_then(|Auth0Claims(claims)| {
                    admit(claims, |error| outcome(answers().as_ref(), error))
                })))
            }
            Either::Right(verifying) => {
                let answers = answers();
                Either::Right(Box::pin(async move {
                    let Auth0Claims(claims) = verifying.await?;
                    admit(claims, |error| outcome(answers.as_ref(), error))
                }))
            }
        }
    }
}
