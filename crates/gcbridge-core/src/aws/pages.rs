//! EventBridge answers its listings in pages behind a `NextToken`, and its SDK has no paginators
//! (the service model declares none; IAM's and SQS's do, and core uses those): this is the one
//! loop that follows the token.

use std::future::Future;

use super::error::AwsError;

/// Every item of a paged listing. `page(token)` asks for one page and answers its items and the
/// next token; the listing ends at the first page without one. An empty token counts as none, so
/// a service that answers `""` cannot keep the loop asking for the same first page.
pub(crate) async fn every_page<T, F, Fut>(mut page: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Option<Vec<T>>, Option<String>), AwsError>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let (batch, next) = page(token).await?;
        items.extend(batch.unwrap_or_default());
        token = next.filter(|t| !t.is_empty());
        if token.is_none() {
            return Ok(items);
        }
    }
}
