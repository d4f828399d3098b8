//! The fake server's in-memory Drata account, and what each operation does to it.

use std::collections::BTreeMap;

use drata::Timestamp;
use drata::types::{
    ClientType, CompactConnection, Connection, ConnectionProviderType, ConnectionProviderTypeEntry,
    ConnectionSort, ConnectionState, Id, InfrastructureIdentity, PersonnelRecord, ProviderType,
    SortDirection, ToggleField, User, VersionControlIdentity,
};

/// Why an operation could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such record (404).
    NotFound(String),
    /// The request is not valid (400).
    Invalid(String),
}

/// The account: connections, users, version-control and infrastructure
/// identities, imported personnel.
#[derive(Debug, Default)]
pub struct State {
    pub(crate) connections: Vec<CompactConnection>,
    pub(crate) users: Vec<User>,
    pub(crate) identities: Vec<VersionControlIdentity>,
    pub(crate) infrastructure: Vec<InfrastructureIdentity>,
    /// Personnel of the IdP connections created by imports, by connection id.
    pub(crate) personnel: BTreeMap<i64, Vec<PersonnelRecord>>,
    /// Successful writes so far.
    pub(crate) writes: u64,
    /// The operations answered with a success so far (client method names).
    pub(crate) served: std::collections::BTreeSet<&'static str>,
    /// The collections of the spec (vendors, assets, evidence…), and what
    /// was deleted.
    pub(crate) collections: crate::collections::Collections,
}

/// What `GET /connections` asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// The page, from 1.
    pub page: i64,
    /// Items per page, 1 to 50.
    pub limit: i64,
    /// The order.
    pub sort: Option<ConnectionSort>,
    /// The direction of the order.
    pub sort_dir: Option<SortDirection>,
    /// Only these provider types (none: all).
    pub provider_types: Vec<ProviderType>,
    /// Only this state.
    pub state: Option<ConnectionState>,
}

pub(crate) fn id_number(id: &Id) -> i64 {
    match id {
        Id::Int64(n) => *n,
        Id::String(s) => s.parse().unwrap_or(i64::MAX),
    }
}

/// The full form of a compact connection, as identities embed it.
pub(crate) fn full_connection(c: &CompactConnection) -> Connection {
    Connection {
        id: Some(c.id.clone()),
        client_type: Some(c.client_type.clone()),
        state: Some(c.state.clone()),
        connected: Some(c.connected),
        connected_at: c.connected_at.clone(),
        failed_at: c.failed_at.clone(),
        client_id: c.client_id.clone(),
        client_alias: c.client_alias.clone(),
        alias_updated_at: c.alias_updated_at.clone(),
        code: c.code,
        group_label: c.group_label.clone(),
        provider_types: c.provider_types.as_ref().map(|types| types.to_vec()),
        write_access_enabled: Some(false),
        ..Connection::default()
    }
}

/// Now, as Drata's current API writes it.
pub(crate) fn now() -> Timestamp {
    Timestamp::from(chrono::Utc::now())
}

impl State {
    pub(crate) fn connection(&self, id: i64) -> Option<&CompactConnection> {
        self.connections.iter().find(|c| id_number(&c.id) == id)
    }

    pub(crate) fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id.as_ref().map(id_number) == Some(id))
    }

    /// One page of the listing.
    pub fn list(&self, query: &ListQuery) -> (Vec<CompactConnection>, i64) {
        let mut matching: Vec<&CompactConnection> = self
            .connections
            .iter()
            .filter(|c| query.state.as_ref().is_none_or(|s| &c.state == s))
            .filter(|c| {
                query.provider_types.is_empty()
                    || c.provider_types
                        .iter()
                        .flatten()
                        .filter_map(ConnectionProviderTypeEntry::provider_type)
                        .any(|p| query.provider_types.contains(&p.value))
            })
            .collect();
        let key = |c: &CompactConnection| -> String {
            match query.sort {
                Some(ConnectionSort::ConnectedAt) => {
                    c.connected_at.as_ref().map(|t| t.to_string()).unwrap_or_default()
                }
                Some(ConnectionSort::ConnectionProviderType) => {
                    c.provider_types.iter().flatten().next().map(ToString::to_string).unwrap_or_default()
                }
                Some(ConnectionSort::ConnectionClientType) => c.client_type.to_string(),
                Some(ConnectionSort::ConnectionState) => c.state.to_string(),
                Some(ConnectionSort::CreatedAt) | None => String::new(),
            }
        };
        matching.sort_by(|a, b| key(a).cmp(&key(b)).then(id_number(&a.id).cmp(&id_number(&b.id))));
        if query.sort_dir == Some(SortDirection::Desc) {
            matching.reverse();
        }
        let total = matching.len() as i64;
        let skip = usize::try_from((query.page - 1).saturating_mul(query.limit)).unwrap_or(usize::MAX);
        let take = usize::try_from(query.limit).unwrap_or(0);
        (matching.into_iter().skip(skip).take(take).cloned().collect(), total)
    }

    fn identity_mut(&mut self, id: i64) -> Result<&mut VersionControlIdentity, Refusal> {
        self.identities
            .iter_mut()
            .find(|i| id_number(&i.id) == id)
            .ok_or_else(|| Refusal::NotFound(format!("No version control identity with id {id}")))
    }

    /// `PUT /user-identities/version-control/{id}/toggle`
    pub fn toggle(
        &mut self,
        id: i64,
        on: bool,
        field: &ToggleField,
    ) -> Result<VersionControlIdentity, Refusal> {
        let identity = self.identity_mut(id)?;
        let value = on.then(now);
        match field {
            ToggleField::VersionControlWriteAccess => identity.write_access = value,
            ToggleField::VersionControlPushProdCodeAccess => identity.push_production_code_access = value,
            ToggleField::Unknown(other) => {
                return Err(Refusal::Invalid(format!(
                    "toggleField must be one of VERSION_CONTROL_WRITE_ACCESS, VERSION_CONTROL_PUSH_PROD_CODE_ACCESS, not {other}"
                )));
            }
        }
        identity.updated_at = now();
        let identity = identity.clone();
        self.writes += 1;
        Ok(identity)
    }

    /// `POST /connections/upload/{csv,json}`: a new IdP connection.
    pub fn create_idp(&mut self, personnel: Vec<PersonnelRecord>) -> i64 {
        let id = self.connections.iter().map(|c| id_number(&c.id)).max().unwrap_or(0) + 1;
        self.connections.push(CompactConnection {
            id: Id::Int64(id),
            client_type: ClientType::CsvIdp,
            state: ConnectionState::Active,
            connected: true,
            connected_at: Some(now()),
            failed_at: None,
            client_id: None,
            client_alias: Some(format!("Manual IdP import {id}")),
            alias_updated_at: None,
            deleted_at: None,
            code: None,
            provider_types: Some(vec![
                ConnectionProviderType { value: ProviderType::Identity, is_enabled: true }.into(),
            ]),
            group_label: None,
        });
        self.personnel.insert(id, personnel);
        self.writes += 1;
        id
    }

    /// Whether `id` is an IdP connection made by an import.
    pub fn check_idp(&self, id: i64) -> Result<(), Refusal> {
        let connection =
            self.connection(id).ok_or_else(|| Refusal::NotFound(format!("No connection with id {id}")))?;
        if connection.client_type != ClientType::CsvIdp {
            return Err(Refusal::NotFound(format!("Connection {id} is not a manual IdP connection")));
        }
        Ok(())
    }

    /// `PUT /connections/{id}/upload/{csv,json}`: replaces the personnel.
    pub fn update_idp(&mut self, id: i64, personnel: Vec<PersonnelRecord>) -> Result<(), Refusal> {
        self.check_idp(id)?;
        self.personnel.insert(id, personnel);
        self.writes += 1;
        Ok(())
    }
}
