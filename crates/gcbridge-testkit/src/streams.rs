//! Kinesis streams and Firehose delivery streams (to an S3 bucket) in moto for tests, and reading
//! back what EventBridge delivered to them (moto patches q and r), through the services' own wire
//! APIs: gcbridge has no Kinesis, Firehose or S3 client, and its tests do not need three more SDK
//! crates for this.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::lambda::create_role;

/// moto's answer to one call of a JSON-protocol service (`target` is `Prefix.Operation`).
async fn call(moto: &str, account: &str, service: &str, target: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{moto}/"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", target)
        .header(genesys_sim::MOTO_ACCOUNT_HEADER, account)
        .header("Authorization", auth(service))
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{target}: {e}"));
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{target}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn auth(service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0")
}

/// A one-shard Kinesis stream `name` of `account` in us-east-1; returns its ARN.
pub async fn create_stream(moto: &str, account: &str, name: &str) -> String {
    call(
        moto,
        account,
        "kinesis",
        "Kinesis_20131202.CreateStream",
        json!({"StreamName": name, "ShardCount": 1}),
    )
    .await;
    format!("arn:aws:kinesis:us-east-1:{account}:stream/{name}")
}

/// The JSON documents of every record in the stream, once `want` arrived or after 10 s (with
/// `want` 0: after 2 s, to see that nothing came).
pub async fn stream_records(moto: &str, account: &str, name: &str, want: usize) -> Vec<Value> {
    poll(want, || read_stream(moto, account, name)).await
}

/// What `read` answers once it holds `want` items or after 10 s, reading again every 100 ms;
/// with `want` 0, after 2 s (to see that nothing came). Deliveries are asynchronous: a test
/// waits for them this way rather than sleeping a fixed time.
pub async fn poll<T, F, Fut>(want: usize, mut read: F) -> Vec<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<T>>,
{
    let start = Instant::now();
    loop {
        let got = read().await;
        let waited = start.elapsed() > Duration::from_secs(if want == 0 { 2 } else { 10 });
        if (want > 0 && got.len() >= want) || waited {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn read_stream(moto: &str, account: &str, name: &str) -> Vec<Value> {
    let k = |op: &str| format!("Kinesis_20131202.{op}");
    let described = call(
        moto,
        account,
        "kinesis",
        &k("DescribeStream"),
        json!({"StreamName": name}),
    )
    .await;
    let shard = described["StreamDescription"]["Shards"][0]["ShardId"].clone();
    let it = call(
        moto,
        account,
        "kinesis",
        &k("GetShardIterator"),
        json!({"StreamName": name, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )
    .await;
    let records = call(
        moto,
        account,
        "kinesis",
        &k("GetRecords"),
        json!({"ShardIterator": it["ShardIterator"]}),
    )
    .await;
    records["Records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["Data"].as_str().and_then(|d| STANDARD.decode(d).ok()))
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect()
}

/// A Firehose delivery stream `name` of `account` writing to a new S3 bucket of the same name;
/// returns the delivery stream's ARN.
pub async fn create_delivery_stream(moto: &str, account: &str, name: &str) -> String {
    let r = reqwest::Client::new()
        .put(format!("{moto}/{name}"))
        .header(genesys_sim::MOTO_ACCOUNT_HEADER, account)
        .header("Authorization", auth("s3"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "CreateBucket {name}: {r:?}");
    let role = create_role(moto, &format!("{name}-s3")).await;
    call(
        moto,
        account,
        "firehose",
        "Firehose_20150804.CreateDeliveryStream",
        json!({"DeliveryStreamName": name, "S3DestinationConfiguration": {
            "RoleARN": role, "BucketARN": format!("arn:aws:s3:::{name}")}}),
    )
    .await;
    format!("arn:aws:firehose:us-east-1:{account}:deliverystream/{name}")
}

/// The JSON documents Firehose wrote to the bucket `name` (one object per record here), once
/// `want` arrived or after 10 s (with `want` 0: after 2 s).
pub async fn bucket_records(moto: &str, account: &str, name: &str, want: usize) -> Vec<Value> {
    poll(want, || read_bucket(moto, account, name)).await
}

async fn read_bucket(moto: &str, account: &str, name: &str) -> Vec<Value> {
    // The body of one S3 GET of the account's `path`.
    let get = |path: String| async move {
        reqwest::Client::new()
            .get(format!("{moto}/{path}"))
            .header(genesys_sim::MOTO_ACCOUNT_HEADER, account)
            .header("Authorization", auth("s3"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    };
    let listing = String::from_utf8_lossy(&get(format!("{name}?list-type=2")).await).into_owned();
    let mut out = Vec::new();
    for key in listing
        .split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
    {
        let body = get(format!("{name}/{key}")).await;
        if let Ok(doc) = serde_json::from_slice(&body) {
            out.push(doc);
        }
    }
    out
}
