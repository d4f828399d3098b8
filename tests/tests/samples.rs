//! Every response sample of Drata's documentation deserializes through the
//! generated types, as printed, and serializes back without losing anything.
//!
//! The samples are the spec's examples, extracted to `tests/fixtures/` by
//! `cargo xtask generate`.

use drata::types::{ConnectionsPage, EmptyResponse, PersonnelImport, VersionControlIdentity};
use drata_tests::fixture_json;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses the sample into `T`, checks it serializes back to the same JSON,
/// and returns the typed value.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let sample = fixture_json(name);
    let typed: T = serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let back = serde_json::to_value(&typed).expect("serializes");
    assert_eq!(back, sample, "{name} changed on its way through the types");
    typed
}

#[test]
fn the_connections_listing_sample() {
    let page: ConnectionsPage = round_trip("ConnectionsPage");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.total, 100);
}

#[test]
fn the_toggle_sample_with_sql_timestamps_string_ids_and_placeholders() {
    let identity: VersionControlIdentity = round_trip("VersionControlIdentityToggled");
    assert_eq!(identity.identity_id, "1a2b3c");
    assert_eq!(identity.connection.company_id, Some(drata::types::Id::String("12341234".into())));
    assert_eq!(
        identity.connection.requestor_id,
        Some(drata::types::Id::String("328d3016-71f3-4485-af20-06ce8044da18".into()))
    );
    let checks = identity.service_account_designator.and_then(|u| u.background_checks).expect("checks");
    assert_eq!(checks[0].manual_check_date.as_deref(), Some("2020-07-06"));
}

#[test]
fn the_connect_sample_with_missing_required_fields() {
    let identity: VersionControlIdentity = round_trip("VersionControlIdentityConnected");
    assert_eq!(identity.email, None);
    let user = identity.user.expect("linked");
    let check = &user.background_checks.expect("checks")[0];
    assert_eq!(check.invitation_email, None);
    let nested = &user.identities.expect("identities")[0];
    assert_eq!(nested.secondary_email, None);
    assert!(nested.has_idp);
}

#[test]
fn the_personnel_list_sample() {
    let import: PersonnelImport = round_trip("PersonnelImport");
    let person = &import.personnel_data[0];
    assert_eq!((person.id.as_str(), person.date.as_str()), ("233", "2024-10-18T01:28:40"));
    assert!(!person.contractor && person.is_mfa_enabled);
}

#[test]
fn the_empty_import_answer() {
    let empty: EmptyResponse = round_trip("Empty");
    assert!(empty.is_empty());
}

/// A documented sample of `openapi/samples/`.
fn documented(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/samples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn both_renderings_of_the_listing_read_every_item_exactly() {
    for (name, client_type, providers) in [
        ("listConnections.200.compact.json", "GOOGLE", "MDM"),
        // The older pages print full connections, with a bare `5` for a provider type.
        ("listConnections.200.full-assembled.json", "GOOGLE", "5"),
    ] {
        let page: ConnectionsPage =
            serde_json::from_str(&documented(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((page.page, page.limit, page.total), (1, 10, 100), "{name}");
        let item = &page.data[0];
        assert!(item.is_exact(), "{name}: {item:?}");
        let connection = item.value().expect("typed");
        assert_eq!(
            (connection.id.to_string(), connection.client_type.to_string()),
            ("1".to_string(), client_type.to_string())
        );
        let listed: Vec<String> =
            connection.provider_types.iter().flatten().map(ToString::to_string).collect();
        assert_eq!(listed, [providers], "{name}");
    }
}

#[test]
fn every_documented_answer_and_request_reads() {
    let identity: VersionControlIdentity =
        serde_json::from_str(&documented("connectVersionControlIdentity.200.oldest.json")).expect("connect");
    let workspace = &identity.connection.workspaces.as_ref().expect("workspaces")[0];
    assert_eq!((workspace.name.as_str(), workspace.how_it_works.as_deref()), ("Drata", None));
    let identity: VersionControlIdentity =
        serde_json::from_str(&documented("toggleVersionControlIdentity.200.older.json")).expect("toggle");
    assert_eq!(identity.write_access.map(|t| t.format()), Some(drata::TimestampFormat::SqlUtc));
    let import: PersonnelImport =
        serde_json::from_str(&documented("createIdpConnectionFromJson.request.newer-email-restored.json"))
            .expect("list");
    assert!(drata::personnel::validate_import(&import).is_ok());
    let _: EmptyResponse =
        serde_json::from_str(&documented("createIdpConnectionFromCsv.201.json")).expect("{}");
    let error: drata::types::ExceptionResponse =
        serde_json::from_str(&documented("error.any.custom-connections-page.json")).expect("error");
    assert_eq!((error.name, error.debug_info.map(|d| d.name)), (None, Some("string".to_string())));
}

#[test]
fn the_identities_and_users_samples_read() {
    // The older listing prints its one user collapsed, `{ }`: still a user.
    let users: drata::types::UsersPage =
        serde_json::from_str(&documented("listUsers.200.older.json")).expect("users");
    assert_eq!((users.data.len(), users.total, users.limit), (1, 100, 10));
    assert!(users.data[0].is_exact(), "an empty user is a user: every field is optional");
    assert_eq!(users.data[0].value().map(|u| u.id.is_none()), Some(true));
    for name in [
        "setVersionControlIdentityServiceAccount.request.json",
        "setInfrastructureIdentityServiceAccount.request.json",
    ] {
        let request: drata::types::ServiceAccountRequest =
            serde_json::from_str(&documented(name)).expect(name);
        assert_eq!(
            (request.service_account, request.service_account_reason.as_str()),
            (true, "This account is used to deploy")
        );
    }
    let connect: drata::types::ConnectInfrastructureIdentityRequest =
        serde_json::from_str(&documented("connectInfrastructureIdentity.request.json")).expect("connect");
    assert_eq!(connect.user_id, Some(1));
}

#[test]
fn timestamps_of_events_that_have_not_happened_may_be_null() {
    // A connection never updated by hand, never renamed, not deleted; an
    // identity with no start or separation date.
    let connection =
        serde_json::json!({"id": 1, "manuallyUpdatedAt": null, "aliasUpdatedAt": null, "deletedAt": null});
    let identity = serde_json::json!({"id": 1, "identityId": "x1", "username": "ada", "connectedAt": null,
        "disconnectedAt": null, "hasMfa": true, "hasIdp": false, "user": {}, "connection": {},
        "startedAt": null, "separatedAt": null});
    for (schema, value) in [("Connection", connection), ("UserIdentity", identity)] {
        let reference = serde_json::json!({"$ref": format!("#/components/schemas/{schema}")});
        assert_eq!(
            drata_openapi::validate(drata_openapi::document(), &reference, &value),
            Vec::<String>::new(),
            "{schema}: a strict reading of the spec"
        );
        let typed = drata::types::schemas::roundtrip(schema, value.clone()).expect("a schema");
        assert!(typed.is_ok(), "{schema}: {typed:?}");
    }
}
