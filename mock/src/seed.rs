//! The deterministic data a fake server starts with.

use drata::Timestamp;
use drata::types::{
    ClientType, CompactConnection, ConnectionProviderType, ConnectionState, Id, InfrastructureIdentity,
    ProviderType, User, VersionControlIdentity,
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
    for (i, (first, last, title, roles)) in USERS.iter().enumerate() {
        let n = i as u32 + 1;
        state.users.push(User {
            id: Some(Id::Int64(i64::from(n))),
            email: Some(format!("{}@example.com", first.to_ascii_lowercase())),
            first_name: Some((*first).to_string()),
            last_name: Some((*last).to_string()),
            job_title: Some((*title).to_string()),
            roles: Some(roles.iter().map(ToString::to_string).collect()),
            created_at: Some(seeded_time(n)),
            updated_at: Some(seeded_time(n + 2)),
            ..User::default()
        });
    }
    // Version-control identities on the GitHub (5) and GitLab (6) connections.
    for (i, username) in VERSION_CONTROL_USERNAMES.iter().enumerate() {
        let n = i as u32 + 1;
        let connection_id = if n <= 4 { 5 } else { 6 };
        let linked_user = (n <= 4).then(|| i64::from(n));
        let connection = state.connection(connection_id).map(full_connection).unwrap_or_default();
        let user = linked_user.and_then(|id| state.user(id).cloned());
        state.identities.push(VersionControlIdentity {
            id: Id::Int64(i64::from(n)),
            identity_id: format!("gh-{:04}", 1000 + n),
            username: (*username).to_string(),
            email: Some(format!("{username}@users.example.com")),
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
    // Infrastructure identities on the AWS (7), GCP (8) and Azure (21) connections.
    for (i, (username, connection_id, user_id)) in INFRASTRUCTURE.iter().enumerate() {
        let n = i as u32 + 1;
        let connection = state.connection(*connection_id).map(full_connection).unwrap_or_default();
        let user = user_id.and_then(|id| state.user(id).cloned());
        let bot = username.contains("bot");
        state.infrastructure.push(InfrastructureIdentity {
            id: Id::Int64(i64::from(n)),
            identity_id: format!("arn:aws:iam::123456789012:user/{username}"),
            username: (*username).to_string(),
            email: (!bot).then(|| format!("{username}@example.com")),
            connected_at: user.as_ref().map(|_| seeded_time(n + 2)),
            disconnected_at: None,
            service_account: None,
            service_account_reason: None,
            service_account_designator: None,
            user,
            has_mfa: !bot,
            connection,
            last_checked_at: Some(seeded_time(n + 4)),
            created_at: seeded_time(n),
            updated_at: seeded_time(n + 3),
            admin_access: (n <= 2).then(|| seeded_time(n + 5)),
            db_access: (n == 1 || bot).then(|| seeded_time(n + 6)),
        });
    }
    state
}

/// `(first name, last name, job title, roles)` of the seeded users, in id order.
pub(crate) const USERS: &[(&str, &str, &str, &[&str])] = &[
    ("Sally", "Smith", "CEO", &["ADMIN", "EMPLOYEE"]),
    ("Ada", "Lovelace", "Engineer", &["EMPLOYEE", "DEVOPS_ENGINEER"]),
    ("Alan", "Turing", "Engineer", &["EMPLOYEE"]),
    ("Grace", "Hopper", "Engineering Manager", &["EMPLOYEE", "TECHGOV"]),
    ("Katherine", "Johnson", "Security Lead", &["EMPLOYEE", "TECHGOV", "RISK_MANAGER"]),
    ("Margaret", "Hamilton", "Auditor", &["AUDITOR"]),
    ("Linus", "Torvalds", "Engineer", &["EMPLOYEE"]),
];

/// Usernames of the seeded version-control identities, in id order (the
/// first four linked to users 1 to 4, the last a bot).
const VERSION_CONTROL_USERNAMES: &[&str] =
    &["sally-s", "ada-lovelace", "aturing", "ghopper", "unlinked-dev", "release-bot"];

/// `(username, connection id, linked user)` of the seeded infrastructure identities.
const INFRASTRUCTURE: &[(&str, i64, Option<i64>)] = &[
    ("ada.lovelace", 7, Some(2)),
    ("grace.hopper", 7, Some(4)),
    ("ci-deploy-bot", 7, None),
    ("alan.turing", 8, Some(3)),
    ("data-pipeline-bot", 8, None),
    ("kjohnson", 21, Some(5)),
];
