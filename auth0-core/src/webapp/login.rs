//! `/login` and `/callback`.

use std::sync::Arc;

use crate::verify::id_token::VerifyOptions;

use crate::verify::replay::{ReplayCheck, ReplayKey};

use super::cookies::{self, SetCookie};
use super::error::CallbackError;
use super::http::{WebRequest, WebResponse};
use super::seal::Purpose;
use super::session::{Change, Session, SessionHandle, StoredAccessToken};
use super::transaction::{self, LoginOptions, Transaction, random_token, s256_challenge};
use super::{UsedStates, WebApp};

/// The login route's query: `returnTo`, and the parameters of Auth0's application login route
/// (`organization`, `invitation`) plus `screen_hint`.
pub(crate) fn options_from_query(request: &WebRequest<'_>) -> LoginOptions {
    let mut options = LoginOptions::new();
    options.return_to = request.query_param("returnTo");
    options.organization = request.query_param("organization");
    options.invitation = request.query_param("invitation");
    options.screen_hint = request.query_param("screen_hint");
    options
}

impl WebApp {
    /// Starts a login: a redirect to the tenant's `/authorize` and the sealed transaction
    /// cookie. Use it for custom routes (a sign-up link, an organization picker); the login
    /// route calls it with the options of its query.
    ///
    /// Each login has its own transaction cookie, so logins started in several tabs each
    /// complete. `request` is the request that starts this one: when its browser already has
    /// four logins under way, the oldest are forgotten (their cookies removed).
    pub async fn login(&self, request: &WebRequest<'_>, options: LoginOptions) -> WebResponse {
        let inner = &self.inner;
        let (Some(state), Some(nonce), Some(verifier)) =
            (random_token(), random_token(), random_token())
        else {
            return WebResponse::page(500, "Login failed", "No secure randomness available.");
        };
        let return_to = options
            .return_to
            .as_deref()
            .and_then(|t| inner.base.local_path(t))
            .unwrap_or_else(|| "/".to_owned());
        let mut params: Vec<(String, String)> = vec![
            ("response_type".into(), "code".into()),
            ("redirect_uri".into(), self.callback_url()),
            ("scope".into(), inner.scope.clone()),
            ("state".into(), state.clone()),
            ("nonce".into(), nonce.clone()),
            ("code_challenge".into(), s256_challenge(&verifier)),
            ("code_challenge_method".into(), "S256".into()),
        ];
        let optional = [
            ("audience", inner.audience.clone()),
            ("organization", options.organization.clone()),
            ("invitation", options.invitation.clone()),
            ("connection", options.connection.clone()),
            ("screen_hint", options.screen_hint.clone()),
            ("prompt", options.prompt.clone()),
            ("max_age", options.max_age.map(|d| d.as_secs().to_string())),
        ];
        params.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
        );
        // Extra parameters never override the ones that carry the login's security.
        for (name, value) in inner.authorize_params.iter().chain(options.params.iter()) {
            if !params.iter().any(|(k, _)| k == name) && name != "client_id" {
                params.push((name.clone(), value.clone()));
            }
        }
        let Some(cookie_name) = transaction::cookie_name(&state) else {
            return WebResponse::page(500, "Login failed", "No secure randomness available.");
        };
        let transaction = Transaction {
            state,
            nonce,
            verifier,
            return_to,
            max_age: options.max_age.map(|d| d.as_secs()),
            organization: options.organization,
            created_at: self.now(),
        };
        let Some(cookie) = serde_json::to_vec(&transaction)
            .ok()
            .and_then(|json| inner.sealer.seal(Purpose::Transaction, &cookie_name, &json))
        else {
            return WebResponse::page(500, "Login failed", "The login cookie could not be sealed.");
        };
        let location = match self.authorize_location(params).await {
            Ok(location) => location,
            Err(message) => return WebResponse::page(502, "Login failed", &message),
        };
        let mut cookies = self.forget_oldest_logins(request);
        cookies.push(SetCookie::new(
            cookie_name,
            cookie,
            transaction::LIFETIME,
            inner.base.secure(),
        ));
        WebResponse::redirect(location).with_cookies(cookies)
    }

    /// Removals for the transaction cookies beyond the newest `MAX_PENDING - 1` of `request`
    /// (those that cannot be opened or have expired count as the oldest), making room for
    /// one more login.
    fn forget_oldest_logins(&self, request: &WebRequest<'_>) -> Vec<SetCookie> {
        let pairs = cookies::parse(&request.cookies);
        let pending = transaction::pending(&pairs);
        if pending.len() < transaction::MAX_PENDING {
            return Vec::new();
        }
        let now = self.now();
        let mut by_age: Vec<(i64, &str)> = pending
            .iter()
            .map(|(name, value)| {
                let created_at = self
                    .inner
                    .sealer
                    .open(Purpose::Transaction, name, value)
                    .ok()
                    .and_then(|plain| serde_json::from_slice::<Transaction>(&plain).ok())
                    .map(|t| t.created_at)
                    .filter(|&at| now - at <= transaction::LIFETIME)
                    .unwrap_or(i64::MIN);
                (created_at, *name)
            })
            .collect();
        // Newest first; everything from the (MAX_PENDING - 1)th on is forgotten.
        by_age.sort_by_key(|&(created_at, _)| std::cmp::Reverse(created_at));
        let secure = self.inner.base.secure();
        by_age
            .into_iter()
            .skip(transaction::MAX_PENDING - 1)
            .map(|(_, name)| SetCookie::removal(name, secure))
            .collect()
    }

    /// The `/authorize` URL with these parameters, or with the `request_uri` of a pushed
    /// authorization request.
    async fn authorize_location(&self, params: Vec<(String, String)>) -> Result<String, String> {
        let inner = &self.inner;
        let mut url = url::Url::parse(&inner.tenant.url("/authorize"))
            .map_err(|_| "the tenant's authorize URL is invalid".to_owned())?;
        if inner.use_par {
            let mut par = inner
                .client
                .pushed_authorization_request("code", self.callback_url());
            for (name, value) in params {
                if name != "response_type" && name != "redirect_uri" {
                    par = par.param(name, value);
                }
            }
            let pushed = par.await.map_err(|e| {
                tracing::warn!(target: "auth0::webapp", error = %e, "pushed authorization request failed");
                "The login could not be started: the identity provider did not accept the request."
                    .to_owned()
            })?;
            url.query_pairs_mut()
                .append_pair("client_id", &inner.client_id)
                .append_pair("request_uri", &pushed.request_uri);
        } else {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", &inner.client_id);
            for (name, value) in &params {
                query.append_pair(name, value);
            }
        }
        Ok(url.into())
    }

    /// `/callback`: on success a new session (new identity) and a redirect to where the login
    /// started; else the error page. The transaction cookie its `state` names is removed either
    /// way; other logins under way keep theirs.
    pub(crate) async fn callback(
        &self,
        request: &WebRequest<'_>,
        handle: &SessionHandle,
    ) -> WebResponse {
        let state = request.query_param("state").unwrap_or_default();
        let name = transaction::cookie_name(&state);
        // Only this login's transaction is removed: another tab's stays.
        let clear = name
            .clone()
            .map(|name| SetCookie::removal(name, self.inner.base.secure()));
        let response = match self
            .complete(request, handle, &state, name.as_deref())
            .await
        {
            Ok(return_to) => WebResponse::redirect(return_to),
            Err(error) => {
                tracing::info!(target: "auth0::webapp", error = %error, "login failed at the callback");
                let title = if error.is_access_denied() {
                    "Access denied"
                } else {
                    "Login failed"
                };
                WebResponse::page(error.status(), title, &error.to_string())
            }
        };
        response.with_cookies(clear)
    }

    /// Marks `state` used, or refuses it when it already was (on this instance, or on any
    /// instance sharing the store).
    async fn use_state(&self, state: &str) -> Result<(), CallbackError> {
        match &self.inner.used_states {
            UsedStates::Local(used) => {
                if used.get(state).is_some() {
                    return Err(CallbackError::StateReused);
                }
                used.insert(state.to_owned(), ());
                Ok(())
            }
            UsedStates::Shared(store) => {
                let key = ReplayKey::new(&self.callback_url(), state);
                let ttl = std::time::Duration::from_secs(transaction::LIFETIME.unsigned_abs());
                match store.check_and_remember(&key, ttl).await {
                    Ok(ReplayCheck::Fresh) => Ok(()),
                    Ok(ReplayCheck::Replayed) => Err(CallbackError::StateReused),
                    Err(e) => Err(CallbackError::StateStore(e)),
                }
            }
        }
    }

    /// Completes the login whose `state` the callback carries, from the transaction cookie
    /// `name` (`None`: the state cannot name one).
    async fn complete(
        &self,
        request: &WebRequest<'_>,
        handle: &SessionHandle,
        state: &str,
        name: Option<&str>,
    ) -> Result<String, CallbackError> {
        let inner = &self.inner;
        let pairs = cookies::parse(&request.cookies);
        // The cookie of the login this callback names; a browser that has other logins under
        // way but not this one got a state that is not its own.
        let no_transaction = || {
            if transaction::pending(&pairs).is_empty() {
                CallbackError::MissingTransaction
            } else {
                CallbackError::StateMismatch
            }
        };
        let name = name.ok_or_else(no_transaction)?;
        let sealed = cookies::read_chunked(&pairs, name)
            .map_err(|_| CallbackError::InvalidTransaction)?
            .ok_or_else(no_transaction)?;
        let transaction: Transaction = inner
            .sealer
            .open(Purpose::Transaction, name, &sealed)
            .ok()
            .and_then(|plain| serde_json::from_slice(&plain).ok())
            .ok_or(CallbackError::InvalidTransaction)?;
        if !transaction::same_secret(state, &transaction.state) {
            return Err(CallbackError::StateMismatch);
        }
        if self.now() - transaction.created_at > transaction::LIFETIME {
            return Err(CallbackError::Expired);
        }
        // Single use: the first callback with this state wins, a replay is refused.
        self.use_state(&transaction.state).await?;
        if let Some(error) = request.query_param("error") {
            return Err(CallbackError::Authorization {
                error,
                description: request.query_param("error_description"),
            });
        }
        let code = request
            .query_param("code")
            .filter(|c| !c.is_empty())
            .ok_or(CallbackError::MissingCode)?;
        let grant = inner.client.get_token();
        let tokens = if inner.has_secret {
            grant
                .authorization_code(code, self.callback_url())
                .param("code_verifier", transaction.verifier.as_str())
                .await
        } else {
            grant
                .authorization_code_pkce(transaction.verifier.as_str(), code, self.callback_url())
                .await
        }
        .map_err(|e| CallbackError::Exchange(Arc::new(e)))?;
        let id_token = tokens
            .id_token
            .clone()
            .ok_or(CallbackError::MissingIdToken)?;
        let mut options = VerifyOptions::new().nonce(transaction.nonce.as_str());
        if let Some(max_age) = transaction.max_age {
            options = options.max_age(std::time::Duration::from_secs(max_age));
        }
        if let Some(organization) = &transaction.organization {
            options = options.organization(organization.as_str());
        }
        let user = inner.verifier.verify(&id_token, &options).await?;
        let now = self.now();
        let sid = random_token().ok_or(CallbackError::Seal)?;
        let access_token = inner.audience.as_ref().map(|_| StoredAccessToken {
            token: tokens.access_token.clone(),
            expires_at: now
                .saturating_add(i64::try_from(tokens.expires_in.unwrap_or(0)).unwrap_or(i64::MAX)),
            scope: tokens.scope.clone(),
        });
        let session = Session {
            sid,
            user,
            id_token,
            access_token,
            refresh_token: tokens.refresh_token.clone(),
            created_at: now,
            touched_at: now,
        };
        handle.set(session, Change::Created);
        Ok(transaction.return_to)
    }
}
