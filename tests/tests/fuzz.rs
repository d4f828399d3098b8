//! Fuzzing on stable, with proptest: arbitrary and mutated bytes and JSON to
//! every response decoder, whole answers to the client, arbitrary CSV to the
//! personnel validator. Never a panic; every rejection a typed error; the
//! validator's report stays bounded.
//!
//! `cargo test` runs 256 cases per property; `cargo xtask fuzz [CASES]` runs
//! more (the `PROPTEST_CASES` variable sets the count).

use std::sync::{Arc, Mutex};

use drata::types::{self, ConnectionsPage, EmptyResponse, ExceptionResponse, Id, VersionControlIdentity};
use drata::{Error, RetryPolicy};
use drata_tests::raw::{Act, RawServer, answer};
use drata_tests::{TEST_KEY, builder_for, fixture};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        // Values the real answers use, so the decoders go deep.
        prop::sample::select(vec![
            "1",
            "ACTIVE",
            "MDM",
            "GOOGLE",
            "2020-07-06 12:00:00.000000",
            "Fri Jan 31 2025"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Field names of the spec's schemas, and some others.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "data",
            "page",
            "limit",
            "total",
            "clientType",
            "state",
            "connected",
            "connectedAt",
            "providerTypes",
            "value",
            "isEnabled",
            "user",
            "connection",
            "identities",
            "email",
            "statusCode",
            "message",
            "code",
            "name",
            "debugInfo",
            "writeAccess",
            "userId",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z]{1,10}",
    ]
}

/// A documented sample with a few bytes changed, removed or added.
fn mutated(sample: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = sample.len().max(1);
    prop::collection::vec((0..len, any::<u8>(), 0..3u8), 1..8).prop_map(move |edits| {
        let mut bytes = sample.clone();
        for (at, byte, kind) in edits {
            let at = at.min(bytes.len());
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, byte),
            }
        }
        bytes
    })
}

fn samples() -> Vec<Vec<u8>> {
    ["ConnectionsPage", "VersionControlIdentityToggled", "VersionControlIdentityConnected", "Empty"]
        .iter()
        .map(|name| fixture(name).into_bytes())
        .collect()
}

/// Every decoder the client runs on an answer's body.
fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<ConnectionsPage>(bytes);
    let _ = serde_json::from_slice::<VersionControlIdentity>(bytes);
    let _ = serde_json::from_slice::<ExceptionResponse>(bytes);
    let _ = serde_json::from_slice::<EmptyResponse>(bytes);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_samples_never_panic_a_decoder(bytes in prop::sample::select(samples()).prop_flat_map(mutated)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_a_schema_type_and_what_it_accepts_is_stable(value in any_json()) {
        for name in types::schemas::NAMES {
            // A rejected value is an error; an accepted one serializes to a
            // value that reads back to itself.
            let result = types::schemas::roundtrip(name, value.clone());
            let Some(result) = result else {
                return Err(TestCaseError::fail(format!("{name} is in NAMES but has no type")));
            };
            if let Ok(back) = result {
                let again = types::schemas::roundtrip(name, back.clone());
                prop_assert_eq!(again.map(|r| r.map_err(|e| e.to_string())), Some(Ok(back)), "{}", name);
            }
        }
    }

    #[test]
    fn ids_and_open_enums_come_back_as_they_came(number in any::<i64>(), text in ".{0,40}") {
        for value in [Value::from(number), Value::from(text.clone())] {
            let id: Id = serde_json::from_value(value.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(serde_json::to_value(&id).ok(), Some(value));
        }
        let state: types::ConnectionState =
            serde_json::from_value(Value::from(text.clone())).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(state.as_str(), text.as_str());
    }

    #[test]
    fn timestamps_keep_any_text_and_read_it_when_they_can(text in prop_oneof![
        ".{0,40}",
        // Drata's three renderings, with any date and time in them.
        (1i32..9999, 1u32..13, 1u32..29, 0u32..24, 0u32..60).prop_map(|(y, mo, d, h, mi)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00.000Z")),
        (1i32..9999, 1u32..13, 1u32..29, 0u32..24).prop_map(|(y, mo, d, h)| format!("{y:04}-{mo:02}-{d:02} {h:02}:00:00.000000")),
        prop::sample::select(vec!["Fri Jan 31 2025", "Thu Feb 13 2025", "Mon Jul 06 2020"]).prop_map(String::from),
    ]) {
        let t = drata::Timestamp::from(text.as_str());
        prop_assert_eq!(t.as_str(), text.as_str());
        prop_assert_eq!(serde_json::to_value(&t).ok(), Some(Value::from(text.clone())));
        // Read when its format is known, and only then.
        prop_assert_eq!(t.to_utc().is_some(), t.format() != drata::TimestampFormat::Unrecognized);
        if let Some(utc) = t.to_utc() {
            // What it reads is the date written in the text.
            let written = utc.format("%Y-%m-%d").to_string();
            let named = utc.format("%a %b %d %Y").to_string();
            prop_assert!(text.starts_with(&written) || text == named, "{} read as {}", text, utc);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_csv_validator(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_report(drata::personnel::validate_csv(bytes.as_slice()));
    }

    #[test]
    fn mutated_csv_never_panics_the_validator(bytes in mutated(valid_csv().into_bytes())) {
        check_report(drata::personnel::validate_csv(bytes.as_slice()));
        let _ = drata::personnel::csv_to_import(bytes.as_slice(), "2024-10-18T01:28:40");
    }

    #[test]
    fn personnel_lists_valid_and_broken_are_judged_consistently(value in personnel_list()) {
        let import: types::PersonnelImport =
            serde_json::from_value(value).map_err(|e| TestCaseError::fail(format!("not a list: {e}")))?;
        check_personnel(&import)?;
    }
}

/// One personnel record, each field valid nine times in ten, else one of
/// the ways real files break it. `UNIQUE` and `REPEAT` are placeholders
/// [`personnel_list`] fills with a unique or an earlier record's value.
fn personnel_record() -> impl Strategy<Value = Value> {
    fn field(
        valid: &[&'static str],
        broken: &[&'static str],
    ) -> impl Strategy<Value = Value> + Clone + use<> {
        prop_oneof![
            9 => prop::sample::select(valid.to_vec()).prop_map(Value::from),
            1 => prop::sample::select(broken.to_vec()).prop_map(Value::from),
        ]
    }
    let long: &'static str = "x".repeat(192).leak();
    let id = field(&["UNIQUE"], &["", " 7", long, "REPEAT"]);
    let name = field(&["Ada", "O'Brien-Smith (Jr.)", "Zoë"], &["", "Al@n", "Tab\tbed", " Ada", long]);
    let email = field(&["UNIQUE"], &["", "nope", "a@b", "two@@example.com", "REPEAT"]);
    let date = field(
        &["2024-10-18T01:28:40", "10/18/2024", "2024-10-18T01:28:40Z"],
        &["31/12/2024", "", "2024-02-30T00:00:00"],
    );
    let url = prop::option::of(field(&["https://example.com/a.png"], &["ftp://x", "http://", long]));
    let title = prop::option::of(field(&["Engineer", ""], &[long]));
    (id, name.clone(), name, email, any::<bool>(), any::<bool>(), date, url, title).prop_map(
        |(id, first, last, email, contractor, mfa, date, url, title)| {
            let mut record = serde_json::json!({
                "id": id, "firstName": first, "lastName": last, "email": email,
                "contractor": contractor, "isMfaEnabled": mfa, "date": date,
            });
            if let Some(url) = url {
                record["avatarUrl"] = url;
            }
            if let Some(title) = title {
                record["jobTitle"] = title;
            }
            record
        },
    )
}

/// A personnel list `{"personnelData": [...]}` of 0 to 8 records, with
/// unique ids and emails but where a record repeats an earlier one's.
fn personnel_list() -> impl Strategy<Value = Value> {
    prop::collection::vec(personnel_record(), 0..8).prop_map(|mut records| {
        for i in 0..records.len() {
            for (key, unique) in [("id", format!("{}", i + 1)), ("email", format!("p{}@example.com", i + 1))]
            {
                let earlier = if i == 0 {
                    unique.clone()
                } else {
                    records[i - 1][key].as_str().unwrap_or("").to_string()
                };
                match records[i][key].as_str() {
                    Some("UNIQUE") => records[i][key] = Value::from(unique),
                    Some("REPEAT") => records[i][key] = Value::from(earlier),
                    _ => {}
                }
            }
        }
        serde_json::json!({"personnelData": records})
    })
}

/// What any verdict of the validator must satisfy: a rejection names rows
/// and fields that exist; an acceptance means no empty required field, no
/// repeated id or email.
fn check_personnel(import: &types::PersonnelImport) -> Result<(), TestCaseError> {
    let people = &import.personnel_data;
    match drata::personnel::validate_import(import) {
        Ok(()) => {
            prop_assert!(!people.is_empty());
            let mut ids = std::collections::HashSet::new();
            let mut emails = std::collections::HashSet::new();
            for p in people {
                prop_assert!(!p.id.is_empty() && !p.first_name.is_empty() && p.email.contains('@'));
                prop_assert!(ids.insert(p.id.clone()), "a repeated id was accepted");
                prop_assert!(emails.insert(p.email.to_lowercase()), "a repeated email was accepted");
            }
        }
        Err(report) => {
            prop_assert!(!report.problems.is_empty());
            let fields = [
                "personnelData",
                "id",
                "firstName",
                "lastName",
                "email",
                "date",
                "avatarUrl",
                "jobTitle",
                "customerId",
            ];
            for problem in &report.problems {
                prop_assert!(problem.row >= 1 && problem.row <= people.len().max(1) as u64, "{}", problem);
                prop_assert!(problem.column.as_deref().is_some_and(|c| fields.contains(&c)), "{}", problem);
            }
        }
    }
    Ok(())
}

/// The personnel property reaches the validator, and with both verdicts:
/// its lists are real lists, valid ones and broken ones.
#[test]
fn the_personnel_property_reaches_the_validator_with_both_verdicts() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..400 {
        let value = personnel_list().new_tree(&mut runner).expect("a case").current();
        let import: types::PersonnelImport =
            serde_json::from_value(value).expect("every case is a personnel list");
        match drata::personnel::validate_import(&import) {
            Ok(()) => accepted += 1,
            Err(_) => rejected += 1,
        }
    }
    assert!(accepted >= 10 && rejected >= 10, "{accepted} accepted, {rejected} rejected");
}

fn valid_csv() -> String {
    drata_tests::csv_text(
        "1,Ada,Lovelace,ada@example.com,https://example.com/a.png,no,yes,Engineer\n\
    2,Alan,Turing,alan@example.com,,TRUE,0,\n\
    3,Grace,Hopper,grace@example.com,,1,No,Admiral\n",
    )
}

fn check_report(result: Result<drata::personnel::CsvSummary, drata::personnel::ValidationReport>) {
    if let Err(report) = result {
        assert!(!report.problems.is_empty() || report.omitted > 0, "an empty report is not a rejection");
        assert!(report.problems.len() <= drata::personnel::MAX_REPORTED_PROBLEMS);
    }
}

/// Whole answers (any status, any body) through the client: an answer or a
/// typed error, never a panic.
#[test]
fn arbitrary_answers_never_panic_the_client() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build();
    let Ok(runtime) = runtime else { panic!("no runtime") };
    let next: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let server = {
        let next = next.clone();
        runtime.block_on(RawServer::start(move |_| {
            Act::Answer(next.lock().map(|bytes| bytes.clone()).unwrap_or_default())
        }))
    };
    let client =
        builder_for(&server.uri).retry(RetryPolicy::none()).rate_limit(None).build().expect("client");
    let statuses = prop::sample::select(vec![
        200u16, 201, 204, 301, 400, 401, 402, 403, 404, 412, 429, 500, 502, 503, 418,
    ]);
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        prop::sample::select(samples()).prop_flat_map(mutated),
        any_json().prop_map(|v| v.to_string().into_bytes()),
    ];
    let mut runner = proptest::test_runner::TestRunner::default();
    let outcome = runner.run(&(statuses, bodies), |(status, body)| {
        if let Ok(mut next) = next.lock() {
            *next = answer(status, "application/json", "", &body);
        }
        let result = runtime.block_on(async {
            let listing = client.list_connections().send().await.map(|_| ());
            let toggle = client
                .toggle_version_control_identity()
                .id(1)
                .body(types::ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None })
                .send()
                .await
                .map(|_| ());
            (listing, toggle)
        });
        for outcome in [result.0, result.1] {
            if let Err(error) = outcome {
                // A typed error whose text never carries the key.
                prop_assert!(!error.to_string().contains(TEST_KEY));
                prop_assert!(!matches!(error, Error::Config { .. } | Error::Rejected { .. }), "{error}");
            }
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// A documented compact connection, as a JSON object.
fn compact_connection(id: i64) -> Value {
    serde_json::json!({
        "id": id, "clientType": "GOOGLE", "state": "ACTIVE", "connected": true,
        "connectedAt": "2025-07-01T16:45:55.246Z", "failedAt": null, "clientId": "abc123",
        "clientAlias": format!("alias {id}"), "aliasUpdatedAt": null, "deletedAt": null,
        "providerTypes": [{"value": "MDM", "isEnabled": true}], "code": 10010, "groupLabel": "Everyone"
    })
}

/// A page of `n` documented connections.
fn page_of(n: usize) -> Value {
    let data: Vec<Value> = (1..=n as i64).map(compact_connection).collect();
    serde_json::json!({"data": data, "page": 1, "limit": 50, "total": n})
}

/// How one field of an item is corrupted.
#[derive(Debug, Clone)]
enum Corruption {
    /// The field gets a value of another shape.
    Replace(Value),
    /// The field is removed.
    Remove,
}

proptest! {
    /// One odd value never costs the page: every other item reads exactly
    /// as before, and the corrupted one is kept, typed with its odd part set
    /// aside or raw, its JSON reachable and written back as sent.
    #[test]
    fn corrupting_one_field_of_one_item_keeps_the_page_and_every_item(
        size in 1usize..8,
        which in any::<prop::sample::Index>(),
        field in prop::sample::select(vec![
            "id", "clientType", "state", "connected", "connectedAt", "failedAt", "clientId", "clientAlias",
            "aliasUpdatedAt", "deletedAt", "providerTypes", "code", "groupLabel",
        ]),
        corruption in prop_oneof![
            Just(Corruption::Remove),
            any_json().prop_map(Corruption::Replace),
            Just(Corruption::Replace(serde_json::json!([5, {"value": 7}]))),
        ],
    ) {
        let clean = page_of(size);
        let mut page = clean.clone();
        let victim = which.index(size);
        let item = &mut page["data"][victim];
        let original = item[field].clone();
        match &corruption {
            Corruption::Remove => { item.as_object_mut().expect("object").shift_remove(field); }
            Corruption::Replace(value) => item[field] = value.clone(),
        }
        let text = page.to_string();

        let typed: ConnectionsPage = serde_json::from_str(&text).expect("the page is read whatever one item holds");
        let expected: ConnectionsPage = serde_json::from_value(clean).expect("the clean page reads");
        prop_assert_eq!(typed.data.len(), size);
        for (i, (got, want)) in typed.data.iter().zip(&expected.data).enumerate() {
            if i != victim {
                prop_assert!(got.is_exact(), "item {} lost its shape: {:?}", i, got);
                prop_assert_eq!(got, want);
            }
        }
        let kept = &typed.data[victim];
        let unchanged = matches!(&corruption, Corruption::Replace(v) if *v == original);
        if !kept.is_exact() {
            // The odd part is named, and the item as sent is reachable.
            prop_assert!(!kept.unreadable().is_empty());
            prop_assert!(kept.unreadable().iter().any(|u| u.path.is_empty() || u.path.starts_with(field)),
                "{:?} does not point at `{}`", kept.unreadable(), field);
            // Compared as text: the raw JSON is kept byte for byte.
            prop_assert_eq!(kept.raw().expect("raw kept").get(), page["data"][victim].to_string());
        } else if !unchanged {
            // Read exactly: the corruption was a value the type accepts (an
            // id as a string, an open enum's new value, a null where null
            // is allowed, an optional field removed).
            prop_assert!(kept.value().is_some());
        }
        // Written back, an odd item is what Drata sent, byte for byte.
        if !kept.is_exact() {
            prop_assert_eq!(serde_json::to_string(kept).expect("serializes"), page["data"][victim].to_string());
        }
    }
}

#[test]
fn an_odd_part_is_set_aside_where_the_type_allows_it_and_the_item_kept_raw_where_not() {
    let mut page = page_of(3);
    page["data"][0]["providerTypes"] =
        serde_json::json!([5, {"value": 7}, {"value": "MDM", "isEnabled": false}]);
    page["data"][1]["code"] = serde_json::json!("E42");
    let typed: ConnectionsPage = serde_json::from_value(page).expect("the page reads");

    let first = &typed.data[0];
    let listed: Vec<String> =
        first.value().expect("typed").provider_types.iter().flatten().map(ToString::to_string).collect();
    assert_eq!(listed, ["5", "MDM (off)"]);
    assert_eq!(first.unreadable().len(), 1, "{:?}", first.unreadable());
    assert_eq!(
        (first.unreadable()[0].path.as_str(), &first.unreadable()[0].value),
        ("providerTypes[1]", &serde_json::json!({"value": 7}))
    );

    let second = &typed.data[1];
    assert!(second.value().is_none(), "`code` is required: the item cannot be typed");
    assert_eq!(second.raw_field("code"), Some(serde_json::json!("E42")));
    assert_eq!(second.id_text(), "2");
    assert!(typed.data[2].is_exact());
}
