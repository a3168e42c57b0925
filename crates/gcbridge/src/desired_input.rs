//! The desired state of `plan` / `apply`: from a config file, or from destination flags.

use gcbridge_core::config::{
    load_file, DestinationInput, Diagnostics, Field, Key, Labels, Origin, DEFAULT_ORG_NAME,
};
use gcbridge_core::{DesiredState, DestinationSpec, OrgSpec};

use crate::cli::{ApplyArgs, DestinationFlags};
use crate::failure::Failure;

/// Reads `-f FILE` or builds one destination from flags; mixing them is a usage error.
pub fn desired_state(args: &ApplyArgs) -> Result<DesiredState, Failure> {
    let flags_given = flags_used(&args.dest);
    match (&args.file, flags_given.is_empty()) {
        (Some(_), false) => Err(Failure::usage(format!(
            "-f/--file and destination flags ({}) cannot be combined: put the destination in the file, or drop -f",
            flags_given.join(", ")
        ))),
        (Some(path), true) => Ok(load_file(path)?),
        (None, true) => Err(Failure::usage(
            "nothing to plan: give -f gcbridge.toml, or describe a destination with --name, \
             --aws-account-id, --aws-region, --suffix (or --event-bus-arn) and --topic / --event-types",
        )),
        (None, false) => {
            let spec = from_flags(&args.dest).map_err(Failure::from)?;
            Ok(DesiredState {
                orgs: vec![OrgSpec {
                    name: DEFAULT_ORG_NAME.into(),
                    connection: Default::default(),
                    destinations: vec![spec],
                    origin: Origin::Flag,
                }],
            })
        }
    }
}

fn flags_used(f: &DestinationFlags) -> Vec<&'static str> {
    let given = [
        (f.name.is_some(), Key::Name),
        (f.description.is_some(), Key::Description),
        (f.aws_account_id.is_some(), Key::AwsAccountId),
        (f.aws_region.is_some(), Key::AwsRegion),
        (f.suffix.is_some(), Key::EventSourceSuffix),
        (f.event_bus_arn.is_some(), Key::EventBusArn),
        (!f.topics.is_empty(), Key::Topics),
        (!f.event_types.is_empty(), Key::EventTypes),
        (f.disabled, Key::Enabled),
    ];
    given
        .into_iter()
        .filter(|(given, _)| *given)
        .map(|(_, key)| Labels::Flags.name(key))
        .collect()
}

fn flag<T: Clone>(value: T, key: Key) -> Field<T> {
    Field {
        value,
        origin: Origin::Flag,
        label: Labels::Flags.name(key).into(),
    }
}

/// One destination from flags, validated by the same rules as the file, worded in flags.
pub fn from_flags(f: &DestinationFlags) -> Result<DestinationSpec, Diagnostics> {
    let one = |v: &Option<String>, key: Key| v.clone().map(|v| flag(v, key));
    // `--event-types 'user, routing'`: the space after a comma is how people write lists, so a
    // flag's items are trimmed (a file's quoted strings are taken as written).
    let list = |items: &[String], key: Key| {
        items
            .iter()
            .map(|v| flag(v.trim().to_string(), key))
            .collect()
    };
    let input = DestinationInput {
        name: one(&f.name, Key::Name),
        description: one(&f.description, Key::Description),
        enabled: Some(flag(!f.disabled, Key::Enabled)),
        aws_account_id: one(&f.aws_account_id, Key::AwsAccountId),
        aws_region: one(&f.aws_region, Key::AwsRegion),
        event_source_suffix: one(&f.suffix, Key::EventSourceSuffix),
        event_bus_arn: one(&f.event_bus_arn, Key::EventBusArn),
        topics: list(&f.topics, Key::Topics),
        event_types: list(&f.event_types, Key::EventTypes),
        origin: Some(Origin::Flag),
        labels: Labels::Flags,
    };
    input.validate().map_err(Diagnostics)
}
