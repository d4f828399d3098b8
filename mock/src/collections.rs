//! State for every resource the specs lay out as a collection, derived
//! from the specs alone: a path with a listing (`GET`, `x-drata-pagination`)
//! and a creation (`POST`) is a collection (paged by number in v1, by
//! cursor in v2), and the path below it with one
//! more parameter (`/vendors/{id}`) its items. Vendors, assets, evidence,
//! control notes… are created, listed, read, updated and deleted, so that a
//! tour of them behaves as Drata does (a deleted vendor is gone: 404).
//!
//! Each collection (its concrete path, `/workspaces/1/evidence-library`)
//! starts with the items of its listing's example, so that reading item 1
//! works before anything is created. An item created is the creation's
//! example answer with the body's fields over it and the next id; an item
//! read, updated or deleted is answered in the shape of that operation's
//! own answer (its example, with the item's fields over it).
//!
//! A record deleted is gone, wherever the spec reaches it: after a
//! `DELETE` of a path that ends with an id (`/devices/documents/1`), that
//! path and every path below it (`/devices/documents/1/download`) answer
//! 404, as Drata answers for a deleted record.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::routes::error;

/// Every collection, by its concrete path, and the paths deleted.
#[derive(Debug, Clone, Default)]
pub struct Collections {
    by_path: BTreeMap<String, Collection>,
    deleted: BTreeSet<String>,
}

impl Collections {
    /// Drata's 404 when `path` is a deleted record's, or below one.
    pub(crate) fn gone(&self, path: &str) -> Option<Response> {
        let deleted =
            self.deleted.iter().find(|d| path == d.as_str() || path.starts_with(&format!("{d}/")))?;
        Some(error(StatusCode::NOT_FOUND, format!("Record Not Found: {deleted} was deleted")))
    }

    /// Notes an answer: a successful `DELETE` of a record (a path ending
    /// with an id) makes it gone.
    pub(crate) fn served(&mut self, method: &Method, template: &str, path: &str, status: StatusCode) {
        if method == Method::DELETE && status.is_success() && template.ends_with('}') {
            self.deleted.insert(path.to_string());
        }
    }
}

/// A collection's items, and the id the next one gets.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    items: Vec<Value>,
    next_id: i64,
}

/// What a request is to a collection.
enum Role {
    /// The collection: list it, or create an item.
    Collection,
    /// One item, by its id.
    Item(String),
}

/// The collection `template` belongs to, and the role of a request to it:
/// `None` when the path is no collection's.
fn role(template: &str, params: &[(String, String)]) -> Option<(String, Role)> {
    if is_collection(template) {
        return Some((template.to_string(), Role::Collection));
    }
    let (parent, last) = template.rsplit_once('/')?;
    let name = last.strip_prefix('{')?.strip_suffix('}')?;
    if !is_collection(parent) {
        return None;
    }
    let id = params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())?;
    Some((parent.to_string(), Role::Item(id)))
}

/// Whether the spec lists and creates at `template`, the creation
/// answering with the item made (not a page of items).
fn is_collection(template: &str) -> bool {
    let item = listing_of(template);
    item.is_some_and(|item| item.get("post").is_some() && item.pointer("/get/x-drata-pagination").is_some())
        && drata_openapi::example_answer("POST", template)
            .is_some_and(|(_, created)| created.get("data").is_none_or(|data| !data.is_array()))
}

/// The path item of `template` (from the API root), in its document.
fn listing_of(template: &str) -> Option<&'static Value> {
    let (document, path) = drata_openapi::locate(template);
    document.pointer(&format!("/paths/{}", path.replace('~', "~0").replace('/', "~1")))
}

/// Whether the listing at `template` pages by cursor (v2).
fn by_cursor(template: &str) -> bool {
    listing_of(template).and_then(|item| item.pointer("/get/x-drata-pagination")).and_then(Value::as_str)
        == Some("cursor")
}

/// `path` (concrete) with its last segment off.
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(parent, _)| parent)
}

/// The answer to a request to a collection or one of its items, or `None`
/// when the path is no collection's (it is answered from the spec alone).
pub(crate) fn serve(
    collections: &mut Collections,
    method: &Method,
    template: &str,
    path: &str,
    params: &[(String, String)],
    query: &[(String, String)],
    body: Option<&Value>,
) -> Option<Response> {
    let (collection_template, role) = role(template, params)?;
    let key = match role {
        Role::Collection => path.to_string(),
        Role::Item(_) => parent(path).to_string(),
    };
    let collection = collections.by_path.entry(key).or_insert_with(|| seeded(&collection_template));
    // Items that carry no `id` are told apart by something else: such a
    // listing is answered from the spec alone.
    if collection.items.iter().any(|item| item.get("id").is_none()) {
        return None;
    }
    let (status, answer) = example(method, template)?;
    Some(match (role, method.as_str()) {
        (Role::Collection, "GET") if by_cursor(template) => {
            let given = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            // A cursor is where the page starts, as this server wrote it.
            let start = match given("cursor") {
                None => 0,
                Some(cursor) => match cursor.parse::<usize>() {
                    Ok(start) if start <= collection.items.len() => start,
                    _ => return Some(error(StatusCode::BAD_REQUEST, format!("Invalid cursor: {cursor}"))),
                },
            };
            let size = given("size").and_then(|v| v.parse::<usize>().ok()).unwrap_or(50).max(1);
            let data: Vec<Value> = collection.items.iter().skip(start).take(size).cloned().collect();
            let end = start.saturating_add(data.len());
            let next = (end < collection.items.len()).then(|| Value::from(end.to_string()));
            let mut pagination = Map::new();
            pagination.insert("cursor".into(), next.unwrap_or(Value::Null));
            // The count is given on the first page, when asked.
            if given("includeTotalCount") == Some("true") && given("cursor").is_none() {
                pagination.insert("totalCount".into(), Value::from(collection.items.len()));
            }
            let mut page_answer = answer;
            if let Value::Object(fields) = &mut page_answer {
                fields.insert("data".into(), Value::Array(data));
                fields.insert("pagination".into(), Value::Object(pagination));
            }
            reply(status, page_answer)
        }
        (Role::Collection, "GET") => {
            let number = |name: &str, default: usize| {
                query
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(default)
            };
            let (page, limit) = (number("page", 1).max(1), number("limit", 20).max(1));
            // Any page number is a page (past the last, an empty one).
            let skip = (page - 1).saturating_mul(limit);
            let data: Vec<Value> = collection.items.iter().skip(skip).take(limit).cloned().collect();
            let mut page_answer = answer;
            if let Value::Object(fields) = &mut page_answer {
                fields.insert("data".into(), Value::Array(data));
                fields.insert("page".into(), Value::from(page));
                fields.insert("limit".into(), Value::from(limit));
                fields.insert("total".into(), Value::from(collection.items.len()));
            }
            reply(status, page_answer)
        }
        (Role::Collection, _) => {
            let mut item = answer;
            overlay(&mut item, body);
            collection.next_id += 1;
            if let Value::Object(fields) = &mut item {
                // The id in the type the answer's schema gives it.
                let id = match fields.get("id") {
                    Some(Value::String(_)) => Value::from(collection.next_id.to_string()),
                    _ => Value::from(collection.next_id),
                };
                fields.insert("id".into(), id);
            }
            collection.items.push(item.clone());
            reply(status, item)
        }
        (Role::Item(id), method) => {
            let Some(at) = collection.items.iter().position(|item| id_of(item) == id) else {
                return Some(error(
                    StatusCode::NOT_FOUND,
                    format!("Record Not Found: no item {id} at {path}"),
                ));
            };
            if method == "PUT" || method == "PATCH" {
                overlay(&mut collection.items[at], body);
            }
            let stored =
                if method == "DELETE" { collection.items.remove(at) } else { collection.items[at].clone() };
            let mut shown = answer;
            overlay(&mut shown, Some(&stored));
            reply(status, shown)
        }
    })
}

/// A new collection: the items of its listing's example.
fn seeded(template: &str) -> Collection {
    let items = drata_openapi::example_answer("GET", template)
        .and_then(|(_, page)| page.get("data").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let next_id = items.iter().filter_map(|item| id_of(item).parse::<i64>().ok()).max().unwrap_or(0);
    Collection { items, next_id }
}

/// The example answer of `method` `template`, with its status.
fn example(method: &Method, template: &str) -> Option<(StatusCode, Value)> {
    let (status, value) = drata_openapi::example_answer(method.as_str(), template)?;
    Some((StatusCode::from_u16(status).unwrap_or(StatusCode::OK), value))
}

/// An item's id as text.
fn id_of(item: &Value) -> String {
    match item.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(id) => id.to_string(),
        None => String::new(),
    }
}

/// The fields of `from` over those `onto` has, where they have the same
/// kind of value (the answer keeps its own shape: a request's list of names
/// does not replace an answer's list of objects).
fn overlay(onto: &mut Value, from: Option<&Value>) {
    let (Value::Object(target), Some(Value::Object(source))) = (onto, from) else { return };
    let fitting: Map<String, Value> = source
        .iter()
        .filter(|(k, v)| target.get(*k).is_some_and(|t| same_kind(t, v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    target.extend(fitting);
}

/// Whether two values are of the same kind (a list's by their first items).
fn same_kind(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => match (x.first(), y.first()) {
            (Some(x), Some(y)) => same_kind(x, y),
            _ => true,
        },
        (Value::Object(_), Value::Object(_))
        | (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, _) => true,
        _ => false,
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    if body.is_null() {
        // No body documented: none sent.
        return status.into_response();
    }
    (status, axum::Json(body)).into_response()
}
