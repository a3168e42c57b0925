//! Lambda in moto for tests: a function that exists (moto wants its role to exist in IAM, and a
//! zip for its code; nothing ever runs it: moto patch (l) logs each invocation instead).

use serde_json::json;

use crate::moto::DEFAULT_ACCOUNT as ACCOUNT;

/// Creates the function `name` (and its role, also `name`); returns the function's ARN.
pub async fn create_function(moto: &str, lambda: &aws_sdk_lambda::Client, name: &str) -> String {
    let role = create_role(moto, name).await;
    lambda
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role)
        .handler("index.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(tiny_zip()))
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateFunction {name}: {e:?}"))
        .function_arn()
        .expect("a function ARN")
        .to_string()
}

/// An IAM role for the function (moto checks it exists), through IAM's query API: gcbridge has
/// no IAM client, and its tests do not need one more SDK crate for this.
pub async fn create_role(moto: &str, name: &str) -> String {
    let trust = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let body = format!(
        "Action=CreateRole&Version=2010-05-08&RoleName={name}&AssumeRolePolicyDocument={}",
        urlencode(&trust.to_string())
    );
    let r = reqwest::Client::new()
        .post(format!("{moto}/"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "CreateRole: {}",
        r.text().await.unwrap()
    );
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A zip archive with one empty file (moto stores the code; nothing runs it).
fn tiny_zip() -> Vec<u8> {
    let name = b"index.py";
    let mut local = vec![0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    local.extend([0u8; 12]); // crc, sizes: an empty file
    local.extend((name.len() as u16).to_le_bytes());
    local.extend([0, 0]);
    local.extend(name);
    let mut central = vec![0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    central.extend([0u8; 12]);
    central.extend((name.len() as u16).to_le_bytes());
    central.extend([0u8; 12]); // extra, comment, disk, attributes
    central.extend(0u32.to_le_bytes()); // offset of the local header
    central.extend(name);
    let mut end = vec![0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0];
    end.extend((central.len() as u32).to_le_bytes());
    end.extend((local.len() as u32).to_le_bytes());
    end.extend([0, 0]);
    [local, central, end].concat()
}
