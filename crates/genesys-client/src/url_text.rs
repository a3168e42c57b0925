//! URLs as they may be shown: never with their userinfo (a password), query or fragment (a token
//! or a signature), in errors, logs and JSON alike.

use url::Url;

/// `input` with any `user:password@`, `?query` and `#fragment` removed, parsed or not (a URL that
/// failed to parse is echoed in its error too).
pub fn redact_url(input: &str) -> String {
    let trimmed = input.trim();
    if let Ok(mut url) = Url::parse(trimmed) {
        if url.has_host() {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            return url.to_string();
        }
    }
    let cut = trimmed.find(['?', '#']).unwrap_or(trimmed.len());
    let head = &trimmed[..cut];
    let (scheme, rest) = match head.find("://") {
        Some(i) => (&head[..i + 3], &head[i + 3..]),
        None => ("", head),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let marked = if authority.contains('@') { "…@" } else { "" };
    format!("{scheme}{marked}{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_query_and_fragment_never_survive() {
        for input in [
            "https://user:hunter2@api.example.com/x?token=hunter2#hunter2",
            "https://hunter2@api.example.com",
            "http://u:hunter2@127.0.0.1:1/?a=hunter2",
            "ftp://u:hunter2@x/?q=hunter2",
            "https://u:hunter2@exa mple.com/?hunter2",
            "u:hunter2@not a url?hunter2",
            "https://[::1/?x=hunter2",
        ] {
            let shown = redact_url(input);
            assert!(!shown.contains("hunter2"), "{input} -> {shown}");
        }
        assert_eq!(
            redact_url("https://a:b@api.example.com/p?q=1"),
            "https://api.example.com/p"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/"
        );
    }
}
