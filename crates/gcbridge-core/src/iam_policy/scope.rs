//! The ARNs each [`On`] stands for in a config file: the partner source and bus of every
//! destination, its rules, targets, archive, roles and the org's secret. Names are made by the
//! same functions the commands use (`archive_name`, `role_name`, the temporary prefixes), so the
//! policy names exactly what the commands touch.
//!
//! The Genesys org id is part of the partner source's name, and the file names it only through an
//! `event_bus_arn`; otherwise `*` stands for it, and for the hash of the archive and role names
//! that it feeds.

use super::calls::On;
use crate::aws::{archive, role_policy, temporary};
use crate::desired::{AwsSpec, DesiredState, DestinationSpec, TargetKind, TargetSpec};
use crate::partition::partition_of;
use crate::secret_ref::SecretRef;
use crate::source_id::partner_event_source_name;

/// One destination that manages its AWS half.
struct Dest<'a> {
    spec: &'a DestinationSpec,
    aws: &'a AwsSpec,
}

impl Dest<'_> {
    fn part(&self) -> &'static str {
        partition_of(&self.spec.aws_region)
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:`
    fn arn(&self, service: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:",
            self.part(),
            self.spec.aws_region,
            self.spec.aws_account_id
        )
    }

    fn org(&self) -> &str {
        self.spec.expected_org_id.as_deref().unwrap_or("*")
    }

    fn source(&self) -> String {
        partner_event_source_name(self.org(), &self.spec.event_source_suffix)
    }

    fn bus_arn(&self) -> String {
        format!("{}event-bus/{}", self.arn("events"), self.source())
    }

    fn rule_arn(&self, rule: &str) -> String {
        format!("{}rule/{}/{rule}", self.arn("events"), self.source())
    }

    /// A name ending in the 8-hex hash of the source name: exact when the org is known, else
    /// the hash is `*`.
    fn hashed(&self, name: impl Fn(&str) -> String) -> String {
        match &self.spec.expected_org_id {
            Some(_) => name(&self.source()),
            None => {
                let any = name(&partner_event_source_name(
                    "0",
                    &self.spec.event_source_suffix,
                ));
                format!("{}*", &any[..any.len() - 8])
            }
        }
    }

    fn archive_arn(&self) -> String {
        format!(
            "{}archive/{}",
            self.arn("events"),
            self.hashed(archive::archive_name)
        )
    }

    fn own_role_arn(&self) -> String {
        let account = &self.spec.aws_account_id;
        let region = &self.spec.aws_region;
        let name = self.hashed(|s| role_policy::role_name(account, region, s));
        format!("arn:{}:iam::{account}:role/{name}", self.part())
    }

    fn targets(&self) -> impl Iterator<Item = &TargetSpec> {
        self.aws.rules.iter().flat_map(|r| r.targets.iter())
    }

    fn targets_of(&self, kind: TargetKind) -> Vec<String> {
        self.targets()
            .filter(|t| t.kind == kind)
            .map(|t| t.arn.clone())
            .collect()
    }

    /// Whether a target needs gcbridge's own role (no `role_arn` of the user's).
    fn needs_own_role(&self) -> bool {
        let (account, region) = (&self.spec.aws_account_id, &self.spec.aws_region);
        self.targets().any(|t| {
            role_policy::needs_role(t.kind, &t.arn, account, region)
                && t.settings.role_arn.is_none()
        })
    }

    fn roles(&self) -> Vec<String> {
        let mut roles: Vec<String> = self
            .targets()
            .filter_map(|t| t.settings.role_arn.clone())
            .collect();
        if self.needs_own_role() {
            roles.push(self.own_role_arn());
        }
        roles
    }

    fn temporary(&self, head: String) -> Vec<String> {
        std::iter::once(temporary::PREFIX)
            .chain(temporary::LEGACY_PREFIXES)
            .map(|p| format!("{head}{p}*"))
            .collect()
    }

    fn resources(&self, on: On) -> Vec<String> {
        let kind = |k| self.targets_of(k);
        match on {
            On::Any | On::Secret | On::Parameter | On::CommandLine => Vec::new(),
            On::LogsAccount => match kind(TargetKind::Logs).is_empty() {
                true => Vec::new(),
                false => vec!["*".into()],
            },
            On::EventSource => vec![format!(
                "arn:{}:events:{}:*:event-source/{}",
                self.part(),
                self.spec.aws_region,
                self.source()
            )],
            On::Bus => vec![self.bus_arn()],
            On::AssociatedBus if self.aws.associate => vec![self.bus_arn()],
            On::AssociatedBus => Vec::new(),
            // destroy deletes every rule of a bus it associated: AWS keeps a bus that has rules.
            On::Rules if self.aws.associate => vec![self.rule_arn("*")],
            On::Rules => {
                let mut arns: Vec<String> = self
                    .aws
                    .rules
                    .iter()
                    .map(|r| self.rule_arn(&r.name))
                    .collect();
                arns.extend(self.temporary(self.rule_arn("")));
                arns
            }
            On::TemporaryRules => self.temporary(self.rule_arn("")),
            On::TemporaryQueues => self.temporary(self.arn("sqs")),
            On::TargetQueues => kind(TargetKind::Sqs),
            On::DeadLetterQueues => self
                .targets()
                .filter_map(|t| t.settings.dead_letter_queue.clone())
                .collect(),
            On::TargetTopics => kind(TargetKind::Sns),
            On::TargetFunctions => kind(TargetKind::Lambda),
            On::TargetLogGroups => kind(TargetKind::Logs)
                .iter()
                .map(|arn| account_log_groups(arn))
                .collect(),
            On::Archive if self.aws.archive.is_some() => vec![self.archive_arn()],
            On::Archive => Vec::new(),
            On::Replays if self.aws.archive.is_some() => {
                let archive = self.hashed(archive::archive_name);
                vec![
                    format!(
                        "{}replay/{}*",
                        self.arn("events"),
                        archive.trim_end_matches('*')
                    ),
                    self.archive_arn(),
                ]
            }
            On::Replays => Vec::new(),
            On::OwnRole if self.needs_own_role() => vec![self.own_role_arn()],
            On::OwnRole => Vec::new(),
            On::Roles => self.roles(),
            On::AttachedPolicies if !self.roles().is_empty() => {
                let part = self.part();
                vec![
                    format!("arn:{part}:iam::{}:policy/*", self.spec.aws_account_id),
                    format!("arn:{part}:iam::aws:policy/*"),
                ]
            }
            On::AttachedPolicies => Vec::new(),
        }
    }
}

/// `arn:P:logs:R:A:log-group:*` of a log group target's account and region: DescribeLogGroups
/// lists the groups of an account and region, it names none.
fn account_log_groups(target: &str) -> String {
    match crate::arn_fields::arn_fields(target) {
        Some([part, _, region, account, _]) => {
            format!("arn:{part}:logs:{region}:{account}:log-group:*")
        }
        None => target.to_string(),
    }
}

/// The resource ARNs of `on` over every destination and org of the file, sorted, once each.
pub fn resources(state: &DesiredState, on: On) -> Vec<String> {
    let mut out: Vec<String> = match on {
        On::Any => vec!["*".into()],
        On::Secret | On::Parameter => secrets(state, on),
        _ => state
            .orgs
            .iter()
            .flat_map(|o| o.destinations.iter())
            .filter_map(|spec| spec.aws.as_ref().map(|aws| Dest { spec, aws }))
            .flat_map(|d| d.resources(on))
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

/// The secrets (`On::Secret`) or parameters (`On::Parameter`) the orgs' `client_secret_from` name.
fn secrets(state: &DesiredState, on: On) -> Vec<String> {
    state
        .orgs
        .iter()
        .filter_map(|o| {
            let r = o.connection.client_secret_from.as_ref()?;
            // The secret is read in the AWS configuration's region unless its ARN names one.
            let part = o
                .destinations
                .first()
                .map_or("aws", |d| partition_of(&d.aws_region));
            match (on, r) {
                (On::Secret, SecretRef::SecretsManager { id, .. }) => Some(secret_arn(part, id)),
                (On::Parameter, SecretRef::Ssm { name }) => Some(parameter_arn(part, name)),
                _ => None,
            }
        })
        .collect()
}

/// A Secrets Manager secret's ARN: as written when complete, else with the six random
/// characters AWS appends to every secret's name (`-??????`).
fn secret_arn(part: &str, id: &str) -> String {
    let complete = |arn: &str| {
        arn.rsplit_once('-').is_some_and(|(_, tail)| {
            tail.len() == 6 && tail.chars().all(|c| c.is_ascii_alphanumeric())
        })
    };
    match id.strip_prefix("arn:") {
        Some(_) if complete(id) => id.to_string(),
        Some(_) => format!("{id}-??????"),
        None => format!("arn:{part}:secretsmanager:*:*:secret:{id}-??????"),
    }
}

/// An SSM parameter's ARN (`/team/secret` is `parameter/team/secret`).
fn parameter_arn(part: &str, name: &str) -> String {
    if name.starts_with("arn:") {
        return name.to_string();
    }
    format!(
        "arn:{part}:ssm:*:*:parameter/{}",
        name.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_parameters_get_their_iam_arns() {
        assert_eq!(
            secret_arn("aws", "genesys/prod"),
            "arn:aws:secretsmanager:*:*:secret:genesys/prod-??????"
        );
        let full = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gc-AbC123";
        assert_eq!(secret_arn("aws", full), full);
        let partial = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gc";
        assert_eq!(secret_arn("aws", partial), format!("{partial}-??????"));
        assert_eq!(
            parameter_arn("aws", "/team/genesys"),
            "arn:aws:ssm:*:*:parameter/team/genesys"
        );
        assert_eq!(
            account_log_groups("arn:aws:logs:us-east-1:123456789012:log-group:/gc/events:*"),
            "arn:aws:logs:us-east-1:123456789012:log-group:*"
        );
    }
}
