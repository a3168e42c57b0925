//! moto (AWS on loopback, started by `scripts/with-moto`) for tests: [`endpoint`] is the one place
//! a test learns its address, and the SDK clients here point at it with static test keys.
//!
//! A test that needs moto starts with `let Some(moto) = moto::endpoint() else { return };`.
//! Without `GCBRIDGE_TEST_MOTO_ENDPOINT`:
//! - when moto is required (`GCBRIDGE_REQUIRE_MOTO` or `CI` set: `scripts/with-moto` exports the
//!   first), the test panics and says how to run it;
//! - otherwise (a bare `cargo test`) it writes one `SKIPPED` line naming the test straight to
//!   stderr (past the test harness's output capture) and the test returns.

use std::io::Write as _;

/// The variable `scripts/with-moto` sets to moto's `http://127.0.0.1:PORT`.
pub const ENDPOINT_VAR: &str = "GCBRIDGE_TEST_MOTO_ENDPOINT";
/// Set (by `scripts/with-moto`, or by hand) when a missing moto must fail the moto tests.
pub const REQUIRE_VAR: &str = "GCBRIDGE_REQUIRE_MOTO";
/// The static keys every AWS client and every subprocess of the tests uses.
pub const TEST_KEY_ID: &str = "testing";
pub const TEST_SECRET_KEY: &str = "testing";
/// moto's account for plain credentials (no `x-moto-account-id` header).
pub const DEFAULT_ACCOUNT: &str = "123456789012";

fn is_set(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Whether a missing moto must fail the test (`GCBRIDGE_REQUIRE_MOTO` or `CI` set) rather than
/// skip it.
pub fn required() -> bool {
    is_set(REQUIRE_VAR) || is_set("CI")
}

/// moto's endpoint, or `None` after saying loudly which test is skipped; panics instead when
/// moto is required (see the module doc).
#[track_caller]
pub fn endpoint() -> Option<String> {
    if let Some(url) = std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty()) {
        return Some(url);
    }
    let caller = std::panic::Location::caller();
    // libtest names the thread of a test after it; fall back to the caller's place.
    let test = match std::thread::current().name() {
        Some(name) if name != "main" => name.to_string(),
        _ => format!("{}:{}", caller.file(), caller.line()),
    };
    if required() {
        panic!(
            "{test} needs moto but {ENDPOINT_VAR} is not set ({REQUIRE_VAR} or CI says moto is \
             required): run it as `scripts/with-moto cargo test ...`, or run `scripts/test`"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED (no moto; run scripts/test or scripts/with-moto cargo test): {test}"
    );
    None
}

/// A unique-enough name for a moto resource, so tests can share one server: `prefix-<hex>`.
pub fn unique(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let seq = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{:x}{seq:x}", n % 0xffff_ffff)
}

/// A 12-digit account of its own (never the emulator's partner 111111111111 nor moto's default
/// 123456789012), so that tests sharing one moto server do not see each other's resources.
pub fn random_account() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let seq = u64::from(ACCOUNTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let mixed = (n ^ (seq.wrapping_mul(0x9e37_79b9_7f4a_7c15))).wrapping_mul(0x2545_f491_4f6c_dd1d);
    format!("9{:011}", mixed % 100_000_000_000)
}

static ACCOUNTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn credentials() -> aws_sdk_eventbridge::config::Credentials {
    aws_sdk_eventbridge::config::Credentials::new(TEST_KEY_ID, TEST_SECRET_KEY, None, None, "test")
}

/// Shared SDK config for `endpoint` in `region` with the static test keys (moto's default account).
pub async fn sdk_config(endpoint: &str, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(credentials())
        .load()
        .await
}

/// The emulator's partner-account header is the one the test clients use too.
pub use genesys_sim::MotoAccount;

/// What every client of one moto account shares (the test keys, `endpoint`, `region`), built
/// without the async default chain so a client can be made anywhere; each client adds the
/// account's [`MotoAccount`] header.
fn account_config(endpoint: &str, region: &str) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .credentials_provider(aws_sdk_eventbridge::config::SharedCredentialsProvider::new(
            credentials(),
        ))
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .build()
}

/// An EventBridge client of moto's `account` in `region`.
pub fn events_client(endpoint: &str, region: &str, account: &str) -> aws_sdk_eventbridge::Client {
    let config = aws_sdk_eventbridge::config::Builder::from(&account_config(endpoint, region))
        .interceptor(MotoAccount(account.to_string()))
        .build();
    aws_sdk_eventbridge::Client::from_conf(config)
}

/// An SQS client of moto's `account` in `region`.
pub fn sqs_client(endpoint: &str, region: &str, account: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&account_config(endpoint, region))
        .interceptor(MotoAccount(account.to_string()))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}
