//! What `apply` and `destroy` did, as one line per destination half (human) or one JSON document.
//! The JSON keeps the fields of the time before outcomes named their half (`name` "X (AWS)",
//! `integration_id`, `steps_done`, `reported_state`, `error`) so scripts reading them still work.

use std::time::Duration;

use gcbridge_core::{AwsOutcome, ChangeKind, DestinationOutcome, Half, Step};
use serde::Serialize;

use crate::escape::{field, outln};
use crate::failure::Failure;
use crate::fleet::{org_error, OrgPlanned, OrgTarget};
use crate::output::print_json;

/// The outcomes of every org, next to its plan result (an org that failed to plan has none).
pub struct Report<'a> {
    pub targets: &'a [OrgTarget],
    pub planned: &'a [Result<OrgPlanned, Failure>],
    pub results: &'a [Vec<DestinationOutcome>],
}

impl Report<'_> {
    /// Failed halves plus orgs that could not be planned.
    pub fn failed(&self) -> usize {
        let halves = self.results.iter().flatten().filter(|o| !o.ok()).count();
        halves + self.planned.iter().filter(|r| r.is_err()).count()
    }

    /// `changed` is what was done, not what was planned: a failed create is no change.
    pub fn print_json(&self) {
        let changed = self.results.iter().flatten().any(|o| o.changed());
        let many = self.targets.len() > 1;
        let orgs: Vec<OrgApplyJson> = self
            .targets
            .iter()
            .zip(self.planned)
            .zip(self.results)
            .map(|((t, r), o)| OrgApplyJson {
                org: &t.spec.name,
                org_id: r.as_ref().ok().map(|p| p.session.org.id.as_str()),
                outcomes: o.iter().map(OutcomeJson::from).collect(),
                error: r.as_ref().err().map(|f| org_error(t, many, f)),
            })
            .collect();
        print_json(
            &serde_json::json!({ "orgs": orgs, "changed": changed, "failed": self.failed() }),
        );
    }

    /// `whole`: the run from reading the orgs to the last write (a confirmation's wait left out);
    /// `changing`: the part spent carrying out changes.
    pub fn print_human(&self, verb: &str, whole: Duration, changing: Duration) {
        for ((t, r), outcomes) in self.targets.iter().zip(self.planned).zip(self.results) {
            let org = field(&t.spec.name);
            if let Err(f) = r {
                outln!("  FAILED  org {org}: {}", f.message);
            }
            for o in outcomes {
                let name = display_name(o);
                let name = field(&name);
                match o.problem() {
                    None => outln!("  ok      org {org} destination {name}{}", detail(o)),
                    Some(e) => outln!("  FAILED  org {org} destination {name}: {e}"),
                }
            }
        }
        let done = self.results.iter().flatten().filter(|o| o.ok()).count();
        outln!(
            "{verb} finished in {:.1}s ({:.1}s of it changing): {done} done, {} failed.",
            whole.as_secs_f64(),
            changing.as_secs_f64(),
            self.failed()
        );
    }
}

/// "prod", or "prod (AWS)" for the AWS half.
fn display_name(o: &DestinationOutcome) -> String {
    match o.half() {
        Half::Genesys => o.destination().to_string(),
        Half::Aws => format!("{} (AWS)", o.destination()),
    }
}

/// ` (integration id), reported STATE` after a successful line.
fn detail(o: &DestinationOutcome) -> String {
    match o {
        DestinationOutcome::Genesys(g) => {
            let id = g.integration_id.as_deref().unwrap_or("-");
            let state = g
                .reported_state
                .as_deref()
                .map(|s| format!(", reported {s}"))
                .unwrap_or_default();
            format!(" ({id}){state}")
        }
        DestinationOutcome::Aws(_) => " (-)".to_string(),
    }
}

#[derive(Serialize)]
struct OrgApplyJson<'a> {
    org: &'a str,
    org_id: Option<&'a str>,
    outcomes: Vec<OutcomeJson<'a>>,
    error: Option<String>,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    half: Half,
    name: String,
    /// The Genesys change; an AWS half has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<ChangeKind>,
    integration_id: Option<&'a str>,
    steps_done: &'a [Step],
    reported_state: Option<&'a str>,
    error: Option<String>,
    /// The AWS half in full: actions done, the raw error, the skip reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    aws: Option<&'a AwsOutcome>,
}

impl<'a> From<&'a DestinationOutcome> for OutcomeJson<'a> {
    fn from(o: &'a DestinationOutcome) -> Self {
        let (kind, integration_id, steps_done, reported_state, aws) = match o {
            DestinationOutcome::Genesys(g) => (
                Some(g.kind),
                g.integration_id.as_deref(),
                g.steps_done.as_slice(),
                g.reported_state.as_deref(),
                None,
            ),
            DestinationOutcome::Aws(a) => (None, None, &[][..], None, Some(a)),
        };
        OutcomeJson {
            half: o.half(),
            name: display_name(o),
            kind,
            integration_id,
            steps_done,
            reported_state,
            error: o.problem(),
            aws,
        }
    }
}
