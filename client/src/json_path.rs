//! Where in a JSON text reading failed, as a path: `data[3].clientType`.
//!
//! serde_json says where an error happened as a line and a column; this
//! walks the text up to that place and names the value there. It stands in
//! for a path-tracking deserializer, which would compile every type's
//! `Deserialize` a second time (measured: a quarter of the crate's machine
//! code) to serve only failures. The walk is not generic, runs only on a
//! failure, never recurses deeper than [`MAX_DEPTH`] and gives up (`None`)
//! on text that is not what serde_json read.
//!
//! serde_json stops just after a value of the wrong type (`"code":"E42"`
//! ends at the closing quote), just after an object missing a field (its
//! `}`), just after an unknown key, or just before a value whose kind is
//! wrong (`"data":{…}` for a list). The value ending or starting there is
//! the one named, so the path is the same one a path-tracking deserializer
//! gives: the field, the element, or the object that misses a field.

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A member of an object, by key.
    Key(String),
    /// An element of an array, by index.
    Index(usize),
}

/// Deeper than serde_json reads by default (128), so never the limit for
/// text it read.
const MAX_DEPTH: usize = 256;

/// The path of the value at which reading `text` failed with `error`;
/// empty for the whole text, `None` when it cannot be told.
pub(crate) fn of_error(text: &[u8], error: &serde_json::Error) -> Option<Vec<Step>> {
    let target = offset(text, error.line(), error.column())?;
    let mut walker = Walker { text, pos: 0, target, path: Vec::new() };
    match walker.value(0) {
        Err(Stop::Found(path)) => Some(path),
        Err(Stop::Lost) | Ok(()) => None,
    }
}

/// `path` as text: `data[3].clientType`; empty for the whole value.
pub(crate) fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// serde_json's message without its place (`… at line 1 column 29`), for
/// a message that names the path instead.
pub(crate) fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text[..at].to_string(),
        _ => text,
    }
}

/// The byte offset of serde_json's `line` (from 1) and `column` (bytes
/// into the line); `None` for line 0, which serde_json gives an error that
/// has no place, and for a place past the end of `text`.
fn offset(text: &[u8], line: usize, column: usize) -> Option<usize> {
    let line_start = match line {
        0 => return None,
        1 => 0,
        _ => text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2)?.0 + 1,
    };
    Some(line_start + column).filter(|offset| *offset <= text.len())
}

/// Why the walk ended early.
enum Stop {
    /// The path of the value at the error's place.
    Found(Vec<Step>),
    /// The text is not JSON where it should be, or too deep.
    Lost,
}

struct Walker<'a> {
    text: &'a [u8],
    pos: usize,
    target: usize,
    path: Vec<Step>,
}

impl Walker<'_> {
    /// Walks one value; stops with its path when the error's place is at
    /// its start or its end.
    fn value(&mut self, depth: usize) -> Result<(), Stop> {
        self.skip_whitespace();
        self.stop_here()?;
        if depth > MAX_DEPTH {
            return Err(Stop::Lost);
        }
        match self.text.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => {
                self.string()?;
            }
            Some(_) => self.scalar(),
            None => return Err(Stop::Lost),
        }
        self.stop_here()
    }

    fn object(&mut self, depth: usize) -> Result<(), Stop> {
        self.pos += 1;
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.path.push(Step::Key(key));
            // An unknown key is refused just after it is read.
            self.stop_here()?;
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(Stop::Lost);
            }
            self.value(depth + 1)?;
            self.path.pop();
            self.skip_whitespace();
            if self.eat(b',') {
                continue;
            }
            return if self.eat(b'}') { Ok(()) } else { Err(Stop::Lost) };
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), Stop> {
        self.pos += 1;
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(());
        }
        for index in 0.. {
            self.path.push(Step::Index(index));
            self.value(depth + 1)?;
            self.path.pop();
            self.skip_whitespace();
            if self.eat(b',') {
                continue;
            }
            return if self.eat(b']') { Ok(()) } else { Err(Stop::Lost) };
        }
        Err(Stop::Lost)
    }

    /// A string, decoded (keys are named as their text, escapes read).
    fn string(&mut self) -> Result<String, Stop> {
        let start = self.pos;
        if !self.eat(b'"') {
            return Err(Stop::Lost);
        }
        while let Some(&byte) = self.text.get(self.pos) {
            self.pos += 1;
            match byte {
                b'\\' => self.pos += 1,
                b'"' => {
                    let quoted = self.text.get(start..self.pos).ok_or(Stop::Lost)?;
                    return serde_json::from_slice(quoted).map_err(|_| Stop::Lost);
                }
                _ => {}
            }
        }
        Err(Stop::Lost)
    }

    /// A number, `true`, `false` or `null`: up to the next delimiter.
    fn scalar(&mut self) {
        while let Some(byte) = self.text.get(self.pos) {
            if matches!(byte, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            self.pos += 1;
        }
    }

    fn stop_here(&self) -> Result<(), Stop> {
        if self.pos >= self.target { Err(Stop::Found(self.path.clone())) } else { Ok(()) }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.text.get(self.pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.text.get(self.pos) == Some(&byte);
        if found {
            self.pos += 1;
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        total: i64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
        tags: Vec<String>,
        kind: Option<Kind>,
        inner: Option<Inner>,
    }

    #[derive(serde::Deserialize, Debug)]
    enum Kind {
        A,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: i64,
    }

    fn path_of(text: &str) -> Option<String> {
        let error = serde_json::from_str::<Page>(text).expect_err("fails");
        of_error(text.as_bytes(), &error).map(|path| display(&path))
    }

    #[test]
    fn names_the_value_where_reading_failed() {
        let cases = [
            (r#"{"data":[{"id":"7","tags":[]}],"total":1}"#, "data[0].id"),
            (r#"{"data":[{"id":1,"tags":[]},{"id":2,"tags":["a",3]}],"total":1}"#, "data[1].tags[1]"),
            (r#"{"data":[{"id":1,"tags":[],"kind":"B"}],"total":1}"#, "data[0].kind"),
            (r#"{"data":[{"id":1,"tags":[],"inner":{}}],"total":1}"#, "data[0].inner"),
            (r#"{"data":[{"id":1,"tags":[],"inner":{"x":1,"y":2}}],"total":1}"#, "data[0].inner.y"),
            (r#"{"data":[{"id":1,"tags":[],"inner":{"x":true}}],"total":1}"#, "data[0].inner.x"),
            (r#"{"data":{},"total":1}"#, "data"),
            (r#"{"data":[{"id":{"a":[1,{"b":2}]},"tags":[]}],"total":1}"#, "data[0].id"),
            (r#"{"data":[],"total":1.5}"#, "total"),
            (r#"{"data":[]}"#, ""),
            (
                r#"{"da\"ta":[], "data": [ {"id" : 1 , "tags" : [ ] , "inner" : { "x" : "1" } } ] }"#,
                "data[0].inner.x",
            ),
            (
                "{\n  \"data\": [\n    {\"id\": 1, \"tags\": []},\n    {\"id\": null, \"tags\": []}\n  ],\n  \"total\": 2\n}",
                "data[1].id",
            ),
            (
                r#"{"data":[{"id":1,"tags":[],"kind":null,"inner":null,"\u00e9t\u00e9":{"x":[]}}],"total":"x"}"#,
                "total",
            ),
        ];
        for (text, path) in cases {
            assert_eq!(path_of(text).as_deref(), Some(path), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_what_serde_json_read_gives_no_path() {
        let error = serde_json::from_str::<Page>(r#"{"data":[],"total":"x"}"#).expect_err("fails");
        // The same error against other text: the walk loses its way.
        assert_eq!(of_error(br#"{"data" 1"#, &error), None);
        assert_eq!(of_error(b"", &error), None);
        // The end of the text: the whole of it.
        let eof = serde_json::from_str::<Page>("").expect_err("empty");
        assert_eq!(of_error(b"", &eof), Some(Vec::new()));
        // A struct read from a list: its first field from the first element.
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let error = serde_json::from_str::<Page>(&deep).expect_err("not a page");
        assert_eq!(of_error(deep.as_bytes(), &error).map(|p| display(&p)).as_deref(), Some("[0][0][0]"));
        // Deeper than the walk goes.
        let mut walker = Walker { text: deep.as_bytes(), pos: 0, target: deep.len(), path: Vec::new() };
        assert!(matches!(walker.value(0), Err(Stop::Lost)));
    }

    #[test]
    fn an_offset_counts_the_lines_before_it() {
        assert_eq!(offset(b"ab\ncd\nef", 1, 2), Some(2));
        assert_eq!(offset(b"ab\ncd\nef", 2, 1), Some(4));
        assert_eq!(offset(b"ab\ncd\nef", 3, 2), Some(8));
        assert_eq!(offset(b"ab\ncd\nef", 3, 3), None);
        assert_eq!(offset(b"ab", 4, 0), None);
        assert_eq!(offset(b"ab", 0, 0), None);
    }
}
