//! Incoming requests, read once, size-checked and decoded, with typed accessors for
//! query parameters and JSON bodies that turn bad input into `400`s.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, HOST};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;

use super::reply::ApiError;
use super::uri;

/// The largest request body accepted; a bigger one is answered `413`.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// How much of an oversized body is read and dropped before answering `413`, so the
/// client, still sending, reads the answer instead of a reset connection. Past this
/// the connection is closed.
const MAX_DRAINED_BYTES: u64 = 2 * MAX_BODY_BYTES as u64;

/// An HTTP request reduced to what the handlers need.
pub struct ApiRequest {
    /// The method, upper case (`GET`, `PATCH`, ...).
    pub method: String,
    /// Percent-decoded path segments: `/api/v2/x%2Fy` is `["api", "v2", "x/y"]`.
    pub segments: Vec<String>,
    /// Query parameters in order, repeated ones included.
    pub query: Vec<QueryParam>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `Host` header, if any.
    pub host: Option<String>,
    /// The raw body, at most [`MAX_BODY_BYTES`].
    pub body: Vec<u8>,
}

/// One `key=value` of a query string or form body.
pub struct QueryParam {
    pub key: String,
    pub value: String,
    /// The value split on raw commas before decoding, so `%2C` stays inside an item.
    pub items: Vec<String>,
}

impl ApiRequest {
    /// Reads and decodes `request`; fails with `413` for an oversized body and `400`
    /// for a body that cannot be read or a path or query that is not UTF-8 once decoded.
    pub async fn read(request: Request) -> Result<ApiRequest, ApiError> {
        let too_large = || {
            ApiError::new(
                413,
                "request.entity.too.large",
                format!("The request is over the size limit. Maximum bytes: {MAX_BODY_BYTES}"),
            )
        };
        let (head, body) = request.into_parts();
        let declared_length = head
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared_length.is_some_and(|len| len > MAX_DRAINED_BYTES) {
            return Err(too_large());
        }
        let body = read_body(body).await?.ok_or_else(too_large)?;

        let segments = head
            .uri
            .path()
            .split('/')
            .skip(1)
            .map(uri::decode)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::bad_request("The request path is not valid UTF-8."))?;
        let header = |name| {
            head.headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        Ok(ApiRequest {
            method: head.method.as_str().to_ascii_uppercase(),
            segments,
            query: parse_query(head.uri.query().unwrap_or(""))?,
            authorization: header(AUTHORIZATION),
            host: header(HOST),
            body,
        })
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|p| p.key == name)
            .map(|p| p.value.as_str())
    }

    /// All items of a list parameter, whether sent comma-joined, repeated, or both;
    /// blanks are dropped.
    pub fn query_list(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|p| p.key == name)
            .flat_map(|p| p.items.iter())
            .map(|item| item.trim())
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A positive integer parameter, `default` when absent.
    pub fn query_positive(&self, name: &str, default: usize) -> Result<usize, ApiError> {
        match self.query_value(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{name} must be a positive integer, not '{text}'."
                    ))
                }),
        }
    }

    /// A `TRUE`/`FALSE`/`ALL` filter (any case): `Some(bool)` to filter, `None` for all.
    pub fn query_filter(
        &self,
        name: &str,
        default: Option<bool>,
    ) -> Result<Option<bool>, ApiError> {
        let Some(text) = self.query_value(name) else {
            return Ok(default);
        };
        match text.trim().to_ascii_uppercase().as_str() {
            "TRUE" => Ok(Some(true)),
            "FALSE" => Ok(Some(false)),
            "ALL" => Ok(None),
            _ => Err(ApiError::bad_request(format!(
                "{name} must be TRUE, FALSE or ALL, not '{text}'."
            ))),
        }
    }

    /// The body parsed as `T`; an empty body, malformed JSON or a wrongly typed field
    /// is a `400` that says what was wrong.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("A request body is required."));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("The request body is invalid: {e}")))
    }
}

/// The whole body, or `None` when it is over [`MAX_BODY_BYTES`] (read on up to
/// [`MAX_DRAINED_BYTES`] and dropped).
async fn read_body(mut body: Body) -> Result<Option<Vec<u8>>, ApiError> {
    let mut kept = Vec::new();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(format!("The request body could not be read: {e}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        received += data.len() as u64;
        if received <= MAX_BODY_BYTES as u64 {
            kept.extend_from_slice(&data);
        } else if received > MAX_DRAINED_BYTES {
            return Ok(None);
        }
    }
    Ok((received <= MAX_BODY_BYTES as u64).then_some(kept))
}

/// Parses a query string or `application/x-www-form-urlencoded` body.
pub fn parse_query(text: &str) -> Result<Vec<QueryParam>, ApiError> {
    let invalid = || ApiError::bad_request("The query string is not valid UTF-8.");
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok(QueryParam {
                key: uri::decode_form(key).ok_or_else(invalid)?,
                value: uri::decode_form(value).ok_or_else(invalid)?,
                items: value
                    .split(',')
                    .map(uri::decode_form)
                    .collect::<Option<_>>()
                    .ok_or_else(invalid)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with_query(query: &str) -> ApiRequest {
        ApiRequest {
            method: "GET".into(),
            segments: Vec::new(),
            query: parse_query(query).unwrap(),
            authorization: None,
            host: None,
            body: Vec::new(),
        }
    }

    #[test]
    fn lists_merge_commas_and_repeats() {
        let req = request_with_query("id=a,b&id=c&id=&id=d%2Ce&other=x");
        assert_eq!(req.query_list("id"), ["a", "b", "c", "d,e"]);
    }

    #[test]
    fn filters_and_numbers_validate() {
        let req = request_with_query("deleted=all&pageSize=0&flag=maybe");
        assert_eq!(req.query_filter("deleted", Some(false)).unwrap(), None);
        assert_eq!(
            req.query_filter("absent", Some(false)).unwrap(),
            Some(false)
        );
        assert!(req.query_filter("flag", None).is_err());
        assert!(req.query_positive("pageSize", 25).is_err());
        assert_eq!(req.query_positive("pageNumber", 1).unwrap(), 1);
    }

    #[test]
    fn rejects_non_utf8_queries() {
        assert!(parse_query("a=%FF").is_err());
    }
}
