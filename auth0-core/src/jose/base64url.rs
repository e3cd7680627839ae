//! Strict unpadded base64url decoding of token segments: a vectorised decoder does the work,
//! and the scalar one of the `base64` crate names the fault when there is one.
//!
//! Both refuse padding, characters outside the URL-safe alphabet, a length of 1 modulo 4 and
//! non-zero trailing bits, so they accept exactly the same segments; the unit tests check that
//! exhaustively on short inputs, and under test and fuzzing every accepted segment is decoded
//! by both and compared. Where they would ever disagree, the segment is refused.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::mem::MaybeUninit;

use base64_simd::{Out, URL_SAFE_NO_PAD};

/// Unpadded base64url that refuses padding and non-canonical trailing bits.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes `segment` into a fresh `Vec`.
pub(crate) fn decode(segment: &str) -> Result<Vec<u8>, base64::DecodeError> {
    match URL_SAFE_NO_PAD.decode_to_vec(segment) {
        Ok(bytes) => {
            agrees(segment, &bytes);
            Ok(bytes)
        }
        Err(_) => Err(fault(segment)),
    }
}

/// Decodes `segment` into the start of `out`, which need not be initialised (a stack buffer
/// is not zeroed first); the decoded bytes. `out` too small is `OutputSliceTooSmall`, as with
/// the `base64` crate.
pub(crate) fn decode_into<'o>(
    segment: &str,
    out: &'o mut [MaybeUninit<u8>],
) -> Result<&'o [u8], base64::DecodeSliceError> {
    let len = match URL_SAFE_NO_PAD.decoded_length(segment.as_bytes()) {
        Ok(len) => len,
        Err(_) => return Err(fault(segment).into()),
    };
    let Some(out) = out.get_mut(..len) else {
        return Err(base64::DecodeSliceError::OutputSliceTooSmall);
    };
    match URL_SAFE_NO_PAD.decode(segment.as_bytes(), Out::from_uninit_slice(out)) {
        Ok(bytes) => {
            agrees(segment, bytes);
            Ok(bytes)
        }
        Err(_) => Err(fault(segment).into()),
    }
}

/// The scalar decoder's account of a segment the vectorised one refused.
fn fault(segment: &str) -> base64::DecodeError {
    match B64.decode(segment) {
        Err(e) => e,
        // The decoders disagree: the stricter answer stands.
        Ok(_) => base64::DecodeError::InvalidByte(0, 0),
    }
}

/// Under test and fuzzing, holds an accepted segment's decoding to the scalar decoder's.
#[inline]
fn agrees(segment: &str, bytes: &[u8]) {
    #[cfg(any(test, feature = "fuzzing"))]
    assert_eq!(
        B64.decode(segment).ok().as_deref(),
        Some(bytes),
        "the decoders disagree on {segment:?}"
    );
    let _ = (segment, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to four characters over an alphabet that holds both ends of each
    /// range, the two URL-safe extras, their standard-alphabet twins, padding and a byte above
    /// ASCII: both decoders accept the same ones, with the same bytes.
    #[test]
    fn the_decoders_agree_on_every_short_segment() {
        let alphabet = [
            "A", "Q", "Z", "a", "z", "0", "9", "-", "_", "+", "/", "=", " ", ".", "é",
        ];
        let mut segments = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..4 {
            level = level
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            segments.extend(level.iter().cloned());
        }
        let mut accepted = 0;
        for segment in &segments {
            let scalar = B64.decode(segment).ok();
            let fast = URL_SAFE_NO_PAD.decode_to_vec(segment).ok();
            assert_eq!(fast, scalar, "{segment:?}");
            assert_eq!(decode(segment).ok(), scalar, "{segment:?}");
            let mut out = [MaybeUninit::uninit(); 8];
            let sliced = decode_into(segment, &mut out).ok().map(<[u8]>::to_vec);
            assert_eq!(sliced, scalar, "{segment:?}");
            accepted += usize::from(scalar.is_some());
        }
        assert!(
            accepted > 1000,
            "the alphabet yields valid segments too ({accepted})"
        );
    }

    #[test]
    fn long_segments_and_faults_are_named_as_before() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let encoded = B64.encode(&bytes);
        assert_eq!(decode(&encoded).unwrap(), bytes);
        let mut out = vec![MaybeUninit::uninit(); 1000];
        assert_eq!(decode_into(&encoded, &mut out).unwrap(), bytes);
        let mut short = [MaybeUninit::uninit(); 10];
        assert!(matches!(
            decode_into(&encoded, &mut short),
            Err(base64::DecodeSliceError::OutputSliceTooSmall)
        ));
        assert!(matches!(
            decode("AB=C"),
            Err(base64::DecodeError::InvalidByte(2, b'='))
        ));
        assert!(matches!(
            decode("A+BC"),
            Err(base64::DecodeError::InvalidByte(1, b'+'))
        ));
        assert!(matches!(
            decode("ABCDE"),
            Err(base64::DecodeError::InvalidLength(5))
        ));
        assert!(matches!(
            decode("AB"),
            Err(base64::DecodeError::InvalidLastSymbol(1, b'B'))
        ));
    }
}
