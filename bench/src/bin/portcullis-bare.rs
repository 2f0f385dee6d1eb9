//! The ceiling of this machine and HTTP stack: a bare actix-web 4 server
//! answering `GET /livez` with Portcullis' own body, with actix's defaults
//! (a worker per core, no middleware). `portcullis-bench` starts it beside
//! Portcullis and prints every scenario as a ratio to it too.
//!
//! Prints `listening on http://ADDR` once bound to `PORTCULLIS_BIND`
//! (default `127.0.0.1:0`).

use actix_web::{web, App, HttpResponse, HttpServer};
use portcullis_shared::{dto::HealthDto, routes};

async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(HealthDto {
        status: "ok".into(),
    })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("PORTCULLIS_BIND").unwrap_or_else(|_| "127.0.0.1:0".into());
    let listener = std::net::TcpListener::bind(&bind)?;
    let address = listener.local_addr()?;
    let server = HttpServer::new(|| App::new().route(routes::LIVEZ, web::get().to(livez)))
        .listen(listener)?
        .run();
    println!("listening on http://{address}");
    server.await
}
