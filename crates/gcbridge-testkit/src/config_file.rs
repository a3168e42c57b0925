//! The gcbridge.toml the AWS-half tests write: one destination on the emulator with a
//! `[destination.aws]` that associates its bus, written once so each suite states only what it
//! varies (region, topics, the extra `[destination.aws]` keys, its rules).

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
         event_source_suffix = \"{name}\"\ntopics = {topics:?}\n\n\
         [destination.aws]\nassociate = true\n{aws}\n{rules}"
    )
}

/// One `[[destination.aws.rule]]` table: `name`, then `body` (its other keys, as TOML lines).
pub fn rule(name: &str, body: &str) -> String {
    format!("\n[[destination.aws.rule]]\nname = \"{name}\"\n{body}\n")
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
}
