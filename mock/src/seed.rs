//! The deterministic data a fake server starts with.

use drata::Timestamp;
use drata::types::{
    ClientType, CompactConnection, ConnectionProviderType, ConnectionState, Id, ProviderType, User,
    VersionControlIdentity,
};

use crate::state::{State, full_connection};

/// `(client type, provider type, alias)` of the seeded connections, in id order.
const CONNECTIONS: &[(&str, &str, &str)] = &[
    ("OKTA", "IDENTITY", "Okta production"),
    ("GOOGLE", "IDENTITY", "Google Workspace"),
    ("JAMF", "MDM", "Jamf laptops"),
    ("KANDJI", "MDM", "Kandji"),
    ("GITHUB", "VERSION_CONTROL", "GitHub org"),
    ("GITLAB", "VERSION_CONTROL", "GitLab self-managed"),
    ("AWS", "INFRASTRUCTURE", "AWS prod"),
    ("GCP", "INFRASTRUCTURE", "GCP data"),
    ("JIRA", "TICKETING", "Jira"),
    ("LINEAR", "TICKETING", "Linear"),
    ("BAMBOO_HR", "HRIS", "BambooHR"),
    ("RIPPLING", "HRIS", "Rippling"),
    ("CHECKR", "BACKGROUND_CHECK", "Checkr"),
    ("CROWDSTRIKE", "EDR", "CrowdStrike"),
    ("INTUNE", "MDM", "Intune"),
    ("SLACK", "COMMUNICATION", "Slack"),
    ("DATADOG", "OBSERVABILITY", "Datadog"),
    ("KNOWBE4", "SECURITY_TRAINING", "KnowBe4"),
    ("DOCUSIGN", "DIGITAL_SIGNATURE", "DocuSign"),
    ("WIZ", "CSPM", "Wiz"),
    ("AZURE", "INFRASTRUCTURE", "Azure"),
    ("BITBUCKET", "VERSION_CONTROL", "Bitbucket"),
    ("KOLIDE", "MDM", "Kolide"),
    ("SENTRY", "OBSERVABILITY", "Sentry"),
    ("ZOOM", "COMMUNICATION", "Zoom"),
];

/// A deterministic timestamp: day `n` of 2025 at `n` minutes past 9.
pub(crate) fn seeded_time(n: u32) -> Timestamp {
    let month = n % 12 + 1;
    let day = n % 28 + 1;
    Timestamp::from(format!("2025-{month:02}-{day:02}T09:{:02}:00.000Z", n % 60))
}

pub(crate) fn seed() -> State {
    let mut state = State::default();
    for (i, (client, provider, alias)) in CONNECTIONS.iter().enumerate() {
        let n = i as u32 + 1;
        let state_value = match n {
            7 | 16 => "MISCONFIGURED",
            10 => "IN_PROGRESS",
            13 => "CONFIGURED_PENDING_CONFIRMATION",
            _ => "ACTIVE",
        };
        let active = state_value == "ACTIVE";
        state.connections.push(CompactConnection {
            id: Id::Int64(i64::from(n)),
            client_type: ClientType::from(*client),
            state: ConnectionState::from(state_value),
            connected: active,
            connected_at: active.then(|| seeded_time(n)),
            failed_at: (state_value == "MISCONFIGURED").then(|| seeded_time(n + 30)),
            client_id: Some(format!("{}.example.com", client.to_ascii_lowercase())),
            client_alias: Some((*alias).to_string()),
            alias_updated_at: Some(seeded_time(n + 1)),
            deleted_at: None,
            code: (state_value == "MISCONFIGURED").then_some(10010),
            provider_types: Some(vec![
                ConnectionProviderType { value: ProviderType::from(*provider), is_enabled: true }.into(),
            ]),
            group_label: (*provider == "IDENTITY").then(|| "Everyone".to_string()),
        });
    }
    for (i, (first, last, role)) in [
        ("Sally", "Smith", "CEO"),
        ("Ada", "Lovelace", "Engineer"),
        ("Alan", "Turing", "Engineer"),
        ("Grace", "Hopper", "Engineering Manager"),
        ("Katherine", "Johnson", "Security Lead"),
    ]
    .iter()
    .enumerate()
    {
        let n = i as u32 + 1;
        state.users.push(User {
            id: Some(Id::Int64(i64::from(n))),
            email: Some(format!("{}@example.com", first.to_ascii_lowercase())),
            first_name: Some((*first).to_string()),
            last_name: Some((*last).to_string()),
            job_title: Some((*role).to_string()),
            roles: Some(vec!["EMPLOYEE".to_string()]),
            created_at: Some(seeded_time(n)),
            updated_at: Some(seeded_time(n + 2)),
            ..User::default()
        });
    }
    // Version-control identities on the GitHub (5) and GitLab (6) connections.
    for n in 1..=6u32 {
        let connection_id = if n <= 4 { 5 } else { 6 };
        let linked_user = (n <= 4).then(|| i64::from(n));
        let connection = state.connection(connection_id).map(full_connection).unwrap_or_default();
        let user = linked_user.and_then(|id| state.user(id).cloned());
        state.identities.push(VersionControlIdentity {
            id: Id::Int64(i64::from(n)),
            identity_id: format!("gh-{:04}", 1000 + n),
            username: format!("dev{n}"),
            email: Some(format!("dev{n}@users.example.com")),
            connected_at: user.as_ref().map(|_| seeded_time(n + 3)),
            disconnected_at: None,
            service_account: (n == 6).then(|| seeded_time(n)),
            service_account_reason: (n == 6).then(|| "This user is used to deploy code".to_string()),
            service_account_designator: (n == 6).then(|| state.user(1).cloned()).flatten(),
            user,
            has_mfa: n % 2 == 1,
            connection,
            last_checked_at: Some(seeded_time(n + 5)),
            created_at: seeded_time(n),
            updated_at: seeded_time(n + 4),
            write_access: (n <= 2).then(|| seeded_time(n + 6)),
            push_production_code_access: (n == 1).then(|| seeded_time(n + 7)),
        });
    }
    state
}
