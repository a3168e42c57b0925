//! Secrets stored in moto for the tests of `client_secret_from`: a Secrets Manager secret or an
//! SSM parameter of moto's default account (the one the static test keys act as).

use crate::moto::sdk_config;

/// Creates the Secrets Manager secret `name` holding `value` in `region`; returns its ARN.
pub async fn put_secret(endpoint: &str, region: &str, name: &str, value: &str) -> String {
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(endpoint, region).await);
    let out = client
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create the secret {name} in moto: {e:?}"));
    out.arn.expect("moto returns the secret's ARN")
}

/// Creates the SSM parameter `name` holding `value` in `region`, a SecureString when `secure`.
pub async fn put_parameter(endpoint: &str, region: &str, name: &str, value: &str, secure: bool) {
    use aws_sdk_ssm::types::ParameterType;
    let client = aws_sdk_ssm::Client::new(&sdk_config(endpoint, region).await);
    let kind = match secure {
        true => ParameterType::SecureString,
        false => ParameterType::String,
    };
    client
        .put_parameter()
        .name(name)
        .value(value)
        .r#type(kind)
        .send()
        .await
        .unwrap_or_else(|e| panic!("put the parameter {name} in moto: {e:?}"));
}
