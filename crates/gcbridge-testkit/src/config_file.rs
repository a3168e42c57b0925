//! The gcbridge.toml the tests write: one destination on the emulator with a `[destination.aws]`
//! that associates its bus (or, for offline commands, one on a Genesys region), written once so
//! each suite states only what it varies (region, topics, the extra `[destination.aws]` keys, its
//! rules).

use crate::moto::DEFAULT_ACCOUNT;

/// A file of one destination `name` (its event source suffix too) in moto's default account and
/// `region`, on the emulator at `url`, subscribed to `topics`; `aws` holds extra lines of
/// `[destination.aws]` (after `associate = true`), `rules` its `[[destination.aws.rule]]` tables.
pub fn aws_destination(
    url: &str,
    name: &str,
    region: &str,
    topics: &[&str],
    aws: &str,
    rules: &str,
) -> String {
    format!(
        "[genesys]\napi_url = \"{url}\"\n\n[[destination]]\nname = \"{name}\"\n\
         aws_account_id = \"{DEFAULT_ACCOUNT}\"\naws_region = \"{region}\"\n\
         event_source_suffix = \"{name}\"\ntopics = {topics:?}\n{}",
        aws_table(aws, rules)
    )
}

/// A file of one destination `name` (its event source suffix too) in `account` and us-east-1,
/// of `event_types`, on the Genesys region us-east-1 rather than an emulator: for the commands
/// that only read the file, or fail before they call out. `aws` follows as it is (an
/// [`aws_table`], or nothing).
pub fn offline_destination(name: &str, account: &str, event_types: &[&str], aws: &str) -> String {
    format!(
        "[genesys]\nregion = \"us-east-1\"\n\n[[destination]]\nname = \"{name}\"\n\
         aws_account_id = \"{account}\"\naws_region = \"us-east-1\"\n\
         event_source_suffix = \"{name}\"\nevent_types = {event_types:?}\n{aws}"
    )
}

/// The `[destination.aws]` table that associates the bus, with `extra` lines (an archive, say)
/// after `associate = true`, then `rules` (its `[[destination.aws.rule]]` tables).
pub fn aws_table(extra: &str, rules: &str) -> String {
    format!("\n[destination.aws]\nassociate = true\n{extra}\n{rules}")
}

/// One `[[destination.aws.rule]]` table: `name`, then `body` (its other keys, as TOML lines).
pub fn rule(name: &str, body: &str) -> String {
    format!("\n[[destination.aws.rule]]\nname = \"{name}\"\n{body}\n")
}

/// A rule `name` matching every event of the partner source (`source` prefix
/// `aws.partner/genesys.com`) and delivering to `targets`.
pub fn partner_rule(name: &str, targets: &[&str]) -> String {
    let pattern = "event_pattern = { source = [{ prefix = \"aws.partner/genesys.com\" }] }";
    rule(name, &format!("{pattern}\ntargets = {targets:?}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_file_is_toml_with_the_destination_and_its_rule() {
        let rule = super::rule(
            "to-queue",
            "targets = [\"arn:aws:sqs:us-east-1:123456789012:q\"]",
        );
        let text = super::aws_destination(
            "http://127.0.0.1:1",
            "d",
            "eu-west-1",
            &["v2.users.{id}.presence"],
            "archive = { retention_days = 3 }",
            &rule,
        );
        let v: toml::Value = toml::from_str(&text).unwrap();
        let d = &v["destination"][0];
        assert_eq!(d["aws_region"].as_str(), Some("eu-west-1"));
        assert_eq!(d["topics"][0].as_str(), Some("v2.users.{id}.presence"));
        assert_eq!(d["aws"]["archive"]["retention_days"].as_integer(), Some(3));
        assert_eq!(d["aws"]["rule"][0]["name"].as_str(), Some("to-queue"));
    }

    #[test]
    fn the_offline_file_is_toml_on_a_region_with_its_event_types() {
        let aws = super::aws_table("", &super::partner_rule("r", &["arn:aws:sqs:x"]));
        let text = super::offline_destination("p", "012345678901", &["routing"], &aws);
        let v: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(v["genesys"]["region"].as_str(), Some("us-east-1"));
        let d = &v["destination"][0];
        assert_eq!(d["aws_account_id"].as_str(), Some("012345678901"));
        assert_eq!(d["event_types"][0].as_str(), Some("routing"));
        assert_eq!(d["aws"]["associate"].as_bool(), Some(true));
        assert_eq!(
            d["aws"]["rule"][0]["targets"][0].as_str(),
            Some("arn:aws:sqs:x")
        );
    }
}
