//! Strict unpadded base64url decoding of token segments: a vectorised decoder does the work,
//! and a quick scan names the fault when there is one.
//!
//! The vectorised decoder and the scalar one of the `base64` crate both refuse padding,
//! characters outside the URL-safe alphabet, a length of 1 modulo 4 and non-zero trailing bits,
//! so they accept exactly the same segments; the unit tests check that exhaustively on short
//! inputs, and under test and fuzzing every accepted segment is decoded by both and compared,
//! and every fault is classed by both. Where they would ever disagree, the segment is refused.

#[cfg(any(test, feature = "fuzzing"))]
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

/// What is wrong with a segment the vectorised decoder refused, found with one quick pass and
/// no second decoding (running the scalar decoder over a 16 KiB segment just to name its fault
/// cost more than refusing a bad RSA signature). The answer is in the same class as the scalar
/// decoder's, which is all the callers read: a byte outside the alphabet (or padding) makes
/// `InvalidByte`; otherwise a lone last symbol is `InvalidLength` and non-zero trailing bits
/// are `InvalidLastSymbol`. Under test and fuzzing the scalar decoder is asked too.
fn fault(segment: &str) -> base64::DecodeError {
    let bytes = segment.as_bytes();
    let len = bytes.len();
    // The bits of the last symbol of a final group of two or three that no decoded byte takes.
    let unused_bits = match len % 4 {
        2 => 0x0f,
        3 => 0x03,
        _ => 0,
    };
    let last = bytes.last().copied().unwrap_or(b'A');
    let fault = match first_outside_alphabet(bytes) {
        Some(at) => base64::DecodeError::InvalidByte(at, bytes[at]),
        None if len % 4 == 1 => base64::DecodeError::InvalidLength(len),
        None if sextet(last) & unused_bits != 0 => {
            base64::DecodeError::InvalidLastSymbol(len - 1, last)
        }
        // The decoders disagree: the stricter answer stands.
        None => base64::DecodeError::InvalidByte(0, 0),
    };
    #[cfg(any(test, feature = "fuzzing"))]
    assert_eq!(
        class(&fault),
        B64.decode(segment)
            .err()
            .as_ref()
            .map_or(FaultClass::Byte, class),
        "the fault of {segment:?} is not the scalar decoder's: {fault:?}"
    );
    fault
}

/// The index of the first byte outside the URL-safe alphabet.
fn first_outside_alphabet(bytes: &[u8]) -> Option<usize> {
    crate::byte_scan::first_outside(
        bytes,
        |b| matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'),
    )
}

/// The six bits a symbol of the URL-safe alphabet stands for.
fn sextet(symbol: u8) -> u8 {
    match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'-' => 62,
        _ => 63,
    }
}

/// The two kinds of fault the callers tell apart: a byte that is not base64url (or padding),
/// and a well-formed segment of an impossible shape.
#[cfg(any(test, feature = "fuzzing"))]
#[derive(Debug, PartialEq)]
enum FaultClass {
    Byte,
    Shape,
}

#[cfg(any(test, feature = "fuzzing"))]
fn class(fault: &base64::DecodeError) -> FaultClass {
    match fault {
        base64::DecodeError::InvalidByte(..) | base64::DecodeError::InvalidPadding => {
            FaultClass::Byte
        }
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => {
            FaultClass::Shape
        }
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

    /// Long segments with one fault anywhere (the scalar decoder's class is checked inside
    /// `fault`, under test, for each of them).
    #[test]
    fn a_fault_anywhere_in_a_long_segment_is_classed_as_the_scalar_decoder_classes_it() {
        for len in [32, 33, 63, 64, 65, 66, 67, 100, 16_381] {
            let plain = "A".repeat(len);
            if len % 4 == 1 {
                assert!(matches!(
                    decode(&plain),
                    Err(base64::DecodeError::InvalidLength(l)) if l == len
                ));
                continue;
            }
            assert!(decode(&plain).is_ok(), "{len}");
            let places = [0, 1, 31, 32, 33, len / 2, len - 2, len - 1];
            for at in places.into_iter().filter(|&at| at < len) {
                for bad in [b'~', b'+', b'/', b'=', b'.', b' '] {
                    let mut segment = plain.clone().into_bytes();
                    segment[at] = bad;
                    let segment = String::from_utf8(segment).unwrap();
                    assert!(
                        matches!(
                            decode(&segment),
                            Err(base64::DecodeError::InvalidByte(i, b)) if i == at && b == bad
                        ),
                        "{len} {at} {bad}"
                    );
                }
            }
            if len % 4 != 0 {
                let mut trailing = plain.clone();
                trailing.pop();
                trailing.push('B');
                assert!(matches!(
                    decode(&trailing),
                    Err(base64::DecodeError::InvalidLastSymbol(i, b'B')) if i == len - 1
                ));
            }
        }
    }
}
