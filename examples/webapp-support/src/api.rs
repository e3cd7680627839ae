//! The API page's call: the session's access token to the API, and the API's own answer.

use std::sync::OnceLock;
use std::time::Duration;

use auth0_core::webapp::{AccessToken, AccessTokenError};
use serde_json::{Value, json};

use crate::PRIVATE_MESSAGE;

/// What the API page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCall {
    /// The API's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Its body (at most 64 KiB), or why there was no call.
    pub body: String,
}

/// The JSON the app's own `GET /api/private` answers.
pub fn api_private_body(sub: &str) -> Value {
    json!({ "message": PRIVATE_MESSAGE, "sub": sub })
}

fn client() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .ok()
        })
        .as_ref()
}

/// Calls `api_url` with the access token, or explains why there is none.
pub async fn call_api(api_url: &str, token: Result<AccessToken, AccessTokenError>) -> ApiCall {
    let token = match token {
        Ok(token) => token,
        Err(error) => {
            return ApiCall {
                status: None,
                body: format!("no access token: {error}"),
            };
        }
    };
    let Some(client) = client() else {
        return ApiCall {
            status: None,
            body: "no HTTP client".to_owned(),
        };
    };
    match client.get(api_url).bearer_auth(token.secret()).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = match response.bytes().await {
                Ok(bytes) => {
                    String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).into_owned()
                }
                Err(error) => format!("unreadable body: {error}"),
            };
            ApiCall {
                status: Some(status),
                body,
            }
        }
        Err(error) => ApiCall {
            status: None,
            body: format!("the API could not be reached: {error}"),
        },
    }
}
