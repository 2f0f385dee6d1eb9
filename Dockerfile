# Builds the API and the portal, then runs both from one small image.
# (No Docker engine on the development machines: keep this correct by reading.)

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpq-dev libsqlite3-dev libssl-dev \
    binaryen brotli \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add wasm32-unknown-unknown \
 && cargo install trunk --version 0.21.14 --locked \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY . .
# trunk (wasm-opt -Oz, offline) and the .br/.gz copies the server sends: as scripts/run does.
RUN bash -c 'source scripts/lib/setup.sh && build_portal'
RUN cargo build --release --locked -p portcullis-api

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/portcullis portcullis \
 && mkdir -p /var/lib/portcullis \
 && chown portcullis /var/lib/portcullis
COPY --from=build /src/target/release/portcullis /usr/local/bin/portcullis
COPY --from=build /src/web/dist /srv/portcullis/web
ENV PORTCULLIS_BIND=0.0.0.0:8080 \
    PORTCULLIS_STATIC_DIR=/srv/portcullis/web \
    PORTCULLIS_DATABASE_URL=sqlite:///var/lib/portcullis/portcullis.db \
    PORTCULLIS_LOG_FORMAT=json
# Development mode (no PORTCULLIS_KEK_FILE) keeps its generated key in ./data/ here;
# docker-compose.yml runs production mode with the key from a Docker secret.
WORKDIR /var/lib/portcullis
USER portcullis
EXPOSE 8080
STOPSIGNAL SIGTERM
CMD ["portcullis"]
