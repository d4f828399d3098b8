//! [`Tolerant`]: an item of a listing, kept whatever its shape.
//!
//! Drata's answers do not always have the shape its documents give them (a
//! field of an unexpected type, a "required" field missing). One odd value
//! must not cost the whole page: each item of a list the spec marks
//! `x-drata-tolerant-items` is read on its own. An item that has the
//! documented shape is read as usual (the common case costs one copy of its
//! text, which is kept). Otherwise the parts that do not fit are set aside (a field, or a
//! whole element of a list), deepest first, until the rest reads; each part
//! set aside is kept with its raw value ([`Unreadable`]). When even that fails (the item is not an object, or a
//! required field of its own is unreadable), the item is kept raw only.
//! Either way the item's exact JSON stays reachable ([`Tolerant::raw`]) and
//! is what serializing it writes back: every field Drata sent, those the
//! typed value leaves out (unknown to this version, or null) included.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::json_path::{self, Step};

/// The most parts of one item set aside before it is kept raw only.
const MAX_SET_ASIDE: usize = 32;

/// An item of a listing: typed when it reads, with any part that does not
/// fit set aside; kept raw when it cannot be typed at all.
///
/// ```
/// use drata::Tolerant;
/// use drata::types::CompactConnection;
///
/// // `code` is documented as a number; this item sends a string.
/// let item: Tolerant<CompactConnection> = serde_json::from_str(r#"{
///     "id": 7, "clientType": "OKTA", "state": "ACTIVE", "connected": true,
///     "connectedAt": null, "failedAt": null, "clientId": null, "clientAlias": "Okta",
///     "aliasUpdatedAt": null, "deletedAt": null, "code": "E42"
/// }"#).unwrap();
/// // `code` is required, so the item cannot be typed; it is kept as sent.
/// assert!(item.value().is_none());
/// assert_eq!(item.raw_field("clientAlias"), Some(serde_json::json!("Okta")));
/// assert_eq!(item.unreadable()[0].path, "code");
/// ```
#[derive(Clone)]
pub struct Tolerant<T> {
    value: Option<T>,
    unreadable: Vec<Unreadable>,
    /// The item as sent (`None` for an item made in Rust, not read).
    raw: Option<Box<RawValue>>,
}

/// A part of an item that did not have the documented shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// Where it is in the item, e.g. `providerTypes[0]`; empty for the item
    /// itself.
    pub path: String,
    /// The part as sent (`null` when it was missing).
    pub value: Value,
    /// Why it does not fit, e.g. "invalid type: string \"E42\", expected i64".
    pub reason: String,
}

impl<T> Tolerant<T> {
    /// The item, typed; `None` when it could not be typed at all (see
    /// [`Tolerant::raw`]). Parts listed in [`Tolerant::unreadable`] are
    /// missing from it.
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The typed item, if any.
    pub fn into_value(self) -> Option<T> {
        self.value
    }

    /// The parts that did not fit, with their raw values; empty when the
    /// item had the documented shape.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Whether the item had the documented shape in full.
    pub fn is_exact(&self) -> bool {
        self.value.is_some() && self.unreadable.is_empty()
    }

    /// The item's JSON exactly as sent (`None` for an item made in Rust
    /// with `From`).
    pub fn raw(&self) -> Option<&RawValue> {
        self.raw.as_deref()
    }

    /// A top-level field of the item as sent.
    pub fn raw_field(&self, name: &str) -> Option<Value> {
        let raw = self.raw.as_deref()?;
        let mut object: serde_json::Map<String, Value> = serde_json::from_str(raw.get()).ok()?;
        object.remove(name)
    }
}

impl<T: DeserializeOwned> Tolerant<T> {
    /// Reads one item from its JSON text.
    pub fn from_raw(raw: Box<RawValue>) -> Self {
        // Read from bytes, as every answer is: one reading of `T` compiled.
        match serde_json::from_slice::<T>(raw.get().as_bytes()) {
            Ok(value) => Self { value: Some(value), unreadable: Vec::new(), raw: Some(raw) },
            Err(_) => Self::set_aside(raw),
        }
    }

    /// The slow path: set aside what does not fit until the rest reads.
    fn set_aside(raw: Box<RawValue>) -> Self {
        let mut unreadable = Vec::new();
        let mut value: Value = match serde_json::from_str(raw.get()) {
            Ok(value) => value,
            Err(e) => {
                unreadable.push(Unreadable {
                    path: String::new(),
                    value: Value::Null,
                    reason: e.to_string(),
                });
                return Self { value: None, unreadable, raw: Some(raw) };
            }
        };
        for _ in 0..MAX_SET_ASIDE {
            let text = value.to_string();
            let error = match serde_json::from_slice::<T>(text.as_bytes()) {
                Ok(typed) => return Self { value: Some(typed), unreadable, raw: Some(raw) },
                Err(error) => error,
            };
            let path = unit_of(json_path::of_error(text.as_bytes(), &error).unwrap_or_default());
            let reason = json_path::message(&error);
            // A missing field's path is the object that misses it: the
            // object goes, then its parent may miss it in turn.
            match remove_at(&mut value, &path) {
                Some(removed) => {
                    unreadable.push(Unreadable { path: json_path::display(&path), value: removed, reason });
                }
                _ => {
                    unreadable.push(Unreadable {
                        path: json_path::display(&path),
                        value: Value::Null,
                        reason,
                    });
                    break;
                }
            }
        }
        Self { value: None, unreadable, raw: Some(raw) }
    }
}

/// The part to set aside for an error at `path`: an element of a list is
/// a unit (set aside whole, with its raw value), so a path inside one is
/// cut after its index; elsewhere, the field itself.
fn unit_of(mut path: Vec<Step>) -> Vec<Step> {
    if let Some(last_index) = path.iter().rposition(|step| matches!(step, Step::Index(_))) {
        path.truncate(last_index + 1);
    }
    path
}

/// Removes the part of `value` at `path` (an element from its array, a key
/// from its object) and returns it; `None` for the root or a path that
/// does not exist.
fn remove_at(value: &mut Value, path: &[Step]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut parent = value;
    for step in parents {
        parent = match step {
            Step::Key(key) => parent.get_mut(key.as_str())?,
            Step::Index(i) => parent.get_mut(*i)?,
        };
    }
    match last {
        Step::Key(key) => {
            // `retain` keeps the other keys in their order, whichever map
            // serde_json was built with.
            let mut removed = None;
            parent.as_object_mut()?.retain(|k, v| {
                let keep = k != key;
                if !keep {
                    removed = Some(v.take());
                }
                keep
            });
            removed
        }
        Step::Index(i) => {
            let items = parent.as_array_mut()?;
            (*i < items.len()).then(|| items.remove(*i))
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Tolerant<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from_raw(Box::<RawValue>::deserialize(deserializer)?))
    }
}

impl<T: Serialize> Serialize for Tolerant<T> {
    /// The item exactly as sent; an item made in Rust, as typed.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (&self.raw, &self.value) {
            (Some(raw), _) => raw.serialize(serializer),
            (None, Some(value)) => value.serialize(serializer),
            (None, None) => serializer.serialize_none(),
        }
    }
}

impl<T> From<T> for Tolerant<T> {
    fn from(value: T) -> Self {
        Self { value: Some(value), unreadable: Vec::new(), raw: None }
    }
}

impl<T: PartialEq> PartialEq for Tolerant<T> {
    /// Equal values with the same parts set aside; for items that did not
    /// have their documented shape, the same text as sent too.
    fn eq(&self, other: &Self) -> bool {
        fn odd_text<T>(t: &Tolerant<T>) -> Option<&str> {
            if t.is_exact() { None } else { t.raw.as_deref().map(RawValue::get) }
        }
        self.value == other.value && self.unreadable == other.unreadable && odd_text(self) == odd_text(other)
    }
}

impl<T: fmt::Debug> fmt::Debug for Tolerant<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Tolerant");
        debug.field("value", &self.value);
        if !self.unreadable.is_empty() {
            debug.field("unreadable", &self.unreadable);
        }
        if let Some(raw) = self.raw.as_ref().filter(|_| !self.is_exact()) {
            debug.field("raw", &raw.get());
        }
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Item {
        id: i64,
        #[serde(default)]
        tags: Option<Vec<i64>>,
        #[serde(default)]
        nested: Option<Nested>,
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Nested {
        required: bool,
    }

    fn read(text: &str) -> Tolerant<Item> {
        serde_json::from_str(text).expect("any JSON is kept")
    }

    #[test]
    fn an_item_of_the_documented_shape_is_exact_and_written_back_as_sent() {
        let text = r#"{"id": 1, "tags": [1, 2], "unknown": null, "nested": null}"#;
        let item = read(text);
        assert!(item.is_exact());
        assert_eq!(item.raw().map(RawValue::get), Some(text));
        assert_eq!(item.value(), Some(&Item { id: 1, tags: Some(vec![1, 2]), nested: None }));
        assert_eq!(serde_json::to_string(&item).unwrap(), text, "unknown and null fields kept");
        let made = Tolerant::from(Item { id: 2, tags: None, nested: None });
        assert_eq!(serde_json::to_string(&made).unwrap(), r#"{"id":2,"tags":null,"nested":null}"#);
    }

    #[test]
    fn an_odd_element_is_set_aside_and_the_rest_kept() {
        let text = r#"{"id": 1, "tags": [1, "two", 3]}"#;
        let item = read(text);
        assert_eq!(item.value(), Some(&Item { id: 1, tags: Some(vec![1, 3]), nested: None }));
        assert_eq!(item.unreadable().len(), 1);
        assert_eq!(
            (item.unreadable()[0].path.as_str(), &item.unreadable()[0].value),
            ("tags[1]", &serde_json::json!("two"))
        );
        assert_eq!(serde_json::to_string(&item).unwrap(), text, "written back exactly as sent");
        assert!(!item.is_exact(), "a part was set aside");
    }

    #[test]
    fn a_path_inside_a_nested_object_is_written_with_dots() {
        let item = read(r#"{"id": 1, "nested": {"required": "yes"}}"#);
        let paths: Vec<&str> = item.unreadable().iter().map(|u| u.path.as_str()).collect();
        // The odd field goes first; then the object misses it and goes too.
        assert_eq!(paths, ["nested.required", "nested"]);
        assert_eq!(item.into_value(), Some(Item { id: 1, tags: None, nested: None }));
    }

    #[test]
    fn debug_shows_parts_set_aside_and_the_raw_text_only_when_there_are_any() {
        assert_eq!(
            format!("{:?}", read(r#"{"id": 1}"#)),
            "Tolerant { value: Some(Item { id: 1, tags: None, nested: None }) }"
        );
        assert_eq!(
            format!("{:?}", read(r#"{"id": "x"}"#)),
            r#"Tolerant { value: None, unreadable: [Unreadable { path: "id", value: String("x"), reason: "invalid type: string \"x\", expected i64" }, Unreadable { path: "", value: Null, reason: "missing field `id`" }], raw: "{\"id\": \"x\"}" }"#
        );
    }

    #[test]
    fn only_an_existing_element_is_removed() {
        let mut list = serde_json::json!([1]);
        assert_eq!(remove_at(&mut list, &[Step::Index(1)]), None);
        assert_eq!(remove_at(&mut list, &[Step::Index(0)]), Some(serde_json::json!(1)));
        assert_eq!(remove_at(&mut list, &[]), None, "the root is never removed");
    }

    #[test]
    fn items_are_equal_when_value_parts_set_aside_and_raw_text_all_are() {
        let odd = r#"{"id": 1, "tags": [1, "two", 3]}"#;
        assert_eq!(read(odd), read(odd));
        assert_eq!(read(r#"{"id": 1}"#), read(r#"{"id": 1}"#));
        // The same typed value, but one had a part set aside.
        assert_ne!(read(odd), read(r#"{"id": 1, "tags": [1, 3]}"#));
        // Exact items with different values; exact items read from other text.
        assert_ne!(read(r#"{"id": 1}"#), read(r#"{"id": 2}"#));
        assert_eq!(read(r#"{"id": 1}"#), read(r#"{ "id": 1 }"#));
        // The same parts set aside, from different text.
        assert_ne!(read(odd), read(r#"{"id": 1, "tags": [1, "two", 3] }"#));
    }

    #[test]
    fn a_nested_object_missing_a_required_field_is_set_aside_whole() {
        let item = read(r#"{"id": 1, "nested": {"other": 1}}"#);
        assert_eq!(item.value().map(|i| &i.nested), Some(&None));
        assert_eq!(item.unreadable()[0].path, "nested");
        assert_eq!(item.unreadable()[0].reason, "missing field `required`");
    }

    #[test]
    fn an_item_that_cannot_be_typed_is_kept_raw() {
        for text in [r#"{"id": "x"}"#, r#"{"tags": []}"#, r#""a string""#, "[]", "null"] {
            let item = read(text);
            assert_eq!(item.value(), None, "{text}");
            assert_eq!(item.raw().map(RawValue::get), Some(text));
            assert!(!item.unreadable().is_empty() && !item.is_exact());
        }
        assert_eq!(read(r#"{"id": "x"}"#).raw_field("id"), Some(serde_json::json!("x")));
    }
}
