//! Validation of one destination, whether it came from a config file table or from flags.
//!
//! Both sources are turned into a `DestinationInput` whose every value remembers where it was
//! written, so one set of rules produces messages that point at the line or the flag.

use crate::aws::{aws_region_warning, check_aws_account_id, check_aws_region, parse_partner_arn};
use crate::config::labels::{Key, Labels};
use crate::desired::DestinationSpec;
use crate::diagnostic::{Diagnostic, Origin};
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
    /// Whether messages about a missing value name file keys or flags.
    pub labels: Labels,
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

/// Account, region and suffix as given or as read from an ARN, and the org id the ARN names.
#[derive(Default)]
struct Identity {
    account: Option<String>,
    region: Option<String>,
    suffix: Option<String>,
    expected_org_id: Option<String>,
}

impl DestinationInput {
    /// Applies every rule; returns all problems at once.
    pub fn validate(self) -> Result<DestinationSpec, Vec<Diagnostic>> {
        let origin = self.origin.clone().unwrap_or(Origin::Flag);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let name = self.check_name(&origin, &mut errors);
        let identity = match &self.event_bus_arn {
            Some(arn) => self.identity_from_arn(arn, &mut errors, &mut warnings),
            None => self.identity_from_fields(&origin, &mut errors),
        };
        let identity = self.check_identity_values(identity, &mut errors);
        if let Some(w) = identity.region.as_deref().and_then(aws_region_warning) {
            warnings.push(w);
        }
        let selectors = self.selectors(&origin, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DestinationSpec {
            name,
            description: self.description.map(|f| f.value),
            enabled: self.enabled.map(|f| f.value).unwrap_or(true),
            aws_account_id: identity.account.unwrap_or_default(),
            aws_region: identity.region.unwrap_or_default(),
            event_source_suffix: identity.suffix.unwrap_or_default(),
            expected_org_id: identity.expected_org_id,
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

    fn missing(&self, origin: &Origin, key: Key, help: String) -> Diagnostic {
        Diagnostic {
            origin: origin.clone(),
            field: Some(self.labels.name(key).into()),
            message: "is required".into(),
            help: Some(help),
        }
    }

    fn check_name(&self, origin: &Origin, errors: &mut Vec<Diagnostic>) -> String {
        let problem =
            match &self.name {
                None => {
                    errors.push(self.missing(
                    origin,
                    Key::Name,
                    "every destination needs a name (the integration's name in Genesys Cloud)"
                        .into(),
                ));
                    return String::new();
                }
                Some(f) if f.value.trim().is_empty() => Some((
                    "must not be empty".to_string(),
                    "give the destination a name, e.g. \"prod-events\"".to_string(),
                )),
                Some(f) if f.value.chars().count() > MAX_NAME_LEN => Some((
                    format!("is longer than {MAX_NAME_LEN} characters"),
                    format!("shorten it to at most {MAX_NAME_LEN} characters"),
                )),
                Some(f) if f.value.trim() != f.value => Some((
                    "has leading or trailing spaces".to_string(),
                    format!("write \"{}\"", f.value.trim()),
                )),
                Some(_) => None,
            };
        let field = self.name.as_ref().expect("checked above");
        match problem {
            Some((message, help)) => {
                errors.push(diag(field, message, Some(help)));
                String::new()
            }
            None => field.value.clone(),
        }
    }

    fn identity_from_arn(
        &self,
        arn_field: &Field<String>,
        errors: &mut Vec<Diagnostic>,
        warnings: &mut Vec<String>,
    ) -> Identity {
        let arn = match parse_partner_arn(&arn_field.value) {
            Ok(arn) => arn,
            Err(e) => {
                errors.push(diag(arn_field, e.to_string(), None));
                return self.identity_as_given();
            }
        };
        if let Some(w) = arn.warning() {
            warnings.push(w);
        }
        let together = |f: &Field<String>, what: &str| {
            diag(
                f,
                format!(
                    "is given together with {} (which already names the {what})",
                    arn_field.label
                ),
                Some(format!("keep either {} or the ARN", f.label)),
            )
        };
        for (f, what) in [
            (&self.aws_region, "aws_region"),
            (&self.event_source_suffix, "event_source_suffix"),
        ] {
            if let Some(f) = f {
                errors.push(together(f, what));
            }
        }
        let mut account = self.aws_account_id.as_ref().map(|f| f.value.clone());
        match (&arn.account_id, &self.aws_account_id) {
            (Some(_), Some(f)) => errors.push(together(f, "account")),
            (Some(a), None) => account = Some(a.clone()),
            (None, Some(_)) => {}
            (None, None) => errors.push(diag(
                arn_field,
                "is a partner event source ARN, which does not name the AWS account",
                Some(format!(
                    "also give the 12-digit AWS account id ({}), or use the event bus ARN",
                    self.labels.account_place()
                )),
            )),
        }
        Identity {
            account,
            region: Some(arn.region.clone()),
            suffix: Some(arn.suffix.clone()),
            expected_org_id: Some(arn.org_id.clone()),
        }
    }

    fn identity_as_given(&self) -> Identity {
        Identity {
            account: self.aws_account_id.as_ref().map(|f| f.value.clone()),
            region: self.aws_region.as_ref().map(|f| f.value.clone()),
            suffix: self.event_source_suffix.as_ref().map(|f| f.value.clone()),
            expected_org_id: None,
        }
    }

    fn identity_from_fields(&self, origin: &Origin, errors: &mut Vec<Diagnostic>) -> Identity {
        let missing = [
            (
                &self.aws_account_id,
                Key::AwsAccountId,
                "the 12-digit AWS account that receives the events",
            ),
            (
                &self.aws_region,
                Key::AwsRegion,
                "the AWS region of the event bus, e.g. \"us-east-1\"",
            ),
            (
                &self.event_source_suffix,
                Key::EventSourceSuffix,
                "the last part of the partner event source name, e.g. \"prod-events\"",
            ),
        ];
        for (field, key, what) in missing {
            if field.is_none() {
                let help = format!("give {what}, or {}", self.labels.arn_instead());
                errors.push(self.missing(origin, key, help));
            }
        }
        self.identity_as_given()
    }

    /// Checks the values given directly; an account that fails is dropped so later checks
    /// (duplicate suffixes per account) do not repeat the complaint.
    fn check_identity_values(&self, mut id: Identity, errors: &mut Vec<Diagnostic>) -> Identity {
        if let Some(f) = &self.aws_account_id {
            if let Err(e) = check_aws_account_id(&f.value) {
                errors.push(diag(f, e.to_string(), None));
                id.account = None;
            }
        }
        if let Some(f) = &self.aws_region {
            if let Err(e) = check_aws_region(&f.value) {
                errors.push(diag(f, e.to_string(), None));
            }
        }
        if let Some(f) = &self.event_source_suffix {
            if let Err(e) = check_event_source_suffix(&f.value) {
                errors.push(diag(f, e.to_string(), None));
            }
        }
        id
    }

    fn selectors(
        &self,
        origin: &Origin,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<(String, Origin, String)> {
        let all = || self.topics.iter().chain(self.event_types.iter());
        for f in all() {
            if let Err(e) = crate::topics::Selector::parse(&f.value) {
                errors.push(diag(f, e.message.clone(), e.help.clone()));
            }
        }
        let selectors: Vec<(String, Origin, String)> = all()
            .map(|f| (f.value.clone(), f.origin.clone(), f.label.clone()))
            .collect();
        if selectors.is_empty() {
            errors.push(Diagnostic {
                origin: origin.clone(),
                field: Some(self.labels.name(Key::Topics).into()),
                message: "no topics are selected".into(),
                help: Some(format!(
                    "{}; `gcbridge topics` lists them",
                    self.labels.topics_hint()
                )),
            });
        }
        selectors
    }
}
