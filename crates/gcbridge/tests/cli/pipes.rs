//! gcbridge never dies silently on a closed pipe or socket: a closed stdout (`| head`) ends it
//! quietly with the SIGPIPE exit code, and a peer that resets the connection or answers TLS with
//! plain HTTP is an error message and exit 1, never a silent death by SIGPIPE.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{command, env_for, gcbridge, sim, ADMIN};

/// A closed stdout: the read end is gone before gcbridge writes its first line.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_quietly_with_the_sigpipe_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path(), std::iter::empty::<(&str, &str)>());
    cmd.arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("gcbridge ends")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `--api-url https://` pointed at the emulator's plain-HTTP port.
#[tokio::test(flavor = "multi_thread")]
async fn tls_to_a_plain_http_port_is_an_error_not_a_silent_death() {
    let sim = sim().await;
    let url = sim.base_url().replace("http://", "https://");
    let dir = tempfile::tempdir().unwrap();
    let out = gcbridge(dir.path(), &env_for(&url, ADMIN), &["whoami"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("error:"), "{out:?}");
    // Named as what it is, and not retried: repeating a TLS handshake with a plain-HTTP port cannot help.
    assert!(out.stderr.contains("TLS"), "{out:?}");
    assert!(!out.stderr.contains("connection refused"), "{out:?}");
    assert!(!out.stderr.contains("retrying"), "{out:?}");
}

/// A peer that accepts and resets every connection (a load balancer shedding load), over TLS and
/// over plain HTTP.
#[tokio::test(flavor = "multi_thread")]
async fn a_peer_that_resets_the_connection_is_an_error_not_a_silent_death() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // Linger 0: closing sends a reset, as a shedding load balancer does.
            #[allow(deprecated)] // Linger 0 never blocks: the close is a reset at once.
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for scheme in ["https", "http"] {
        let url = format!("{scheme}://127.0.0.1:{port}");
        let out = gcbridge(dir.path(), &env_for(&url, ADMIN), &["whoami"]).await;
        assert_eq!(out.code, 1, "{scheme}: {out:?}");
        assert!(out.stderr.contains("error:"), "{scheme}: {out:?}");
    }
}
