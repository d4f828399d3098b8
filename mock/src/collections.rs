//! State for every resource the specs lay out as a collection, derived
//! from the specs alone: a path with a listing (`GET`, `x-drata-pagination`)
//! and a creation (`POST`) is a collection (paged by number in v1, by
//! cursor in v2), and the path below it with one
//! more parameter (`/vendors/{id}`) its items. In v2, a listing without a
//! creation (`/personnel`), or a creation without a listing
//! (`/devices/{deviceId}/documents`), is one too when the path below it
//! reads an item. Vendors, assets, evidence,
//! control notes… are created, listed, read, updated and deleted, so that a
//! tour of them behaves as Drata does (a deleted vendor is gone: 404).
//!
//! Each collection (its concrete path, `/workspaces/1/evidence-library`)
//! starts with the records `seed_v2` gives it, else the items of its
//! listing's example, so that reading item 1 works before anything is
//! created. A record is every field it was given; an answer about it is
//! in the shape of that operation's own answer: its example, with the
//! record's fields over it where they meet the answer's schema (a field
//! that does not, such as a request's `{"id": 3}` where the answer has a
//! whole user, keeps the example's value). An item created is the
//! creation's example with the body's fields over it and the next id.
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

impl Collection {
    /// The items of one page, `skip` then `take` of them, each as an item
    /// of the listing whose example is `answer` (by number or by cursor).
    fn page(&self, shape: &Shape, answer: &Value, skip: usize, take: usize) -> Vec<Value> {
        self.items.iter().skip(skip).take(take).map(|item| shape.listed(answer, item)).collect()
    }
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

/// Whether `template` is a collection: the spec lists and creates there,
/// the creation answering with the item made (not a page of items); in
/// v2, also a listing that only lists, or a listing or such a creation
/// alone when the path below reads an item.
fn is_collection(template: &str) -> bool {
    let Some(item) = listing_of(template) else { return false };
    let listed = item.pointer("/get/x-drata-pagination").is_some();
    if template.starts_with("/v2/") {
        let only_lists = ["post", "put", "patch", "delete"].iter().all(|method| item.get(*method).is_none());
        (listed && (only_lists || has_items(template))) || (creates_one(template) && has_items(template))
    } else {
        listed
            && item.get("post").is_some()
            && drata_openapi::example_answer("POST", template)
                .is_some_and(|(_, created)| created.get("data").is_none_or(|data| !data.is_array()))
    }
}

/// Whether a `POST` to `template` creates one item: its answer has an `id`.
fn creates_one(template: &str) -> bool {
    listing_of(template).is_some_and(|item| item.get("post").is_some())
        && drata_openapi::example_answer("POST", template)
            .is_some_and(|(_, created)| created.get("id").is_some() && created.get("data").is_none())
}

/// Whether the spec has a path below `template` with one more parameter
/// (`/vendor-types/{vendorTypeId}`): its items.
fn has_items(template: &str) -> bool {
    let (document, path) = drata_openapi::locate(template);
    document.get("paths").and_then(Value::as_object).is_some_and(|paths| {
        paths.keys().any(|below| {
            below
                .strip_prefix(path)
                .and_then(|rest| rest.strip_prefix("/{"))
                .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
        })
    })
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
    let collection =
        collections.by_path.entry(key.clone()).or_insert_with(|| seeded(&collection_template, &key));
    // Items that carry no `id` are told apart by something else: such a
    // listing is answered from the spec alone.
    if collection.items.iter().any(|item| item.get("id").is_none()) {
        return None;
    }
    let (status, answer) = example(method, template)?;
    let shape = Shape::of(method.as_str(), template);
    Some(match (role, method.as_str()) {
        (Role::Collection, "GET") if by_cursor(template) => {
            let given = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            // A cursor is where the page starts, as this server wrote it;
            // an empty one is none (the first page). Any other text is a
            // page too, as any page number is in v1: past the last, an
            // empty one that ends the listing (the schema takes any text,
            // and what Drata answers to a cursor it did not write is not
            // documented).
            let cursor = given("cursor").filter(|cursor| !cursor.is_empty());
            let start = match cursor {
                None => 0,
                Some(cursor) => cursor
                    .parse::<usize>()
                    .map_or(collection.items.len(), |start| start.min(collection.items.len())),
            };
            let size = given("size").and_then(|v| v.parse::<usize>().ok()).unwrap_or(50).max(1);
            let data = collection.page(&shape, &answer, start, size);
            let end = start.saturating_add(data.len());
            let next = (end < collection.items.len()).then(|| Value::from(end.to_string()));
            let mut pagination = Map::new();
            pagination.insert("cursor".into(), next.unwrap_or(Value::Null));
            // The count is given on the first page, when asked.
            if given("includeTotalCount") == Some("true") && cursor.is_none() {
                pagination.insert("totalCount".into(), Value::from(collection.items.len()));
            }
            let mut page_answer = answer;
            if let Value::Object(fields) = &mut page_answer {
                fields.insert("data".into(), Value::Array(data));
                fields.insert("pagination".into(), Value::Object(pagination));
            }
            reply(status, page_answer)
        }
        (Role::Collection, "GET") if template.starts_with("/v2/") => {
            // A v2 creation whose path lists without pages: its example.
            return None;
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
            let data = collection.page(&shape, &answer, skip, limit);
            let mut page_answer = answer;
            if let Value::Object(fields) = &mut page_answer {
                fields.insert("data".into(), Value::Array(data));
                fields.insert("page".into(), Value::from(page));
                fields.insert("limit".into(), Value::from(limit));
                fields.insert("total".into(), Value::from(collection.items.len()));
            }
            reply(status, page_answer)
        }
        // In v2, only a creation of one item adds to the collection.
        (Role::Collection, method)
            if template.starts_with("/v2/") && !(method == "POST" && creates_one(template)) =>
        {
            return None;
        }
        (Role::Collection, _) => {
            // The record: the creation's answer made of the body, and the
            // body's other fields (another answer may show them).
            let mut record = shape.shown(&answer, &with_path_values(body, &answer, params));
            collection.next_id += 1;
            if let Value::Object(fields) = &mut record {
                // The id in the type the answer's schema gives it.
                let id = match fields.get("id") {
                    Some(Value::String(_)) => Value::from(collection.next_id.to_string()),
                    _ => Value::from(collection.next_id),
                };
                fields.insert("id".into(), id);
                if let Some(Value::Object(given)) = body {
                    for (name, value) in given {
                        fields.entry(name.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
            let shown = shape.shown(&answer, &record);
            collection.items.push(record);
            reply(status, shown)
        }
        (Role::Item(id), method) => {
            let Some(at) = collection.items.iter().position(|item| id_of(item) == id) else {
                return Some(error(
                    StatusCode::NOT_FOUND,
                    format!("Record Not Found: no item {id} at {path}"),
                ));
            };
            if method == "PUT" || method == "PATCH" {
                update(&mut collection.items[at], body);
            }
            let stored =
                if method == "DELETE" { collection.items.remove(at) } else { collection.items[at].clone() };
            reply(status, shape.shown(&answer, &stored))
        }
    })
}

/// The body of a creation, with the values of the path's parameters for
/// the answer's fields of the same name (a record made at
/// `/custom-connections/3/…` has `connectionId` 3), in the type the
/// example gives them.
fn with_path_values(body: Option<&Value>, example: &Value, params: &[(String, String)]) -> Value {
    let mut given = match body {
        Some(Value::Object(fields)) => fields.clone(),
        _ => Map::new(),
    };
    for (name, text) in params {
        let value = match example.get(name) {
            Some(Value::Number(_)) => match text.parse::<i64>() {
                Ok(number) => Value::from(number),
                Err(_) => continue,
            },
            Some(Value::String(_)) => Value::from(text.as_str()),
            _ => continue,
        };
        given.insert(name.clone(), value);
    }
    Value::Object(given)
}

/// A record's fields updated by a body's (its id stays).
fn update(record: &mut Value, body: Option<&Value>) {
    let (Value::Object(fields), Some(Value::Object(given))) = (record, body) else { return };
    for (name, value) in given {
        if name != "id" {
            fields.insert(name.clone(), value.clone());
        }
    }
}

/// The schemas an operation's answers are checked against: its success
/// answer's, and, for a listing, its items'.
struct Shape {
    document: &'static Value,
    answer: Option<&'static Value>,
    item: Option<&'static Value>,
}

impl Shape {
    fn of(method: &str, template: &str) -> Self {
        let (document, path) = drata_openapi::locate(template);
        let answer = success_schema(document, method, path);
        let item = answer
            .and_then(|schema| property(document, schema, "data"))
            .and_then(|data| resolve(document, data).get("items"));
        Shape { document, answer, item }
    }

    /// `record` in the shape of the answer `example`.
    fn shown(&self, example: &Value, record: &Value) -> Value {
        fitted(self.document, self.answer, example, record)
    }

    /// `record` as an item of the listing whose example is `page`.
    fn listed(&self, page: &Value, record: &Value) -> Value {
        match page.pointer("/data/0") {
            Some(example) => fitted(self.document, self.item, example, record),
            None => record.clone(),
        }
    }
}

/// `example` with the fields of `record` over it, those that keep it valid
/// against `schema`: a field the schema refuses keeps the example's value.
pub(crate) fn fitted(
    document: &'static Value,
    schema: Option<&Value>,
    example: &Value,
    record: &Value,
) -> Value {
    let mut shown = example.clone();
    let v2 = std::ptr::eq(document, drata_openapi::document_v2());
    let required =
        schema.map(|schema| drata_openapi::required_fields(resolve(document, schema))).unwrap_or_default();
    match (&mut shown, record, schema) {
        // v2: any value of the record's (the schema judges it below), and
        // an optional field the record does not have is left out, as v2
        // leaves out what was not asked for.
        (Value::Object(fields), Value::Object(given), Some(_)) if v2 => {
            fields.retain(|name, _| given.contains_key(name) || required.contains(&name.as_str()));
            for (name, value) in given {
                if let Some(field) = fields.get_mut(name) {
                    *field = value.clone();
                }
            }
        }
        _ => overlay(&mut shown, Some(record)),
    }
    let Some(schema) = schema else { return shown };
    // Each round puts back the example's value of every field found wrong
    // (in v2, an optional one is left out instead).
    for _ in 0..4 {
        let problems = drata_openapi::validate(document, schema, &shown);
        let mut changed = false;
        for field in problems.iter().filter_map(|problem| top_field(problem)) {
            let Value::Object(fields) = &mut shown else { break };
            if v2 && !required.contains(&field) {
                changed |= fields.remove(field).is_some();
            } else if let Some(original) = example.get(field)
                && fields.get(field) != Some(original)
            {
                fields.insert(field.to_string(), original.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    shown
}

/// The field of the answer a problem is in: `$.owner.id: …` is `owner`'s.
fn top_field(problem: &str) -> Option<&str> {
    let rest = problem.strip_prefix("$.")?;
    let end = rest.find(['.', '[', ':']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The schema of the JSON body of the first success answer of `method` `path`.
fn success_schema(document: &'static Value, method: &str, path: &str) -> Option<&'static Value> {
    let operation = document.get("paths")?.get(path)?.get(method.to_ascii_lowercase())?;
    let (_, response) =
        operation.get("responses")?.as_object()?.iter().find(|(status, _)| status.starts_with('2'))?;
    resolve(document, response).pointer("/content/application~1json/schema")
}

/// The schema of the property `name` of the object schema `schema`
/// (through `$ref`s and `allOf`).
fn property(document: &'static Value, schema: &'static Value, name: &str) -> Option<&'static Value> {
    let schema = resolve(document, schema);
    if let Some(found) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(found);
    }
    schema.get("allOf")?.as_array()?.iter().find_map(|part| property(document, part, name))
}

/// Follows a local `$ref`, if any.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// A new collection at `path`: the records `seed_v2` gives it, else the
/// items of its listing's example (else the example of an item read, else
/// of an item created).
fn seeded(template: &str, path: &str) -> Collection {
    let items = crate::seed_v2::records(path)
        .or_else(|| {
            drata_openapi::example_answer("GET", template)
                .and_then(|(_, page)| page.get("data").and_then(Value::as_array).cloned())
        })
        .or_else(|| {
            item_read(template)
                .and_then(|below| drata_openapi::example_answer("GET", &below))
                .map(|(_, item)| vec![item])
        })
        .or_else(|| {
            drata_openapi::example_answer("POST", template)
                .filter(|(_, created)| creates_one(template) && created.get("id").is_some())
                .map(|(_, created)| vec![created])
        })
        .unwrap_or_default();
    let next_id = items.iter().filter_map(|item| id_of(item).parse::<i64>().ok()).max().unwrap_or(0);
    Collection { items, next_id }
}

/// The template of the path below `template` that reads one item.
fn item_read(template: &str) -> Option<String> {
    let (document, path) = drata_openapi::locate(template);
    let root = &template[..template.len() - path.len()];
    document.get("paths")?.as_object()?.iter().find_map(|(below, item)| {
        let rest = below.strip_prefix(path)?.strip_prefix("/{")?;
        (rest.ends_with('}') && !rest.contains('/') && item.pointer("/get/responses").is_some())
            .then(|| format!("{root}{below}"))
    })
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
