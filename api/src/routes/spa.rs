//! Serves the built portal: its static files, and index.html for every other
//! non-API path so client-side routes survive a reload.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::{
    dev::{fn_service, ServiceRequest, ServiceResponse},
    http::header,
    web,
};

use crate::error::ApiError;

/// Paths that belong to the API and must never fall back to the SPA.
fn is_api_path(path: &str) -> bool {
    ["/api/", "/oauth/", "/.well-known/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || ["/api", "/oauth", "/livez", "/readyz"].contains(&path)
}

pub fn configure(dir: PathBuf) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let index = dir.join("index.html");
        cfg.service(
            Files::new("/", dir)
                .index_file("index.html")
                .default_handler(fn_service(move |req: ServiceRequest| {
                    let index = index.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        if is_api_path(req.path()) {
                            return Ok(ServiceResponse::from_err(ApiError::NotFound, req));
                        }
                        let mut response = NamedFile::open_async(&index).await?.into_response(&req);
                        response.headers_mut().insert(
                            header::CACHE_CONTROL,
                            header::HeaderValue::from_static("no-cache"),
                        );
                        Ok(ServiceResponse::new(req, response))
                    }
                })),
        );
    }
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
}
