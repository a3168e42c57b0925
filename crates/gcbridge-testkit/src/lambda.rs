//! Lambda in moto for tests: a function that exists (moto wants its role to exist in IAM, and a
//! zip for its code; nothing ever runs it: moto patch (l) logs each invocation instead).

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

/// The IAM role `name` that Lambda may assume (moto checks a function's role exists), made in
/// moto's default account by [`crate::moto_reads::create_role`]; its ARN.
pub async fn create_role(moto: &str, name: &str) -> String {
    let iam = aws_sdk_iam::Client::new(&crate::moto::sdk_config(moto, "us-east-1").await);
    crate::moto_reads::create_role(&iam, name, "lambda.amazonaws.com").await
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
