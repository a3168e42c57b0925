//! Validation of one destination, whether it came from a config file table or from flags.
//!
//! Both sources are turned into a `DestinationInput` whose every value remembers where it was
//! written, so one set of rules produces messages that point at the line or the flag.

use crate::aws::{check_aws_account_id, check_aws_region, parse_partner_arn};
use crate::config::diagnostic::{Diagnostic, Origin};
use crate::desired::DestinationSpec;
use crate::genesys::check_event_source_suffix;

/// A value and where it was written; `label` is the key or flag name used in messages.
#[derive(Debug, Clone)]
pub struct Field<T> {
    pub value: T,
    pub origin: Origin,
    pub label: String,
}

/// One destination before validation.
#[derive(Debug, Clone, Default)]
pub struct DestinationInput {
    pub name: Option<Field<String>>,
    pub description: Option<Field<String>>,
    pub enabled: Option<Field<bool>>,
    pub aws_account_id: Option<Field<String>>,
    pub aws_region: Option<Field<String>>,
    pub event_source_suffix: Option<Field<String>>,
    pub event_bus_arn: Option<Field<String>>,
    pub topics: Vec<Field<String>>,
    pub event_types: Vec<Field<String>>,
    /// Where the destination as a whole was written (its table, or the command line).
    pub origin: Option<Origin>,
    /// How messages name the place of a missing value: `[[destination]] table` or `flags`.
    pub missing_hint_topics: String,
}

/// The longest name Genesys accepts for an integration.
const MAX_NAME_LEN: usize = 200;

fn diag<T>(field: &Field<T>, message: impl Into<String>, help: Option<String>) -> Diagnostic {
    Diagnostic {
        origin: field.origin.clone(),
        field: Some(field.label.clone()),
        message: message.into(),
        help,
    }
}

impl DestinationInput {
    /// Applies every rule; returns all problems at once.
    pub fn validate(self) -> Result<DestinationSpec, Vec<Diagnostic>> {
        let origin = self.origin.clone().unwrap_or(Origin::Flag);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();

        let name = match &self.name {
            Some(f) if f.value.trim().is_empty() => {
                errors.push(diag(
                    f,
                    "must not be empty",
                    Some("give the destination a name, e.g. \"prod-events\"".into()),
                ));
                String::new()
            }
            Some(f) if f.value.chars().count() > MAX_NAME_LEN => {
                errors.push(diag(
                    f,
                    format!("is longer than {MAX_NAME_LEN} characters"),
                    Some(format!("shorten it to at most {MAX_NAME_LEN} characters")),
                ));
                String::new()
            }
            Some(f) if f.value.trim() != f.value => {
                errors.push(diag(
                    f,
                    "has leading or trailing spaces",
                    Some(format!("write \"{}\"", f.value.trim())),
                ));
                String::new()
            }
            Some(f) => f.value.clone(),
            None => {
                errors.push(Diagnostic {
                    origin: origin.clone(),
                    field: Some("name".into()),
                    message: "is required".into(),
                    help: Some(
                        "every destination needs a name (the integration's name in Genesys Cloud)"
                            .into(),
                    ),
                });
                String::new()
            }
        };

        let mut account = self.aws_account_id.as_ref().map(|f| f.value.clone());
        let mut region = self.aws_region.as_ref().map(|f| f.value.clone());
        let mut suffix = self.event_source_suffix.as_ref().map(|f| f.value.clone());
        let mut expected_org_id = None;

        if let Some(arn_field) = &self.event_bus_arn {
            match parse_partner_arn(&arn_field.value) {
                Ok(arn) => {
                    if let Some(w) = arn.warning() {
                        warnings.push(w);
                    }
                    for (f, what) in [
                        (&self.aws_region, "aws_region"),
                        (&self.event_source_suffix, "event_source_suffix"),
                    ] {
                        if let Some(f) = f {
                            errors.push(diag(
                                f,
                                format!(
                                    "is given together with {} (which already names the {what})",
                                    arn_field.label
                                ),
                                Some(format!("keep either {} or the ARN", f.label)),
                            ));
                        }
                    }
                    match (&arn.account_id, &self.aws_account_id) {
                        (Some(_), Some(f)) => errors.push(diag(
                            f,
                            format!("is given together with {} (which already names the account)", arn_field.label),
                            Some(format!("keep either {} or the ARN", f.label)),
                        )),
                        (Some(a), None) => account = Some(a.clone()),
                        (None, Some(_)) => {}
                        (None, None) => errors.push(diag(
                            arn_field,
                            "is a partner event source ARN, which does not name the AWS account",
                            Some("also give the 12-digit AWS account id (aws_account_id / --aws-account-id), or use the event bus ARN".into()),
                        )),
                    }
                    region = Some(arn.region.clone());
                    suffix = Some(arn.suffix.clone());
                    expected_org_id = Some(arn.org_id.clone());
                }
                Err(e) => errors.push(diag(arn_field, e, None)),
            }
        } else {
            let missing = [
                (
                    &self.aws_account_id,
                    "aws_account_id",
                    "the 12-digit AWS account that receives the events",
                ),
                (
                    &self.aws_region,
                    "aws_region",
                    "the AWS region of the event bus, e.g. \"us-east-1\"",
                ),
                (
                    &self.event_source_suffix,
                    "event_source_suffix",
                    "the last part of the partner event source name, e.g. \"prod-events\"",
                ),
            ];
            for (field, key, what) in missing {
                if field.is_none() {
                    errors.push(Diagnostic {
                        origin: origin.clone(),
                        field: Some(key.into()),
                        message: "is required".into(),
                        help: Some(format!("give {what}, or an event_bus_arn instead of aws_account_id, aws_region and event_source_suffix")),
                    });
                }
            }
        }
        if let Some(f) = &self.aws_account_id {
            if let Err(e) = check_aws_account_id(&f.value) {
                errors.push(diag(f, e, None));
                account = None;
            }
        }
        if let Some(f) = &self.aws_region {
            if let Err(e) = check_aws_region(&f.value) {
                errors.push(diag(f, e, None));
            }
        }
        if let Some(f) = &self.event_source_suffix {
            if let Err(e) = check_event_source_suffix(&f.value) {
                errors.push(diag(f, e, None));
            }
        }

        let selectors: Vec<(String, Origin)> = self
            .topics
            .iter()
            .chain(self.event_types.iter())
            .map(|f| (f.value.clone(), f.origin.clone()))
            .collect();
        for f in self.topics.iter().chain(self.event_types.iter()) {
            if let Err(e) = crate::topics::Selector::parse(&f.value) {
                errors.push(diag(f, e.message.clone(), e.help.clone()));
            }
        }
        if selectors.is_empty() {
            errors.push(Diagnostic {
                origin: origin.clone(),
                field: Some("topics".into()),
                message: "no topics are selected".into(),
                help: Some(format!(
                    "{}; `gcbridge topics` lists them",
                    self.missing_hint_topics
                )),
            });
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DestinationSpec {
            name,
            description: self.description.map(|f| f.value),
            enabled: self.enabled.map(|f| f.value).unwrap_or(true),
            aws_account_id: account.unwrap_or_default(),
            aws_region: region.unwrap_or_default(),
            event_source_suffix: suffix.unwrap_or_default(),
            expected_org_id,
            event_bus_arn_at: self
                .event_bus_arn
                .as_ref()
                .map(|f| (f.origin.clone(), f.label.clone())),
            selectors,
            origin,
            warnings,
            aws: None,
        })
    }
}
