//! The structural differences between Drata's document and ours that no
//! departure explains.
//!
//! Operations are matched by method and path, parameters by place and
//! name, schemas by walking both sides from the same operation (through
//! `$ref`s on either side). Compared: the operation set, Drata's operation
//! id, permissions and entitlement, parameters (required, type, values),
//! request media types, success and error statuses, and each schema's
//! properties, required fields, types and enum values.
//!
//! What our normalization changes is not a difference (the spec's header
//! lists it): a `number` Drata uses for whole numbers read as `integer` or
//! as the `Id` schema, `format: date-time` or `date` as `x-drata-timestamp`,
//! `nullable` beside `allOf` as `anyOf: [X, JsonNull]`, closed request
//! objects, open enums, the added 429. A value or a field of Drata's that
//! the spec lacks is always a difference: facts are kept. Anything else is
//! a difference unless our spec states an `x-drata-departure` where it is
//! found: on the
//! parameter, the property or the schema (a schema's departure covers what
//! is written in place in it, not the components it refers to), or, for
//! what is the operation's own (its statuses, permissions, existence), on
//! the operation.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::{parameters_of, resolve};

/// The HTTP methods of an OpenAPI path item.
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// A difference: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub at: String,
    pub what: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.what)
    }
}

/// Every operation of `document`: `(METHOD, path, operation)`.
pub fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in document.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                out.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    out
}

/// Every difference between `drata` and `ours` that no departure explains, sorted.
pub fn differences(drata: &Value, ours: &Value) -> Vec<Difference> {
    let mut walk = Walk { drata, ours, found: BTreeSet::new(), seen: BTreeSet::new() };
    let theirs = operations(drata);
    let mine = operations(ours);
    for (method, path, operation) in &theirs {
        let at = format!("{method} {path}");
        match mine.iter().find(|(m, p, _)| m == method && p == path) {
            Some((_, _, our)) => walk.operation(&at, operation, our),
            None => {
                walk.found.insert(Difference { at, what: "Drata's operation is not in the spec".into() });
            }
        }
    }
    for (method, path, our) in &mine {
        if !theirs.iter().any(|(m, p, _)| m == method && p == path) && !departs(our) {
            walk.found.insert(Difference {
                at: format!("{method} {path}"),
                what: "not in Drata's document, and no departure says why".into(),
            });
        }
    }
    walk.found.into_iter().collect()
}

/// Whether `node` states a departure.
fn departs(node: &Value) -> bool {
    node.get("x-drata-departure").is_some()
}

struct Walk<'a> {
    drata: &'a Value,
    ours: &'a Value,
    found: BTreeSet<Difference>,
    /// Schema pairs already compared (`$ref`s can form cycles).
    seen: BTreeSet<(String, String)>,
}

impl<'a> Walk<'a> {
    fn differ(&mut self, at: &str, explained: bool, what: String) {
        if !explained {
            self.found.insert(Difference { at: at.to_string(), what });
        }
    }

    fn operation(&mut self, at: &str, theirs: &'a Value, ours: &'a Value) {
        let explained = departs(ours);
        let id = theirs.get("operationId").and_then(Value::as_str).unwrap_or("");
        let ours_id = ours.get("x-drata-operation-id").and_then(Value::as_str).unwrap_or("");
        if id != ours_id {
            self.differ(at, false, format!("Drata's operation id is `{id}`, the spec says `{ours_id}`"));
        }
        for key in ["x-drata-permissions", "x-drata-entitlement"] {
            if theirs.get(key) != ours.get(key) {
                let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), Value::to_string);
                self.differ(
                    at,
                    explained,
                    format!("`{key}`: Drata's {}, the spec's {}", show(theirs.get(key)), show(ours.get(key))),
                );
            }
        }
        // An operation's departure explains what is the operation's own (its
        // statuses, permissions); a parameter or a schema states its own.
        self.parameters(at, theirs, ours, false);
        self.body(at, theirs, ours, false);
        self.responses(at, theirs, ours, explained);
    }

    fn parameters(&mut self, at: &str, theirs: &'a Value, ours: &'a Value, explained: bool) {
        let list = |document: &'a Value, operation: &'a Value| -> BTreeMap<(String, String), &'a Value> {
            parameters_of(document, operation)
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?.to_string();
                    let place = p.get("in")?.as_str()?.to_string();
                    Some(((place, name), p))
                })
                .collect()
        };
        let (theirs, ours) = (list(self.drata, theirs), list(self.ours, ours));
        for ((place, name), their) in &theirs {
            let here = format!("{at} {place} parameter `{name}`");
            let Some(our) = ours.get(&(place.clone(), name.clone())) else {
                self.differ(&here, explained, "Drata's parameter is not in the spec".into());
                continue;
            };
            let explained = explained || departs(our);
            let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(place == "path");
            if required(their) != required(our) {
                self.differ(
                    &here,
                    explained,
                    format!("required: Drata's {}, the spec's {}", required(their), required(our)),
                );
            }
            if let (Some(a), Some(b)) = (their.get("schema"), our.get("schema")) {
                self.schema(&here, a, b, explained);
            }
        }
        for ((place, name), our) in &ours {
            if !theirs.contains_key(&(place.clone(), name.clone())) {
                let here = format!("{at} {place} parameter `{name}`");
                self.differ(&here, explained || departs(our), "not in Drata's document".into());
            }
        }
    }

    fn body(&mut self, at: &str, theirs: &'a Value, ours: &'a Value, explained: bool) {
        let explained = explained || ours.get("requestBody").is_some_and(departs);
        let content = |document: &'a Value, operation: &'a Value| {
            operation
                .get("requestBody")
                .map(|b| resolve(document, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
        };
        let (theirs, ours) = (content(self.drata, theirs), content(self.ours, ours));
        let media = |c: Option<&serde_json::Map<String, Value>>| {
            c.map(|c| c.keys().cloned().collect::<BTreeSet<_>>()).unwrap_or_default()
        };
        if media(theirs) != media(ours) {
            let show = |m: BTreeSet<String>| {
                if m.is_empty() { "none".into() } else { m.into_iter().collect::<Vec<_>>().join(", ") }
            };
            self.differ(
                &format!("{at} request body"),
                explained,
                format!("media types: Drata's {}, the spec's {}", show(media(theirs)), show(media(ours))),
            );
        }
        for (media_type, their) in theirs.into_iter().flatten() {
            if let (Some(a), Some(b)) =
                (their.get("schema"), ours.and_then(|o| o.get(media_type)).and_then(|m| m.get("schema")))
            {
                self.schema(&format!("{at} request body ({media_type})"), a, b, explained);
            }
        }
    }

    fn responses(&mut self, at: &str, theirs: &'a Value, ours: &'a Value, explained: bool) {
        static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
            std::sync::LazyLock::new(serde_json::Map::new);
        let statuses =
            |operation: &'a Value| operation.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
        let (theirs, ours) = (statuses(theirs), statuses(ours));
        for status in theirs.keys() {
            if !ours.contains_key(status) {
                self.differ(at, explained, format!("Drata documents the status {status}; the spec does not"));
            }
        }
        for (status, response) in ours {
            // 429: Drata documents the limit, not the answer (the spec's header).
            if !theirs.contains_key(status) && status != "429" {
                // The response's own departure, or that of the shared one it refers to.
                let explained = explained || departs(response) || departs(resolve(self.ours, response));
                self.differ(at, explained, format!("the spec documents the status {status}; Drata does not"));
            }
        }
        for (status, their) in theirs.iter().filter(|(s, _)| s.starts_with('2')) {
            let schema = |document: &'a Value, response: &'a Value| {
                resolve(document, response).pointer("/content/application~1json/schema")
            };
            let our = ours.get(status).map(|r| resolve(self.ours, r));
            if let (Some(a), Some(b)) =
                (schema(self.drata, their), our.and_then(|r| r.pointer("/content/application~1json/schema")))
            {
                self.schema(&format!("{at} answer {status}"), a, b, false);
            }
        }
    }

    /// Compares a schema of Drata's with ours at `at`.
    fn schema(&mut self, at: &str, theirs: &'a Value, ours: &'a Value, explained: bool) {
        let wrapper_departs = departs(ours);
        let (their_ref, theirs, their_null) = unwrap(self.drata, theirs);
        let (our_ref, ours, our_null) = unwrap(self.ours, ours);
        // What differs here is explained by a departure here (on the node or
        // what it refers to) or above; what differs inside a component is
        // explained by the component's own departures.
        let explained_here = explained || wrapper_departs || departs(ours);
        let explained_inside = if our_ref.is_some() { departs(ours) } else { explained_here };
        if let (Some(a), Some(b)) = (&their_ref, &our_ref)
            && !self.seen.insert((a.clone(), b.clone()))
        {
            return;
        }
        if their_null && !our_null {
            self.differ(at, explained_here, "Drata says it may be null; the spec does not".into());
        }
        if our_null && !their_null {
            self.differ(at, explained_here, "the spec says it may be null; Drata does not".into());
        }
        let (their_type, our_type) = (kind(theirs), kind(ours));
        if !same_kind(&their_type, &our_type, ours) {
            self.differ(at, explained_here, format!("type: Drata's {their_type}, the spec's {our_type}"));
            return;
        }
        let values = |s: &Value| -> BTreeSet<String> {
            s.get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        };
        let (their_values, our_values) = (values(theirs), values(ours));
        let missing: Vec<&String> = their_values.difference(&our_values).collect();
        // Drata's values and fields are facts the spec keeps: no departure
        // explains leaving one out.
        if !missing.is_empty() && !our_values.is_empty() {
            self.differ(at, false, format!("Drata's values the spec lacks: {}", join(&missing)));
        }
        let extra: Vec<&String> = our_values.difference(&their_values).collect();
        if !extra.is_empty() && !their_values.is_empty() {
            self.differ(at, explained_here, format!("values of the spec Drata lacks: {}", join(&extra)));
        }
        if let (Some(a), Some(b)) = (theirs.get("items"), ours.get("items")) {
            self.schema(&format!("{at}[]"), a, b, explained_inside);
        }
        self.properties(at, theirs, ours, explained_inside);
    }

    fn properties(&mut self, at: &str, theirs: &'a Value, ours: &'a Value, explained: bool) {
        let (Some(their), Some(our)) = (
            theirs.get("properties").and_then(Value::as_object),
            ours.get("properties").and_then(Value::as_object),
        ) else {
            return;
        };
        let required = |s: &Value| -> BTreeSet<String> {
            drata_openapi::required_fields(s).into_iter().map(str::to_string).collect()
        };
        let (their_required, our_required) = (required(theirs), required(ours));
        for (name, a) in their {
            let here = format!("{at}.{name}");
            match our.get(name) {
                Some(b) => {
                    let explained = explained || departs(b);
                    match (their_required.contains(name), our_required.contains(name)) {
                        (true, false) => {
                            self.differ(&here, explained, "required by Drata; optional in the spec".into())
                        }
                        (false, true) => {
                            self.differ(&here, explained, "optional for Drata; required in the spec".into())
                        }
                        _ => {}
                    }
                    self.schema(&here, a, b, explained);
                }
                None => self.differ(&here, false, "Drata's field is not in the spec".into()),
            }
        }
        for (name, b) in our {
            if !their.contains_key(name) {
                self.differ(
                    &format!("{at}.{name}"),
                    explained || departs(b),
                    "not a field of Drata's".into(),
                );
            }
        }
    }
}

fn join(values: &[&String]) -> String {
    values.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
}

/// A schema with its wrappers taken off: the component it refers to (if
/// any), the schema, and whether it may be null (`nullable`, or an
/// `anyOf`/`oneOf` with `JsonNull`).
fn unwrap<'a>(document: &'a Value, schema: &'a Value) -> (Option<String>, &'a Value, bool) {
    let mut nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let mut reference = None;
    let mut current = schema;
    loop {
        if let Some(r) = current.get("$ref").and_then(Value::as_str) {
            reference = Some(r.to_string());
            current = resolve(document, current);
            nullable |= current.get("nullable").and_then(Value::as_bool) == Some(true)
                && current.get("enum").is_none_or(|e| e.as_array().is_some_and(|v| v.contains(&Value::Null)));
            continue;
        }
        let single = ["allOf", "anyOf", "oneOf"].iter().find_map(|key| {
            let options: Vec<&Value> = current.get(*key)?.as_array()?.iter().collect();
            let (nulls, others): (Vec<&Value>, Vec<&Value>) =
                options.into_iter().partition(|o| is_null(document, o));
            match others.as_slice() {
                [one] => Some((*one, !nulls.is_empty())),
                _ => None,
            }
        });
        match single {
            Some((one, null)) => {
                nullable |= null;
                current = one;
            }
            None => return (reference, current, nullable),
        }
    }
}

/// Whether a schema is JSON `null` alone (our `JsonNull`).
fn is_null(document: &Value, schema: &Value) -> bool {
    let schema = resolve(document, schema);
    schema.get("enum").and_then(Value::as_array).is_some_and(|v| v.len() == 1 && v[0].is_null())
}

/// What a schema is, in a word: its `type`, `timestamp` for Drata's
/// date-times and our `x-drata-timestamp`, `oneOf` for a choice.
fn kind(schema: &Value) -> String {
    if schema.get("x-drata-timestamp").and_then(Value::as_bool) == Some(true)
        || matches!(schema.get("format").and_then(Value::as_str), Some("date-time" | "date"))
    {
        return "timestamp".into();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None if schema.get("oneOf").is_some() => "oneOf".into(),
        None if schema.get("enum").is_some() => "string".into(),
        None if schema.get("properties").is_some() => "object".into(),
        None => "any".into(),
    }
}

/// Whether Drata's kind and ours agree, our normalization aside: a
/// `number` read as `integer` or as an id (integer or text), a `string` id
/// read as an id, a timestamp written either way.
fn same_kind(theirs: &str, ours: &str, our_schema: &Value) -> bool {
    let is_id = ours == "oneOf"
        && our_schema.get("oneOf").and_then(Value::as_array).is_some_and(|options| {
            let types: BTreeSet<&str> =
                options.iter().filter_map(|o| o.get("type").and_then(Value::as_str)).collect();
            types == BTreeSet::from(["integer", "string"])
        });
    theirs == ours
        || (theirs == "number" && (ours == "integer" || is_id))
        || (theirs == "string" && is_id)
        || theirs == "any"
        || (theirs == "string" && ours == "timestamp")
}
