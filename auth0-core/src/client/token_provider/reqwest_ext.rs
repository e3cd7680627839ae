//! `Authorization: Bearer …` on reqwest requests, from a [`TokenProvider`].

use std::future::Future;

use reqwest::RequestBuilder;
use reqwest::header::{AUTHORIZATION, HeaderMap};

use super::{TokenError, TokenProvider};

mod sealed {
    /// Implemented by `reqwest::RequestBuilder` only.
    #[allow(unreachable_pub)]
    pub trait Sealed {}
    impl Sealed for reqwest::RequestBuilder {}
}

/// Puts a token from a [`TokenProvider`] on a `reqwest` request.
///
/// The header replaces any `Authorization` set before, and is marked sensitive. Import the trait
/// (`use auth0_core::client::RequestBuilderExt as _;`) to call its methods on
/// `reqwest::RequestBuilder`.
///
/// ```no_run
/// use auth0_core::client::{RequestBuilderExt as _, TokenProvider};
/// # async fn f(http: reqwest::Client, tokens: TokenProvider) -> Result<(), Box<dyn std::error::Error>> {
/// let orders = http
///     .get("https://orders.example.com/v1/orders")
///     .auth0_bearer(&tokens, "https://orders.example.com")
///     .await? // a TokenError when no token can be had
///     .send()
///     .await?;
/// let for_org = http
///     .get("https://orders.example.com/v1/orders")
///     .auth0_bearer_for(&tokens, "https://orders.example.com", "org_1")
///     .await?
///     .send()
///     .await?;
/// # let _ = (orders, for_org); Ok(()) }
/// ```
pub trait RequestBuilderExt: sealed::Sealed + Sized {
    /// Adds `Authorization: Bearer <token>` with [`provider.token(audience)`](TokenProvider::token).
    ///
    /// # Errors
    /// The provider's [`TokenError`] when it has no token to hand out.
    fn auth0_bearer(
        self,
        provider: &TokenProvider,
        audience: &str,
    ) -> impl Future<Output = Result<RequestBuilder, TokenError>> + Send;

    /// Adds `Authorization: Bearer <token>` with
    /// [`provider.token_for(audience, organization)`](TokenProvider::token_for).
    ///
    /// # Errors
    /// The provider's [`TokenError`] when it has no token to hand out.
    fn auth0_bearer_for(
        self,
        provider: &TokenProvider,
        audience: &str,
        organization: &str,
    ) -> impl Future<Output = Result<RequestBuilder, TokenError>> + Send;
}

impl RequestBuilderExt for RequestBuilder {
    async fn auth0_bearer(
        self,
        provider: &TokenProvider,
        audience: &str,
    ) -> Result<RequestBuilder, TokenError> {
        let token = provider.token(audience).await?;
        Ok(with_token(self, token.header_value()))
    }

    async fn auth0_bearer_for(
        self,
        provider: &TokenProvider,
        audience: &str,
        organization: &str,
    ) -> Result<RequestBuilder, TokenError> {
        let token = provider.token_for(audience, organization).await?;
        Ok(with_token(self, token.header_value()))
    }
}

fn with_token(request: RequestBuilder, value: reqwest::header::HeaderValue) -> RequestBuilder {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(AUTHORIZATION, value);
    // `headers` replaces the values of the names it carries; `header` would append a second one.
    request.headers(headers)
}
