//! Serves the built portal: its static files, and index.html for every other
//! non-API path so client-side routes survive a reload.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::{
    dev::{fn_service, ServiceRequest, ServiceResponse},
    http::header,
    web,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Paths that belong to the API and must never fall back to the SPA.
fn is_api_path(path: &str) -> bool {
    ["/api/", "/oauth/", "/.well-known/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || ["/api", "/oauth", "/livez", "/readyz"].contains(&path)
}

/// True for the paths that are the portal's index itself (`/`, `/index.html`): they go to
/// the same handler as client-side routes, so every copy of the index is served `no-store`.
fn is_index(relative: &Path) -> bool {
    relative.as_os_str().is_empty() || relative == Path::new("index.html")
}

pub fn configure(dir: PathBuf) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let index = dir.join("index.html");
        cfg.service(
            Files::new("/", dir)
                .path_filter(|relative, _| !is_index(relative))
                .default_handler(fn_service(move |req: ServiceRequest| {
                    let index = index.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        if is_api_path(req.path()) {
                            return Ok(ServiceResponse::from_err(ApiError::NotFound, req));
                        }
                        // Never stored: a signed-in page the back-forward cache kept could
                        // otherwise come back on Back after a logout (the SPA also re-checks
                        // its session on `pageshow`). Without validators nothing is revalidated.
                        let mut response = NamedFile::open_async(&index)
                            .await?
                            .use_etag(false)
                            .use_last_modified(false)
                            .into_response(&req);
                        response.headers_mut().insert(
                            header::CACHE_CONTROL,
                            header::HeaderValue::from_static("no-store"),
                        );
                        Ok(ServiceResponse::new(req, response))
                    }
                })),
        );
    }
}

/// The CSP hash sources (`'sha256-…'`) of the inline scripts in the portal's
/// `index.html`: trunk writes its wasm loader inline, with file names that
/// change with every build, so the policy allows exactly the built one.
pub fn inline_script_hashes(index_html: &str) -> Vec<String> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` cut `index_html`.
    let lower = index_html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut rest = 0;
    while let Some(start) = lower[rest..].find("<script").map(|i| rest + i) {
        let Some(body_start) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(body_end) = lower[body_start..].find("</script").map(|i| body_start + i) else {
            break;
        };
        if !lower[start..body_start].contains(" src=") {
            let digest = Sha256::digest(&index_html.as_bytes()[body_start..body_end]);
            hashes.push(format!("'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = body_end;
    }
    hashes
}

/// With no built portal, every unknown path is a 404 problem.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_paths_never_fall_back_to_the_portal() {
        assert!(super::is_api_path("/api/v1/nope"));
        assert!(super::is_api_path("/.well-known/jwks.json"));
        assert!(!super::is_api_path("/login"));
        assert!(!super::is_api_path("/apiary"));
    }

    #[test]
    fn the_root_and_index_html_are_the_index() {
        use std::path::Path;
        assert!(super::is_index(Path::new("")));
        assert!(super::is_index(Path::new("index.html")));
        assert!(!super::is_index(Path::new("style.css")));
        assert!(!super::is_index(Path::new("sub/index.html")));
    }

    #[test]
    fn only_inline_scripts_are_hashed_exactly_as_written() {
        let html = "<head><script src=\"/a.js\"></script>\n<SCRIPT type=\"module\">\nimport init from '/x.js';\n</SCRIPT></head>";
        // printf "\nimport init from '/x.js';\n" | openssl sha256 -binary | base64
        assert_eq!(
            super::inline_script_hashes(html),
            ["'sha256-rj6Ycg9yhc/aUqwo3hrIlxp86VVEQZR3LKMlG/J1o6s='"]
        );
        assert!(super::inline_script_hashes("<p>no scripts</p><script").is_empty());
    }
}
