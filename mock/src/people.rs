//! The fake account's people: version-control and infrastructure identities
//! (listings with Drata's filters and sorts, toggles, links, service-account
//! marks) and users (listing with roles and id filters, by id, by email).
//! The two kinds of identity share their bookkeeping through [`Identity`].

use drata::Timestamp;
use drata::types::{Id, InfrastructureIdentity, InfrastructureToggleField, User, VersionControlIdentity};

use crate::state::{Refusal, State, id_number, now};

/// What the listings of both kinds of identity filter, sort and page by.
#[derive(Debug, Clone, Default)]
pub struct IdentityQuery {
    /// The page, from 1.
    pub page: i64,
    /// Items per page.
    pub limit: i64,
    /// `q`: part of the identity id, username or email, any case.
    pub search: Option<String>,
    /// Only identities on connections of this client type.
    pub client_type: Option<String>,
    /// Only identities on this connection.
    pub connection_id: Option<i64>,
    /// The sort field, as Drata writes it (default USERNAME).
    pub sort: Option<String>,
    /// Descending.
    pub descending: bool,
}

/// What `GET /users` filters and pages by.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// The page, from 1.
    pub page: i64,
    /// Items per page.
    pub limit: i64,
    /// `q`: part of the first, last or full name or the email, any case.
    pub search: Option<String>,
    /// `roles[]`: users with one of these roles (none: all).
    pub roles: Vec<String>,
    /// `excludeRoles[]`.
    pub exclude_roles: Vec<String>,
    /// `excludeUserIds[]`.
    pub exclude_ids: Vec<i64>,
    /// `includeUserIds[]` (none: all).
    pub include_ids: Vec<i64>,
}

/// The fields both kinds of identity have, for the shared bookkeeping.
pub trait Identity: Clone {
    /// What the kind is called in messages.
    const KIND: &'static str;
    /// Read access to the common fields.
    fn common(&self) -> Common<'_>;
    /// Links or unlinks a user, at `at`.
    fn set_user(&mut self, user: Option<User>, at: Timestamp);
    /// Marks or unmarks a service account.
    fn set_service_account(&mut self, mark: Option<(String, Option<User>)>, at: Timestamp);
    /// A sort key other than the common ones.
    fn own_key(&self, sort: &str) -> Option<String>;
}

/// The common fields of an identity.
pub struct Common<'a> {
    pub(crate) id: &'a Id,
    pub(crate) identity_id: &'a str,
    pub(crate) username: &'a str,
    pub(crate) email: Option<&'a str>,
    pub(crate) client_type: Option<String>,
    pub(crate) client_id: Option<&'a str>,
    pub(crate) client_alias: Option<&'a str>,
    pub(crate) connection_id: Option<i64>,
    pub(crate) connection_state: Option<String>,
    pub(crate) connected_at: Option<&'a Timestamp>,
    pub(crate) disconnected_at: Option<&'a Timestamp>,
    pub(crate) service_account: Option<&'a Timestamp>,
    pub(crate) has_mfa: bool,
    pub(crate) user_email: Option<&'a str>,
}

fn text(t: Option<&Timestamp>) -> String {
    t.map(ToString::to_string).unwrap_or_default()
}

macro_rules! common_fields {
    ($identity:expr) => {{
        let i = $identity;
        Common {
            id: &i.id,
            identity_id: &i.identity_id,
            username: &i.username,
            email: i.email.as_deref(),
            client_type: i.connection.client_type.as_ref().map(ToString::to_string),
            client_id: i.connection.client_id.as_deref(),
            client_alias: i.connection.client_alias.as_deref(),
            connection_id: i.connection.id.as_ref().map(id_number),
            connection_state: i.connection.state.as_ref().map(ToString::to_string),
            connected_at: i.connected_at.as_ref(),
            disconnected_at: i.disconnected_at.as_ref(),
            service_account: i.service_account.as_ref(),
            has_mfa: i.has_mfa,
            user_email: i.user.as_ref().and_then(|u| u.email.as_deref()),
        }
    }};
}

macro_rules! shared_setters {
    () => {
        fn set_user(&mut self, user: Option<User>, at: Timestamp) {
            match user {
                Some(user) => {
                    self.user = Some(user);
                    self.connected_at = Some(at.clone());
                    self.disconnected_at = None;
                }
                None => {
                    self.user = None;
                    self.disconnected_at = Some(at.clone());
                }
            }
            self.updated_at = at;
        }

        fn set_service_account(&mut self, mark: Option<(String, Option<User>)>, at: Timestamp) {
            match mark {
                Some((reason, designator)) => {
                    self.service_account = Some(at.clone());
                    self.service_account_reason = Some(reason);
                    self.service_account_designator = designator;
                }
                None => {
                    self.service_account = None;
                    self.service_account_reason = None;
                    self.service_account_designator = None;
                }
            }
            self.updated_at = at;
        }
    };
}

impl Identity for VersionControlIdentity {
    const KIND: &'static str = "version control identity";
    fn common(&self) -> Common<'_> {
        common_fields!(self)
    }
    shared_setters!();
    fn own_key(&self, sort: &str) -> Option<String> {
        match sort {
            "WRITE_ACCESS" => Some(text(self.write_access.as_ref())),
            "PUSH_PROD_CODE_ACCESS" => Some(text(self.push_production_code_access.as_ref())),
            _ => None,
        }
    }
}

impl Identity for InfrastructureIdentity {
    const KIND: &'static str = "infrastructure identity";
    fn common(&self) -> Common<'_> {
        common_fields!(self)
    }
    shared_setters!();
    fn own_key(&self, sort: &str) -> Option<String> {
        match sort {
            "ADMIN_ACCESS" => Some(text(self.admin_access.as_ref())),
            "DB_ACCESS" => Some(text(self.db_access.as_ref())),
            _ => None,
        }
    }
}

/// The sort key of `identity` for `sort`.
fn key<I: Identity>(identity: &I, sort: &str) -> String {
    if let Some(key) = identity.own_key(sort) {
        return key;
    }
    let c = identity.common();
    match sort {
        "IDENTITY_ID" => c.identity_id.to_string(),
        "EMAIL" => c.email.unwrap_or_default().to_string(),
        "CONNECTED_AT" => text(c.connected_at),
        "DISCONNECTED_AT" => text(c.disconnected_at),
        "SERVICE_ACCOUNT" => text(c.service_account),
        "HAS_MFA" => c.has_mfa.to_string(),
        "USER" => c.user_email.unwrap_or_default().to_string(),
        "CLIENT_ID" => c.client_id.unwrap_or_default().to_string(),
        "CLIENT_ALIAS" => c.client_alias.unwrap_or_default().to_string(),
        "CONNECTION_STATUS" => c.connection_state.unwrap_or_default(),
        _ => c.username.to_ascii_lowercase(),
    }
}

/// One page of `identities` for `query`, and the total.
pub(crate) fn list<I: Identity>(identities: &[I], query: &IdentityQuery) -> (Vec<I>, i64) {
    let search = query.search.as_deref().map(str::to_ascii_lowercase);
    let mut matching: Vec<&I> = identities
        .iter()
        .filter(|i| {
            let c = i.common();
            let hit = |field: &str| search.as_deref().is_none_or(|q| field.to_ascii_lowercase().contains(q));
            (hit(c.identity_id) || hit(c.username) || hit(c.email.unwrap_or_default()))
                && query.client_type.as_deref().is_none_or(|t| c.client_type.as_deref() == Some(t))
                && query.connection_id.is_none_or(|id| c.connection_id == Some(id))
        })
        .collect();
    let sort = query.sort.as_deref().unwrap_or("USERNAME");
    matching.sort_by(|a, b| {
        key(*a, sort).cmp(&key(*b, sort)).then(id_number(a.common().id).cmp(&id_number(b.common().id)))
    });
    if query.descending {
        matching.reverse();
    }
    page(matching, query.page, query.limit)
}

fn page<T: Clone>(matching: Vec<&T>, page: i64, limit: i64) -> (Vec<T>, i64) {
    let total = matching.len() as i64;
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(0);
    (matching.into_iter().skip(skip).take(take).cloned().collect(), total)
}

fn find_mut<I: Identity>(identities: &mut [I], id: i64) -> Result<&mut I, Refusal> {
    identities
        .iter_mut()
        .find(|i| id_number(i.common().id) == id)
        .ok_or_else(|| Refusal::NotFound(format!("No {} with id {id}", I::KIND)))
}

impl State {
    fn user_or_404(&self, user_id: i64) -> Result<User, Refusal> {
        self.user(user_id).cloned().ok_or_else(|| Refusal::NotFound(format!("No user with id {user_id}")))
    }

    /// `PUT …/{id}/connect` of either kind: links `user_id`, or unlinks.
    pub(crate) fn link<I: Identity>(
        &mut self,
        pick: fn(&mut State) -> &mut Vec<I>,
        id: i64,
        user_id: Option<i64>,
    ) -> Result<I, Refusal> {
        let user = user_id.map(|u| self.user_or_404(u)).transpose()?;
        let identity = find_mut(pick(self), id)?;
        identity.set_user(user, now());
        let identity = identity.clone();
        self.writes += 1;
        Ok(identity)
    }

    /// `PUT …/{id}/service-account` of either kind. Drata records who
    /// marked it: the fake server's first user stands for the key's owner.
    pub(crate) fn mark_service_account<I: Identity>(
        &mut self,
        pick: fn(&mut State) -> &mut Vec<I>,
        id: i64,
        mark: bool,
        reason: String,
    ) -> Result<I, Refusal> {
        let designator = self.users.first().cloned();
        let identity = find_mut(pick(self), id)?;
        identity.set_service_account(mark.then_some((reason, designator)), now());
        let identity = identity.clone();
        self.writes += 1;
        Ok(identity)
    }

    /// `PUT /user-identities/infrastructure/{id}/toggle`
    pub fn toggle_infrastructure(
        &mut self,
        id: i64,
        on: bool,
        field: &InfrastructureToggleField,
    ) -> Result<InfrastructureIdentity, Refusal> {
        let identity = find_mut(&mut self.infrastructure, id)?;
        let value = on.then(now);
        match field {
            InfrastructureToggleField::InfrastructureAdminAccess => identity.admin_access = value,
            InfrastructureToggleField::InfrastructureDbAccess => identity.db_access = value,
            InfrastructureToggleField::Unknown(other) => {
                return Err(Refusal::Invalid(format!(
                    "toggleField must be one of INFRASTRUCTURE_ADMIN_ACCESS, INFRASTRUCTURE_DB_ACCESS, not {other}"
                )));
            }
        }
        identity.updated_at = now();
        let identity = identity.clone();
        self.writes += 1;
        Ok(identity)
    }

    /// One page of users for `query`, and the total.
    pub fn list_users(&self, query: &UserQuery) -> (Vec<User>, i64) {
        let search = query.search.as_deref().map(str::to_ascii_lowercase);
        let matching: Vec<&User> = self
            .users
            .iter()
            .filter(|u| {
                let id = u.id.as_ref().map(id_number).unwrap_or_default();
                let roles = u.roles.as_deref().unwrap_or_default();
                let (first, last) =
                    (u.first_name.as_deref().unwrap_or(""), u.last_name.as_deref().unwrap_or(""));
                let fields = [
                    first.to_string(),
                    last.to_string(),
                    format!("{first} {last}"),
                    u.email.clone().unwrap_or_default(),
                ];
                search.as_deref().is_none_or(|q| fields.iter().any(|f| f.to_ascii_lowercase().contains(q)))
                    && (query.roles.is_empty() || roles.iter().any(|r| query.roles.contains(r)))
                    && !roles.iter().any(|r| query.exclude_roles.contains(r))
                    && !query.exclude_ids.contains(&id)
                    && (query.include_ids.is_empty() || query.include_ids.contains(&id))
            })
            .collect();
        page(matching, query.page, query.limit)
    }

    /// `GET /users/{email}/email`: the user with this address, in any case.
    pub fn user_by_email(&self, email: &str) -> Result<User, Refusal> {
        self.users
            .iter()
            .find(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
            .cloned()
            .ok_or_else(|| Refusal::NotFound(format!("No user with email {email}")))
    }

    /// `GET /users/{id}`
    pub fn user_by_id(&self, id: i64) -> Result<User, Refusal> {
        self.user_or_404(id)
    }
}
