//! PEM armour (RFC 7468) for the test keys: base64 of the DER between labelled lines.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `der` as PEM with `label` (`PRIVATE KEY`, `PUBLIC KEY`), 64 characters a line.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let text = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER inside the first `label` block of `pem`, if there is one and it decodes.
pub(crate) fn decode(label: &str, pem: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let body: String = pem[start..stop].split_whitespace().collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = encode("PUBLIC KEY", &der);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
        assert_eq!(decode("PUBLIC KEY", &pem), Some(der));
        assert_eq!(decode("PRIVATE KEY", &pem), None);
    }
}
