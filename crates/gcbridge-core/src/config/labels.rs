//! How messages name a destination's values: by their config-file key or by their flag.
//!
//! The same validation runs for `[[destination]]` tables and for `--name`/`--suffix`/... flags, so
//! the wording is chosen where a message is made, never patched afterwards.

/// Which vocabulary a message uses for a destination's values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Labels {
    /// Keys of a config-file table (`aws_account_id`).
    #[default]
    File,
    /// Command-line flags (`--aws-account-id`).
    Flags,
}

/// One value of a destination, independent of how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Name,
    Description,
    Enabled,
    AwsAccountId,
    AwsRegion,
    EventSourceSuffix,
    EventBusArn,
    Topics,
    EventTypes,
}

impl Key {
    /// The file key and the flag, side by side so the two vocabularies cannot drift apart.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Key::Name => ("name", "--name"),
            Key::Description => ("description", "--description"),
            Key::Enabled => ("enabled", "--disabled"),
            Key::AwsAccountId => ("aws_account_id", "--aws-account-id"),
            Key::AwsRegion => ("aws_region", "--aws-region"),
            Key::EventSourceSuffix => ("event_source_suffix", "--suffix"),
            Key::EventBusArn => ("event_bus_arn", "--event-bus-arn"),
            Key::Topics => ("topics", "--topic"),
            Key::EventTypes => ("event_types", "--event-types"),
        }
    }
}

impl Labels {
    /// How `key` is written in this vocabulary.
    pub fn name(self, key: Key) -> &'static str {
        let (file, flag) = key.names();
        match self {
            Labels::File => file,
            Labels::Flags => flag,
        }
    }

    /// The alternative to the three identity values, for "is required" help.
    pub(crate) fn arn_instead(self) -> String {
        let article = match self {
            Labels::File => "an ",
            Labels::Flags => "",
        };
        format!(
            "{article}{} instead of {}, {} and {}",
            self.name(Key::EventBusArn),
            self.name(Key::AwsAccountId),
            self.name(Key::AwsRegion),
            self.name(Key::EventSourceSuffix)
        )
    }

    /// Where the account goes when a partner event source ARN does not name it. A file user may
    /// also be about to retry with flags, so the file wording names both.
    pub(crate) fn account_place(self) -> String {
        match self {
            Labels::File => format!(
                "{} / {}",
                Labels::File.name(Key::AwsAccountId),
                Labels::Flags.name(Key::AwsAccountId)
            ),
            Labels::Flags => Labels::Flags.name(Key::AwsAccountId).to_string(),
        }
    }

    /// How to select topics when none are.
    pub(crate) fn topics_hint(self) -> &'static str {
        match self {
            Labels::File => "add topics = [...] (templates or globs) or event_types = [\"conversation\", ...] to the table",
            Labels::Flags => "give --topic TEMPLATE (repeatable) or --event-types conversation,user,routing",
        }
    }
}
