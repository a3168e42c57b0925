//! The bad-input corpus (`tests/bad-input/` at the workspace root): every case must exit 2, say
//! where the problem is (file:line, or the flag) and how to fix it, and send no write request.
//!
//! A case is a directory holding:
//! - `gcbridge.toml` (optional): the config file, written into an empty working directory;
//! - `generate` (optional): instead of a committed file, a generator the harness runs
//!   (`huge-file BYTES`, `huge-topic-list N`, `non-utf8`, `utf16`, `nul-bytes`), so big or binary
//!   inputs are not committed;
//! - `args` (optional): the command line, one argument per line (an empty line is an empty
//!   argument); default `plan -f gcbridge.toml`;
//! - `expect`: substrings stderr must contain, one per line (`#` lines are comments). A file case
//!   must expect a `gcbridge.toml:LINE:` position.
//!
//! `BAD_INPUT_CASE=substring` runs only the matching cases; `BAD_INPUT_SHOW=1` prints every
//! case's stderr (with `--nocapture`), to review the messages themselves.
//!
//! `{API_URL}` (the emulator's URL) and `{ORG_ID}` (its org id) are replaced in all three files.
//! Without a config file the emulator is given by `GENESYS_API_URL`, so flag cases that need the
//! live catalogue (unknown topics, globs matching nothing) reach it; reads are fine, writes are not.

use std::path::{Path, PathBuf};

use crate::common::*;
use futures_util::stream::{self, StreamExt};

struct Case {
    name: String,
    file: Option<Vec<u8>>,
    args: Vec<String>,
    expect: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-input")
}

/// The config every generator starts from: a valid file, lines 1 to 9.
fn valid_head() -> String {
    "[genesys]\napi_url = \"{API_URL}\"\n\n[[destination]]\nname = \"prod-events\"\n".to_string()
}

/// The valid head, then on line 6 a `description` holding `raw` as it is (bytes TOML or UTF-8
/// refuse), then `rest` and the event types.
fn with_raw_description(raw: &[u8], rest: &str) -> Vec<u8> {
    let mut out = valid_head().into_bytes();
    out.extend_from_slice(b"description = \"");
    out.extend_from_slice(raw);
    out.extend_from_slice(b"\"\n");
    out.extend_from_slice(rest.as_bytes());
    out.extend_from_slice(b"event_types = [\"routing\"]\n");
    out
}

fn generate(spec: &str) -> Vec<u8> {
    let mut words = spec.split_whitespace();
    let kind = words.next().unwrap_or_default();
    let arg = |w: Option<&str>| -> usize {
        w.and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("generator {spec:?} needs a number"))
    };
    let rest = "aws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"prod-events\"\n";
    match kind {
        // A file far over the size limit (a log file passed by mistake): comment lines.
        "huge-file" => {
            let size = arg(words.next());
            let line = b"# not a config file, just a very long log of something else\n";
            let mut out = Vec::with_capacity(size);
            while out.len() < size {
                out.extend_from_slice(line);
            }
            out.truncate(size);
            out
        }
        // N valid topics (lines 10 ..= 9+N), then an empty entry on line 10+N.
        "huge-topic-list" => {
            let n = arg(words.next());
            let mut s = valid_head();
            s.push_str(rest);
            s.push_str("topics = [\n");
            for _ in 0..n {
                s.push_str("  \"v2.users.{id}.presence\",\n");
            }
            s.push_str("  \"\",\n]\n");
            s.into_bytes()
        }
        // A Latin-1 'é' (0xE9) in the description on line 6.
        "non-utf8" => with_raw_description(b"donn\xe9es", rest),
        // The whole file saved as UTF-16LE with a byte order mark.
        "utf16" => {
            let text = format!("{}{rest}event_types = [\"routing\"]\n", valid_head());
            let mut out = vec![0xff, 0xfe];
            for unit in text.encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
        // NUL bytes inside a string on line 6 (valid UTF-8, invalid TOML).
        "nul-bytes" => with_raw_description(b"a\0\0b", rest),
        other => panic!("unknown generator {other:?}"),
    }
}

fn load_cases(url: &str) -> Vec<Case> {
    let subst = |s: &str| {
        s.replace("{API_URL}", url)
            .replace("{ORG_ID}", genesys_sim::DEFAULT_ORG_ID)
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad-input exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
            let file = match (read("gcbridge.toml"), read("generate")) {
                (Some(text), None) => Some(subst(&text).into_bytes()),
                (None, Some(spec)) => {
                    let bytes = generate(spec.trim());
                    // Placeholders only matter in the text part; a generated file is at most
                    // a few MB of text besides the huge-file case, which holds none.
                    Some(match String::from_utf8(bytes) {
                        Ok(text) if text.contains('{') => subst(&text).into_bytes(),
                        Ok(text) => text.into_bytes(),
                        Err(e) => e.into_bytes(),
                    })
                }
                (None, None) => None,
                (Some(_), Some(_)) => panic!("{name}: both gcbridge.toml and generate"),
            };
            let args = match read("args") {
                Some(text) => {
                    let text = subst(&text);
                    let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
                    if lines.last().is_some_and(String::is_empty) {
                        lines.pop();
                    }
                    lines
                }
                None => {
                    assert!(file.is_some(), "{name}: neither args nor a config file");
                    vec!["plan".into(), "-f".into(), "gcbridge.toml".into()]
                }
            };
            let expect: Vec<String> = read("expect")
                .unwrap_or_else(|| panic!("{name}: no expect file"))
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(subst)
                .collect();
            assert!(
                expect.len() >= 2,
                "{name}: expect names the place and the fix (at least two substrings)"
            );
            if file.is_some() && args.iter().any(|a| a == "gcbridge.toml") {
                assert!(
                    expect.iter().any(|e| e.starts_with("gcbridge.toml")),
                    "{name}: a config file case expects the file's name and position"
                );
            }
            Case {
                name,
                file,
                args,
                expect,
            }
        })
        .collect()
}

async fn run_case(case: &Case, url: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    if let Some(bytes) = &case.file {
        std::fs::write(dir.path().join("gcbridge.toml"), bytes).unwrap();
    }
    let mut env = vec![
        ("GENESYS_CLIENT_ID", ADMIN),
        ("GENESYS_CLIENT_SECRET", SECRET),
    ];
    if case.file.is_none() {
        env.push(("GENESYS_API_URL", url));
    }
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let out = gcbridge(dir.path(), &env, &args).await;
    let missing: Vec<&String> = case
        .expect
        .iter()
        .filter(|e| !out.stderr.contains(e.as_str()))
        .collect();
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        eprintln!("=== {} (exit {})\n{}", case.name, out.code, out.stderr);
    }
    let panicked = out.stderr.contains("panicked");
    if out.code != 2 || !missing.is_empty() || panicked {
        return Err(format!(
            "{}: expected exit 2 and stderr containing {missing:?}{}\n{out:?}",
            case.name,
            if panicked { " (it panicked)" } else { "" }
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_corpus_case_exits_2_says_where_and_how_and_writes_nothing() {
    let sim = sim().await;
    let url = sim.base_url();
    let cases = load_cases(&url);
    assert!(
        cases.len() >= 60,
        "the corpus has {} cases; at least 60",
        cases.len()
    );
    let only = std::env::var("BAD_INPUT_CASE").ok();
    let results: Vec<Result<(), String>> = stream::iter(
        cases
            .iter()
            .filter(|c| only.as_deref().is_none_or(|o| c.name.contains(o))),
    )
    .map(|c| run_case(c, &url))
    .buffer_unordered(8)
    .collect()
    .await;
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    let c = requests(&url).await;
    assert!(
        failures.is_empty(),
        "{} of {} case(s) failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    assert_eq!(c["writes"], 0, "bad input must never reach a write: {c}");
}
