//! The records the fake server's v2 collections start with: an account a
//! tour can walk (vendors, a risk register and its risks, evidence,
//! personnel, users, a workspace), in the shapes of the v2 schemas, with
//! the people of the v1 seed (`seed::USERS`).
//!
//! A collection without records of its own starts with its listing's
//! example (see `collections`).

use serde_json::{Value, json};

use crate::seed::{USERS, seeded_time};

/// The records the collection at `path` (concrete, from the API root:
/// `/v2/vendors`) starts with, if it has its own.
pub(crate) fn records(path: &str) -> Option<Vec<Value>> {
    Some(match path {
        "/v2/workspaces" => vec![workspace()],
        "/v2/users" => (1..=USERS.len()).map(user).collect(),
        "/v2/personnel" => (1..=USERS.len()).map(person).collect(),
        "/v2/vendors" => VENDORS.iter().enumerate().map(|(i, v)| vendor(i + 1, v)).collect(),
        "/v2/risk-registers" => REGISTERS.iter().enumerate().map(|(i, r)| register(i + 1, r)).collect(),
        "/v2/risk-registers/1/risks" => risks(1),
        "/v2/risk-registers/2/risks" => risks(2),
        "/v2/workspaces/1/evidence-library" => {
            EVIDENCE.iter().enumerate().map(|(i, e)| evidence(i + 1, e)).collect()
        }
        _ => return None,
    })
}

/// Seed timestamp `n`, as the answers write one.
fn at(n: usize) -> String {
    seeded_time(u32::try_from(n).unwrap_or(0)).to_string()
}

/// The workspace every seeded record is in.
const WORKSPACE: &str = "Acme Cloud";

fn workspace() -> Value {
    json!({
        "id": 1,
        "primary": true,
        "name": WORKSPACE,
        "description": "The company's main compliance program",
        "createdAt": at(1),
        "updatedAt": at(2),
        "howItWorks": null,
        "url": null,
        "logo": null,
    })
}

/// Seeded user `n` (from 1) as a v2 `UserCompact`.
fn user_compact(n: usize) -> Value {
    let (first, last, _, _) = USERS[n - 1];
    json!({
        "id": n,
        "email": format!("{}@example.com", first.to_ascii_lowercase()),
        "firstName": first,
        "lastName": last,
        "createdAt": at(n),
        "updatedAt": at(n + 2),
    })
}

/// Seeded user `n` (from 1) as a v2 `User`.
fn user(n: usize) -> Value {
    let (_, _, title, roles) = USERS[n - 1];
    let mut user = user_compact(n);
    user["jobTitle"] = json!(title);
    user["roles"] = json!(roles);
    user["drataTermsAgreedAt"] = json!(at(n + 1));
    user
}

/// The personnel record of seeded user `n`: the auditor is a contractor,
/// the last user has left.
fn person(n: usize) -> Value {
    let (_, _, title, _) = USERS[n - 1];
    let status = match (n, title) {
        (_, "Auditor") => "CURRENT_CONTRACTOR",
        (n, _) if n == USERS.len() => "FORMER_EMPLOYEE",
        _ => "CURRENT_EMPLOYEE",
    };
    json!({
        "id": n,
        "userId": n,
        "user": user_compact(n),
        "employmentStatus": status,
        "notHumanReason": null,
        "startedAt": at(n),
        "separatedAt": (status == "FORMER_EMPLOYEE").then(|| at(n + 40)),
        "statusUpdatedAt": at(n + 3),
        "createdAt": at(n),
        "updatedAt": at(n + 3),
    })
}

/// A seeded vendor: name, category, risk, status, site, what it provides,
/// the data it keeps, whether that holds personal data, its sign-in.
struct VendorSeed {
    name: &'static str,
    category: &'static str,
    risk: &'static str,
    status: &'static str,
    site: &'static str,
    services: &'static str,
    data: &'static str,
    pii: bool,
    sign_in: &'static str,
}

const VENDORS: &[VendorSeed] = &[
    VendorSeed {
        name: "Amazon Web Services",
        category: "ENGINEERING",
        risk: "HIGH",
        status: "ACTIVE",
        site: "aws.amazon.com",
        services: "Cloud hosting of the production environment",
        data: "Customer data, application logs",
        pii: true,
        sign_in: "SSO",
    },
    VendorSeed {
        name: "GitHub",
        category: "ENGINEERING",
        risk: "MODERATE",
        status: "ACTIVE",
        site: "github.com",
        services: "Source code hosting and CI",
        data: "Source code",
        pii: false,
        sign_in: "SSO",
    },
    VendorSeed {
        name: "Slack",
        category: "INFORMATION_TECHNOLOGY",
        risk: "LOW",
        status: "ACTIVE",
        site: "slack.com",
        services: "Team messaging",
        data: "Internal messages",
        pii: false,
        sign_in: "SSO",
    },
    VendorSeed {
        name: "Gusto",
        category: "HR",
        risk: "MODERATE",
        status: "ACTIVE",
        site: "gusto.com",
        services: "Payroll and benefits",
        data: "Employee records, bank details",
        pii: true,
        sign_in: "USERNAME_PASSWORD",
    },
    VendorSeed {
        name: "Zendesk",
        category: "CS",
        risk: "LOW",
        status: "UNDER_REVIEW",
        site: "zendesk.com",
        services: "Customer support tickets",
        data: "Customer names and emails",
        pii: true,
        sign_in: "SSO",
    },
];

fn vendor(n: usize, v: &VendorSeed) -> Value {
    let site = format!("https://{}", v.site);
    let password = v.sign_in == "USERNAME_PASSWORD";
    let mut vendor = json!({
        "id": n,
        "name": v.name,
        "category": v.category,
        "risk": v.risk,
        "type": "VENDOR",
        "critical": v.risk == "HIGH",
        "status": v.status,
        "location": "United States",
        "url": site,
        "privacyUrl": format!("{site}/privacy"),
        "termsUrl": format!("{site}/terms"),
        "trustCenterUrl": null,
        "trustCenterProvider": null,
        "servicesProvided": v.services,
        "dataStored": v.data,
        "hasPii": v.pii,
        "passwordPolicy": v.sign_in,
        "passwordRequiresMinLength": password,
        "passwordMinLength": if password { json!(12) } else { Value::Null },
        "passwordRequiresNumber": password,
        "passwordRequiresSymbol": password,
        "passwordMfaEnabled": true,
    });
    let more = json!({
        "contactAtVendor": format!("Account team at {}", v.name),
        "contactsEmail": format!("security@{}", v.site),
        "notes": null,
        "logoUrl": null,
        "createdAt": at(n),
        "updatedAt": at(n + 5),
        "isSubProcessor": v.pii,
        "isSubProcessorActive": v.pii,
        "archivedAt": null,
        "renewalDate": format!("2026-{:02}-01", n + 2),
        "renewalScheduleType": "ONE_YEAR",
        "renewalDateStatus": null,
        "confirmedAt": (v.status == "ACTIVE").then(|| at(n + 2)),
        "sharedAccountId": null,
        "isDrataUser": false,
        "events": 0,
        "integrations": [],
        "cost": null,
        "operationalImpact": if v.risk == "HIGH" { "CRITICAL" } else { "NORMAL" },
        "environmentAccess": if v.category == "ENGINEERING" { "READ_WRITE" } else { "NO" },
        "impactLevel": if v.risk == "HIGH" { "MAJOR" } else { "MINOR" },
        "dataAccessedOrProcessedList": [],
        "user": user_compact(5),
    });
    if let (Value::Object(fields), Value::Object(more)) = (&mut vendor, more) {
        fields.extend(more);
    }
    vendor
}

/// `(name, description, owner)` of the seeded risk registers.
const REGISTERS: &[(&str, &str, usize)] = &[
    ("Company risk register", "Risks to the company's security and operations", 5),
    ("Vendor risk register", "Risks that come with third parties", 4),
];

fn register(n: usize, (name, description, owner): &(&str, &str, usize)) -> Value {
    json!({
        "id": n,
        "name": name,
        "description": description,
        "owners": [user_compact(*owner)],
        "workspaces": [{"id": 1, "name": WORKSPACE}],
        "createdAt": at(n),
        "updatedAt": at(n + 4),
    })
}

/// A seeded risk: its register, title, description, treatment, impact
/// and likelihood (1 to 5), and the same after treatment.
struct RiskSeed {
    register: usize,
    title: &'static str,
    description: &'static str,
    treatment: &'static str,
    impact: u32,
    likelihood: u32,
    residual_impact: u32,
    residual_likelihood: u32,
}

const RISKS: &[RiskSeed] = &[
    RiskSeed {
        register: 1,
        title: "Unauthorized access to production data",
        description: "An attacker or insider reads customer data in the production database",
        treatment: "MITIGATE",
        impact: 5,
        likelihood: 3,
        residual_impact: 5,
        residual_likelihood: 1,
    },
    RiskSeed {
        register: 1,
        title: "Loss of a cloud region",
        description: "The region hosting production is unavailable for hours",
        treatment: "MITIGATE",
        impact: 4,
        likelihood: 2,
        residual_impact: 2,
        residual_likelihood: 2,
    },
    RiskSeed {
        register: 1,
        title: "Phishing of an employee account",
        description: "A phishing email leads to a stolen password",
        treatment: "MITIGATE",
        impact: 3,
        likelihood: 4,
        residual_impact: 3,
        residual_likelihood: 2,
    },
    RiskSeed {
        register: 1,
        title: "Payroll provider outage",
        description: "Payroll cannot run on time",
        treatment: "ACCEPT",
        impact: 2,
        likelihood: 1,
        residual_impact: 2,
        residual_likelihood: 1,
    },
    RiskSeed {
        register: 2,
        title: "Breach at a vendor holding customer data",
        description: "A vendor that stores customer data is breached",
        treatment: "TRANSFER",
        impact: 4,
        likelihood: 2,
        residual_impact: 4,
        residual_likelihood: 1,
    },
    RiskSeed {
        register: 2,
        title: "Loss of a critical vendor",
        description: "A vendor the product depends on ends its service",
        treatment: "MITIGATE",
        impact: 3,
        likelihood: 2,
        residual_impact: 2,
        residual_likelihood: 2,
    },
];

/// The risks of register `register`, with ids unique across registers.
fn risks(register: usize) -> Vec<Value> {
    RISKS.iter().enumerate().filter(|(_, r)| r.register == register).map(|(i, r)| risk(i + 1, r)).collect()
}

fn risk(n: usize, r: &RiskSeed) -> Value {
    json!({
        "id": n,
        "riskId": format!("R-{n:03}"),
        "title": r.title,
        "description": r.description,
        "treatmentPlan": r.treatment,
        "treatmentDetails": null,
        "anticipatedCompletionDate": null,
        "completionDate": null,
        "identifiedAt": at(n),
        "impact": r.impact,
        "likelihood": r.likelihood,
        "score": r.impact * r.likelihood,
        "residualImpact": r.residual_impact,
        "residualLikelihood": r.residual_likelihood,
        "residualScore": r.residual_impact * r.residual_likelihood,
        "status": "ACTIVE",
        "createdAt": at(n),
        "updatedAt": at(n + 6),
        "owners": [user_compact(REGISTERS[r.register - 1].2)],
        "riskRegister": {
            "id": r.register,
            "name": REGISTERS[r.register - 1].0,
            "description": REGISTERS[r.register - 1].1,
        },
    })
}

/// `(name, description, how it is done)` of the seeded evidence.
const EVIDENCE: &[(&str, &str, &str)] = &[
    (
        "Quarterly access review",
        "Who has access to production, reviewed each quarter",
        "Export the production access list and record each approval",
    ),
    (
        "Penetration test report",
        "The yearly test of the application by an outside firm",
        "Upload the final report and the remediation plan",
    ),
    (
        "Security awareness training",
        "Every employee completed the yearly training",
        "Export the completion report of the training platform",
    ),
    (
        "Backup restore test",
        "A restore of the production database from backup",
        "Record the date, the backup restored and the time it took",
    ),
];

fn evidence(n: usize, (name, description, guidance): &(&str, &str, &str)) -> Value {
    json!({
        "id": n,
        "name": name,
        "description": description,
        "implementationGuidance": guidance,
        "evidenceTemplateCode": null,
        "createdAt": at(n),
        "updatedAt": at(n + 7),
        "user": user_compact(4),
    })
}
