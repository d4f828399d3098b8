//! The routes of the identities and users operations, with state: each
//! request is first checked against the spec (`generic::validate`), then
//! acts on the account (`people`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use drata::Tolerant;
use drata::types::{
    ConnectInfrastructureIdentityRequest, InfrastructureIdentitiesPage, InfrastructureToggleField,
    ServiceAccountRequest, ToggleInfrastructureIdentityRequest, UsersPage, VersionControlIdentitiesPage,
};
use serde::de::DeserializeOwned;

use crate::Shared;
use crate::generic::validate;
use crate::people::{self, IdentityQuery, UserQuery};
use crate::routes::{MAX_BODY_BYTES, OperationRoute, bad_request};
use crate::state::State;

/// The routes, for the API's router.
pub(crate) fn routes() -> axum::Router<Arc<Shared>> {
    use drata::operations as op;
    axum::Router::new()
        .operation(&op::LIST_VERSION_CONTROL_IDENTITIES, list_version_control)
        .operation(&op::SET_VERSION_CONTROL_IDENTITY_SERVICE_ACCOUNT, version_control_service_account)
        .operation(&op::LIST_INFRASTRUCTURE_IDENTITIES, list_infrastructure)
        .operation(&op::TOGGLE_INFRASTRUCTURE_IDENTITY, toggle_infrastructure)
        .operation(&op::CONNECT_INFRASTRUCTURE_IDENTITY, connect_infrastructure)
        .operation(&op::SET_INFRASTRUCTURE_IDENTITY_SERVICE_ACCOUNT, infrastructure_service_account)
        .operation(&op::LIST_USERS, list_users)
        .operation(&op::GET_USER, user_by_id)
        .operation(&op::GET_USER_BY_EMAIL, user_by_email)
}

/// The request checked against the spec: its URI and its JSON body, if it
/// has one.
async fn checked<T: DeserializeOwned>(request: Request) -> Result<(Uri, Option<T>), Box<Response>> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| Box::new(bad_request(format!("cannot read the body: {e}"))))?;
    validate(&parts.method, &parts.uri, &parts.headers, &body)?;
    if body.is_empty() {
        return Ok((parts.uri, None));
    }
    let value =
        serde_json::from_slice(&body).map_err(|e| Box::new(bad_request(format!("invalid body: {e}"))))?;
    Ok((parts.uri, Some(value)))
}

fn pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect()
}

fn one(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn all(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

/// Page and limit, defaults 1 and 20 (the spec checked their bounds).
fn paging(pairs: &[(String, String)]) -> (i64, i64) {
    let number = |name: &str, default: i64| one(pairs, name).and_then(|v| v.parse().ok()).unwrap_or(default);
    (number("page", 1), number("limit", 20))
}

fn identity_query(uri: &Uri) -> IdentityQuery {
    let pairs = pairs(uri);
    let (page, limit) = paging(&pairs);
    IdentityQuery {
        page,
        limit,
        search: one(&pairs, "q"),
        client_type: one(&pairs, "clientType"),
        connection_id: one(&pairs, "connectionId").and_then(|v| v.parse().ok()),
        sort: one(&pairs, "sort"),
        descending: one(&pairs, "sortDir").as_deref() == Some("DESC"),
    }
}

/// A path id (the spec checked it is a whole number from 1).
fn id(raw: &str) -> i64 {
    raw.parse().unwrap_or(0)
}

/// The extractor of the server's shared state.
type SharedState = AxumState<Arc<Shared>>;

async fn list_version_control(AxumState(shared): SharedState, request: Request) -> Response {
    let uri = match checked::<serde_json::Value>(request).await {
        Ok((uri, _)) => uri,
        Err(refused) => return *refused,
    };
    let query = identity_query(&uri);
    let (data, total) = people::list(&shared.state().identities, &query);
    let data = data.into_iter().map(Tolerant::from).collect();
    Json(VersionControlIdentitiesPage { data, page: query.page, limit: query.limit, total }).into_response()
}

async fn list_infrastructure(AxumState(shared): SharedState, request: Request) -> Response {
    let uri = match checked::<serde_json::Value>(request).await {
        Ok((uri, _)) => uri,
        Err(refused) => return *refused,
    };
    let query = identity_query(&uri);
    let (data, total) = people::list(&shared.state().infrastructure, &query);
    let data = data.into_iter().map(Tolerant::from).collect();
    Json(InfrastructureIdentitiesPage { data, page: query.page, limit: query.limit, total }).into_response()
}

/// A write: the request checked, then `act` on the account with its body,
/// and the result as the answer.
async fn write<B: DeserializeOwned, T: serde::Serialize>(
    shared: &Shared,
    request: Request,
    act: impl FnOnce(&mut State, B) -> Result<T, crate::state::Refusal>,
) -> Response {
    let body = match checked::<B>(request).await {
        Ok((_, Some(body))) => body,
        Ok((_, None)) => return bad_request("a JSON body is required"),
        Err(refused) => return *refused,
    };
    match act(&mut shared.state(), body) {
        Ok(answer) => Json(answer).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn version_control_service_account(
    AxumState(shared): SharedState,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(&shared, request, |state, body: ServiceAccountRequest| {
        state.mark_service_account(
            |s| &mut s.identities,
            id(&raw),
            body.service_account,
            body.service_account_reason,
        )
    })
    .await
}

async fn infrastructure_service_account(
    AxumState(shared): SharedState,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(&shared, request, |state, body: ServiceAccountRequest| {
        state.mark_service_account(
            |s| &mut s.infrastructure,
            id(&raw),
            body.service_account,
            body.service_account_reason,
        )
    })
    .await
}

async fn toggle_infrastructure(
    AxumState(shared): SharedState,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(&shared, request, |state, body: ToggleInfrastructureIdentityRequest| {
        // Drata does not say what a missing toggleField does; the fake
        // server reads it as admin access.
        let field = body.toggle_field.unwrap_or(InfrastructureToggleField::InfrastructureAdminAccess);
        state.toggle_infrastructure(id(&raw), body.toggle, &field)
    })
    .await
}

async fn connect_infrastructure(
    AxumState(shared): SharedState,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(&shared, request, |state, body: ConnectInfrastructureIdentityRequest| {
        state.link(|s| &mut s.infrastructure, id(&raw), body.user_id)
    })
    .await
}

async fn list_users(AxumState(shared): SharedState, request: Request) -> Response {
    let uri = match checked::<serde_json::Value>(request).await {
        Ok((uri, _)) => uri,
        Err(refused) => return *refused,
    };
    let pairs = pairs(&uri);
    let (page, limit) = paging(&pairs);
    let ids = |name: &str| all(&pairs, name).iter().filter_map(|v| v.parse().ok()).collect();
    let query = UserQuery {
        page,
        limit,
        search: one(&pairs, "q"),
        roles: all(&pairs, "roles[]"),
        exclude_roles: all(&pairs, "excludeRoles[]"),
        exclude_ids: ids("excludeUserIds[]"),
        include_ids: ids("includeUserIds[]"),
    };
    let (data, total) = shared.state().list_users(&query);
    let data = data.into_iter().map(Tolerant::from).collect();
    Json(UsersPage { data, page, limit, total }).into_response()
}

async fn user_by_id(AxumState(shared): SharedState, Path(raw): Path<String>, request: Request) -> Response {
    if let Err(refused) = checked::<serde_json::Value>(request).await {
        return *refused;
    }
    match shared.state().user_by_id(id(&raw)) {
        Ok(user) => Json(user).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn user_by_email(
    AxumState(shared): SharedState,
    Path(email): Path<String>,
    request: Request,
) -> Response {
    if let Err(refused) = checked::<serde_json::Value>(request).await {
        return *refused;
    }
    match shared.state().user_by_email(&email) {
        Ok(user) => Json(user).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}
