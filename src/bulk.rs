//! Calls past the API's per-request limits: presence reads and writes for any
//! number of users, split into requests of 50 that run concurrently over the
//! client's connection pool, and every page of a paged listing in one call.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::cancel::{CallOptions, Control};
use crate::client::{decode_error, Client};
use crate::error::{Error, ErrorKind, RawJson, Result};
use crate::operations::helpers::{helper_by_id, Helper};
use crate::operations::{self, parse_params, Operation, Params, BODY};

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
    /// absent. Each request is retried as the config allows (429s included).
    ///
    /// Every request is tried even when some fail, and a request the API
    /// refuses with 400 (one bad id refuses a batch) is split in halves and
    /// tried again, down to the ids it refuses. When any user is not read, the
    /// error is the first failure's, carrying `failures` (one `{"userId",
    /// "error"}` per user not read) and `presences` (those that were read).
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
        self.bulk_get_presences_with(source_id, ids, concurrency, &Control::default())
    }

    pub(crate) fn bulk_get_presences_with<Id: AsRef<str> + Serialize + Sync>(
        &self,
        source_id: Option<&str>,
        ids: &[Id],
        concurrency: usize,
        control: &Control,
    ) -> Result<Vec<Box<RawValue>>> {
        let operation = match source_id {
            None => operations::find("getUsersPresencesPurecloudBulk")?,
            Some(_) => operations::find("getUsersPresenceBulk")?,
        };
        let source_id = source_id.map(raw_json).transpose()?;
        let read = |part: &[Id]| -> Result<Vec<Box<RawValue>>> {
            let chunk = raw_json(part)?;
            let mut params = Params::new();
            params.insert("id".to_owned(), &*chunk);
            if let Some(source_id) = &source_id {
                params.insert("sourceId".to_owned(), &**source_id);
            }
            let page = self.execute_with(operation, &params, control)?;
            Ok(entries_of(operation, &page)?
                .into_iter()
                .map(|entry| entry.to_owned())
                .collect())
        };
        let outcome = self.run_bulk(ids, concurrency, &read, control)?;
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            position.entry(id.as_ref()).or_insert(index);
        }
        let mut presences: Vec<(usize, Box<RawValue>)> = outcome
            .answers
            .into_iter()
            .map(|entry| (requested_position(&entry, &position), entry))
            .collect();
        // Stable: entries naming no requested user keep their order at the end.
        presences.sort_by_key(|(position, _)| *position);
        let presences = presences.into_iter().map(|(_, presence)| presence);
        match outcome.failure {
            None => Ok(presences.collect()),
            Some(mut failure) => {
                let presences: Vec<Box<RawValue>> = presences.collect();
                failure.details.presences = Some(RawJson::of(&presences));
                Err(failure)
            }
        }
    }

    /// Sets the presence of any number of users: `entries` (MutableUserPresence
    /// objects: models, `Value`s or `RawValue`s) sent through
    /// `putUsersPresencesBulk` 50 at a time, `concurrency` requests at once.
    /// Returns the API's answers (`UserPresence` JSON, as for
    /// [`Client::bulk_get_presences`]) in the order of `entries`' chunks.
    ///
    /// Every request is tried even when some fail, and one refused with 400 is
    /// split down to the entries refused, as for reads. When any user is not
    /// set, the error is the first failure's, carrying `failures` (one
    /// `{"userId", "error"}` per entry not set, `userId` being its `id`) and
    /// `succeeded` (the answers for the entries that were set).
    pub fn bulk_put_presences<Entry: Serialize + Sync>(
        &self,
        entries: &[Entry],
        concurrency: usize,
    ) -> Result<Vec<Box<RawValue>>> {
        self.bulk_put_presences_with(entries, concurrency, &Control::default())
    }

    pub(crate) fn bulk_put_presences_with<Entry: Serialize + Sync>(
        &self,
        entries: &[Entry],
        concurrency: usize,
        control: &Control,
    ) -> Result<Vec<Box<RawValue>>> {
        let operation = operations::find("putUsersPresencesBulk")?;
        let write = |part: &[Entry]| -> Result<Vec<Box<RawValue>>> {
            let body = raw_json(part)?;
            let params = Params::from([(BODY.to_owned(), &*body)]);
            let page = self.execute_with(operation, &params, control)?;
            Ok(entries_of(operation, &page)?
                .into_iter()
                .map(|entry| entry.to_owned())
                .collect())
        };
        let outcome = self.run_bulk(entries, concurrency, &write, control)?;
        match outcome.failure {
            None => Ok(outcome.answers),
            Some(mut failure) => {
                failure.details.succeeded = Some(RawJson::of(&outcome.answers));
                Err(failure)
            }
        }
    }

    /// Every organization presence definition of `getPresencedefinitions`,
    /// following its pages; `params` may hold its `pageSize` (default 100),
    /// `deleted` and `localeCode`. Entries are `OrganizationPresence` JSON, as
    /// for [`Client::bulk_get_presences`].
    pub fn all_presencedefinitions(
        &self,
        params: Map<String, Value>,
    ) -> Result<Vec<Box<RawValue>>> {
        self.all_presencedefinitions_with(params, &Control::default())
    }

    /// As [`Client::all_presencedefinitions`]; progress counts pages.
    pub(crate) fn all_presencedefinitions_with(
        &self,
        mut params: Map<String, Value>,
        control: &Control,
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
            let text = Value::Object(params.clone()).to_string();
            let page = self.execute_with(operation, &operations::parse_params(&text)?, control)?;
            let page: ListingPage = serde_json::from_str(&page)
                .map_err(|error| decode_error(format!("{}: {error}", operation.id)))?;
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
            control.advance(1, page_count.max(page_number));
            entities.extend(page_entities);
            if done {
                break;
            }
        }
        Ok(entities)
    }

    /// Sends `items` 50 at a time through `send`, `concurrency` requests at once,
    /// every chunk tried (a 400 split down to the items refused); the answers of
    /// what succeeded, in chunk order, and the first failure with one
    /// `{"userId", "error"}` per item that failed.
    fn run_bulk<Item: Serialize + Sync>(
        &self,
        items: &[Item],
        concurrency: usize,
        send: &SendPart<'_, Item>,
        control: &Control,
    ) -> Result<BulkOutcome> {
        let chunks: Vec<&[Item]> = items.chunks(CHUNK_SIZE).collect();
        let count = chunks.len();
        let part = Part {
            send,
            control,
            total: items.len() as u64,
        };
        let settled = self.run_chunks(count, concurrency, control, |index| {
            let mut pieces = Vec::new();
            settle(chunks[index], index * CHUNK_SIZE, &part, &mut pieces);
            for piece in &mut pieces {
                if let Err(error) = &mut piece.1 {
                    error.message = format!("request {} of {count}: {}", index + 1, error.message);
                }
            }
            pieces
        })?;
        // What stopped the call early, if anything did: a cancel, or an error
        // every request would meet. Chunks never started are failed with it.
        let halt = control.stopped().or_else(|| {
            settled
                .iter()
                .flatten()
                .flatten()
                .find_map(|(_, result)| result.as_ref().err().filter(|e| fails_every_request(e)))
                .cloned()
        });
        let mut answers = Vec::new();
        let mut first: Option<Error> = None;
        let mut failures = Vec::new();
        let mut fail = |range: Range<usize>, error: &Error| {
            let error = RawJson::of(error);
            for item in &items[range] {
                failures.push(Failure {
                    user_id: user_id_of(item),
                    error: error.clone(),
                });
            }
        };
        for (index, pieces) in settled.into_iter().enumerate() {
            let Some(pieces) = pieces else {
                // Never started: a failure that would fail every request came first.
                let error = halt
                    .clone()
                    .unwrap_or_else(|| Error::internal("a chunk never ran"));
                let start = index * CHUNK_SIZE;
                fail(start..(start + CHUNK_SIZE).min(items.len()), &error);
                continue;
            };
            for (range, result) in pieces {
                match result {
                    Ok(page) => answers.extend(page),
                    Err(error) => {
                        fail(range, &error);
                        first.get_or_insert(error);
                    }
                }
            }
        }
        // A cancel is what the caller asked for: it is the answer, whatever failed.
        let first = match control.stopped() {
            Some(stopped) if !failures.is_empty() => Some(stopped),
            _ => first,
        };
        let failure = first.map(|mut error| {
            error.details.failures = Some(RawJson::of(&failures));
            error
        });
        Ok(BulkOutcome { answers, failure })
    }

    /// Runs `run(0..count)` on up to `concurrency` threads; returns the results
    /// in index order. Every index runs, but none starts after one returned an
    /// error that every other would meet too (no token, a cancel): those are
    /// `None`.
    fn run_chunks<T: Send>(
        &self,
        count: usize,
        concurrency: usize,
        control: &Control,
        run: impl Fn(usize) -> Vec<Piece<T>> + Sync,
    ) -> Result<Vec<Option<Vec<Piece<T>>>>> {
        if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
            return Err(Error::invalid_argument(format!(
                "concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}"
            )));
        }
        let next = AtomicUsize::new(0);
        let halted = AtomicBool::new(false);
        let results: Mutex<Vec<Option<Vec<Piece<T>>>>> =
            Mutex::new((0..count).map(|_| None).collect());
        let worker = || loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count || halted.load(Ordering::Relaxed) || control.stopped().is_some() {
                break;
            }
            let pieces = run(index);
            if pieces
                .iter()
                .any(|(_, result)| result.as_ref().is_err_and(fails_every_request))
            {
                halted.store(true, Ordering::Relaxed);
            }
            results.lock().unwrap_or_else(|poison| poison.into_inner())[index] = Some(pieces);
        };
        std::thread::scope(|scope| {
            for _ in 1..concurrency.min(count) {
                scope.spawn(worker);
            }
            worker();
        });
        Ok(results
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner()))
    }
}

impl Client {
    /// Calls an operation of the table by its `operationId`, or a bulk helper by
    /// its name (`getUsersPresencesBulkAll`, `putUsersPresencesBulkAll`,
    /// `getPresencedefinitionsAll`, with the params of its C function), with a
    /// cancel and progress reports (users, or pages, done of the total).
    pub fn call_with(&self, name: &str, params_json: &str, options: CallOptions) -> Result<String> {
        let control = Control::new(options);
        if let Some(helper) = helper_by_id(name) {
            return self.call_helper(helper, params_json, &control);
        }
        let operation = operations::find(name)?;
        let params = operations::parse_params(params_json)?;
        let answer = self.execute_with(operation, &params, &control)?;
        control.advance(1, 1);
        Ok(answer)
    }

    /// Runs `helper` with its `params_json` (keys outside its row refused); its
    /// entries as one JSON array.
    pub(crate) fn call_helper(
        &self,
        helper: &Helper,
        params_json: &str,
        control: &Control,
    ) -> Result<String> {
        let mut params = parse_params(params_json)?;
        let accepted: Vec<&str> = helper.params.iter().map(|param| param.name).collect();
        if let Some(unknown) = params.keys().find(|key| !accepted.contains(&key.as_str())) {
            return Err(Error::invalid_argument(format!(
                "unknown parameter {unknown:?}; expected {}",
                accepted.join(", ")
            )));
        }
        // As for operations, a null parameter counts as not given.
        params.retain(|_, value| value.get() != "null");
        let entries = match helper.id {
            "getUsersPresencesBulkAll" => {
                let concurrency = take_concurrency(&mut params)?;
                let ids: Vec<String> = match params.remove("id") {
                    Some(ids) if ids.get().starts_with('[') => serde_json::from_str(ids.get())
                        .map_err(|_| invalid("id must be an array of strings"))?,
                    _ => {
                        return Err(invalid(
                            "missing required parameter id (an array of strings)",
                        ))
                    }
                };
                let source_id: Option<String> = match params.remove("sourceId") {
                    None => None,
                    Some(source_id) => serde_json::from_str(source_id.get())
                        .map_err(|_| invalid("sourceId must be a string"))?,
                };
                self.bulk_get_presences_with(source_id.as_deref(), &ids, concurrency, control)?
            }
            "putUsersPresencesBulkAll" => {
                let concurrency = take_concurrency(&mut params)?;
                let entries: Vec<&RawValue> = params
                    .remove("body")
                    .and_then(|body| serde_json::from_str(body.get()).ok())
                    .ok_or_else(|| {
                        invalid("body must be an array of MutableUserPresence objects")
                    })?;
                self.bulk_put_presences_with(&entries, concurrency, control)?
            }
            "getPresencedefinitionsAll" => {
                let params = params
                    .into_iter()
                    .map(|(name, value)| Ok((name, serde_json::from_str(value.get())?)))
                    .collect::<serde_json::Result<_>>()
                    .map_err(|error| invalid(&format!("params: {error}")))?;
                self.all_presencedefinitions_with(params, control)?
            }
            other => return Err(Error::internal(format!("{other} has no implementation"))),
        };
        serde_json::to_string(&entries).map_err(|error| Error::internal(error.to_string()))
    }
}

fn invalid(message: &str) -> Error {
    Error::invalid_argument(message)
}

fn take_concurrency(params: &mut Params) -> Result<usize> {
    match params.remove("concurrency") {
        None => Ok(DEFAULT_CONCURRENCY),
        Some(value) => serde_json::from_str::<u64>(value.get())
            .map(|n| n as usize)
            .map_err(|_| invalid("concurrency must be an integer from 1 to 64")),
    }
}

/// Sends one part of a bulk call (some of its items): the API's answers.
type SendPart<'a, Item> = dyn Fn(&[Item]) -> Result<Vec<Box<RawValue>>> + Sync + 'a;
/// A part of a bulk call (its items' positions in the call) and how it ended.
type Piece<T> = (Range<usize>, Result<T>);

/// What a bulk call came to: the answers of what succeeded, and the first
/// failure (with `failures` filled in) if anything failed.
struct BulkOutcome {
    answers: Vec<Box<RawValue>>,
    failure: Option<Error>,
}

/// Sends `items` (starting at `offset` in the whole call) and records the
/// outcome; a 400 for several items, which one bad item causes, splits them in
/// halves tried one after the other, so that only the items refused fail.
fn settle<Item>(
    items: &[Item],
    offset: usize,
    part: &Part<'_, '_, Item>,
    pieces: &mut Vec<Piece<Vec<Box<RawValue>>>>,
) {
    let range = offset..offset + items.len();
    if let Err(stopped) = part.control.check() {
        pieces.push((range, Err(stopped)));
        return;
    }
    match (part.send)(items) {
        Err(error) if items.len() > 1 && is_refusal(&error) && part.control.check().is_ok() => {
            let half = items.len() / 2;
            settle(&items[..half], offset, part, pieces);
            settle(&items[half..], offset + half, part, pieces);
        }
        result => {
            // Sent and answered, well or not: done either way.
            part.control.advance(items.len() as u64, part.total);
            pieces.push((range, result));
        }
    }
}

/// What `settle` needs of its call: how to send, when to stop, what to report.
struct Part<'s, 'c, Item> {
    send: &'s SendPart<'s, Item>,
    control: &'s Control<'c>,
    total: u64,
}

/// A 400: the API refused what was sent, and a part of it may pass.
fn is_refusal(error: &Error) -> bool {
    error.kind == ErrorKind::Http && error.details.status == Some(400)
}

/// An error every other request of the call would meet too.
fn fails_every_request(error: &Error) -> bool {
    matches!(
        error.kind,
        ErrorKind::Auth | ErrorKind::InvalidArgument | ErrorKind::Internal | ErrorKind::Cancelled
    )
}

/// The user an item names: an id itself, or an entry's `id`.
fn user_id_of<Item: Serialize>(item: &Item) -> Value {
    match serde_json::to_value(item) {
        Ok(Value::String(id)) => Value::String(id),
        Ok(Value::Object(mut entry)) => entry.remove("id").unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// One user a bulk call did not read or set, and why.
#[derive(Serialize)]
struct Failure {
    #[serde(rename = "userId")]
    user_id: Value,
    error: RawJson,
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
