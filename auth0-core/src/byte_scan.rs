//! Scans of a whole token for a byte outside a small class (the `b64token` alphabet, base64url),
//! written so that the compiler turns the class test into a few vector comparisons per block.

/// The index of the first byte of `bytes` for which `allowed` is false. 32 bytes at a time with
/// no exit inside a block (the vectorised part), then byte by byte within the first block that
/// holds one, and in the tail.
#[inline(always)]
pub(crate) fn first_outside(bytes: &[u8], allowed: impl Fn(u8) -> bool) -> Option<usize> {
    let mut at = 0;
    for block in bytes.chunks_exact(32) {
        if !block.iter().fold(true, |all, &b| all & allowed(b)) {
            break;
        }
        at += 32;
    }
    bytes[at..]
        .iter()
        .position(|&b| !allowed(b))
        .map(|i| at + i)
}
