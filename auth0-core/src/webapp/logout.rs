//! `/logout`: ends the local session, then the tenant's. A cross-site request cannot log a user
//! out: it gets a confirmation page (GET) or 403 (POST).

use crate::jwks::discover;

use super::WebApp;
use super::config::LogoutMode;
use super::http::{WebRequest, WebResponse, escape, page};
use super::session::SessionHandle;

impl WebApp {
    pub(crate) async fn logout(
        &self,
        request: &WebRequest<'_>,
        handle: &SessionHandle,
    ) -> WebResponse {
        let inner = &self.inner;
        let origin = inner.base.origin();
        let return_to = request
            .query_param("returnTo")
            .and_then(|t| inner.base.local_path(&t))
            .unwrap_or_else(|| "/".to_owned());
        match request.method {
            "POST" if request.cross_site(origin) => {
                return WebResponse::page(
                    403,
                    "Logout refused",
                    "This logout request came from another site.",
                );
            }
            "POST" => {}
            "GET" | "HEAD" if request.same_origin(origin) => {}
            "GET" | "HEAD" => return self.confirm_page(&return_to),
            _ => return WebResponse::page(405, "Method not allowed", "Use POST to log out."),
        }
        let id_token = handle.session().map(|s| s.id_token().to_owned());
        handle.clear();
        let back = inner.base.absolute(&return_to);
        let location = match inner.logout {
            LogoutMode::Local => return_to,
            LogoutMode::Auth0 => {
                let mut url = match url::Url::parse(&inner.tenant.url("/v2/logout")) {
                    Ok(url) => url,
                    Err(_) => return WebResponse::redirect(return_to),
                };
                url.query_pairs_mut()
                    .append_pair("client_id", &inner.client_id)
                    .append_pair("returnTo", &back);
                url.into()
            }
            LogoutMode::OidcEndSession => match self.end_session_endpoint().await {
                Some(endpoint) => match url::Url::parse(&endpoint) {
                    Ok(mut url) => {
                        {
                            let mut query = url.query_pairs_mut();
                            if let Some(hint) = &id_token {
                                query.append_pair("id_token_hint", hint);
                            }
                            query
                                .append_pair("post_logout_redirect_uri", &back)
                                .append_pair("client_id", &inner.client_id);
                        }
                        url.into()
                    }
                    Err(_) => return_to,
                },
                None => {
                    // The local session is gone; say plainly that the tenant's is not.
                    return WebResponse::page(
                        502,
                        "Logged out of this application only",
                        "The identity provider's logout endpoint could not be found; you are \
                         still logged in there.",
                    );
                }
            },
        };
        WebResponse::redirect(location)
    }

    /// The discovery document's `end_session_endpoint`, fetched once.
    async fn end_session_endpoint(&self) -> Option<String> {
        let inner = &self.inner;
        inner
            .end_session
            .get_or_try_init(|| async {
                let meta = discover(&inner.tenant.issuer()).await.map_err(|e| {
                    tracing::warn!(target: "auth0::webapp", error = %e, "discovery failed");
                })?;
                meta.end_session_endpoint.ok_or(())
            })
            .await
            .ok()
            .cloned()
    }

    /// A GET that the browser did not mark as same-origin: ask, with a same-origin POST form.
    fn confirm_page(&self, return_to: &str) -> WebResponse {
        let mut action = url::form_urlencoded::Serializer::new(String::new());
        action.append_pair("returnTo", return_to);
        let action = format!("{}?{}", self.inner.logout_path, action.finish());
        let body = format!(
            "<p>Do you want to log out?</p><form method=\"post\" action=\"{}\">\
             <button id=\"logout\" type=\"submit\">Log out</button></form>",
            escape(&action)
        );
        WebResponse::html(200, page("Log out", &body))
    }
}
