//! [`Shape`]: what the spec says a JSON request body may hold, as data the
//! client checks a body against before sending it. The generator writes one
//! static per schema a request body uses into [`crate::shapes`]; each
//! operation with a JSON body points to its own ([`crate::Operation::body_shape`]).
//!
//! Every way a body goes out is checked the same way (the typed builders,
//! [`crate::Client::call`], [`crate::Client::raw`] when the path is an
//! operation of the spec): a field the schema does not have, a required one
//! missing, a value of the wrong type, a text longer or a number larger
//! than the spec allows, a value outside a closed list. The body is sent
//! exactly as checked: nothing is dropped or added on the way.

use std::fmt;

use serde_json::Value;

/// What a JSON value may be, as the spec says; see the module's docs.
///
/// Shapes are statics of [`crate::shapes`]: two are equal when they are the
/// same static (schemas may refer to each other in a cycle, so they are not
/// compared field by field).
///
/// ```
/// let shape = drata::operations::TOGGLE_VERSION_CONTROL_IDENTITY.body_shape.unwrap();
/// let problems = shape.problems(&serde_json::json!({"toggle": true, "toggleFeild": "X"}));
/// assert_eq!(problems[0].to_string(), "`toggleFeild`: not a field of ToggleVersionControlIdentityRequest; \
///     did you mean `toggleField`? (its fields: toggle, toggleField)");
/// ```
#[non_exhaustive]
pub enum Shape {
    /// Any JSON value (the spec gives no type).
    Any,
    /// `true` or `false`.
    Boolean,
    /// A whole number, within its bounds.
    Integer(Bounds<i64>),
    /// A number, within its bounds.
    Number(Bounds<f64>),
    /// Text.
    String(Text),
    /// A file: a part of a multipart form (`format: binary`).
    File,
    /// A list.
    Array(List),
    /// An object with named fields.
    Object(Object),
    /// The shape, or `null`.
    Nullable(&'static Shape),
    /// One of several shapes.
    OneOf(&'static [&'static Shape]),
}

/// The smallest and largest values a number may take.
#[derive(Debug, Clone, Copy)]
pub struct Bounds<T> {
    /// The smallest, if bounded.
    pub minimum: Option<T>,
    /// The largest, if bounded.
    pub maximum: Option<T>,
}

/// What a text may be.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    /// The fewest characters.
    pub min_length: Option<u64>,
    /// The most characters.
    pub max_length: Option<u64>,
    /// The values it takes, when they are a list (empty: any).
    pub values: &'static [&'static str],
    /// Whether Drata adds values over time: an unknown one is still sent.
    pub open: bool,
}

/// What a list may hold.
#[derive(Debug, Clone, Copy)]
pub struct List {
    /// Each item's shape.
    pub items: &'static Shape,
    /// The fewest items.
    pub min_items: Option<u64>,
    /// The most items.
    pub max_items: Option<u64>,
}

/// An object's fields.
#[derive(Debug, Clone, Copy)]
pub struct Object {
    /// The schema's name (empty for an object declared in place).
    pub name: &'static str,
    /// Its fields, in spec order.
    pub properties: &'static [Property],
    /// Whether a field it does not name is refused (a request body's
    /// objects are: Drata refuses unknown fields).
    pub closed: bool,
}

/// A field of an object.
#[derive(Debug, Clone, Copy)]
pub struct Property {
    /// The field's name in JSON.
    pub name: &'static str,
    /// Whether it must be there.
    pub required: bool,
    /// Its value's shape.
    pub shape: &'static Shape,
    /// What it means, on one line.
    pub description: &'static str,
}

impl fmt::Debug for Shape {
    /// What it takes, in words: shapes may refer to each other in a cycle.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Shape({})", self.describe())
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Shape {}

impl std::hash::Hash for Shape {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(self, state);
    }
}

/// A value that does not have its shape: where, what kind of problem, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the body, as a path (`personnelData[3].email`; empty for
    /// the body itself).
    pub path: String,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// What is wrong, in words.
    pub message: String,
}

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A field the object does not have.
    UnknownField,
    /// A required field is missing.
    Missing,
    /// A value of another JSON type.
    WrongType,
    /// A value outside its bounds (length, size, range).
    OutOfBounds,
    /// A value outside a closed list.
    NotAllowed,
    /// A value outside an open list: sent as given (Drata adds values over
    /// time), but more often a slip than a value newer than the spec.
    /// Reported only by [`Shape::unlisted`], never by [`Shape::problems`].
    Unlisted,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// The most problems one check reports.
const MAX_PROBLEMS: usize = 20;

/// The longest part of a value a problem quotes.
const QUOTED_CHARS: usize = 60;

impl Shape {
    /// Every way `value` departs from the shape (at most 20), in the order
    /// met; empty when it fits.
    pub fn problems(&'static self, value: &Value) -> Vec<Problem> {
        let mut found = Vec::new();
        self.walk(value, &mut String::new(), &mut found, false);
        found.truncate(MAX_PROBLEMS);
        found
    }

    /// Whether `value` fits.
    pub fn accepts(&'static self, value: &Value) -> bool {
        let mut found = Vec::new();
        self.walk(value, &mut String::new(), &mut found, false);
        found.is_empty()
    }

    /// The values of `value` outside an open list of the shape (at most
    /// 20): each is sent as given, since Drata adds values over time, but
    /// is worth a word to whoever wrote it ([`ProblemKind::Unlisted`]).
    ///
    /// ```
    /// let shape = drata::v2::operations::CREATE_VENDOR.body_shape.unwrap();
    /// let body = serde_json::json!({"name": "Acme", "risk": "HIHG"});
    /// assert!(shape.problems(&body).is_empty());
    /// assert_eq!(shape.unlisted(&body)[0].to_string(), "`risk`: `HIHG` is not one of the values the spec \
    ///     knows (NONE, LOW, MODERATE, HIGH); it is sent as given, in case Drata added it");
    /// ```
    pub fn unlisted(&'static self, value: &Value) -> Vec<Problem> {
        let mut found = Vec::new();
        self.walk(value, &mut String::new(), &mut found, true);
        // The walk stops at 20 problems of any kind.
        found.retain(|problem| problem.kind == ProblemKind::Unlisted);
        found
    }

    /// The JSON types it takes, in words: `a whole number`, `text`…
    pub fn describe(&self) -> String {
        match self {
            Shape::Any => "any value".into(),
            Shape::Boolean => "true or false".into(),
            Shape::Integer(_) => "a whole number".into(),
            Shape::Number(_) => "a number".into(),
            Shape::String(_) => "text".into(),
            Shape::File => "a file".into(),
            Shape::Array(_) => "a list".into(),
            Shape::Object(o) if o.name.is_empty() => "an object".into(),
            Shape::Object(o) => format!("an object ({})", o.name),
            Shape::Nullable(inner) => format!("{} or null", inner.describe()),
            Shape::OneOf(options) => options.iter().map(|o| o.describe()).collect::<Vec<_>>().join(" or "),
        }
    }

    /// Whether `value` has a JSON type the shape takes (its bounds aside).
    fn has_type_of(&self, value: &Value) -> bool {
        match (self, value) {
            (Shape::Any, _)
            | (Shape::Boolean, Value::Bool(_))
            | (Shape::Integer(_) | Shape::Number(_), Value::Number(_))
            | (Shape::String(_) | Shape::File, Value::String(_))
            | (Shape::Array(_), Value::Array(_))
            | (Shape::Object(_), Value::Object(_))
            | (Shape::Nullable(_), Value::Null) => true,
            (Shape::Nullable(inner), _) => inner.has_type_of(value),
            (Shape::OneOf(options), _) => options.iter().any(|o| o.has_type_of(value)),
            _ => false,
        }
    }

    /// Every problem of `value` into `found`; with `unlisted`, the values
    /// outside open lists too.
    fn walk(&'static self, value: &Value, path: &mut String, found: &mut Vec<Problem>, unlisted: bool) {
        if found.len() >= MAX_PROBLEMS {
            return;
        }
        let mut problem =
            |kind: ProblemKind, message: String| found.push(Problem { path: path.clone(), kind, message });
        match (self, value) {
            (Shape::Any, _) => {}
            (Shape::Nullable(_), Value::Null) => {}
            (Shape::Nullable(inner), _) if inner.has_type_of(value) => {
                inner.walk(value, path, found, unlisted)
            }
            // The option that takes the value: it has no problem, but it may have unlisted values.
            (Shape::OneOf(options), _) => match options.iter().find(|option| option.accepts(value)) {
                Some(option) => option.walk(value, path, found, unlisted),
                None => problem(
                    ProblemKind::WrongType,
                    format!("must be {}, not {}", self.describe(), quoted(value)),
                ),
            },
            (Shape::Boolean, Value::Bool(_)) => {}
            (Shape::Integer(bounds), Value::Number(n)) => match n.as_i64() {
                Some(n) => bounds.check("a whole number", n, &mut problem),
                // Above every i64: too large for any maximum the spec can state.
                None if n.is_u64() && bounds.maximum.is_some() => problem(
                    ProblemKind::OutOfBounds,
                    format!("must be a whole number {}, not {n}", range(bounds.minimum, bounds.maximum)),
                ),
                None if n.is_u64() => {}
                // `1.0` is a whole number written as a float (as many JSON
                // writers write every number): taken, and sent as written.
                None if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15) => {
                    bounds.check("a whole number", n.as_f64().unwrap_or_default() as i64, &mut problem);
                }
                None => problem(ProblemKind::WrongType, format!("must be a whole number, not {n}")),
            },
            (Shape::Number(bounds), Value::Number(n)) => {
                if let Some(n) = n.as_f64() {
                    bounds.check("a number", n, &mut problem);
                }
            }
            (Shape::String(text), Value::String(s)) => text.check(s, unlisted, &mut problem),
            // A form's file part: what stands for it is checked elsewhere.
            (Shape::File, Value::String(_)) => {}
            (Shape::Array(list), Value::Array(items)) => {
                let count = items.len() as u64;
                if list.min_items.is_some_and(|min| count < min)
                    || list.max_items.is_some_and(|max| count > max)
                {
                    problem(
                        ProblemKind::OutOfBounds,
                        format!("must hold {} item(s), not {count}", range(list.min_items, list.max_items)),
                    );
                }
                for (index, item) in items.iter().enumerate() {
                    let length = path.len();
                    path.push_str(&format!("[{index}]"));
                    list.items.walk(item, path, found, unlisted);
                    path.truncate(length);
                }
            }
            (Shape::Object(object), Value::Object(fields)) => {
                object.walk(fields, path.as_str(), found, unlisted)
            }
            (_, other) => {
                problem(ProblemKind::WrongType, format!("must be {}, not {}", self.describe(), quoted(other)))
            }
        }
    }
}

impl<T: PartialOrd + fmt::Display + Copy> Bounds<T> {
    fn check(&self, what: &str, value: T, problem: &mut impl FnMut(ProblemKind, String)) {
        let below = self.minimum.is_some_and(|min| value < min);
        let above = self.maximum.is_some_and(|max| value > max);
        if below || above {
            problem(
                ProblemKind::OutOfBounds,
                format!("must be {what} {}, not {value}", range(self.minimum, self.maximum)),
            );
        }
    }
}

impl Text {
    fn check(&self, text: &str, unlisted: bool, problem: &mut impl FnMut(ProblemKind, String)) {
        let length = text.chars().count() as u64;
        if self.min_length.is_some_and(|min| length < min) || self.max_length.is_some_and(|max| length > max)
        {
            let what = match (self.min_length, self.max_length) {
                (Some(_), _) if length == 0 => "must not be empty".to_string(),
                (min, max) => format!("must be {} character(s) long, not {length}", range(min, max)),
            };
            problem(ProblemKind::OutOfBounds, what);
        }
        if !self.values.is_empty() && !self.values.contains(&text) {
            if !self.open {
                problem(
                    ProblemKind::NotAllowed,
                    format!("must be one of {}, not {}", self.values.join(", "), quoted_text(text)),
                );
            } else if unlisted {
                problem(
                    ProblemKind::Unlisted,
                    format!(
                        "{} is not one of the values the spec knows ({}); it is sent as given, in case Drata added it",
                        quoted_text(text),
                        self.values.join(", ")
                    ),
                );
            }
        }
    }
}

impl Object {
    fn walk(
        &self,
        fields: &serde_json::Map<String, Value>,
        path: &str,
        found: &mut Vec<Problem>,
        unlisted: bool,
    ) {
        let here = |path: &str, name: &str| {
            if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
        };
        for property in self.properties {
            if property.required && !fields.contains_key(property.name) {
                found.push(Problem {
                    path: path.to_string(),
                    kind: ProblemKind::Missing,
                    message: format!("`{}` is required", property.name),
                });
            }
        }
        // The fields in the schema's order (not the map's, which depends on
        // how serde_json was built), then those it does not have.
        for property in self.properties {
            if let Some(value) = fields.get(property.name) {
                let mut inner = here(path, property.name);
                property.shape.walk(value, &mut inner, found, unlisted);
            }
        }
        if self.closed {
            for name in fields.keys().filter(|name| !self.properties.iter().any(|p| p.name == name.as_str()))
            {
                found.push(Problem {
                    path: here(path, name),
                    kind: ProblemKind::UnknownField,
                    message: self.unknown(name),
                });
            }
        }
    }

    /// Why a field `name` is refused: what the object is, the closest field it has, and all of them.
    fn unknown(&self, name: &str) -> String {
        let of = if self.name.is_empty() { String::new() } else { format!(" of {}", self.name) };
        let names: Vec<&str> = self.properties.iter().map(|p| p.name).collect();
        match closest(name, &names) {
            Some(close) => {
                format!("not a field{of}; did you mean `{close}`? (its fields: {})", names.join(", "))
            }
            None => format!("not a field{of}, which has none"),
        }
    }
}

/// The name of `names` closest to `name` (fewest edits, any case).
pub fn closest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let wanted = name.to_lowercase();
    names.iter().copied().min_by_key(|candidate| edit_distance(&wanted, &candidate.to_lowercase()))
}

/// The fewest single-character insertions, deletions and substitutions
/// that turn `a` into `b` (Levenshtein).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `from 1 to 9`, `from 1`, `up to 9`.
fn range<T: fmt::Display>(min: Option<T>, max: Option<T>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("from {min}"),
        (None, Some(max)) => format!("up to {max}"),
        (None, None) => String::new(),
    }
}

/// A value as a problem quotes it: its start only.
fn quoted(value: &Value) -> String {
    match value {
        Value::String(s) => quoted_text(s),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        other => other.to_string(),
    }
}

fn quoted_text(text: &str) -> String {
    let start: String = text.chars().take(QUOTED_CHARS).collect();
    if start.len() < text.len() { format!("`{start}…`") } else { format!("`{start}`") }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    static NAME: Shape =
        Shape::String(Text { min_length: Some(1), max_length: Some(5), values: &[], open: false });
    static KIND: Shape =
        Shape::String(Text { min_length: None, max_length: None, values: &["A", "B"], open: false });
    static OPEN: Shape =
        Shape::String(Text { min_length: None, max_length: None, values: &["A"], open: true });
    static COUNT: Shape = Shape::Integer(Bounds { minimum: Some(1), maximum: None });
    static RATIO: Shape = Shape::Number(Bounds { minimum: Some(0.0), maximum: Some(1.0) });
    static MAYBE: Shape = Shape::Nullable(&COUNT);
    static EITHER: Shape = Shape::OneOf(&[&COUNT, &NAME]);
    static TAGS: Shape = Shape::Array(List { items: &NAME, min_items: Some(1), max_items: Some(2) });
    static THING: Shape = Shape::Object(Object {
        name: "Thing",
        properties: &[
            Property { name: "name", required: true, shape: &NAME, description: "" },
            Property { name: "kind", required: false, shape: &KIND, description: "" },
            Property { name: "open", required: false, shape: &OPEN, description: "" },
            Property { name: "count", required: false, shape: &MAYBE, description: "" },
            Property { name: "ratio", required: false, shape: &RATIO, description: "" },
            Property { name: "either", required: false, shape: &EITHER, description: "" },
            Property { name: "tags", required: false, shape: &TAGS, description: "" },
            Property { name: "child", required: false, shape: &THING, description: "" },
            Property { name: "any", required: false, shape: &Shape::Any, description: "" },
        ],
        closed: true,
    });
    static LOOSE: Shape = Shape::Object(Object { name: "", properties: &[], closed: false });

    fn said(value: Value) -> Vec<String> {
        THING.problems(&value).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_value_of_the_shape_has_no_problem() {
        let value = json!({"name": "a", "kind": "B", "open": "NEW", "count": null, "ratio": 0.5,
            "either": "x", "tags": ["t"], "child": {"name": "b", "count": 3}, "any": [{}]});
        assert_eq!(said(value), Vec::<String>::new());
        assert!(LOOSE.accepts(&json!({"whatever": 1})));
    }

    #[test]
    fn values_outside_open_lists_are_named_wherever_they_are_and_are_no_problem() {
        static MAYBE_OPEN: Shape = Shape::Nullable(&OPEN);
        static COUNT_OR_OPEN: Shape = Shape::OneOf(&[&COUNT, &OPEN]);
        static OPENS: Shape = Shape::Array(List { items: &OPEN, min_items: None, max_items: None });
        static HOLDER: Shape = Shape::Object(Object {
            name: "Holder",
            properties: &[
                Property { name: "open", required: false, shape: &OPEN, description: "" },
                Property { name: "kind", required: false, shape: &KIND, description: "" },
                Property { name: "maybe", required: false, shape: &MAYBE_OPEN, description: "" },
                Property { name: "either", required: false, shape: &COUNT_OR_OPEN, description: "" },
                Property { name: "list", required: false, shape: &OPENS, description: "" },
                Property { name: "child", required: false, shape: &HOLDER, description: "" },
            ],
            closed: true,
        });
        let value = json!({"open": "NEW", "maybe": "B", "either": "C", "list": ["A", "D"],
            "child": {"open": "E", "maybe": null, "either": 2}});
        assert_eq!(HOLDER.problems(&value), Vec::<Problem>::new());
        let unlisted = HOLDER.unlisted(&value);
        assert!(unlisted.iter().all(|p| p.kind == ProblemKind::Unlisted));
        let said: Vec<String> = unlisted.iter().map(ToString::to_string).collect();
        let known =
            "is not one of the values the spec knows (A); it is sent as given, in case Drata added it";
        assert_eq!(
            said,
            [
                format!("`open`: `NEW` {known}"),
                format!("`maybe`: `B` {known}"),
                format!("`either`: `C` {known}"),
                format!("`list[1]`: `D` {known}"),
                format!("`child.open`: `E` {known}"),
            ]
        );
        // Known values, and a closed list's value (a problem, not a note), are not named.
        let value = json!({"open": "A", "list": ["A"], "kind": "Z"});
        assert_eq!(HOLDER.unlisted(&value), Vec::<Problem>::new());
        assert_eq!(HOLDER.problems(&value)[0].kind, ProblemKind::NotAllowed);
        // At most twenty, as problems.
        assert_eq!(HOLDER.unlisted(&json!({"list": vec!["X"; 25]})).len(), 20);
    }

    #[test]
    fn an_unknown_field_is_named_with_the_closest_known_one() {
        assert_eq!(
            said(json!({"name": "a", "Kidn": "A"})),
            [
                "`Kidn`: not a field of Thing; did you mean `kind`? (its fields: name, kind, open, count, ratio, either, tags, child, any)"
            ]
        );
        assert_eq!(
            said(json!({"name": "a", "child": {"name": "b", "nmae": 1}}))[0],
            "`child.nmae`: not a field of Thing; did you mean `name`? (its fields: name, kind, open, count, ratio, either, tags, child, any)"
        );
        static EMPTY: Shape = Shape::Object(Object { name: "", properties: &[], closed: true });
        assert_eq!(EMPTY.problems(&json!({"x": 1}))[0].to_string(), "`x`: not a field, which has none");
    }

    #[test]
    fn every_limit_is_named_with_its_path_in_the_schemas_order() {
        assert_eq!(
            said(json!({"name": "", "kind": "C", "count": 0, "ratio": 2, "tags": [], "either": true})),
            [
                "`name`: must not be empty",
                "`kind`: must be one of A, B, not `C`",
                "`count`: must be a whole number from 1, not 0",
                "`ratio`: must be a number from 0 to 1, not 2",
                "`either`: must be a whole number or text, not true",
                "`tags`: must hold from 1 to 2 item(s), not 0",
            ]
        );
        assert_eq!(
            said(json!({"name": "toolong", "tags": ["a", "b", "cccccc"], "count": 1.5})),
            [
                "`name`: must be from 1 to 5 character(s) long, not 7",
                "`count`: must be a whole number, not 1.5",
                "`tags`: must hold from 1 to 2 item(s), not 3",
                "`tags[2]`: must be from 1 to 5 character(s) long, not 6",
            ]
        );
        assert_eq!(said(json!({})), ["`name` is required"]);
        let kinds = |value: Value| THING.problems(&value).iter().map(|p| p.kind).collect::<Vec<_>>();
        assert_eq!(
            kinds(json!({"nmae": "", "kind": "C", "count": "x", "tags": []})),
            [
                ProblemKind::Missing,
                ProblemKind::NotAllowed,
                ProblemKind::WrongType,
                ProblemKind::OutOfBounds,
                ProblemKind::UnknownField,
            ]
        );
        assert_eq!(said(json!([1])), ["must be an object (Thing), not a list"]);
        assert_eq!(
            said(json!({"name": 5, "count": "x"})),
            ["`name`: must be text, not 5", "`count`: must be a whole number or null, not `x`"]
        );
        assert_eq!(said(json!({"name": "a", "count": 18446744073709551615u64})), Vec::<String>::new());
        assert_eq!(said(json!({"name": "a", "count": 2.0})), Vec::<String>::new(), "a whole float");
        assert_eq!(
            said(json!({"name": "a", "count": 0.0})),
            ["`count`: must be a whole number from 1, not 0"]
        );
        static SMALL: Shape = Shape::Integer(Bounds { minimum: None, maximum: Some(10) });
        assert_eq!(
            SMALL.problems(&json!(18446744073709551615u64))[0].to_string(),
            "must be a whole number up to 10, not 18446744073709551615"
        );
    }

    #[test]
    fn quoted_values_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(
            said(json!({"name": "a", "kind": long}))[0],
            format!("`kind`: must be one of A, B, not `{}…`", "x".repeat(60))
        );
    }

    #[test]
    fn at_most_twenty_problems_are_reported() {
        let tags: Vec<Value> = (0..50).map(|_| json!(1)).collect();
        static MANY: Shape = Shape::Array(List { items: &NAME, min_items: None, max_items: None });
        assert_eq!(MANY.problems(&Value::Array(tags)).len(), 20);
    }

    #[test]
    fn closest_counts_edits_in_any_case() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(closest("TOGGLEFEILD", &["toggle", "toggleField"]), Some("toggleField"));
        assert_eq!(closest("x", &[]), None);
    }

    #[test]
    fn shapes_are_equal_when_they_are_the_same_static() {
        assert_eq!(&THING, &THING);
        assert_ne!(&NAME, &KIND);
    }
}
