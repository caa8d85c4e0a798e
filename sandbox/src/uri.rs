//! Percent-encoding both ways: decoding request paths and queries, encoding the
//! `selfUri`s and paging links the sandbox hands out.

use genesys_presence::operations::ENCODE_SET;
use percent_encoding::{percent_decode_str, utf8_percent_encode};

/// Percent-encodes one path segment or query value, as the library does (so `/`,
/// `?`, `&` and `,` stay inside it).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODE_SET).to_string()
}

/// Percent-decodes `text`; `None` if the bytes it spells are not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// Decodes a form or query component, where `+` stands for a space.
pub fn decode_form(text: &str) -> Option<String> {
    decode(&text.replace('+', " "))
}

/// Builds `path?k=v&...` from already-decoded pairs.
pub fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_reserved_characters() {
        let raw = "a/b c,d?é";
        assert_eq!(encode(raw), "a%2Fb%20c%2Cd%3F%C3%A9");
        assert_eq!(decode(&encode(raw)).as_deref(), Some(raw));
    }

    #[test]
    fn rejects_bad_utf8_and_reads_plus_as_space() {
        assert_eq!(decode("%FF"), None);
        assert_eq!(decode_form("a+b%2B").as_deref(), Some("a b+"));
    }

    #[test]
    fn builds_query_strings() {
        let uri = with_query("/x", &[("pageSize", "25".into()), ("q", "a b".into())]);
        assert_eq!(uri, "/x?pageSize=25&q=a%20b");
    }
}
