//! Calls past the API's per-request limits: presence reads and writes for any
//! number of users, split into requests of 50 that run concurrently over the
//! client's connection pool, and every page of a paged listing in one call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operations::{self, BODY};

/// The most ids one bulk request may carry (the API's documented limit).
pub const CHUNK_SIZE: usize = 50;
/// Requests in flight at once, by default, for one bulk call.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// The most requests in flight at once that a caller may ask for.
pub const MAX_CONCURRENCY: usize = 64;

impl Client {
    /// The presence of every user in `ids`, on `source_id` (`None`: PURECLOUD),
    /// however many: one `getUsersPresencesPurecloudBulk` (or
    /// `getUsersPresenceBulk`) request per 50 ids, `concurrency` at a time.
    /// Results are in the order of `ids`; users the API does not return are
    /// absent. Each request is retried as the config allows (429s included);
    /// the first failure ends the call with its error.
    pub fn bulk_get_presences(
        &self,
        source_id: Option<&str>,
        ids: &[String],
        concurrency: usize,
    ) -> Result<Vec<Value>> {
        let operation = match source_id {
            None => operations::find("getUsersPresencesPurecloudBulk")?,
            Some(_) => operations::find("getUsersPresenceBulk")?,
        };
        let chunks: Vec<&[String]> = ids.chunks(CHUNK_SIZE).collect();
        let pages: Vec<Vec<Value>> = self.run_chunks(chunks.len(), concurrency, |index| {
            let mut params = Map::new();
            params.insert("id".to_owned(), json!(chunks[index]));
            if let Some(source_id) = source_id {
                params.insert("sourceId".to_owned(), json!(source_id));
            }
            self.typed_call(operation, params)
        })?;
        Ok(in_order_of(ids, pages.into_iter().flatten().collect()))
    }

    /// Sets the presence of any number of users: `entries` (MutableUserPresence
    /// objects) sent through `putUsersPresencesBulk` 50 at a time,
    /// `concurrency` requests at once. Returns the API's answers, in the order
    /// of `entries`' chunks; the first failure ends the call with its error.
    pub fn bulk_put_presences(&self, entries: &[Value], concurrency: usize) -> Result<Vec<Value>> {
        let operation = operations::find("putUsersPresencesBulk")?;
        let chunks: Vec<&[Value]> = entries.chunks(CHUNK_SIZE).collect();
        let pages: Vec<Vec<Value>> = self.run_chunks(chunks.len(), concurrency, |index| {
            let mut params = Map::new();
            params.insert(BODY.to_owned(), Value::Array(chunks[index].to_vec()));
            self.typed_call(operation, params)
        })?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// Every organization presence definition of `getPresencedefinitions`,
    /// following its pages; `params` may hold its `pageSize` (default 100),
    /// `deleted` and `localeCode`.
    pub fn all_presencedefinitions(&self, mut params: Map<String, Value>) -> Result<Vec<Value>> {
        let operation = operations::find("getPresencedefinitions")?;
        if params.contains_key("pageNumber") {
            return Err(Error::invalid_argument(
                "getPresencedefinitions (all pages): pageNumber is chosen by the library",
            ));
        }
        params.entry("pageSize").or_insert(json!(100));
        let mut entities = Vec::new();
        for page_number in 1.. {
            params.insert("pageNumber".to_owned(), json!(page_number));
            let page: Value = self.typed_call(operation, params.clone())?;
            let page_entities = page["entities"].as_array().cloned().unwrap_or_default();
            let page_count = page["pageCount"].as_u64().unwrap_or(0);
            let done = page_entities.is_empty() || page_number >= page_count;
            entities.extend(page_entities);
            if done {
                break;
            }
        }
        Ok(entities)
    }

    /// Runs `run(0..count)` on up to `concurrency` threads; returns the results
    /// in index order, or the error of the first failing index (after which no
    /// new index starts).
    fn run_chunks<T: Send>(
        &self,
        count: usize,
        concurrency: usize,
        run: impl Fn(usize) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
            return Err(Error::invalid_argument(format!(
                "concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}"
            )));
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let results: Mutex<Vec<Option<Result<T>>>> = Mutex::new((0..count).map(|_| None).collect());
        let worker = || loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count || failed.load(Ordering::Relaxed) {
                break;
            }
            let result = run(index).map_err(|mut error| {
                failed.store(true, Ordering::Relaxed);
                error.message = format!("request {} of {count}: {}", index + 1, error.message);
                error
            });
            results.lock().unwrap_or_else(|poison| poison.into_inner())[index] = Some(result);
        };
        std::thread::scope(|scope| {
            for _ in 1..concurrency.min(count) {
                scope.spawn(worker);
            }
            worker();
        });
        let results = results
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner());
        // Chunks after a failure never ran: the first `None` comes after an error.
        results.into_iter().map_while(|result| result).collect()
    }
}

/// Sorts presences into the order of `ids`, by `userId` (or `id`); entries
/// naming no requested user keep their order at the end.
fn in_order_of(ids: &[String], mut presences: Vec<Value>) -> Vec<Value> {
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        position.entry(id).or_insert(index);
    }
    presences.sort_by_key(|presence| {
        presence["userId"]
            .as_str()
            .or_else(|| presence["id"].as_str())
            .and_then(|id| position.get(id).copied())
            .unwrap_or(usize::MAX)
    });
    presences
}
