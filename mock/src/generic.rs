//! Every operation of the spec without a stateful handler is still served,
//! from the spec alone: parameters and body checked against it (Drata's
//! 400 error body when they do not match), then the example of its success
//! answer. An operation added to the spec is served the moment the server
//! is rebuilt. (Authentication, rate limit and faults are checked before, by
//! the guard every route passes.)

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use std::sync::Arc;

use axum::extract::State as AxumState;

use crate::Shared;
use crate::routes::{MAX_BODY_BYTES, error};

/// An operation of the spec that matched a request.
struct Matched {
    method: Method,
    /// Its path template from the API root (`/v2/vendors/{vendorId}` for v2's).
    template: String,
    /// The document it is in (v1's, or v2's for a path under `/v2`).
    spec: &'static Value,
    operation: &'static Value,
    path_params: Vec<(String, String)>,
}

/// The fallback of the API's routes: see the module's docs.
pub(crate) async fn serve(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or("").to_string();
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let headers = request.headers().clone();
    let Some(matched) = find(&method, &path) else { return no_route(&method, &path) };
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("cannot read the body: {e}")),
    };
    if let Err(message) = check(&method, &matched, &query, &headers, &content_type, &body) {
        return error(StatusCode::BAD_REQUEST, message);
    }
    let mut json: Option<Value> = serde_json::from_slice(&body).ok();
    if is_form(&content_type) {
        match check_form(&matched, &content_type, body).await {
            // The form's fields are what the request says, as a JSON body would.
            Ok(fields) => json = Some(fields),
            Err(message) => return error(StatusCode::BAD_REQUEST, message),
        }
    }
    // A collection's state (vendors, assets, evidence…), else the example.
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut state = shared.state();
    let collections = &mut state.collections;
    if let Some(gone) = collections.gone(&path) {
        return gone;
    }
    let served = crate::collections::serve(
        collections,
        &method,
        &matched.template,
        &path,
        &matched.path_params,
        &pairs,
        json.as_ref(),
    )
    .unwrap_or_else(|| answer(&matched));
    collections.served(&method, &matched.template, &path, served.status());
    served
}

fn is_form(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// A multipart body against the operation's form schema: each part read
/// (a file as its name, text as the value its part's schema says), then
/// the whole form validated as one object, so that an unknown part or a
/// missing required one is refused as Drata refuses it. The form's fields
/// as that object.
async fn check_form(matched: &Matched, content_type: &str, body: Bytes) -> Result<Value, String> {
    use axum::extract::{FromRequest, Multipart};
    let spec = matched.spec;
    let Some(schema) = matched.operation.pointer("/requestBody/content/multipart~1form-data/schema") else {
        return Ok(Value::Null);
    };
    let form_schema = resolve(spec, schema).unwrap_or(schema);
    let request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(body))
        .map_err(|e| format!("cannot read the form: {e}"))?;
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| format!("cannot read the form: {}", e.body_text()))?;
    let mut object = serde_json::Map::new();
    while let Some(field) =
        form.next_field().await.map_err(|e| format!("cannot read the form: {}", e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let is_json = field.content_type().is_some_and(|t| t.eq_ignore_ascii_case("application/json"));
        let part_schema =
            form_schema.pointer(&format!("/properties/{}", name.replace('~', "~0").replace('/', "~1")));
        // A file part is a file (a part with a file name), not text.
        if !is_file && part_schema.is_some_and(|s| is_binary(spec, s)) {
            return Err(format!("the part `{name}` must be a file (a part with a file name), not text"));
        }
        let value = if is_file {
            // The file's bytes are not kept: only that it came.
            let _ = field
                .bytes()
                .await
                .map_err(|e| format!("cannot read the part `{name}`: {}", e.body_text()))?;
            Value::String("(file)".into())
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| format!("cannot read the part `{name}`: {}", e.body_text()))?;
            // `null` for a part that may be null is the part's value, not an item.
            if text == "null" && part_schema.is_some_and(|s| admits_null(spec, s)) {
                if object.insert(name.clone(), Value::Null).is_some() {
                    return Err(format!("the part `{name}` is given more than once"));
                }
                continue;
            }
            let item_schema = part_schema
                .and_then(|s| resolve(spec, s))
                .and_then(|s| {
                    if s.get("type").and_then(Value::as_str) == Some("array") {
                        s.get("items")
                    } else {
                        Some(s)
                    }
                })
                .cloned()
                .unwrap_or(Value::Bool(true));
            // A part sent as JSON (`Content-Type: application/json`) is
            // that JSON: a list of objects in one part, or one object.
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Array(items)) if is_json => {
                    match object.entry(name.clone()).or_insert_with(|| Value::Array(Vec::new())) {
                        Value::Array(list) => list.extend(items),
                        _ => return Err(format!("the part `{name}` is given more than once")),
                    }
                    continue;
                }
                Ok(json @ Value::Object(_)) if is_json => json,
                _ => typed(spec, &item_schema, &text),
            }
        };
        let is_list =
            part_schema.and_then(|s| resolve(spec, s)).and_then(|s| s.get("type")).and_then(Value::as_str)
                == Some("array");
        // A list is its parts, one an item; anything else is one part.
        match object.get_mut(&name) {
            Some(Value::Array(items)) if is_list => items.push(value),
            Some(_) => return Err(format!("the part `{name}` is given more than once")),
            None if is_list => {
                object.insert(name, Value::Array(vec![value]));
            }
            None => {
                object.insert(name, value);
            }
        }
    }
    let form = Value::Object(object);
    let problems = drata_openapi::validate(spec, schema, &form);
    if problems.is_empty() { Ok(form) } else { Err(format!("invalid form: {}", problems.join("; "))) }
}

/// What Drata's web framework answers a request no route of the API takes,
/// whether no path fits or the path has other methods: 404 `Cannot GET /…`.
fn no_route(method: &Method, path: &str) -> Response {
    error(StatusCode::NOT_FOUND, format!("Cannot {method} /public{path}"))
}

/// A request to one of the spec's operations, checked against the spec
/// (what the stateful handlers do before acting on it).
///
/// # Errors
/// Drata's 400 (or 404) answer (boxed: an answer is large).
pub(crate) fn validate(
    method: &Method,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<(), Box<Response>> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let matched = find(method, uri.path()).ok_or_else(|| Box::new(no_route(method, uri.path())))?;
    check(method, &matched, uri.query().unwrap_or(""), headers, content_type, &Bytes::copy_from_slice(body))
        .map_err(|message| Box::new(error(StatusCode::BAD_REQUEST, message)))
}

/// The operation of `method` `path` (relative to `/public`).
fn find(method: &Method, full_path: &str) -> Option<Matched> {
    let (spec, path) = drata_openapi::locate(full_path);
    let root = &full_path[..full_path.len() - path.len()];
    let paths = spec.get("paths").and_then(Value::as_object);
    for (template, item) in paths.into_iter().flatten() {
        let Some(path_params) = match_template(template, path) else { continue };
        if let Some(operation) = item.get(method.as_str().to_ascii_lowercase()) {
            return Some(Matched {
                method: method.clone(),
                template: format!("{root}{template}"),
                spec,
                operation,
                path_params,
            });
        }
    }
    None
}

/// The path parameters if `path` fits `template` (`/users/{id}`).
fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let (wanted, given): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if wanted.len() != given.len() {
        return None;
    }
    let mut params = Vec::new();
    for (want, got) in wanted.iter().zip(&given) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !got.is_empty() => {
                let value = percent_decoded(got)?;
                params.push((name.to_string(), value));
            }
            Some(_) => return None,
            None if want == got => {}
            None => return None,
        }
    }
    Some(params)
}

fn percent_decoded(segment: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
}

/// The request against the operation's parameters and body.
fn check(
    method: &Method,
    matched: &Matched,
    query: &str,
    headers: &axum::http::HeaderMap,
    content_type: &str,
    body: &Bytes,
) -> Result<(), String> {
    let spec = matched.spec;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let parameters: Vec<&Value> = matched
        .operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(spec, p))
        .collect();
    // A query parameter the operation does not have is refused, as Drata
    // refuses it: a misspelled filter would otherwise list everything.
    for (name, _) in &pairs {
        let known = parameters.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("name").and_then(Value::as_str) == Some(name)
        });
        if !known {
            return Err(format!("property {name} should not exist"));
        }
    }
    for parameter in parameters {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        let required = parameter.get("required").and_then(Value::as_bool).unwrap_or(location == "path");
        let schema = parameter.get("schema").cloned().unwrap_or(Value::Bool(true));
        let texts: Vec<&str> = match location {
            "path" => {
                matched.path_params.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
            }
            "query" => pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect(),
            "header" => headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect(),
            _ => continue,
        };
        if texts.is_empty() {
            if required {
                return Err(format!("{name} is required"));
            }
            continue;
        }
        let is_array =
            resolve(spec, &schema).and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array");
        let value = if is_array {
            let items =
                resolve(spec, &schema).and_then(|s| s.get("items")).cloned().unwrap_or(Value::Bool(true));
            Value::Array(texts.iter().map(|t| typed(spec, &items, t)).collect())
        } else {
            typed(spec, &schema, texts[texts.len() - 1])
        };
        let problems = drata_openapi::validate(spec, &schema, &value);
        if !problems.is_empty() {
            // `$: 51 is greater…` → `limit: 51 is greater…`
            let named: Vec<String> = problems.iter().map(|p| p.replacen('$', name, 1)).collect();
            return Err(named.join("; "));
        }
    }
    let Some(request_body) = matched.operation.get("requestBody").and_then(|b| resolve(spec, b)) else {
        return Ok(());
    };
    let content = request_body.get("content").and_then(Value::as_object);
    let declared: Vec<&String> = content.into_iter().flat_map(|c| c.keys()).collect();
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !declared.iter().any(|d| **d == media) {
        return Err(format!(
            "the body must be {}, not `{content_type}`",
            declared.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(" or ")
        ));
    }
    if media == "application/json" {
        let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        if let Some(validator) = drata_openapi::request_validator(method.as_str(), &matched.template) {
            let problems = validator?.problems(&value);
            if !problems.is_empty() {
                return Err(format!("invalid body: {}", problems.join("; ")));
            }
        }
    }
    Ok(())
}

/// A parameter's or form part's text as the JSON value its schema says it
/// is; text that is not one stays text, for the schema's check to refuse.
/// (A query has no `null`: `level=null` is the text `null`.)
fn typed(spec: &Value, schema: &Value, text: &str) -> Value {
    // An id that is a number or text (`37`, `code:DCF-37`): whole-number
    // text is the number, which its bounds then check (an id past a 64-bit
    // integer is refused, as in v1's number-only paths); other text is text.
    if whole_number_or_text(spec, schema) && is_whole_number(text) {
        return serde_json::from_str::<serde_json::Number>(text)
            .map_or_else(|_| Value::from(text), Value::Number);
    }
    match resolve(spec, schema).and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("integer") => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| Value::from(text)),
        // Any JSON number: `1.5`, `-3.2e16`, `7`.
        Some("number") => {
            serde_json::from_str::<serde_json::Number>(text).map_or_else(|_| Value::from(text), Value::Number)
        }
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::from(other),
        },
        _ => Value::from(text),
    }
}

/// Whether `schema` has no type of its own and is a choice with an
/// integer among its alternatives (the spec's `Id`).
fn whole_number_or_text(spec: &Value, schema: &Value) -> bool {
    let Some(schema) = resolve(spec, schema) else { return false };
    schema.get("type").is_none()
        && ["oneOf", "anyOf"].iter().any(|key| {
            schema.get(*key).and_then(Value::as_array).is_some_and(|alternatives| {
                alternatives.iter().any(|alternative| {
                    resolve(spec, alternative).and_then(|a| a.get("type")).and_then(Value::as_str)
                        == Some("integer")
                })
            })
        })
}

/// Whether `text` is a whole number written as JSON writes one (`-12`, `7`).
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

/// Whether `schema` (or its items) is a file: `format: binary`.
fn is_binary(spec: &Value, schema: &Value) -> bool {
    let Some(schema) = resolve(spec, schema) else { return false };
    let items = schema.get("items").and_then(|items| resolve(spec, items));
    [Some(schema), items]
        .into_iter()
        .flatten()
        .any(|s| s.get("format").and_then(Value::as_str) == Some("binary"))
}

/// Whether `schema` admits `null` (`nullable`, or an `anyOf` with an
/// alternative that does, the spec's `JsonNull`).
fn admits_null(spec: &Value, schema: &Value) -> bool {
    let Some(schema) = resolve(spec, schema) else { return false };
    schema.get("nullable") == Some(&Value::Bool(true))
        || ["anyOf", "oneOf"].iter().any(|key| {
            schema.get(*key).and_then(Value::as_array).is_some_and(|alternatives| {
                alternatives.iter().any(|alternative| admits_null(spec, alternative))
            })
        })
}

/// The example of the operation's success answer (`{}` when it has none).
fn answer(matched: &Matched) -> Response {
    let method = matched.method.as_str();
    let Some((status, example)) = drata_openapi::example_answer(method, &matched.template) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "the spec documents no success answer");
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if example.is_null() {
        // No body documented: none sent.
        return status.into_response();
    }
    (status, axum::Json(example)).into_response()
}

/// Follows a local `$ref`.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use serde_json::json;

    use super::*;

    /// The answer of a new server.
    async fn served(method: &str, uri: &str, content_type: &str, body: &str) -> (u16, Value) {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        served_on(&shared, method, uri, content_type, body).await
    }

    /// The answer of one server kept across calls (for state).
    async fn served_on(
        shared: &Arc<Shared>,
        method: &str,
        uri: &str,
        content_type: &str,
        body: &str,
    ) -> (u16, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = serve(AxumState(shared.clone()), request).await;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("the body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn numbers_ids_and_nulls_are_read_as_their_schemas_say() {
        // A `number` parameter in any JSON spelling; text that is none is refused.
        assert_eq!(served("GET", "/monitors?controlOwner=-3.2155734731430204e%2B16", "", "").await.0, 200);
        assert_eq!(served("GET", "/monitors?controlOwner=1781976555081678.0", "", "").await.0, 200);
        let (status, answer) = served("GET", "/monitors?controlOwner=many", "", "").await;
        assert_eq!((status, message(&answer)), (400, "controlOwner: \"many\" is not of type \"number\""));
        // An id past a 64-bit integer is out of bounds, in the path and in a body.
        let (status, answer) = served("GET", "/vendors/9223372036854775808", "", "").await;
        assert_eq!(
            (status, message(&answer)),
            (400, "id: 9223372036854775808 is greater than the maximum of 9223372036854775807")
        );
        let (status, answer) =
            served("PUT", "/controls/1/owners", "application/json", r#"{"ownerIds": [9223372036854775808]}"#)
                .await;
        assert_eq!(
            (status, message(&answer)),
            (
                400,
                "invalid body: $.ownerIds[0]: 9223372036854775808 is greater than the maximum of 9223372036854775807"
            )
        );
        // `null` in a form, for a part that may be null, is null.
        let form = |review: &str| {
            format!(
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n\
                 --b\r\nContent-Disposition: form-data; name=\"securityReviewId\"\r\n\r\n{review}\r\n--b--\r\n"
            )
        };
        let multipart = "multipart/form-data; boundary=b";
        assert_eq!(served("POST", "/vendors/1/documents", multipart, &form("null")).await.0, 201);
        assert_eq!(served("POST", "/vendors/1/documents", multipart, &form("7")).await.0, 201);
        // A part given twice where the form takes one, or text where it takes a file.
        let twice = form("null").replace(
            "--b--",
            "--b\r\nContent-Disposition: form-data; name=\"securityReviewId\"\r\n\r\nnull\r\n--b--",
        );
        let (status, answer) = served("POST", "/vendors/1/documents", multipart, &twice).await;
        assert_eq!((status, message(&answer)), (400, "the part `securityReviewId` is given more than once"));
        let text_file = form("7").replace("; filename=\"a.pdf\"", "");
        let (status, answer) = served("POST", "/vendors/1/documents", multipart, &text_file).await;
        assert_eq!(
            (status, message(&answer)),
            (400, "the part `file` must be a file (a part with a file name), not text")
        );
        let (status, answer) = served("POST", "/vendors/1/documents", multipart, &form("seven")).await;
        assert_eq!(
            (status, message(&answer)),
            (400, "invalid form: $.securityReviewId: \"seven\" is not of types \"integer\", \"null\"")
        );
    }

    #[tokio::test]
    async fn a_deleted_record_and_what_is_below_it_are_gone() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        assert_eq!(served_on(&shared, "GET", "/vendors/1/questionnaires", "", "").await.0, 200);
        assert_eq!(served_on(&shared, "DELETE", "/vendors/1", "", "").await.0, 200);
        let (status, answer) = served_on(&shared, "GET", "/vendors/1", "", "").await;
        assert_eq!((status, message(&answer)), (404, "Record Not Found: /vendors/1 was deleted"));
        assert_eq!(served_on(&shared, "GET", "/vendors/1/questionnaires", "", "").await.0, 404);
        // Not its neighbours, nor a path that only starts the same.
        let (status, answer) = served_on(&shared, "GET", "/vendors/10", "", "").await;
        assert_eq!((status, message(&answer)), (404, "Record Not Found: no item 10 at /vendors/10"));
        assert_eq!(served_on(&shared, "GET", "/vendors/stats", "", "").await.0, 200);
    }

    #[tokio::test]
    async fn a_collection_pages_any_page_and_gives_ids_in_their_schemas_type() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        let (status, page) =
            served_on(&shared, "GET", "/vendors?page=9223372036854775806&limit=20", "", "").await;
        assert_eq!(
            (status, &page["data"], &page["page"]),
            (200, &json!([]), &json!(9223372036854775806_u64))
        );
        // A note's id is text (its schema says so), a vendor's a number.
        let (status, note) = served_on(
            &shared,
            "POST",
            "/workspaces/1/controls/1/notes",
            "application/json",
            r#"{"comment": "c"}"#,
        )
        .await;
        assert_eq!(status, 201);
        assert!(note["id"].is_string(), "{note}");
        let (status, vendor) =
            served_on(&shared, "POST", "/vendors", "application/json", r#"{"name": "Acme"}"#).await;
        assert_eq!(status, 201, "{vendor}");
        assert!(vendor["id"].is_i64(), "{vendor}");
    }

    /// The ids of a page's items.
    fn ids(page: &Value) -> Vec<Value> {
        page["data"].as_array().into_iter().flatten().map(|item| item["id"].clone()).collect()
    }

    /// Every problem of `value` against the v2 schema `name`.
    fn problems_v2(name: &str, value: &Value) -> Vec<String> {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        drata_openapi::validate(drata_openapi::document_v2(), &schema, value)
    }

    #[tokio::test]
    async fn a_v2_id_in_the_path_is_a_number_when_it_is_written_as_one() {
        let (status, answer) =
            served("GET", "/v2/risk-registers/1/risks/9223372036854775808/notes", "", "").await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(
            message(&answer),
            "riskId: 9223372036854775808 is not valid under any of the schemas listed in the 'oneOf' keyword"
        );
        // Text that is no number is an id too (`code:DCF-37`, `R-001`).
        assert_eq!(served("GET", "/v2/risk-registers/1/risks/R-001/notes", "", "").await.0, 200);
        assert_eq!(served("GET", "/v2/risk-registers/1/risks/-7/notes", "", "").await.0, 200);
    }

    #[tokio::test]
    async fn an_empty_cursor_is_the_first_page_and_one_never_written_is_past_the_last() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        let (status, first) = served_on(&shared, "GET", "/v2/vendors?size=2", "", "").await;
        assert_eq!(
            (status, ids(&first), &first["pagination"]["cursor"]),
            (200, vec![json!(1), json!(2)], &json!("2"))
        );
        let (status, empty) = served_on(&shared, "GET", "/v2/vendors?size=2&cursor=", "", "").await;
        assert_eq!((status, &empty), (200, &first));
        let (_, second) = served_on(&shared, "GET", "/v2/vendors?size=2&cursor=2", "", "").await;
        assert_eq!((ids(&second), &second["pagination"]["cursor"]), (vec![json!(3), json!(4)], &json!("4")));
        for unknown in ["example", "50"] {
            let (status, past) =
                served_on(&shared, "GET", &format!("/v2/vendors?cursor={unknown}"), "", "").await;
            assert_eq!(
                (status, &past["data"], &past["pagination"]["cursor"]),
                (200, &json!([]), &Value::Null)
            );
        }
    }

    #[tokio::test]
    async fn a_v2_answer_shows_the_fields_its_schema_takes_and_leaves_out_the_others() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        // A request's `{"userId": 3}` where the answer has a whole user.
        let body = json!({"name": "Acme", "vendorRelationshipContact": {"userId": 3}, "risk": "HIGH"});
        let (status, vendor) =
            served_on(&shared, "POST", "/v2/vendors", "application/json", &body.to_string()).await;
        assert_eq!(
            (status, &vendor["id"], &vendor["name"], &vendor["risk"]),
            (201, &json!(6), &json!("Acme"), &json!("HIGH"))
        );
        assert_eq!(vendor.get("vendorRelationshipContact"), None, "{vendor}");
        assert_eq!(problems_v2("Vendor", &vendor), Vec::<String>::new());
        // A request's custom field (`id`) where the answer's has `customFieldId`.
        let body = json!({"customFields": [{"id": 0, "name": "", "value": ""}], "name": "Renamed"});
        let (status, updated) =
            served_on(&shared, "PUT", "/v2/vendors/1", "application/json", &body.to_string()).await;
        assert_eq!(
            (status, &updated["name"], &updated["category"]),
            (200, &json!("Renamed"), &json!("ENGINEERING"))
        );
        assert_eq!(updated.get("customFields"), None, "{updated}");
        let (_, read) = served_on(&shared, "GET", "/v2/vendors/1", "", "").await;
        assert_eq!(read, updated);
        assert_eq!(problems_v2("Vendor", &read), Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_v2_creation_without_a_listing_makes_records_with_ids_of_their_own() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        let form =
            "--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nANTIVIRUS_EVIDENCE\r\n--b--\r\n";
        let multipart = "multipart/form-data; boundary=b";
        let (status, first) = served_on(&shared, "POST", "/v2/devices/1/documents", multipart, form).await;
        assert_eq!((status, &first["id"]), (201, &json!(2)), "{first}");
        assert_eq!(served_on(&shared, "DELETE", "/v2/devices/1/documents/2", "", "").await.0, 200);
        assert_eq!(served_on(&shared, "GET", "/v2/devices/1/documents/2", "", "").await.0, 404);
        let (status, second) = served_on(&shared, "POST", "/v2/devices/1/documents", multipart, form).await;
        assert_eq!((status, &second["id"]), (201, &json!(3)));
        let (status, read) = served_on(&shared, "GET", "/v2/devices/1/documents/3", "", "").await;
        assert_eq!((status, &read["id"]), (200, &json!(3)));
    }

    #[tokio::test]
    async fn a_form_part_sent_as_json_is_that_json() {
        let part = |name: &str, value: &str| {
            format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        };
        let fields = r#"[{"id": 7, "name": "Tier", "value": "Gold"}]"#;
        let form = format!(
            "{}{}{}--b\r\nContent-Disposition: form-data; name=\"customFields\"\r\nContent-Type: application/json\r\n\r\n{fields}\r\n--b--\r\n",
            part("name", "Access review"),
            part("description", "Quarterly"),
            part("code", "AC-9"),
        );
        let (status, control) =
            served("POST", "/v2/workspaces/1/controls", "multipart/form-data; boundary=b", &form).await;
        assert_eq!((status, &control["code"]), (201, &json!("AC-9")), "{control}");
        // The same text without the JSON type is text, which a list of objects refuses.
        let text = form.replace("Content-Type: application/json\r\n", "");
        let (status, answer) =
            served("POST", "/v2/workspaces/1/controls", "multipart/form-data; boundary=b", &text).await;
        assert_eq!(status, 400, "{answer}");
    }

    #[tokio::test]
    async fn the_v2_seed_is_listed_and_read_as_seeded_and_meets_the_schemas() {
        let shared = Arc::new(Shared::new(crate::MockConfig::default()));
        for (listing, item_schema, count) in [
            ("/v2/workspaces", "Workspace", 1),
            ("/v2/users", "User", 7),
            ("/v2/personnel", "Person", 7),
            ("/v2/vendors", "Vendor", 5),
            ("/v2/risk-registers", "RiskRegister", 2),
            ("/v2/risk-registers/1/risks", "Risk", 4),
            ("/v2/risk-registers/2/risks", "Risk", 2),
            ("/v2/workspaces/1/evidence-library", "EvidenceLibraryCompact", 4),
        ] {
            let seeded = crate::seed_v2::records(listing).expect("seeded");
            let (status, page) = served_on(&shared, "GET", &format!("{listing}?size=500"), "", "").await;
            assert_eq!((status, page["data"].as_array().map(Vec::len)), (200, Some(count)), "{listing}");
            assert_eq!(page["data"], Value::Array(seeded.clone()), "{listing}: listed as seeded");
            assert!(!page.to_string().contains("\"example\""), "{listing}: {page}");
            for record in &seeded {
                assert_eq!(problems_v2(item_schema, record), Vec::<String>::new(), "{listing}: {record}");
                if listing == "/v2/workspaces" {
                    continue; // no read of one workspace
                }
                let (status, read) =
                    served_on(&shared, "GET", &format!("{listing}/{}", record["id"]), "", "").await;
                assert_eq!((status, &read), (200, record), "{listing}");
            }
        }
        let (_, risk) = served_on(&shared, "GET", "/v2/risk-registers/1/risks/1", "", "").await;
        assert_eq!(
            (&risk["riskId"], &risk["title"], &risk["score"], &risk["residualScore"]),
            (&json!("R-001"), &json!("Unauthorized access to production data"), &json!(15), &json!(5))
        );
        let (_, vendor_risk) = served_on(&shared, "GET", "/v2/risk-registers/2/risks/5", "", "").await;
        assert_eq!(
            (&vendor_risk["riskId"], &vendor_risk["riskRegister"]["name"], &vendor_risk["owners"][0]["id"]),
            (&json!("R-005"), &json!("Vendor risk register"), &json!(4))
        );
        let (_, person) = served_on(&shared, "GET", "/v2/personnel/7", "", "").await;
        assert_eq!(
            (&person["employmentStatus"], &person["user"]["email"]),
            (&json!("FORMER_EMPLOYEE"), &json!("linus@example.com"))
        );
    }

    fn message(answer: &Value) -> &str {
        answer["message"].as_str().unwrap_or("")
    }

    #[tokio::test]
    async fn an_operation_is_answered_with_its_documented_example() {
        let (status, answer) =
            served("GET", "/connections?limit=5&providerTypes=MDM&providerTypes=IDENTITY", "", "").await;
        let example =
            drata_openapi::document().pointer("/components/examples/ConnectionsPage/value").cloned();
        assert_eq!((status, Some(answer)), (200, example));
        let (status, answer) = served(
            "POST",
            "/connections/upload/json",
            "application/json",
            &json!({"personnelData": []}).to_string(),
        )
        .await;
        assert_eq!(
            (status, message(&answer)),
            (400, "invalid body: $.personnelData: [] has less than 1 item")
        );
    }

    #[tokio::test]
    async fn parameters_and_bodies_are_checked_against_the_spec() {
        let (status, answer) = served("GET", "/connections?limit=51", "", "").await;
        assert_eq!(status, 400);
        assert_eq!(message(&answer), "limit: 51 is greater than the maximum of 50");
        let (status, answer) = served("GET", "/connections?sortDir=UP", "", "").await;
        assert_eq!((status, message(&answer).starts_with("sortDir: \"UP\" is not one of")), (400, true));
        let (status, answer) = served(
            "PUT",
            "/user-identities/version-control/0/toggle",
            "application/json",
            r#"{"toggle": true}"#,
        )
        .await;
        assert_eq!((status, message(&answer)), (400, "id: 0 is less than the minimum of 1"));
        let (status, answer) = served(
            "PUT",
            "/user-identities/version-control/3/toggle",
            "application/json",
            r#"{"toggle": "yes"}"#,
        )
        .await;
        assert_eq!(
            (status, message(&answer)),
            (400, "invalid body: $.toggle: \"yes\" is not of type \"boolean\"")
        );
        let (status, answer) =
            served("PUT", "/user-identities/version-control/3/toggle", "text/plain", "x").await;
        assert_eq!((status, message(&answer)), (400, "the body must be application/json, not `text/plain`"));
    }

    #[tokio::test]
    async fn routes_and_methods_outside_the_spec_are_answered_as_drata_does() {
        let (status, answer) = served("GET", "/nothing/here", "", "").await;
        assert_eq!((status, message(&answer)), (404, "Cannot GET /public/nothing/here"));
        let (status, answer) = served("DELETE", "/connections", "", "").await;
        assert_eq!((status, message(&answer)), (404, "Cannot DELETE /public/connections"));
    }

    #[tokio::test]
    async fn unknown_query_parameters_and_body_fields_are_refused() {
        let (status, answer) = served("GET", "/connections?limt=5", "", "").await;
        assert_eq!((status, message(&answer)), (400, "property limt should not exist"));
        let (status, answer) = served(
            "PUT",
            "/user-identities/infrastructure/3/toggle",
            "application/json",
            r#"{"toggle": true, "toggleFeild": "INFRASTRUCTURE_DB_ACCESS"}"#,
        )
        .await;
        assert_eq!(status, 400);
        assert!(message(&answer).contains("toggleFeild"), "{answer}");
    }

    #[test]
    fn path_templates_match_segment_by_segment() {
        assert_eq!(
            match_template("/users/{email}/email", "/users/a%2Bb%40x.com/email"),
            Some(vec![("email".to_string(), "a+b@x.com".to_string())])
        );
        assert_eq!(match_template("/users/{id}", "/users/"), None);
        assert_eq!(match_template("/users/{id}", "/users/7/x"), None);
    }
}
