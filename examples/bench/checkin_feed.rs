//! The check-in desk's guest data as a desk sees it: one full download on the first view, then revalidations.

use std::time::Instant;

/// The first view's download (gzip, as a browser asks for it): its ETag for the later views, and a
/// note with its bytes (raw and gzip) and how long it took.
pub async fn first_download(base: &str, path: &str, headers: &[(String, String)]) -> anyhow::Result<(String, String)> {
    let (raw, gz) = super::sizes(base, path, headers).await?;
    let mut request = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("accept-encoding", "gzip");
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let started = Instant::now();
    let r = request.send().await?;
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    r.bytes().await?;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(!etag.is_empty(), "GET {path}: no ETag to revalidate with");
    let note = format!(
        "check-in guest data, first view (full download): {raw} B raw, {gz} B gzip, {took:.0} ms gzipped; \
         later views revalidate (If-None-Match, 304)"
    );
    Ok((etag, note))
}

/// The session's headers with the kept copy's tag, as the service worker sends them on a later view.
pub fn revalidating(session: &[(String, String)], etag: &str) -> Vec<(String, String)> {
    let mut headers = session.to_vec();
    headers.push(("If-None-Match".to_string(), etag.to_string()));
    headers
}
