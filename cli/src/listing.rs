//! Printing a listing of the API, any of them: one page (with a footer
//! saying where it is) or every page (with progress on stderr), as a table
//! or as JSON. Each row is read from the item's JSON, so an item that does
//! not have the documented shape prints what Drata sent, with a note.

use drata::{Page, Tolerant};
use futures::TryStreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde::Serialize;
use serde_json::Value;

use crate::Failure;
use crate::commands::Context;
use crate::output::{self, Format, Stdout, text};

/// How a column shows its field.
#[derive(Debug, Clone, Copy)]
pub enum Show {
    /// The value as text.
    Text,
    /// A timestamp meaning "on since": the time, or `no` when null or absent.
    Since,
    /// `yes` or `no`.
    YesNo,
}

/// A column: its header, the JSON pointer of its field in an item, how it shows.
pub type Column = (&'static str, &'static str, Show);

/// What to fetch: one page, or every page.
pub enum Fetch<'a, P> {
    /// One page (the request as the user gave it).
    One(BoxFuture<'a, Result<drata::Response<P>, drata::Error>>),
    /// Every page.
    All(BoxStream<'a, Result<P, drata::Error>>),
}

/// Prints the listing; `what` names its items in the plural (`identities`).
pub async fn print<P, const N: usize>(
    out: &mut Stdout,
    format: Format,
    what: &str,
    columns: &[Column; N],
    fetch: Fetch<'_, P>,
) -> Result<(), Failure>
where
    P: Page + Serialize,
    P::Item: Serialize,
{
    match fetch {
        Fetch::One(request) => {
            let answer = request.await?;
            if format == Format::Json {
                return out.raw_json(answer.bytes());
            }
            let page = answer.into_inner();
            if format == Format::Ndjson {
                return page.items().iter().try_for_each(|item| out.item(item));
            }
            table(out, columns, page.items())?;
            let numbers = serde_json::to_value(&page).unwrap_or_default();
            let number = |name: &str| numbers.get(name).and_then(Value::as_i64).unwrap_or(0);
            out.line(&footer(what, number("page"), number("limit"), page.total(), page.items().len()))
        }
        Fetch::All(mut pages) => {
            let progress = output::items_bar(what);
            let mut tally = Tally::default();
            let mut stream = Streamed::begin(out, format)?;
            let mut pages_done: u32 = 0;
            let mut all = Vec::new();
            loop {
                let page = match pages.try_next().await {
                    Ok(Some(page)) => page,
                    Ok(None) => break,
                    Err(error) => {
                        progress.finish_and_clear();
                        return Err(stream.fail(out, error.into()));
                    }
                };
                output::set_items_total(&progress, what, u64::try_from(page.total()).unwrap_or(0));
                progress.inc(page.items().len() as u64);
                tally.page(page.items().len(), u64::try_from(page.total()).ok());
                pages_done += 1;
                stream.came(Some(format!("--page {}", pages_done + 1)));
                if !stream.page(out, page.items())? {
                    all.extend(page.into_items());
                }
            }
            progress.finish_and_clear();
            tally.finish(what);
            if stream.end(out)? {
                return Ok(());
            }
            table(out, columns, &all)?;
            out.line(&format!("{} {what}", all.len()))
        }
    }
}

/// The gate a listing passes before it sends anything: the one every
/// command passes ([`Context::permit_write`], which lets a read through),
/// so that `--dry-run` prints the GET it would send (`operation`'s path,
/// and `query` as the command would send it) and sends nothing, as every
/// command's dry run does. `Ok(false)`: it was a dry run.
pub async fn gate(
    context: &Context,
    out: &mut Stdout,
    operation: &'static drata::Operation,
    query: &[(&str, String)],
) -> Result<bool, Failure> {
    let path = format!("{}{}", operation.root, operation.path);
    let sends = if query.is_empty() {
        "no body".to_string()
    } else {
        let pairs: Vec<String> = query.iter().map(|(name, value)| format!("{name}={value}")).collect();
        format!("no body; the query {}", pairs.join("&"))
    };
    // A parameter given more than once (`roles[]`) is a list of its values.
    let mut parameters = serde_json::Map::new();
    for (name, value) in query {
        let value = Value::from(value.as_str());
        match parameters.get_mut(*name) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                parameters.insert((*name).to_string(), value);
            }
        }
    }
    let plan = serde_json::json!({"parameters": parameters, "body": null});
    context.permit_write(out, operation.method.as_str(), &path, &sends, plan).await
}

/// A filter's value as the query sends it (an enum's wire text).
pub fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// How many items each page of a listing of every page (`--all`,
/// `--paginate`) asks for: the size given, else the largest the spec allows
/// `operation` ([`drata::Operation::largest_page`]), so that the listing
/// takes the fewest requests; `None` when neither says (the server's default).
pub fn page_size(operation: &'static drata::Operation, given: Option<u32>) -> Option<u32> {
    given.or_else(|| operation.largest_page())
}

/// `call`, a listing of every page, asking for the largest page the spec
/// allows `operation` unless the call sets its page size already (`given`:
/// the names of the parameters it sets).
pub fn largest_pages<'a>(
    call: drata::Call<'a>,
    operation: &'static drata::Operation,
    given: &[&str],
) -> drata::Call<'a> {
    match (operation.page_size_parameter(), operation.largest_page()) {
        (Some(parameter), Some(most)) if !given.contains(&parameter.name) => {
            call.param(parameter.name, most.to_string())
        }
        _ => call,
    }
}

/// A listing of every page in JSON, written as its pages arrive: each
/// item a line (`ndjson`), or one JSON array, `[` at once, the items of
/// each page as it comes (each as Drata sent it: a [`Tolerant`] writes its
/// text back), `]` after the last (`[]` for none), so that memory holds a
/// page, not the listing. The one writer of every `--all` and `--paginate`
/// in JSON; a table waits for every item, to fit its columns.
///
/// When a page fails after others were printed, the array is closed over
/// the items so far, so that stdout holds valid JSON up to the error;
/// the error follows as it does for any command (stderr, the exit code,
/// and the `{"error": …}` document after the array under `--json`).
pub struct Streamed {
    how: How,
    /// Where the listing goes on after the pages so far (`--page 3`,
    /// `--cursor C`), named by a failure of the next page.
    resume: Option<String>,
}

/// How [`Streamed`] writes.
enum How {
    /// A table: nothing is written until the end.
    Table,
    /// Each item a line of JSON.
    Lines,
    /// One JSON array, under way.
    Array(output::JsonArray),
}

impl Streamed {
    /// Begins the output of a listing of every page in `format`.
    pub fn begin(out: &mut Stdout, format: Format) -> Result<Self, Failure> {
        let how = match format {
            Format::Table => How::Table,
            Format::Ndjson => How::Lines,
            Format::Json => {
                let array = out.json_array()?;
                out.flush()?;
                How::Array(array)
            }
        };
        Ok(Streamed { how, resume: None })
    }

    /// Writes a page's items and sends them on; `Ok(false)` for a table,
    /// which keeps them itself.
    pub fn page<T: Serialize>(&mut self, out: &mut Stdout, items: &[T]) -> Result<bool, Failure> {
        match &mut self.how {
            How::Table => return Ok(false),
            How::Lines => items.iter().try_for_each(|item| out.item(item))?,
            How::Array(array) => items.iter().try_for_each(|item| array.item(out, item))?,
        }
        out.flush()?;
        Ok(true)
    }

    /// After the last page: closes the array; `Ok(false)` for a table,
    /// still to be printed.
    pub fn end(self, out: &mut Stdout) -> Result<bool, Failure> {
        match self.how {
            How::Table => Ok(false),
            How::Lines => Ok(true),
            How::Array(array) => array.end(out).map(|()| true),
        }
    }

    /// Counts a page that came: the listing goes on at `next` (`--page 3`,
    /// `--cursor C`; `None` when the page does not say).
    pub fn came(&mut self, next: Option<String>) {
        self.resume = next;
    }

    /// A page failed: closes the array over the items so far (see
    /// [`Streamed`]) and gives back the failure to report, naming where to
    /// go on from when pages came before it. A failure of the paging itself
    /// (a page repeated, a cursor given twice) names none: going on from
    /// there would meet it again.
    pub fn fail(self, out: &mut Stdout, failure: Failure) -> Failure {
        let resume = self.resume.clone();
        if let Err(closing) = self.end(out) {
            return closing;
        }
        match (resume, &failure) {
            (_, Failure::Call(error)) if matches!(**error, drata::Error::Pagination { .. }) => failure,
            (Some(resume), _) => Failure::Resumable(Box::new(failure), resume),
            (None, _) => failure,
        }
    }
}

/// How far a listing of every page got against what Drata counted (a
/// page's `total` in v1, `totalCount` in v2 when asked for): the one place
/// every `--all` and `--paginate` loop counts, so that a listing ending
/// short of its count is said, on stderr, whatever the output; the exit
/// code stays that of the listing.
#[derive(Debug, Default)]
pub struct Tally {
    /// The items the pages held.
    listed: u64,
    /// The latest count a page gave.
    counted: Option<u64>,
}

impl Tally {
    /// Counts a page: its items, and the listing's count when it gives one.
    pub fn page(&mut self, items: usize, counted: Option<u64>) {
        self.listed = self.listed.saturating_add(items as u64);
        self.counted = counted.or(self.counted);
    }

    /// After the last page: a warning on stderr when fewer items came than
    /// Drata counted.
    pub fn finish(&self, what: &str) {
        if let Some(line) = self.shortfall(what) {
            output::warn(&line);
        }
    }

    /// What [`Tally::finish`] says, if anything.
    fn shortfall(&self, what: &str) -> Option<String> {
        let counted = self.counted.filter(|counted| self.listed < *counted)?;
        Some(format!(
            "the listing ended after {} of the {counted} {what} Drata counted (some may have gone while it was read, or the pages stopped early)",
            self.listed
        ))
    }
}

/// The line under one page of a listing.
pub fn footer(what: &str, page: i64, limit: i64, total: i64, shown: usize) -> String {
    let pages = if limit > 0 { (total + limit - 1) / limit } else { 0 };
    match (total, pages) {
        (0, _) => format!("no {}", what.replace("(s)", "s")),
        (_, pages) if page > pages => {
            format!("page {page} is past the last page ({pages}); {total} {what} in all")
        }
        _ => format!("page {page} of {pages} ({shown} of {total} {what})"),
    }
}

fn table<T: Serialize, const N: usize>(
    out: &mut Stdout,
    columns: &[Column; N],
    items: &[Tolerant<T>],
) -> Result<(), Failure> {
    let json: Vec<Value> = items.iter().map(|item| serde_json::to_value(item).unwrap_or_default()).collect();
    let rows: Vec<[String; N]> =
        json.iter().map(|item| columns.map(|(_, pointer, show)| cell(item, pointer, show))).collect();
    out.table(columns.map(|(header, _, _)| header), &rows)?;
    for (item, value) in items.iter().zip(&json) {
        notes(out, value, item)?;
    }
    Ok(())
}

fn cell(item: &Value, pointer: &str, show: Show) -> String {
    let value = item.pointer(pointer).unwrap_or(&Value::Null);
    let shown = match (show, value) {
        (Show::Since, Value::Null) | (Show::YesNo, Value::Bool(false) | Value::Null) => "no".to_string(),
        (Show::Since, Value::String(since)) => format!("since {}", crate::output::timestamp(since)),
        (Show::YesNo, Value::Bool(true)) => "yes".to_string(),
        (_, Value::Null) => String::new(),
        (_, Value::String(text)) => text.clone(),
        (_, Value::Array(items)) => output::joined(items),
        (_, other) => other.to_string(),
    };
    text(&shown).into_owned()
}

/// A line under the table for each part of an item that did not fit.
fn notes<T>(out: &mut Stdout, value: &Value, item: &Tolerant<T>) -> Result<(), Failure> {
    let parts = item.unreadable();
    let named: Vec<_> = parts.iter().filter(|p| !p.path.is_empty()).collect();
    let shown = if named.is_empty() { parts.iter().collect() } else { named };
    let id = match value.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(id) => id.to_string(),
        None => "?".into(),
    };
    for part in shown {
        let what = if part.path.is_empty() { "it".to_string() } else { format!("`{}`", part.path) };
        let how = if item.value().is_some() { "left out" } else { "shown as sent" };
        out.line(&text(&format!(
            "note: item {id} does not have the documented shape: {what} ({}) is {how}: {}",
            part.reason, part.value
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footer_says_when_a_page_is_past_the_end_or_there_is_nothing() {
        assert_eq!(footer("connection(s)", 2, 3, 25, 3), "page 2 of 9 (3 of 25 connection(s))");
        assert_eq!(
            footer("connection(s)", 999, 20, 25, 0),
            "page 999 is past the last page (2); 25 connection(s) in all"
        );
        assert_eq!(footer("connection(s)", 1, 20, 0, 0), "no connections");
        assert_eq!(footer("users", 1, 20, 0, 0), "no users");
    }

    #[test]
    fn a_tally_says_a_listing_that_ended_short_of_drata_s_count() {
        let mut tally = Tally::default();
        tally.page(10, Some(20));
        tally.page(2, None);
        assert_eq!(
            tally.shortfall("users").as_deref(),
            Some(
                "the listing ended after 12 of the 20 users Drata counted (some may have gone while it was read, or the pages stopped early)"
            )
        );
        tally.page(8, Some(20));
        assert_eq!(tally.shortfall("users"), None, "every item came");
        let mut uncounted = Tally::default();
        uncounted.page(3, None);
        assert_eq!(uncounted.shortfall("item(s)"), None, "nothing to compare with");
    }

    #[test]
    fn cells_show_timestamps_as_since_and_escape_server_text() {
        let item = serde_json::json!({"a": null, "b": "2025-01-01", "c": true, "d": "evil\u{1b}]0;x\u{7}", "e": ["A", "B"]});
        assert_eq!(cell(&item, "/a", Show::Since), "no");
        assert_eq!(cell(&item, "/b", Show::Since), "since 2025-01-01");
        let stamps = serde_json::json!({"a": "2025-07-01T16:45:55.246Z", "b": "2020-07-06 12:00:00.000000"});
        assert_eq!(cell(&stamps, "/a", Show::Since), "since 2025-07-01 16:45 UTC");
        assert_eq!(cell(&stamps, "/b", Show::Since), "since 2020-07-06 12:00 UTC");
        assert_eq!(cell(&item, "/c", Show::YesNo), "yes");
        assert_eq!(cell(&item, "/missing", Show::YesNo), "no");
        assert_eq!(cell(&item, "/d", Show::Text), r"evil\u{1b}]0;x\u{7}");
        assert_eq!(cell(&item, "/e", Show::Text), "A,B");
    }
}
