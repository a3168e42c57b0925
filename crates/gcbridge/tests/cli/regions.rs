//! Region inputs end to end: a well-formed AWS region code outside the bundled list is a warning
//! and the plan goes on (Genesys decides); a malformed one is exit 2 (the corpus has those).

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_well_formed_unlisted_aws_region_is_a_warning_not_exit_2() {
    let w = World::as_client(ADMIN).await;
    let out = w
        .run(&[
            "plan",
            "--name",
            "d",
            "--aws-account-id",
            "123456789012",
            "--aws-region",
            "ap-southeast-9",
            "--suffix",
            "d",
            "--event-types",
            "routing",
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("warning"), "{out:?}");
    assert!(
        out.stderr
            .contains("\"ap-southeast-9\" is not in gcbridge's list"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("ap-southeast-9"),
        "the plan uses it as given: {out:?}"
    );
}
