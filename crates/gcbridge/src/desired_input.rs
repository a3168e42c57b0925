//! The desired state of `plan` / `apply`: from a config file, or from destination flags.

use gcbridge_core::config::{
    load_file, DestinationInput, Diagnostics, Field, Origin, DEFAULT_ORG_NAME,
};
use gcbridge_core::{DesiredState, OrgSpec};

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
    let mut used = Vec::new();
    let checks: [(bool, &'static str); 9] = [
        (f.name.is_some(), "--name"),
        (f.description.is_some(), "--description"),
        (f.aws_account_id.is_some(), "--aws-account-id"),
        (f.aws_region.is_some(), "--aws-region"),
        (f.suffix.is_some(), "--suffix"),
        (f.event_bus_arn.is_some(), "--event-bus-arn"),
        (!f.topics.is_empty(), "--topic"),
        (!f.event_types.is_empty(), "--event-types"),
        (f.disabled, "--disabled"),
    ];
    for (given, flag) in checks {
        if given {
            used.push(flag);
        }
    }
    used
}

fn field<T: Clone>(v: &Option<T>, flag: &str) -> Option<Field<T>> {
    v.as_ref().map(|value| Field {
        value: value.clone(),
        origin: Origin::Flag,
        label: flag.into(),
    })
}

/// One destination from flags, validated by the same rules as the file.
pub fn from_flags(f: &DestinationFlags) -> Result<gcbridge_core::DestinationSpec, Diagnostics> {
    let list = |items: &[String], flag: &str| -> Vec<Field<String>> {
        items
            .iter()
            .map(|v| Field {
                value: v.clone(),
                origin: Origin::Flag,
                label: flag.into(),
            })
            .collect()
    };
    let input = DestinationInput {
        name: field(&f.name, "--name"),
        description: field(&f.description, "--description"),
        enabled: Some(Field {
            value: !f.disabled,
            origin: Origin::Flag,
            label: "--disabled".into(),
        }),
        aws_account_id: field(&f.aws_account_id, "--aws-account-id"),
        aws_region: field(&f.aws_region, "--aws-region"),
        event_source_suffix: field(&f.suffix, "--suffix"),
        event_bus_arn: field(&f.event_bus_arn, "--event-bus-arn"),
        topics: list(&f.topics, "--topic"),
        event_types: list(&f.event_types, "--event-types"),
        origin: Some(Origin::Flag),
        missing_hint_topics:
            "give --topic TEMPLATE (repeatable) or --event-types conversation,user,routing".into(),
    };
    input.validate().map_err(|mut errs| {
        // Flag errors name flags, not file keys.
        for e in &mut errs {
            if let Some(f) = &e.field {
                let mapped = match f.as_str() {
                    "name" => "--name",
                    "aws_account_id" => "--aws-account-id",
                    "aws_region" => "--aws-region",
                    "event_source_suffix" => "--suffix",
                    "topics" => "--topic",
                    other => other,
                };
                e.field = Some(mapped.to_string());
            }
            if let Some(h) = &e.help {
                e.help = Some(
                    h.replace("aws_account_id / --aws-account-id", "--aws-account-id")
                        .replace("an event_bus_arn instead of aws_account_id, aws_region and event_source_suffix",
                                 "--event-bus-arn instead of --aws-account-id, --aws-region and --suffix"),
                );
            }
        }
        Diagnostics(errs)
    })
}
