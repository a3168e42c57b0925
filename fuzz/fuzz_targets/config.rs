//! The config loader never panics, and every diagnostic points at a line of the file.
#![no_main]
use gcbridge_core::config::{load_str, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let last_line = text.matches('\n').count() + 1;
    if let Err(diags) = load_str(text, "gcbridge.toml") {
        assert!(!diags.0.is_empty());
        for d in &diags.0 {
            match &d.origin {
                Origin::File { line, column, .. } => {
                    assert!(
                        *line >= 1 && *line <= last_line,
                        "line {line} of {last_line}: {d}"
                    );
                    assert!(*column >= 1, "{d}");
                }
                Origin::Flag => panic!("a file diagnostic names the command line: {d}"),
            }
            let _ = d.to_string();
        }
    }
});
