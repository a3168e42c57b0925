//! Work over every org of a config file: connections resolved up front (bad input stops everything
//! before a request), then one task per org, several orgs at a time. Each org has its own OAuth
//! client and rate limit, so orgs run concurrently while requests inside one org are paced by its client.

use std::future::Future;
use std::time::SystemTime;

use futures_util::stream::{self, StreamExt};
use gcbridge_core::{read_live, resolve_destinations, EarlyLive, LockEvent, LockRequest};
use gcbridge_core::{ConvergeError, ConvergeOptions, Desired, Mode, OrgPlan};
use gcbridge_core::{DesiredState, OrgSpec};

use crate::cli::ConnectionArgs;
use crate::connect::{self, Connection, Environment};
use crate::escape::field;
use crate::failure::{Failure, EXIT_USAGE};
use crate::output::note;
use crate::session::{catalogue_of, Session};

/// One org with its resolved connection.
pub struct OrgTarget {
    pub spec: OrgSpec,
    pub conn: Connection,
}

/// Resolves every org's connection; all problems at once, each naming its org.
pub fn targets(args: &ConnectionArgs, desired: DesiredState) -> Result<Vec<OrgTarget>, Failure> {
    let env = Environment::load();
    let single = desired.orgs.len() == 1;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for spec in desired.orgs {
        match connect::resolve(&args.flags(), Some(&spec.connection), &env) {
            Ok(conn) => out.push(OrgTarget { spec, conn }),
            Err(e) if single => return Err(e),
            Err(e) => errors.push(format!(
                "org \"{}\" ({}): {}",
                spec.name, spec.origin, e.message
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::usage(errors.join("\n")))
    }
}

/// Runs `work` for every target, at most `parallel` at a time; results in the targets' order.
pub async fn for_each<'a, T, F, Fut>(targets: &'a [OrgTarget], parallel: usize, work: F) -> Vec<T>
where
    F: Fn(&'a OrgTarget) -> Fut,
    Fut: Future<Output = T> + 'a,
{
    stream::iter(targets.iter().map(work))
        .buffered(parallel.max(1))
        .collect()
        .await
}

/// An org connected and its plan (both halves) computed by core.
pub struct OrgPlanned {
    pub session: Session,
    pub plan: OrgPlan,
}

/// Connects, and plans one org: for a converge, its destinations expanded against the org's
/// catalogue first (bad selectors are bad input, exit 2). With `lock`, under the org's lock on
/// this machine, held by the plan until it is dropped (after the carry-out).
///
/// The three reads a plan needs (who we are, the catalogue, the integrations) depend only on the
/// token, so they go out together: one round trip after the token instead of three.
pub async fn plan_org(
    target: &OrgTarget,
    mode: Mode,
    options: &ConvergeOptions,
    lock: bool,
) -> Result<OrgPlanned, Failure> {
    let client = connect::client(&target.conn, options.aws_endpoint.as_deref()).await?;
    let started = SystemTime::now();
    let converge = matches!(mode, Mode::Converge);
    let (org, catalogue, live) = tokio::join!(
        client.organization_me(),
        async {
            match converge {
                true => Some(catalogue_of(&client).await),
                false => None,
            }
        },
        read_live(&client),
    );
    // Who we are first: a refused token fails all three, and this one says it best.
    let session = Session::connected(client, org?, &target.conn);
    let early = EarlyLive {
        started,
        live: live.map_err(Failure::from)?,
    };
    let (client, org_id) = (&session.client, session.org.id.as_str());
    let specs = &target.spec.destinations;
    let destinations;
    let desired = match (mode, catalogue) {
        (Mode::Converge, Some(catalogue)) => {
            destinations = resolve_destinations(specs, &catalogue?, org_id)?;
            Desired::Converge(&destinations)
        }
        _ => Desired::Destroy(specs),
    };
    let dir = gcbridge_core::default_lock_dir();
    let org = format!("\"{}\" ({org_id})", session.org.name.escape_debug());
    let observe = |e: LockEvent<'_>| match e {
        LockEvent::Waiting(h) => note(format!(
            "waiting for another gcbridge run on org {org} ({})",
            h.pid.map_or("pid unknown".into(), |p| format!("pid {p}"))
        )),
        LockEvent::Unavailable(e) => note(format!(
            "warning: going on without the lock that keeps two local runs on org {org} apart: {e}"
        )),
    };
    let plan = if lock {
        let request = LockRequest {
            dir: &dir,
            observe: &observe,
        };
        gcbridge_core::plan_org_locked(client, org_id, desired, options, request, Some(early)).await
    } else {
        gcbridge_core::plan_org_with(org_id, desired, options, early.live).await
    };
    let plan = plan.map_err(|e| match e {
        ConvergeError::Genesys(e) => Failure::from(e),
        e @ ConvergeError::Aws { .. } => Failure::failed(e.to_string()),
    })?;
    Ok(OrgPlanned { session, plan })
}

/// Plans every target, at most `parallel` orgs at a time, changing nothing. `locked` holds each
/// org's lock from here on, for a run that will write (`apply`, `destroy`); `plan` takes none.
pub async fn plan_all(
    targets: &[OrgTarget],
    parallel: usize,
    mode: Mode,
    options: &ConvergeOptions,
    locked: bool,
) -> Vec<Result<OrgPlanned, Failure>> {
    for_each(targets, parallel, |t| plan_org(t, mode, options, locked)).await
}

/// The warnings the input raised (e.g. a deprecated key), each naming its org and destination.
pub fn warn_about_inputs(targets: &[OrgTarget]) {
    for t in targets {
        for d in &t.spec.destinations {
            for w in &d.warnings {
                note(format!(
                    "warning: org \"{}\" destination \"{}\": {w}",
                    t.spec.name, d.name
                ));
            }
        }
    }
}

/// `org "prod": <message>`, so every error names the org it concerns (when there are several).
pub fn org_error(target: &OrgTarget, many: bool, f: &Failure) -> String {
    if many || target.spec.name != gcbridge_core::config::DEFAULT_ORG_NAME {
        format!("org \"{}\": {}", target.spec.name, f.message)
    } else {
        f.message.clone()
    }
}

/// Whether any failure is bad input (exit 2) rather than a failed call.
pub fn any_usage_error<T>(results: &[Result<T, Failure>]) -> bool {
    results
        .iter()
        .any(|r| matches!(r, Err(f) if f.code == EXIT_USAGE))
}

/// `--prune` on an org with no destination would delete every EventBridge integration of it: a
/// file cut short or a wrong `[[org]]` must not do that, so it takes `--allow-empty` to mean it.
pub fn refuse_empty_prune(
    targets: &[OrgTarget],
    prune: bool,
    allow_empty: bool,
) -> Result<(), Failure> {
    if !prune || allow_empty {
        return Ok(());
    }
    let empty: Vec<String> = targets
        .iter()
        .filter(|t| t.spec.destinations.is_empty())
        .map(|t| format!("\"{}\"", field(&t.spec.name)))
        .collect();
    if empty.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--prune with no destination for org {} would delete every EventBridge integration of it; \
         add its destinations, or pass --allow-empty if deleting them all is meant",
        empty.join(", ")
    )))
}
