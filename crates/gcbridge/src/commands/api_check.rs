//! `gcbridge api-check`: a read-only report on how this org's API answers the read calls gcbridge
//! makes, for the first run against a real org and for bug reports. Per endpoint: fields gcbridge
//! needs that are missing, fields and enum values it does not know, the rate budget the response
//! reported, the empty-notes sentinel; and whether `expand=config.current` and the
//! `integrationType` filter were honoured. Only field names, enum values, statuses and context ids
//! are reported: no token, secret, client id, org id or configuration value.

use gcbridge_core::api_shape::{
    check_shape, expand_honoured, first_integration_id, type_filter_honoured, ApiObject,
    ShapeFindings,
};
use genesys_client::{Error as ClientError, GenesysClient, EVENTBRIDGE_TYPE_ID};
use serde::Serialize;
use serde_json::Value;

use crate::cli::{ApiCheckArgs, GlobalArgs, OutputFormat};
use crate::connect::{self, Environment};
use crate::escape::outln;
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;
use crate::session::selected_connection;

#[derive(Serialize)]
struct Report {
    gcbridge_version: &'static str,
    api_host: String,
    endpoints: Vec<EndpointReport>,
    /// Whether the list carried every EventBridge integration's config when asked to expand it;
    /// null when the org has none (then it cannot be told).
    expand_config_current_honoured: Option<bool>,
    /// Whether the list asked with `integrationType` held only that type.
    integration_type_filter_honoured: Option<bool>,
    notes_sentinel_seen: bool,
}

#[derive(Serialize)]
struct EndpointReport {
    endpoint: String,
    /// "ok", "skipped" or "failed".
    outcome: &'static str,
    /// For a failure: status, Genesys code and contextId; for a skip: why.
    detail: Option<String>,
    rate_limit_allowed: Option<u32>,
    #[serde(flatten)]
    findings: ShapeFindings,
}

/// One read: its label, path and query.
struct Read<'a> {
    label: String,
    segments: Vec<&'a str>,
    query: Vec<(&'static str, String)>,
    kind: ApiObject,
}

fn list_query(expand: bool) -> Vec<(&'static str, String)> {
    let mut q = vec![
        ("pageSize", "100".to_string()),
        ("pageNumber", "1".to_string()),
        ("integrationType", EVENTBRIDGE_TYPE_ID.to_string()),
    ];
    if expand {
        q.push(("expand", "config.current".to_string()));
    }
    q
}

fn label(segments: &[&str], query: &[(&str, String)]) -> String {
    let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let path = format!("GET /{}", segments.join("/"));
    if q.is_empty() {
        path
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

fn read<'a>(
    segments: Vec<&'a str>,
    query: Vec<(&'static str, String)>,
    kind: ApiObject,
) -> Read<'a> {
    Read {
        label: label(&segments, &query),
        segments,
        query,
        kind,
    }
}

/// Status, code and contextId of a failure; never the client id the message may name.
fn failure_detail(e: &ClientError) -> String {
    let mut parts = vec![match e.status() {
        Some(s) => format!("HTTP {s}"),
        None => "no HTTP response (network, DNS, TLS or timeout)".to_string(),
    }];
    if let Some(code) = e
        .api_error()
        .map(|a| a.code.as_str())
        .filter(|c| !c.is_empty())
    {
        parts.push(format!("code {code}"));
    }
    if let Some(id) = e.context_id() {
        parts.push(format!("contextId {id}"));
    }
    parts.join(", ")
}

async fn run_read(client: &GenesysClient, r: &Read<'_>) -> (EndpointReport, Option<Value>) {
    match client.get_raw(&r.segments, &r.query).await {
        Ok(raw) => (
            EndpointReport {
                endpoint: r.label.clone(),
                outcome: "ok",
                detail: None,
                rate_limit_allowed: raw.rate_limit_allowed,
                findings: check_shape(r.kind, &raw.body),
            },
            Some(raw.body),
        ),
        Err(e) => (
            EndpointReport {
                endpoint: r.label.clone(),
                outcome: "failed",
                detail: Some(failure_detail(&e)),
                rate_limit_allowed: None,
                findings: ShapeFindings::default(),
            },
            None,
        ),
    }
}

/// The reads that need no id, in order; the two listings are at [`EXPANDED`] and [`PLAIN`].
fn fixed_reads() -> [Read<'static>; 5] {
    let topics_expand = "description,requiresPermissions,schema,transports".to_string();
    [
        read(
            vec!["api", "v2", "organizations", "me"],
            vec![],
            ApiObject::Organization,
        ),
        read(
            vec!["api", "v2", "notifications", "availabletopics"],
            vec![("expand", topics_expand)],
            ApiObject::TopicListing,
        ),
        read(
            vec!["api", "v2", "integrations"],
            list_query(true),
            ApiObject::IntegrationListing,
        ),
        read(
            vec!["api", "v2", "integrations"],
            list_query(false),
            ApiObject::IntegrationListing,
        ),
        read(
            vec!["api", "v2", "integrations", "types", EVENTBRIDGE_TYPE_ID],
            vec![],
            ApiObject::IntegrationType,
        ),
    ]
}

const EXPANDED: usize = 2;
const PLAIN: usize = 3;
const CONFIG_ENDPOINT: &str = "GET /api/v2/integrations/{id}/config/current";

/// `GET .../config/current` of one listed EventBridge integration, or why it was skipped.
async fn config_read(client: &GenesysClient, id: Option<&str>) -> EndpointReport {
    let Some(id) = id else {
        return EndpointReport {
            endpoint: CONFIG_ENDPOINT.into(),
            outcome: "skipped",
            detail: Some("the org has no EventBridge integration to read".into()),
            rate_limit_allowed: None,
            findings: ShapeFindings::default(),
        };
    };
    let segments = vec!["api", "v2", "integrations", id, "config", "current"];
    let (mut report, _) = run_read(
        client,
        &read(segments, vec![], ApiObject::IntegrationConfig),
    )
    .await;
    // The id stays out of the report.
    report.endpoint = CONFIG_ENDPOINT.into();
    report
}

async fn check(client: &GenesysClient) -> Report {
    let mut endpoints = Vec::new();
    let mut bodies = Vec::new();
    for r in &fixed_reads() {
        let (report, body) = run_read(client, r).await;
        endpoints.push(report);
        bodies.push(body);
    }
    let expanded = bodies[EXPANDED].as_ref();
    let listing = bodies[PLAIN].as_ref().or(expanded);
    let id = listing.and_then(|l| first_integration_id(l, EVENTBRIDGE_TYPE_ID));
    endpoints.push(config_read(client, id).await);
    Report {
        gcbridge_version: env!("CARGO_PKG_VERSION"),
        api_host: client
            .endpoint()
            .api_base
            .host_str()
            .unwrap_or_default()
            .to_string(),
        expand_config_current_honoured: expanded
            .and_then(|l| expand_honoured(l, EVENTBRIDGE_TYPE_ID)),
        integration_type_filter_honoured: listing
            .map(|l| type_filter_honoured(l, EVENTBRIDGE_TYPE_ID)),
        notes_sentinel_seen: endpoints
            .iter()
            .any(|e| !e.findings.notes_sentinel_at.is_empty()),
        endpoints,
    }
}

pub async fn run(global: &GlobalArgs, args: &ApiCheckArgs) -> CmdResult {
    let spec = selected_connection(&args.select)?;
    let conn = connect::resolve(&global.conn.flags(), spec.as_ref(), &Environment::load())?;
    let client = connect::client(&conn, global.aws_endpoint.as_deref()).await?;
    let report = check(&client).await;
    match global.output {
        OutputFormat::Json => print_json(&report),
        OutputFormat::Human => print_human(&report),
    }
    if report.endpoints.iter().any(|e| e.outcome == "failed") {
        return Err(Failure::exit(crate::failure::EXIT_FAILURE));
    }
    Ok(())
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "cannot tell (no EventBridge integration listed)",
    }
}

fn print_human(r: &Report) {
    outln!(
        "gcbridge {} api-check against {}",
        r.gcbridge_version,
        r.api_host
    );
    outln!();
    outln!("{:<8} {:>6}  ENDPOINT", "OUTCOME", "BUDGET");
    for e in &r.endpoints {
        let budget = e
            .rate_limit_allowed
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into());
        outln!("{:<8} {:>6}  {}", e.outcome, budget, e.endpoint);
        if let Some(d) = &e.detail {
            outln!("{:17}{d}", "");
        }
        let f = &e.findings;
        for (what, items) in [
            ("missing field", &f.missing_fields),
            ("unknown field", &f.unknown_fields),
            ("unknown enum value", &f.unknown_enum_values),
            ("notes sentinel at", &f.notes_sentinel_at),
        ] {
            for i in items {
                outln!("{:17}{what}: {i}", "");
            }
        }
    }
    outln!();
    outln!(
        "expand=config.current honoured: {}",
        yes_no(r.expand_config_current_honoured)
    );
    let filter = r
        .integration_type_filter_honoured
        .map(|b| if b { "yes" } else { "NO" });
    outln!(
        "integrationType filter honoured: {}",
        filter.unwrap_or("cannot tell")
    );
    outln!(
        "empty-notes sentinel (node_dynamodb_empty_string) seen: {}",
        if r.notes_sentinel_seen { "yes" } else { "no" }
    );
    outln!();
    outln!(
        "BUDGET is the inin-ratelimit-allowed each response reported. Nothing secret is in this"
    );
    outln!(
        "report (no token, secret, client id, org id or config value): paste it into a bug report."
    );
}
