//! Config problems as rustc shows its errors: all of them, each with its line, a caret under the
//! value and the help; no colour off a terminal or with NO_COLOR; the same problems as JSON.

use crate::common::*;

/// Four problems of four kinds: an unknown key, a wrong type, a bad value, a missing key.
const FOUR: &str = r#"[genesys]
region = "us-east-1"
regoin = "us-east-1"

[[destination]]
name = "prod-events"
aws_account_id = 123456789012
aws_region = "us-east-1"
event_source_suffix = "prod-events"
event_types = ["routing"]

[[destination]]
name = "other"
aws_account_id = "123456789012"
aws_region = "us-eats-1"
event_source_suffix = "other"
event_types = ["routing"]

[[destination]]
aws_account_id = "123456789012"
aws_region = "us-east-1"
event_source_suffix = "third"
event_types = ["routing"]
"#;

async fn validate(env: &[(&str, &str)], extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gcbridge.toml"), FOUR).unwrap();
    let mut args = vec!["validate", "-f", "gcbridge.toml"];
    args.extend_from_slice(extra);
    gcbridge(dir.path(), env, &args).await
}

/// The four problems of [`FOUR`] read from `file`, each shown rustc-like: its place, its line and
/// a caret under the value.
#[track_caller]
fn assert_lines_and_carets(out: &Output, file: &str) {
    let err = &out.stderr;
    for (place, text, column, width) in [
        (format!("{file}:3:1"), "regoin = \"us-east-1\"", 1, 6),
        (
            format!("{file}:7:18"),
            "aws_account_id = 123456789012",
            18,
            12,
        ),
        (
            format!("{file}:15:14"),
            "aws_region = \"us-eats-1\"",
            14,
            11,
        ),
        (format!("{file}:19:1"), "[[destination]]", 1, 1),
    ] {
        let at = err
            .find(place.as_str())
            .unwrap_or_else(|| panic!("{place} missing: {out:?}"));
        let mut lines = err[at..]
            .lines()
            .skip_while(|l| !l.ends_with(&format!("| {text}")));
        assert!(lines.next().is_some(), "line {text:?} shown: {out:?}");
        let caret = lines.next().unwrap_or_default().trim_start();
        let expected = format!("| {}{}", " ".repeat(column - 1), "^".repeat(width));
        assert_eq!(caret, expected, "caret under {text:?}: {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn four_problems_of_four_kinds_each_with_its_line_and_caret() {
    for env in [vec![], vec![("NO_COLOR", "1")]] {
        let out = validate(&env, &[]).await;
        assert_eq!(out.code, 2, "{out:?}");
        let err = &out.stderr;
        assert!(err.contains("4 problems in the input"), "{out:?}");
        assert_eq!(err.matches("\nerror: ").count(), 4, "{out:?}");
        // Not a terminal (and NO_COLOR in the second run): no escape sequence at all.
        assert!(!err.contains('\u{1b}'), "{out:?}");
        assert_lines_and_carets(&out, "gcbridge.toml");
        for help in [
            "did you mean \"region\"",
            "quoted string",
            "us-east-1",
            "add the key to this table",
        ] {
            assert!(err.contains(help), "{help:?}: {out:?}");
        }
        assert!(out.stdout.is_empty(), "{out:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_output_gives_the_same_problems_as_data() {
    let out = validate(&[], &["-o", "json"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    let doc = out.json();
    let items = doc["error"]["diagnostics"]
        .as_array()
        .expect("a diagnostics list");
    assert_eq!(items.len(), 4, "{doc:#}");
    let keys = ["column", "file", "help", "key", "line", "message"];
    for item in items {
        let mut have: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        have.sort();
        assert_eq!(have, keys, "{item:#}");
        assert_eq!(item["file"], "gcbridge.toml", "{item:#}");
    }
    let at: Vec<(u64, u64)> = items
        .iter()
        .map(|i| (i["line"].as_u64().unwrap(), i["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, vec![(3, 1), (7, 18), (15, 14), (19, 1)], "{doc:#}");
    assert_eq!(items[0]["key"], "genesys.regoin");
    assert_eq!(items[0]["message"], "unknown key \"regoin\"");
    assert!(items[0]["help"]
        .as_str()
        .unwrap()
        .contains("did you mean \"region\""));
    assert_eq!(
        items[1]["key"],
        "destination \"prod-events\" aws_account_id"
    );
    assert_eq!(items[2]["key"], "destination \"other\" aws_region");
    assert_eq!(items[3]["key"], "destination #3 name");
}

/// `gcbridge ARGS` with `stdin` piped in.
async fn with_stdin(env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path(), env.iter().copied())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    Output::from(child.wait_with_output().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_f_dash_reads_the_config_from_stdin_once_for_every_use() {
    let out = with_stdin(&[], &["validate", "-f", "-"], FOUR).await;
    assert_eq!(out.code, 2, "{out:?}");
    // The same snippets as for a file: the renderer finds the kept text.
    assert_lines_and_carets(&out, "<stdin>");
    let out = with_stdin(&[], &["validate", "-f", "-"], "").await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("standard input is empty"), "{out:?}");
    // plan loads the file twice (the connection, then the destinations): both see the same text.
    let sim = sim().await;
    let url = sim.base_url();
    let good = "[[destination]]\nname = \"from-stdin\"\naws_account_id = \"123456789012\"\n\
                aws_region = \"us-east-1\"\nevent_source_suffix = \"from-stdin\"\nevent_types = [\"routing\"]\n";
    let out = with_stdin(
        &env_for(&url, ADMIN),
        &["plan", "-f", "-", "-o", "json"],
        good,
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("from-stdin"), "{out:?}");
}
