//! Reading a gcbridge.toml: bytes to TOML to validated desired state, every problem with its line.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::de::DeTable;

use super::ctx::Ctx;
use super::destination_input::{DestinationInput, Field};
use super::labels::{Key, Labels};
use super::raw::{RawDestination, RawFile, RawOrg, Spanned};
use super::schema::json_schema;
use super::shape::{Checker, Shape};
use super::stdin;
use super::toml_error::toml_error;
use crate::desired::{ConnectionSpec, DesiredState, DestinationSpec, OrgSpec};
use crate::diagnostic::{Diagnostic, Diagnostics, LineIndex, Origin};

/// Config files are small; anything larger is a mistake (a wrong path, a log file).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The org name used for the single-org form and for flags.
pub const DEFAULT_ORG_NAME: &str = "default";

/// Reads and validates the config file at `path`.
pub fn load_file(path: &Path) -> Result<DesiredState, Diagnostics> {
    let from_stdin = path == Path::new(stdin::STDIN_PATH);
    let shown = if from_stdin {
        stdin::STDIN_SHOWN.to_string()
    } else {
        path.display().to_string()
    };
    let whole_file = |message: String, help: Option<String>| {
        Diagnostics::from(Diagnostic {
            origin: Origin::File {
                path: shown.clone(),
                line: 1,
                column: 1,
                width: 1,
            },
            field: None,
            message,
            help,
        })
    };
    let bytes = if from_stdin {
        stdin::config_bytes(MAX_CONFIG_BYTES).map_err(|m| whole_file(m, None))?
    } else {
        read_file(path, &whole_file)?
    };
    decode(bytes, shown)
}

/// The bytes of the regular file at `path`, refused when it is not one or is too large.
fn read_file(
    path: &Path,
    whole_file: &dyn Fn(String, Option<String>) -> Diagnostics,
) -> Result<Vec<u8>, Diagnostics> {
    let meta = std::fs::metadata(path).map_err(|e| {
        whole_file(
            format!("cannot read the config file: {e}"),
            Some("check the path given with -f/--file".into()),
        )
    })?;
    if !meta.is_file() {
        return Err(whole_file(
            "is not a regular file".into(),
            Some("give the path of a gcbridge.toml".into()),
        ));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(whole_file(
            format!(
                "is {} bytes; a gcbridge config is at most {} bytes",
                meta.len(),
                MAX_CONFIG_BYTES
            ),
            Some("check that -f points at the config file and not at another file".into()),
        ));
    }
    std::fs::read(path).map_err(|e| whole_file(format!("cannot read the config file: {e}"), None))
}

/// Config bytes as text (a UTF-8 error is shown at its line and column), then validated.
fn decode(bytes: Vec<u8>, shown: String) -> Result<DesiredState, Diagnostics> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = crate::diagnostic::line_col(&prefix, valid);
            return Err(Diagnostics::from(Diagnostic {
                origin: Origin::File {
                    path: shown,
                    line,
                    column,
                    width: 1,
                },
                field: None,
                message: "is not valid UTF-8".into(),
                help: Some("save the file as UTF-8 text".into()),
            }));
        }
    };
    load_str(&text, &shown)
}

/// Validates config text; `path` is only used in messages. Every problem is reported, in the
/// order of the file: the shape check's (unknown keys, wrong types) and validation's together.
pub fn load_str(text: &str, path: &str) -> Result<DesiredState, Diagnostics> {
    let ctx = Ctx {
        path,
        lines: LineIndex::new(text),
    };
    let (raw, shape) = parse(&ctx, text)?;
    let mut errors = Vec::new();
    let mut orgs = Vec::new();
    let mut seen_orgs: HashMap<String, usize> = HashMap::new();

    let empty = raw.genesys.is_none() && raw.destination.is_empty() && raw.org.is_empty();
    if empty && shape.diagnostics.is_empty() {
        // Nothing but blanks and comments: a wrong file, or one not written yet. Planning it would
        // only fail later on the missing connection, without pointing here.
        return Err(Diagnostics::from(Diagnostic {
            origin: ctx.origin(0),
            field: None,
            message: "describes nothing: no [genesys] table, no [[destination]] and no [[org]]"
                .into(),
            help: Some(
                "add a [genesys] table (region or api_url) and a [[destination]] table; see the README's \"Config file\""
                    .into(),
            ),
        }));
    }

    if !raw.org.is_empty() && (raw.genesys.is_some() || !raw.destination.is_empty()) {
        let span = raw
            .genesys
            .as_ref()
            .map(|g| g.span())
            .or_else(|| raw.destination.first().map(|d| d.span()));
        errors.push(Diagnostic {
            origin: ctx.origin(span.map(|s| s.start).unwrap_or(0)),
            field: None,
            message:
                "mixes the single-org form ([genesys] and [[destination]]) with [[org]] tables"
                    .into(),
            help: Some(
                "move the destinations under [[org.destination]] of an [[org]] table".into(),
            ),
        });
    }

    if raw.org.is_empty() {
        orgs.push(ctx.single_org(&raw, &mut errors));
    } else {
        for org in &raw.org {
            orgs.push(ctx.org(org, &mut seen_orgs, &mut errors));
        }
    }

    // A value the shape check removed is reported there, not again as missing.
    errors.retain(|d| !shape.removed.contains(&removal_key(d)));
    errors.extend(shape.diagnostics);
    if errors.is_empty() {
        return Ok(DesiredState { orgs });
    }
    errors.sort_by_key(|d| match &d.origin {
        Origin::File { line, column, .. } => (*line, *column),
        Origin::Flag => (0, 0),
    });
    Err(Diagnostics(errors))
}

/// TOML to the raw types, after the shape check took out (and reported) what does not fit them.
fn parse(ctx: &Ctx<'_>, text: &str) -> Result<(RawFile, Shape), Diagnostics> {
    let mut doc =
        DeTable::parse(text).map_err(|e| Diagnostics::from(toml_error(&e, text, ctx.path)))?;
    let shape = Checker::new(ctx, json_schema()).check(&mut doc);
    match RawFile::deserialize(toml::de::Deserializer::from(doc)) {
        Ok(raw) => Ok((raw, shape)),
        // The shape check and the types come from one definition; should they still disagree,
        // serde's complaint is reported with the rest.
        Err(e) => {
            let mut all = shape.diagnostics;
            all.push(toml_error(&e, text, ctx.path));
            Err(Diagnostics(all))
        }
    }
}

fn removal_key(d: &Diagnostic) -> (usize, usize, String) {
    match &d.origin {
        Origin::File { line, column, .. } => (*line, *column, d.field.clone().unwrap_or_default()),
        Origin::Flag => (0, 0, String::new()),
    }
}

impl Ctx<'_> {
    /// The single-org form: `[genesys]` and `[[destination]]` at the top level.
    fn single_org(&self, raw: &RawFile, errors: &mut Vec<Diagnostic>) -> OrgSpec {
        let connection = match &raw.genesys {
            Some(g) => self.connection(g.get_ref(), errors),
            None => ConnectionSpec::default(),
        };
        let origin = raw
            .genesys
            .as_ref()
            .map(|g| self.origin(g.span().start))
            .unwrap_or_else(|| self.origin(0));
        let destinations = self.destinations(&raw.destination, "destination", errors);
        OrgSpec {
            name: DEFAULT_ORG_NAME.into(),
            connection,
            destinations,
            origin,
        }
    }

    /// One `[[org]]` table; `seen` holds the names so far, with their lines.
    fn org(
        &self,
        org: &Spanned<RawOrg>,
        seen: &mut HashMap<String, usize>,
        errors: &mut Vec<Diagnostic>,
    ) -> OrgSpec {
        let RawOrg {
            name,
            connection,
            destination,
        } = org.get_ref();
        if name.get_ref().trim().is_empty() {
            errors.push(self.diag(
                name,
                "org name",
                "must not be empty",
                Some("give the org a name, e.g. name = \"prod\"".into()),
            ));
        }
        if let Some(first) = seen.insert(name.get_ref().clone(), self.line(name.span().start)) {
            errors.push(self.diag(
                name,
                "org name",
                format!(
                    "\"{}\" is used twice (first on line {first})",
                    name.get_ref()
                ),
                Some("give each [[org]] its own name".into()),
            ));
        }
        OrgSpec {
            name: name.get_ref().clone(),
            connection: self.connection(connection, errors),
            destinations: self.destinations(destination, "org.destination", errors),
            origin: self.origin(org.span().start),
        }
    }

    fn destinations(
        &self,
        raws: &[Spanned<RawDestination>],
        table: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<DestinationSpec> {
        let mut specs = Vec::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut identities: HashMap<(String, String), (usize, String)> = HashMap::new();
        for raw in raws {
            let d = raw.get_ref();
            let label = |key: &str| format!("{table} \"{}\" {key}", d.name.get_ref());
            if let Some(first) =
                names.insert(d.name.get_ref().clone(), self.line(d.name.span().start))
            {
                errors.push(self.diag(
                    &d.name,
                    &label("name"),
                    format!("is used by another destination too (line {first})"),
                    Some("destination names must be unique within an org".into()),
                ));
            }
            for (v, key) in [(&d.topics, "topics"), (&d.event_types, "event_types")] {
                if let Some(v) = v.as_ref().filter(|v| v.get_ref().is_empty()) {
                    errors.push(self.diag(
                        v,
                        &label(key),
                        "is an empty list",
                        Some(format!(
                            "list at least one topic, family or glob, or remove {key}"
                        )),
                    ));
                }
            }
            match self.destination_input(raw, &label).validate() {
                Ok(mut spec) => {
                    if let Some(aws) = &d.aws {
                        spec.aws = self.aws_spec(aws, &spec.aws_region, &label, errors);
                        if spec.aws.as_ref().is_some_and(|a| a.associate) && !spec.enabled {
                            errors.push(self.diag(
                                aws,
                                &label("aws.associate"),
                                "needs the integration enabled: Genesys creates the partner event source only for an ACTIVE integration",
                                Some("remove enabled = false, or associate = true".into()),
                            ));
                        }
                    }
                    self.check_identity_unique(raw, &spec, &label, &mut identities, errors);
                    specs.push(spec);
                }
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        specs
    }

    /// A `[[destination]]` table as validation input; `label` prefixes keys with the table and name.
    fn destination_input(
        &self,
        raw: &Spanned<RawDestination>,
        label: &dyn Fn(&str) -> String,
    ) -> DestinationInput {
        let d = raw.get_ref();
        let at = |v: &Spanned<String>, key: Key| self.field(v, label(Labels::File.name(key)));
        let one = |v: &Option<Spanned<String>>, key: Key| v.as_ref().map(|v| at(v, key));
        let list = |v: &Option<Spanned<Vec<Spanned<String>>>>, key: Key| -> Vec<Field<String>> {
            v.iter()
                .flat_map(|l| l.get_ref().iter())
                .map(|s| at(s, key))
                .collect()
        };
        DestinationInput {
            name: Some(at(&d.name, Key::Name)),
            description: one(&d.description, Key::Description),
            enabled: d
                .enabled
                .as_ref()
                .map(|v| self.field(v, label(Labels::File.name(Key::Enabled)))),
            aws_account_id: one(&d.aws_account_id, Key::AwsAccountId),
            aws_region: one(&d.aws_region, Key::AwsRegion),
            event_source_suffix: one(&d.event_source_suffix, Key::EventSourceSuffix),
            event_bus_arn: one(&d.event_bus_arn, Key::EventBusArn),
            topics: list(&d.topics, Key::Topics),
            event_types: list(&d.event_types, Key::EventTypes),
            origin: Some(self.origin(raw.span().start)),
            labels: Labels::File,
        }
    }

    /// A suffix names one partner event source per AWS account, so two destinations sharing
    /// (account, suffix) would fight over it.
    fn check_identity_unique(
        &self,
        raw: &Spanned<RawDestination>,
        spec: &DestinationSpec,
        label: &dyn Fn(&str) -> String,
        identities: &mut HashMap<(String, String), (usize, String)>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let key = (
            spec.aws_account_id.clone(),
            spec.event_source_suffix.clone(),
        );
        if let Some((first, other)) = identities.get(&key) {
            errors.push(Diagnostic {
                origin: self.origin(raw.span().start),
                field: Some(label("event_source_suffix")),
                message: format!(
                    "\"{}\" is already used for AWS account {} by destination \"{other}\" (line {first})",
                    key.1, key.0
                ),
                help: Some("a suffix names one partner event source per AWS account: choose another suffix".into()),
            });
        } else {
            identities.insert(key, (self.line(raw.span().start), spec.name.clone()));
        }
    }
}
