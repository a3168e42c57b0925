//! Where users live: the config schema for editors, shell completions, man pages.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn config_schema_prints_the_committed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = gcbridge(dir.path(), &[], &["config-schema"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/gcbridge.schema.json"),
    )
    .unwrap();
    assert_eq!(out.stdout, committed);
    let schema = out.json();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    for key in ["genesys", "destination", "org"] {
        assert!(schema["properties"][key].is_object(), "{key}: {schema:#}");
    }
}

/// Completes `words` (the last one being typed) with the generated bash function, in bash.
fn bash_complete(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gcbridge.bash"), script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let program = format!(
        "source ./gcbridge.bash\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n\
         _gcbridge gcbridge '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len().saturating_sub(2)],
    );
    let out = std::process::Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&program)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bash_completion_completes_commands_and_their_flags_in_bash() {
    let dir = tempfile::tempdir().unwrap();
    let out = gcbridge(dir.path(), &[], &["completions", "bash"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let script = out.stdout;
    assert_eq!(bash_complete(&script, &["gcbridge", "pl"]), vec!["plan"]);
    let commands = bash_complete(&script, &["gcbridge", "d"]);
    for c in ["delete", "demo", "destroy", "doctor"] {
        assert!(commands.iter().any(|w| w == c), "{c}: {commands:?}");
    }
    assert_eq!(
        bash_complete(&script, &["gcbridge", "plan", "--detailed"]),
        vec!["--detailed-exitcode"]
    );
    assert_eq!(
        bash_complete(&script, &["gcbridge", "completions", "fi"]),
        vec!["fish"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_shell_gets_a_script_and_an_unknown_shell_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("zsh", "#compdef gcbridge"),
        ("fish", "complete -c gcbridge"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[gcbridge]"),
    ] {
        let out = gcbridge(dir.path(), &[], &["completions", shell]).await;
        assert_eq!(out.code, 0, "{shell}: {out:?}");
        assert!(out.stdout.contains(marker), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("config-schema"), "{shell}");
    }
    let out = gcbridge(dir.path(), &[], &["completions", "tcsh"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("bash"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn man_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("share/man/man1");
    let out = gcbridge(
        dir.path(),
        &[],
        &["man", "--dir", "share/man/man1", "-o", "json"],
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed = out.json()["pages"].as_array().unwrap().len();
    assert_eq!(listed, names.len(), "{out:?}");
    let help = gcbridge(dir.path(), &[], &["--help"]).await.stdout;
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        // A command's own line; wrapped descriptions are indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 17, "{commands:?}");
    // Every command has its page, and so does every subcommand of a command that has them
    // (`events sample` is gcbridge-events-sample.1); nothing else is written.
    let mut expected: Vec<String> = commands.iter().map(|c| format!("gcbridge-{c}.1")).collect();
    for sub in ["events-sample", "events-send"] {
        expected.push(format!("gcbridge-{sub}.1"));
    }
    expected.push("gcbridge.1".into());
    expected.sort();
    assert_eq!(names, expected);
    let plan = std::fs::read_to_string(pages.join("gcbridge-plan.1")).unwrap();
    assert!(plan.starts_with(".ie") || plan.contains(".TH"), "{plan}");
    assert!(plan.contains("detailed\\-exitcode"), "{plan}");
}
