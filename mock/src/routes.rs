//! The operations with state, `/openapi.yaml`, and the checks every request
//! passes; every other operation of the spec is served by `generic`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, get, on};
use axum::{Json, Router};
use drata::types::{
    ConnectVersionControlIdentityRequest, ConnectionSort, ConnectionState, ConnectionsPage, EmptyResponse,
    ExceptionResponse, PersonnelImport, ProviderType, SortDirection, ToggleField,
    ToggleVersionControlIdentityRequest,
};
use serde::de::DeserializeOwned;

use crate::Shared;
use crate::state::{ListQuery, Refusal};

/// An error answer with Drata's body.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let (code, name) = match status.as_u16() {
        400 => (10000, "BadRequestException"),
        401 => (10001, "UnauthorizedException"),
        402 => (10002, "PaymentRequiredException"),
        403 => (10003, "ForbiddenException"),
        404 => (10004, "NotFoundException"),
        405 => (10005, "MethodNotAllowedException"),
        412 => (10012, "PreconditionFailedException"),
        413 => (10013, "PayloadTooLargeException"),
        429 => (10029, "ThrottlerException"),
        _ => (10500, "InternalServerErrorException"),
    };
    let body = ExceptionResponse {
        status_code: i64::from(status.as_u16()),
        message: message.into(),
        code,
        name: Some(name.to_string()),
        debug_info: None,
    };
    (status, Json(body)).into_response()
}

pub(crate) fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NotFound(message) => {
                error(StatusCode::NOT_FOUND, format!("Record Not Found: {message}"))
            }
            Refusal::Invalid(message) => bad_request(message),
        }
    }
}

/// The largest request body the server takes: Drata documents uploads of
/// hundreds of megabytes (a CSV is streamed to disk, a JSON list is read
/// whole).
pub const MAX_BODY_BYTES: usize = 1 << 30;

/// A stateful handler's route: the path and method of its operation, as the
/// spec's operations table has them (this file names no path of its own).
pub(crate) trait OperationRoute {
    /// Serves `operation` with `handler`.
    fn operation<H, T>(self, operation: &'static drata::Operation, handler: H) -> Self
    where
        H: axum::handler::Handler<T, Arc<Shared>>,
        T: 'static;
}

impl OperationRoute for Router<Arc<Shared>> {
    fn operation<H, T>(self, operation: &'static drata::Operation, handler: H) -> Self
    where
        H: axum::handler::Handler<T, Arc<Shared>>,
        T: 'static,
    {
        let method = match operation.method {
            drata::Method::Get => MethodFilter::GET,
            drata::Method::Put => MethodFilter::PUT,
            drata::Method::Post => MethodFilter::POST,
            drata::Method::Delete => MethodFilter::DELETE,
            drata::Method::Patch => MethodFilter::PATCH,
        };
        self.route(operation.path, on(method, handler))
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    use drata::operations as op;
    let api = Router::new()
        .operation(&op::TOGGLE_VERSION_CONTROL_IDENTITY, toggle)
        .operation(&op::CONNECT_VERSION_CONTROL_IDENTITY, connect)
        .operation(&op::LIST_CONNECTIONS, list)
        .operation(&op::CREATE_IDP_CONNECTION_FROM_CSV, create_csv)
        .operation(&op::UPDATE_IDP_CONNECTION_FROM_CSV, update_csv)
        .operation(&op::CREATE_IDP_CONNECTION_FROM_JSON, create_json)
        .operation(&op::UPDATE_IDP_CONNECTION_FROM_JSON, update_json)
        .merge(crate::people_routes::routes())
        // Every other operation of the spec, from the spec alone.
        .fallback(crate::generic::serve)
        .method_not_allowed_fallback(crate::generic::serve)
        .layer(middleware::from_fn_with_state(shared.clone(), guard));
    Router::new()
        .route(
            "/openapi.yaml",
            get(|| async { ([(header::CONTENT_TYPE, "application/yaml")], drata_openapi::SPEC_YAML) }),
        )
        .nest("/public", api)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Not Found: the API is under /public") })
        .layer(middleware::from_fn(drata_error_bodies))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

/// Every error answer carries Drata's error JSON: an answer of the web
/// framework's own (a body over the limit, an unreadable body) is rewritten.
async fn drata_error_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let message = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text.trim().to_string()
    };
    let mut rewritten = error(status, message);
    if let Some(value) = retry_after {
        rewritten.headers_mut().insert(header::RETRY_AFTER, value);
    }
    rewritten
}

/// Faults, rate limit, authentication and forced answers, in that order.
async fn guard(AxumState(shared): AxumState<Arc<Shared>>, request: Request, next: Next) -> Response {
    let config = &shared.config;
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    if config.error_rate > 0.0 && shared.draw() < config.error_rate {
        let status =
            [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE]
                [(shared.draw() * 3.0) as usize % 3];
        return error(status, "Internal server error (injected fault)");
    }
    if let Some(wait) = shared.take_token() {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, "ThrottlerException: Too Many Requests");
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        if let Ok(value) = seconds.max(1).to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(key) = key.filter(|k| config.api_keys.iter().any(|known| known == k)) else {
        return error(StatusCode::UNAUTHORIZED, "Invalid Authorization");
    };
    if let Some(&status) = config.key_status.get(key) {
        let message = match status {
            402 => "You must upgrade your plan to use this feature",
            403 => "You are not allowed to perform this action",
            412 => "You must accept the Drata terms and conditions to use the API",
            _ => "Forced answer",
        };
        return error(StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN), message);
    }
    let operation = served_operation(request.method(), request.uri().path());
    let response = next.run(request).await;
    if let Some(operation) = operation.filter(|_| response.status().is_success()) {
        shared.state().served.insert(operation.id);
    }
    response
}

/// The operation of the spec a request goes to, if any.
fn served_operation(method: &axum::http::Method, path: &str) -> Option<&'static drata::Operation> {
    let method = match method.as_str() {
        "GET" => drata::Method::Get,
        "PUT" => drata::Method::Put,
        "POST" => drata::Method::Post,
        "DELETE" => drata::Method::Delete,
        "PATCH" => drata::Method::Patch,
        _ => return None,
    };
    Some(drata::Operation::matching(method, path)).filter(|op| !op.is_outside_spec())
}

/// A path id: a whole number from 1.
fn path_id(raw: &str) -> Result<i64, String> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| format!("id must be a whole number from 1, not `{raw}`"))
}

/// A JSON body of type `T`, with a JSON content type, valid against the
/// spec's request schema of `method` `path`.
fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
    method: &str,
    path: &str,
) -> Result<T, String> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("application/json") {
        return Err(format!("the body must be application/json, not `{content_type}`"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if let Some(validator) = drata_openapi::request_validator(method, path) {
        let problems = validator?.problems(&value);
        if !problems.is_empty() {
            return Err(format!("invalid body: {}", problems.join("; ")));
        }
    }
    serde_json::from_value(value).map_err(|e| format!("invalid body: {e}"))
}

async fn toggle(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let id = match path_id(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    let request: ToggleVersionControlIdentityRequest =
        match json_body(&headers, &body, "PUT", "/user-identities/version-control/{id}/toggle") {
            Ok(request) => request,
            Err(message) => return bad_request(message),
        };
    // Drata does not say what a missing toggleField does; the fake server
    // reads it as write access.
    let field = request.toggle_field.unwrap_or(ToggleField::VersionControlWriteAccess);
    match shared.state().toggle(id, request.toggle, &field) {
        Ok(identity) => Json(identity).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn connect(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let id = match path_id(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    let request: ConnectVersionControlIdentityRequest =
        match json_body(&headers, &body, "PUT", "/user-identities/version-control/{id}/connect") {
            Ok(request) => request,
            Err(message) => return bad_request(message),
        };
    match shared.state().link(|s| &mut s.identities, id, request.user_id) {
        Ok(identity) => Json(identity).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// Parses the listing's query as the spec defines it.
fn list_query(raw: Option<&str>) -> Result<ListQuery, String> {
    let mut query = ListQuery { page: 1, limit: 20, ..ListQuery::default() };
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.as_ref();
        match name.as_ref() {
            "page" => {
                query.page = value.parse().ok().filter(|p| *p >= 1).ok_or(format!("page must be a whole number from 1, not `{value}`"))?;
            }
            "limit" => {
                query.limit = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=50).contains(l))
                    .ok_or(format!("limit must be a whole number from 1 to 50, not `{value}`"))?;
            }
            "sort" => query.sort = Some(value.parse::<ConnectionSort>().map_err(|_| format!("sort must be one of CREATED_AT, CONNECTED_AT, CONNECTION_PROVIDER_TYPE, CONNECTION_CLIENT_TYPE, CONNECTION_STATE, not `{value}`"))?),
            "sortDir" => {
                query.sort_dir =
                    Some(value.parse::<SortDirection>().map_err(|_| format!("sortDir must be ASC or DESC, not `{value}`"))?);
            }
            "providerTypes" => {
                let provider = ProviderType::from(value);
                if !provider.is_known() {
                    return Err(format!("providerTypes must be among {}, not `{value}`", ProviderType::KNOWN_VALUES.join(", ")));
                }
                query.provider_types.push(provider);
            }
            "state" => {
                let state = ConnectionState::from(value);
                if !state.is_known() {
                    return Err(format!("state must be one of {}, not `{value}`", ConnectionState::KNOWN_VALUES.join(", ")));
                }
                query.state = Some(state);
            }
            _ => {}
        }
    }
    Ok(query)
}

async fn list(AxumState(shared): AxumState<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let query = match list_query(raw.as_deref()) {
        Ok(query) => query,
        Err(message) => return bad_request(message),
    };
    let (data, total) = shared.state().list(&query);
    let data = data.into_iter().map(drata::Tolerant::from).collect();
    Json(ConnectionsPage { data, page: query.page, limit: query.limit, total }).into_response()
}

fn empty(status: StatusCode) -> Response {
    (status, Json(EmptyResponse(serde_json::Map::new()))).into_response()
}

/// The personnel of a multipart upload's `file` part, streamed to a
/// temporary file and read with the client's own checks.
async fn csv_personnel(mut multipart: Multipart) -> Result<Vec<drata::types::PersonnelRecord>, Response> {
    use tokio::io::AsyncWriteExt;
    let mut spooled = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => {
                let file = tempfile::NamedTempFile::new().map_err(|e| {
                    error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot store the file: {e}"))
                })?;
                let mut writer = tokio::fs::File::from_std(file.reopen().map_err(|e| {
                    error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot store the file: {e}"))
                })?);
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => writer.write_all(&chunk).await.map_err(|e| {
                            error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot store the file: {e}"))
                        })?,
                        Ok(None) => break,
                        Err(e) => return Err(multipart_error(e)),
                    }
                }
                writer.flush().await.map_err(|e| {
                    error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot store the file: {e}"))
                })?;
                spooled = Some(file.into_temp_path());
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e)),
        }
    }
    let file = spooled.ok_or_else(|| bad_request("the multipart part `file` is missing"))?;
    let today = chrono::Utc::now().format("%Y-%m-%dT00:00:00").to_string();
    let read = tokio::task::spawn_blocking(move || drata::personnel::csv_file_to_import(&file, &today)).await;
    match read {
        Ok(Ok(import)) => Ok(import.personnel_data),
        Ok(Err(drata::personnel::PersonnelError::Invalid(report))) => {
            Err(bad_request(format!("invalid personnel file: {report}")))
        }
        Ok(Err(e)) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the file: {e}"))),
        Err(e) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the file: {e}"))),
    }
}

/// A multipart body that cannot be read: too large (413) or malformed (400).
fn multipart_error(e: axum::extract::multipart::MultipartError) -> Response {
    let status = e.status();
    let status = if status == StatusCode::PAYLOAD_TOO_LARGE { status } else { StatusCode::BAD_REQUEST };
    error(status, format!("invalid multipart body: {}", e.body_text()))
}

async fn create_csv(
    AxumState(shared): AxumState<Arc<Shared>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return bad_request("the body must be multipart/form-data with a part `file`");
    };
    match csv_personnel(multipart).await {
        Ok(personnel) => {
            shared.state().create_idp(personnel);
            empty(StatusCode::CREATED)
        }
        Err(response) => response,
    }
}

async fn update_csv(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let id = match path_id(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    if let Err(refusal) = shared.state().check_idp(id) {
        return refusal.into_response();
    }
    let Ok(multipart) = multipart else {
        return bad_request("the body must be multipart/form-data with a part `file`");
    };
    match csv_personnel(multipart).await {
        Ok(personnel) => match shared.state().update_idp(id, personnel) {
            Ok(()) => empty(StatusCode::OK),
            Err(refusal) => refusal.into_response(),
        },
        Err(response) => response,
    }
}

/// A personnel list: valid against the spec, then checked the way the
/// client checks it (the same rules as a CSV's rows).
fn json_personnel(
    headers: &HeaderMap,
    body: &Bytes,
    method: &str,
    path: &str,
) -> Result<Vec<drata::types::PersonnelRecord>, String> {
    let import: PersonnelImport = json_body(headers, body, method, path)?;
    drata::personnel::validate_import(&import).map_err(|report| format!("invalid personnel: {report}"))?;
    Ok(import.personnel_data)
}

async fn create_json(AxumState(shared): AxumState<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    match json_personnel(&headers, &body, "POST", "/connections/upload/json") {
        Ok(personnel) => {
            shared.state().create_idp(personnel);
            empty(StatusCode::CREATED)
        }
        Err(message) => bad_request(message),
    }
}

async fn update_json(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let id = match path_id(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    if let Err(refusal) = shared.state().check_idp(id) {
        return refusal.into_response();
    }
    match json_personnel(&headers, &body, "PUT", "/connections/{id}/upload/json") {
        Ok(personnel) => match shared.state().update_idp(id, personnel) {
            Ok(()) => empty(StatusCode::OK),
            Err(refusal) => refusal.into_response(),
        },
        Err(message) => bad_request(message),
    }
}
