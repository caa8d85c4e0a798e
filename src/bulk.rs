//! Calls past the API's per-request limits: presence reads and writes for any
//! number of users, split into requests of 50 that run concurrently over the
//! client's connection pool, and every page of a paged listing in one call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::client::{decode_error, Client};
use crate::error::{Error, Result};
use crate::operations::{self, Operation, Params, BODY};

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
    ///
    /// Each entry is a `UcUserPresence` as the API sent it, checked for JSON
    /// syntax but not parsed into a tree: deserialize it into
    /// [`crate::models::UcUserPresence`] (or a `Value`) where needed.
    pub fn bulk_get_presences<Id: AsRef<str> + Serialize + Sync>(
        &self,
        source_id: Option<&str>,
        ids: &[Id],
        concurrency: usize,
    ) -> Result<Vec<Box<RawValue>>> {
        let operation = match source_id {
            None => operations::find("getUsersPresencesPurecloudBulk")?,
            Some(_) => operations::find("getUsersPresenceBulk")?,
        };
        let source_id = source_id.map(raw_json).transpose()?;
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            position.entry(id.as_ref()).or_insert(index);
        }
        let chunks: Vec<&[Id]> = ids.chunks(CHUNK_SIZE).collect();
        let pages = self.run_chunks(chunks.len(), concurrency, |index| {
            let chunk = raw_json(chunks[index])?;
            let mut params = Params::new();
            params.insert("id".to_owned(), &*chunk);
            if let Some(source_id) = &source_id {
                params.insert("sourceId".to_owned(), &**source_id);
            }
            let page = self.execute(operation, &params)?;
            Ok(entries_of(operation, &page)?
                .into_iter()
                .map(|entry| (requested_position(entry, &position), entry.to_owned()))
                .collect::<Vec<_>>())
        })?;
        let mut presences: Vec<(usize, Box<RawValue>)> = pages.into_iter().flatten().collect();
        // Stable: entries naming no requested user keep their order at the end.
        presences.sort_by_key(|(position, _)| *position);
        Ok(presences
            .into_iter()
            .map(|(_, presence)| presence)
            .collect())
    }

    /// Sets the presence of any number of users: `entries` (MutableUserPresence
    /// objects: models, `Value`s or `RawValue`s) sent through
    /// `putUsersPresencesBulk` 50 at a time, `concurrency` requests at once.
    /// Returns the API's answers (`UserPresence` JSON, as for
    /// [`Client::bulk_get_presences`]) in the order of `entries`' chunks; the
    /// first failure ends the call with its error.
    pub fn bulk_put_presences<Entry: Serialize + Sync>(
        &self,
        entries: &[Entry],
        concurrency: usize,
    ) -> Result<Vec<Box<RawValue>>> {
        let operation = operations::find("putUsersPresencesBulk")?;
        let chunks: Vec<&[Entry]> = entries.chunks(CHUNK_SIZE).collect();
        let pages = self.run_chunks(chunks.len(), concurrency, |index| {
            let body = raw_json(chunks[index])?;
            let params = Params::from([(BODY.to_owned(), &*body)]);
            let page = self.execute(operation, &params)?;
            Ok(entries_of(operation, &page)?
                .into_iter()
                .map(|entry| entry.to_owned())
                .collect::<Vec<_>>())
        })?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// Every organization presence definition of `getPresencedefinitions`,
    /// following its pages; `params` may hold its `pageSize` (default 100),
    /// `deleted` and `localeCode`. Entries are `OrganizationPresence` JSON, as
    /// for [`Client::bulk_get_presences`].
    pub fn all_presencedefinitions(
        &self,
        mut params: Map<String, Value>,
    ) -> Result<Vec<Box<RawValue>>> {
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
            let page: ListingPage = self.typed_call(operation, params.clone())?;
            // As tolerant as indexing a `Value`: an ill-typed field is absent.
            let page_entities: Vec<Box<RawValue>> = page
                .entities
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or_default();
            let page_count = page
                .page_count
                .as_ref()
                .and_then(Value::as_u64)
                .unwrap_or(0);
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

/// A value's JSON text, to pass as a parameter without building a `Value`.
fn raw_json<T: Serialize + ?Sized>(value: &T) -> Result<Box<RawValue>> {
    serde_json::value::to_raw_value(value)
        .map_err(|error| Error::invalid_argument(format!("cannot encode: {error}")))
}

/// The entries of a list answer (already checked for JSON syntax), borrowed.
fn entries_of<'a>(operation: &Operation, page: &'a str) -> Result<Vec<&'a RawValue>> {
    serde_json::from_str(page).map_err(|error| decode_error(format!("{}: {error}", operation.id)))
}

/// What a page of a listing is read for.
#[derive(Deserialize)]
struct ListingPage {
    #[serde(default)]
    entities: Option<Box<RawValue>>,
    #[serde(rename = "pageCount", default)]
    page_count: Option<Value>,
}

/// The fields that name a presence's user.
#[derive(Deserialize)]
struct PresenceOwner {
    #[serde(rename = "userId", default)]
    user_id: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
}

/// Where a presence goes in the answer: the position in `ids` of its `userId`
/// (or `id`), else `usize::MAX`.
fn requested_position(presence: &RawValue, position: &HashMap<&str, usize>) -> usize {
    let Ok(owner) = serde_json::from_str::<PresenceOwner>(presence.get()) else {
        return usize::MAX;
    };
    fn text(field: &Option<Value>) -> Option<&str> {
        field.as_ref().and_then(Value::as_str)
    }
    text(&owner.user_id)
        .or_else(|| text(&owner.id))
        .and_then(|id| position.get(id).copied())
        .unwrap_or(usize::MAX)
}
