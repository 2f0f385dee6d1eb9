//! The ceiling of this machine and HTTP stack: a bare actix-web 4 server
//! answering `GET /livez` with Portcullis' own body, with actix's defaults
//! (a worker per core, no middleware). `portcullis-bench` starts it beside
//! Portcullis and prints every scenario as a ratio to it too.
//!
//! With `PORTCULLIS_BARE_HEADERS=1` it also sends the headers Portcullis' own
//! `/livez` answer carries (the security headers of a JSON answer and a
//! 32-digit `X-Request-Id`), set in the handler: the ceiling of a server that
//! must send that answer, which `bench/pipeline/wrk-livez` prints beside the other.
//!
//! Prints `listening on http://ADDR` once bound to `PORTCULLIS_BIND`
//! (default `127.0.0.1:0`).

use actix_web::{http::header, web, App, HttpResponse, HttpServer};
use portcullis_shared::{dto::HealthDto, routes};

async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(HealthDto {
        status: "ok".into(),
    })
}

/// Portcullis' `/livez` answer, byte for byte but for the request id's digits.
async fn livez_with_headers() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CROSS_ORIGIN_OPENER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header(("x-request-id", "01a247021617727fa681fad26900ff0a"))
        .json(HealthDto {
            status: "ok".into(),
        })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("PORTCULLIS_BIND").unwrap_or_else(|_| "127.0.0.1:0".into());
    let with_headers = std::env::var_os("PORTCULLIS_BARE_HEADERS").is_some();
    let listener = std::net::TcpListener::bind(&bind)?;
    let address = listener.local_addr()?;
    let server = HttpServer::new(move || {
        let app = App::new();
        if with_headers {
            app.route(routes::LIVEZ, web::get().to(livez_with_headers))
        } else {
            app.route(routes::LIVEZ, web::get().to(livez))
        }
    })
    .listen(listener)?
    .run();
    println!("listening on http://{address}");
    server.await
}
