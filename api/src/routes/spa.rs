//! Serves the built portal: its static files, and index.html for every other
//! non-API path so client-side routes survive a reload.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::{
    dev::{fn_service, ServiceRequest, ServiceResponse},
    guard,
    http::header::{
        self, AcceptEncoding, AcceptLanguage, ContentEncoding, Encoding, Header, HeaderValue,
        Preference, Quality,
    },
    web, HttpRequest, HttpResponse,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};

use portcullis_shared::dto::Language;

use crate::error::ApiError;

/// Paths that belong to the API and must never fall back to the SPA.
fn is_api_path(path: &str) -> bool {
    ["/api/", "/oauth/", "/.well-known/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || ["/api", "/oauth", "/livez", "/readyz"].contains(&path)
}

/// True for the paths that are the portal's index itself (`/`, `/index.html`, and the
/// sign-in bundle's copies `/login.html`, `/sign-in.html`): they go to the same handler as
/// client-side routes, so every copy of the index is served `no-store`.
fn is_index(relative: &Path) -> bool {
    relative.as_os_str().is_empty()
        || relative == Path::new("index.html")
        || relative == Path::new(LOGIN_PAGE)
        || relative == Path::new(SIGN_IN_PAGE)
        || translated_login_pages().any(|page| relative == Path::new(&page))
}

/// The login page in `language`, which `build_portal` writes from
/// `web/login-shell.<language>.html` (English is login.html itself).
fn translated_login_page(language: Language) -> String {
    format!("login.{}.html", language.as_str())
}

/// Every translated login page a build may have (every language but the default).
fn translated_login_pages() -> impl Iterator<Item = String> {
    Language::ALL
        .into_iter()
        .filter(|language| *language != Language::default())
        .map(translated_login_page)
}

/// The language the visitor reads: the one they picked in the portal (its cookie), else
/// the first their browser asks for that the portal speaks (`Accept-Language`, by weight).
fn visitor_language(req: &HttpRequest) -> Language {
    if let Some(picked) = req
        .cookie(portcullis_shared::routes::LANGUAGE_COOKIE)
        .and_then(|cookie| Language::from_tag(cookie.value()))
    {
        return picked;
    }
    crate::auth::browser_language(AcceptLanguage::parse(req).ok().as_ref())
}

/// The index with the login form painted in it instead of the loading card, which
/// `build_portal` writes beside index.html: served for `/login`, so the form shows before
/// the wasm arrives. The app replaces it when it mounts.
const LOGIN_PAGE: &str = "login.html";

/// The index with the loading card and the sign-in bundle, which `build_portal` writes
/// beside index.html: served for any other page to a browser without a session cookie.
const SIGN_IN_PAGE: &str = "sign-in.html";

/// The copy of the index to serve for `req`: the login page's own where the build has one,
/// in the visitor's language where the build has that; for any other page, the sign-in
/// bundle's copy when the browser sent no session cookie, else the whole portal's.
///
/// A browser without the cookie is signed out, or followed a link from another site (the
/// `SameSite=Strict` cookie stays behind then). Either way the small sign-in bundle starts:
/// it asks the API for the session (a same-site request, which carries the cookie) and,
/// signed in, loads the page again as a whole page (a same-site navigation now, with the
/// cookie: the whole portal); signed out, it shows the login page. So a signed-out first
/// visit by any link downloads only the sign-in bundle.
async fn index_for(dir: &Path, req: &HttpRequest) -> std::io::Result<NamedFile> {
    if req.path() == LOGIN_ROUTE {
        let language = visitor_language(req);
        if language != Language::default() {
            if let Ok(file) = NamedFile::open_async(dir.join(translated_login_page(language))).await
            {
                return Ok(file);
            }
        }
        if let Ok(file) = NamedFile::open_async(dir.join(LOGIN_PAGE)).await {
            return Ok(file);
        }
    } else if without_session_cookie(req) {
        if let Ok(file) = NamedFile::open_async(dir.join(SIGN_IN_PAGE)).await {
            return Ok(file);
        }
    }
    NamedFile::open_async(dir.join("index.html")).await
}

/// The login page's route, which login.html (with the sign-in bundle) is served for.
const LOGIN_ROUTE: &str = "/login";

/// True when a visit to `path` goes straight to the login page: the portal's root asked
/// for by a browser with no session cookie at all, which can only be signed out. Deep
/// links stay where they are, whatever the cookies (see [`index_for`]): a link followed
/// from another site comes without the `SameSite=Strict` session cookie even when the
/// browser is signed in, and the page must still open. Only when the build has the login
/// page (`has_login_page`, looked up once at start).
fn goes_to_login(req: &HttpRequest, has_login_page: bool) -> bool {
    has_login_page && req.path() == "/" && without_session_cookie(req)
}

/// True when the browser sent no session cookie: it is signed out, or it followed a link
/// from another site (the `SameSite=Strict` cookie stays behind then).
fn without_session_cookie(req: &HttpRequest) -> bool {
    req.cookie(portcullis_shared::routes::SESSION_COOKIE)
        .is_none()
}

/// The CSP hash sources of the inline scripts of every copy of the index the portal serves
/// (index.html's loader of the portal, login.html's of the sign-in bundle).
pub fn portal_script_hashes(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut hashes = Vec::new();
    let pages = [
        "index.html".to_owned(),
        LOGIN_PAGE.to_owned(),
        SIGN_IN_PAGE.to_owned(),
    ]
    .into_iter()
    .chain(translated_login_pages());
    for page in pages {
        let path = dir.join(&page);
        if page != "index.html" && !path.is_file() {
            continue;
        }
        let html = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        for hash in inline_script_hashes(&html) {
            if !hashes.contains(&hash) {
                hashes.push(hash);
            }
        }
    }
    Ok(hashes)
}

/// The kinds of asset trunk writes, each with a brotli (`.br`) and a gzip (`.gz`) copy
/// beside it (`build_portal` in scripts/lib/setup.sh).
const ASSET_PATH: &str = r"/{file:[^/]+\.(?:wasm|js|css)}";

/// How long a browser may keep a hashed asset: its name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn configure(dir: PathBuf) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let portal = dir.clone();
        let has_login_page = dir.join(LOGIN_PAGE).is_file();
        cfg.service(
            web::resource(ASSET_PATH)
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .app_data(web::Data::new(PortalDir(dir.clone())))
                .to(asset),
        );
        cfg.service(
            Files::new("/", dir)
                .path_filter(|relative, _| !is_index(relative))
                .default_handler(fn_service(move |req: ServiceRequest| {
                    let portal = portal.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        if is_api_path(req.path()) {
                            return Ok(ServiceResponse::from_err(ApiError::NotFound, req));
                        }
                        if goes_to_login(&req, has_login_page) {
                            let response = HttpResponse::Found()
                                .insert_header((header::LOCATION, LOGIN_ROUTE))
                                .insert_header((header::CACHE_CONTROL, "no-store"))
                                .finish();
                            return Ok(ServiceResponse::new(req, response));
                        }
                        // Never stored: a signed-in page the back-forward cache kept could
                        // otherwise come back on Back after a logout (the SPA also re-checks
                        // its session on `pageshow`). Without validators nothing is revalidated.
                        let mut response = index_for(&portal, &req)
                            .await?
                            .use_etag(false)
                            .use_last_modified(false)
                            .into_response(&req);
                        response.headers_mut().insert(
                            header::CACHE_CONTROL,
                            header::HeaderValue::from_static("no-store"),
                        );
                        // /login is painted in the visitor's language.
                        response.headers_mut().insert(
                            header::VARY,
                            header::HeaderValue::from_static("Accept-Language, Cookie"),
                        );
                        Ok(ServiceResponse::new(req, response))
                    }
                })),
        );
    }
}

/// Where the built portal is.
struct PortalDir(PathBuf);

/// One of the portal's assets, in the smallest form the client accepts: the build's
/// brotli or gzip copy with `Content-Encoding` (the request log's compression leaves an encoded
/// body alone), else the file itself. Hashed names are cached for a year as immutable.
async fn asset(
    req: HttpRequest,
    file: web::Path<String>,
    dir: web::Data<PortalDir>,
) -> actix_web::Result<HttpResponse> {
    let name = file.into_inner();
    if name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(ApiError::NotFound.into());
    }
    let plain_path = dir.0.join(&name);
    let Ok(plain) = NamedFile::open_async(&plain_path).await else {
        return Err(ApiError::NotFound.into());
    };
    let accepted = AcceptEncoding::parse(&req).unwrap_or(AcceptEncoding(Vec::new()));
    let mut encoded = None;
    for (encoding, suffix) in preferred_encodings(&accepted) {
        let mut path = plain_path.clone().into_os_string();
        path.push(suffix);
        if let Ok(file) = NamedFile::open_async(&path).await {
            encoded = Some(
                file.set_content_type(plain.content_type().clone())
                    .set_content_encoding(encoding),
            );
            break;
        }
    }
    let mut response = encoded
        .unwrap_or(plain)
        .disable_content_disposition()
        .into_response(&req);
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if is_hashed(&name) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    Ok(response)
}

/// The precompressed forms the client accepts (a q-value above 0, named or through `*`),
/// best first: by the client's q-value, then brotli (the smaller) before gzip.
fn preferred_encodings(accepted: &AcceptEncoding) -> Vec<(ContentEncoding, &'static str)> {
    let quality = |wanted: &Encoding| {
        let named = accepted
            .0
            .iter()
            .find(|item| matches!(&item.item, Preference::Specific(e) if e == wanted));
        let any = accepted
            .0
            .iter()
            .find(|item| matches!(item.item, Preference::Any));
        named.or(any).map(|item| item.quality)
    };
    let mut forms: Vec<_> = [
        (Encoding::brotli(), ContentEncoding::Brotli, ".br"),
        (Encoding::gzip(), ContentEncoding::Gzip, ".gz"),
    ]
    .into_iter()
    .filter_map(|(name, encoding, suffix)| {
        quality(&name)
            .filter(|q| *q > Quality::ZERO)
            .map(|q| (q, encoding, suffix))
    })
    .collect();
    // Stable: equal q-values keep brotli first.
    forms.sort_by_key(|(quality, ..)| std::cmp::Reverse(*quality));
    forms
        .into_iter()
        .map(|(_, encoding, suffix)| (encoding, suffix))
        .collect()
}

/// True for a name trunk hashed (`portcullis-web-4a0d0b6ccca92f99_bg.wasm`,
/// `style-f4c479f2c57257c8.css`): 16 hex digits after the last `-` of the stem.
fn is_hashed(name: &str) -> bool {
    let stem = name.split_once('.').map_or(name, |(stem, _)| stem);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        // trunk writes a 64-bit hash in hex without leading zeros: usually
        // 16 digits, 15 one time in 16 (seen in a build), fewer rarely.
        .is_some_and(|(_, hash)| {
            (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
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
        assert!(super::is_index(Path::new("login.html")));
        assert!(super::is_index(Path::new("login.pl.html")));
        assert!(super::is_index(Path::new("sign-in.html")));
        assert!(!super::is_index(Path::new("style.css")));
        assert!(!super::is_index(Path::new("sub/index.html")));
    }

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(super::is_hashed("portcullis-web-4a0d0b6ccca92f99_bg.wasm"));
        assert!(super::is_hashed("portcullis-web-4a0d0b6ccca92f99.js"));
        assert!(super::is_hashed("style-f4c479f2c57257c8.css"));
        assert!(!super::is_hashed("style.css"));
        assert!(!super::is_hashed("portcullis-web.js"));
        // A hash with its leading zero dropped (a real build's name).
        assert!(super::is_hashed("portcullis-web-a742589fb1763a3.js"));
        assert!(!super::is_hashed("style-f4c47.css"));
        assert!(!super::is_hashed("style-f4c479f2c57257cx.css"));
        assert!(!super::is_hashed("style-f4c479f2c57257c800.css"));
    }

    #[test]
    fn brotli_wins_ties_and_q_values_are_obeyed() {
        use actix_web::http::header::{AcceptEncoding, ContentEncoding::*};
        let forms = |value: &str| {
            let accepted = AcceptEncoding(
                value
                    .split(',')
                    .map(|item| item.trim().parse().unwrap())
                    .collect(),
            );
            super::preferred_encodings(&accepted)
                .into_iter()
                .map(|(encoding, _)| encoding)
                .collect::<Vec<_>>()
        };
        assert_eq!(forms("gzip, deflate, br, zstd"), [Brotli, Gzip]);
        assert_eq!(forms("gzip"), [Gzip]);
        assert_eq!(forms("br;q=0.5, gzip"), [Gzip, Brotli]);
        assert_eq!(forms("br;q=0, gzip;q=0.1"), [Gzip]);
        assert_eq!(forms("*"), [Brotli, Gzip]);
        assert_eq!(forms("*, br;q=0"), [Gzip]);
        assert_eq!(forms("identity"), []);
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
