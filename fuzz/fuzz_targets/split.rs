//! Turns one fuzz input into several files: the parts between `\n===\n` separators, in order.
//! A fuzzer that finds the separator (it is in the seed corpus) can shape each file on its own.

/// The separator between the files of one input.
pub const SEPARATOR: &[u8] = b"\n===\n";

/// The input cut at every separator, at most `max` parts (the last one keeps the rest).
pub fn parts(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < max {
        match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}
