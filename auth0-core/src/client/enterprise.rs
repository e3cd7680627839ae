//! SAML and WS-Federation metadata documents (auth0-python `Enterprise`), returned as text.

use super::AuthenticationClient;
use super::request::{Call, endpoint};

/// Enterprise metadata (auth0-python `Enterprise`); from [`AuthenticationClient::enterprise`].
#[derive(Clone, Copy, Debug)]
pub struct Enterprise<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Enterprise<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// The application's SAML IdP metadata: `GET /samlp/metadata/{client_id}`, as XML text.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let xml = auth.enterprise().saml_metadata().await?;
    /// # let _ = xml; Ok(()) }
    /// ```
    pub fn saml_metadata(&self) -> SamlMetadataRequest {
        let path = format!(
            "/samlp/metadata/{}",
            path_segment(&self.client.inner.client_id)
        );
        SamlMetadataRequest {
            call: Call::get(self.client, "GET /samlp/metadata/{client_id}", path),
        }
    }

    /// The tenant's WS-Federation metadata:
    /// `GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml`, as XML text.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let xml = auth.enterprise().wsfed_metadata().await?;
    /// # let _ = xml; Ok(()) }
    /// ```
    pub fn wsfed_metadata(&self) -> WsFedMetadataRequest {
        const PATH: &str = "/wsfed/FederationMetadata/2007-06/FederationMetadata.xml";
        WsFedMetadataRequest {
            call: Call::get(
                self.client,
                "GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml",
                PATH,
            ),
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

endpoint!(
    /// `GET /samlp/metadata/{client_id}`; see [`Enterprise::saml_metadata`].
    SamlMetadataRequest => String
);
endpoint!(
    /// `GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml`; see
    /// [`Enterprise::wsfed_metadata`].
    WsFedMetadataRequest => String
);

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_path_segment() {
        assert_eq!(super::path_segment("abc-_.~XYZ09"), "abc-_.~XYZ09");
        assert_eq!(super::path_segment("a/b c?"), "a%2Fb%20c%3F");
    }
}
