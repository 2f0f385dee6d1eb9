//! The production-shaped `docker-compose.yml`, checked by reading (there is no
//! Docker engine here): no development outbox, no unauthenticated listener
//! published or left for the curious, only the reverse proxy's port open, and
//! the conveniences kept in `docker-compose.dev.yml`.

use std::collections::BTreeSet;

use serde_norway::Value;

fn repository_file(name: &str) -> String {
    let path = format!("{}/../{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// A compose file with its `<<` merge keys applied.
fn compose(name: &str) -> Value {
    let mut value: Value = serde_norway::from_str(&repository_file(name))
        .unwrap_or_else(|e| panic!("{name} is not YAML: {e}"));
    value.apply_merge().expect("merge keys");
    value
}

fn services(compose: &Value) -> Vec<(String, Value)> {
    compose["services"]
        .as_mapping()
        .expect("services")
        .iter()
        .map(|(name, service)| {
            (
                name.as_str().expect("service name").to_owned(),
                service.clone(),
            )
        })
        .collect()
}

/// A service's environment as `(name, value)`, from either compose form.
fn environment(service: &Value) -> Vec<(String, String)> {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => panic!("unexpected environment value {other:?}"),
    };
    match &service["environment"] {
        Value::Mapping(map) => map.iter().map(|(k, v)| (scalar(k), scalar(v))).collect(),
        Value::Sequence(items) => items
            .iter()
            .map(|item| {
                let item = scalar(item);
                let (k, v) = item.split_once('=').unwrap_or((item.as_str(), ""));
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The container side of each published port (`"8080:80"`, `"127.0.0.1:80:80/tcp"`, long form).
fn published_container_ports(service: &Value) -> Vec<u16> {
    let Some(ports) = service["ports"].as_sequence() else {
        return Vec::new();
    };
    ports
        .iter()
        .map(|port| match port {
            Value::Mapping(_) => port["target"].as_u64().expect("target") as u16,
            Value::Number(n) => n.as_u64().expect("port") as u16,
            other => {
                let text = other.as_str().expect("port string");
                let text = text.split('/').next().unwrap_or(text);
                text.rsplit(':')
                    .next()
                    .unwrap()
                    .parse()
                    .expect("port number")
            }
        })
        .collect()
}

/// The ports nginx listens on in `deploy/nginx/portcullis.conf`.
fn nginx_listen_ports() -> BTreeSet<u16> {
    repository_file("deploy/nginx/portcullis.conf")
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix("listen "))
        .map(|rest| {
            let address = rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches(';');
            address
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .expect("listen port")
        })
        .collect()
}

#[test]
fn the_production_compose_file_enables_no_development_outbox_and_publishes_only_the_proxy() {
    let compose = compose("docker-compose.yml");
    let services = services(&compose);
    assert!(!services.is_empty());
    let mut proxies = Vec::new();
    for (name, service) in &services {
        for (key, value) in environment(service) {
            assert_ne!(
                key, "PORTCULLIS_DEV_OUTBOX",
                "{name} sets the development outbox ({value}); it belongs in docker-compose.dev.yml"
            );
            if key == "PORTCULLIS_SMS_TRANSPORT" || key == "PORTCULLIS_MAIL_TRANSPORT" {
                assert_ne!(value, "outbox", "{name}: {key} must be a real transport");
            }
            // An unauthenticated metrics listener is a development convenience.
            assert_ne!(key, "PORTCULLIS_METRICS_ADDR", "{name}");
            // The key-encryption key comes from a secret file, never from the file itself.
            assert_ne!(key, "PORTCULLIS_KEK", "{name}");
            // Passwords come from the operator's environment, never from the file.
            if key.ends_with("PASSWORD") || key.ends_with("DATABASE_URL") {
                assert!(value.contains("${"), "{name}: {key} is written in the file");
            }
        }
        let image = service["image"].as_str().unwrap_or_default();
        assert!(
            !image.contains("mailpit") && !image.contains("mailhog"),
            "{name}: a mail catcher has no authentication"
        );
        if name.starts_with("api") {
            let env = environment(service);
            assert!(
                env.iter()
                    .any(|(k, v)| k == "PORTCULLIS_ENV" && v == "production"),
                "{name} runs in production mode"
            );
            assert!(
                env.iter().any(|(k, _)| k == "PORTCULLIS_KEK_FILE"),
                "{name} has a key-encryption key"
            );
        }
        let published = published_container_ports(service);
        if image.starts_with("nginx") {
            proxies.push((name.clone(), published));
        } else {
            assert!(published.is_empty(), "{name} publishes {published:?}");
        }
    }
    // One proxy, publishing only the ports nginx listens on.
    let [(proxy, published)] = proxies.as_slice() else {
        panic!("exactly one nginx proxy expected, found {proxies:?}");
    };
    let listening = nginx_listen_ports();
    assert!(!published.is_empty(), "{proxy} publishes nothing");
    for port in published {
        assert!(
            listening.contains(port),
            "{proxy} publishes {port}, nginx listens on {listening:?}"
        );
    }
    assert_eq!(
        compose["services"][proxy.as_str()]["volumes"][0]
            .as_str()
            .unwrap_or_default()
            .split(':')
            .next(),
        Some("./deploy/nginx/portcullis.conf"),
        "the proxy runs the checked nginx configuration"
    );
}

#[test]
fn the_development_conveniences_live_in_an_override_file() {
    let dev = compose("docker-compose.dev.yml");
    let outbox_on = services(&dev).iter().any(|(_, service)| {
        environment(service)
            .iter()
            .any(|(k, v)| k == "PORTCULLIS_DEV_OUTBOX" && v == "true")
    });
    assert!(
        outbox_on,
        "docker-compose.dev.yml turns the development outbox on"
    );
    // The override only adds to services the production file defines, or its own.
    let production: BTreeSet<String> = services(&compose("docker-compose.yml"))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(services(&dev)
        .iter()
        .any(|(name, _)| production.contains(name)));
}

/// The replicas believe X-Forwarded-For from exactly the proxy: the address
/// compose pins the proxy to is the one they trust.
#[test]
fn the_replicas_trust_exactly_the_proxys_fixed_address() {
    let compose = compose("docker-compose.yml");
    let services = services(&compose);
    let (_, proxy) = services
        .iter()
        .find(|(_, service)| {
            service["image"]
                .as_str()
                .is_some_and(|image| image.starts_with("nginx"))
        })
        .expect("an nginx proxy");
    let proxy_address = proxy["networks"]["backend"]["ipv4_address"]
        .as_str()
        .expect("the proxy has a fixed address");
    let replicas: Vec<_> = services
        .iter()
        .filter(|(name, _)| name.starts_with("api"))
        .collect();
    assert_eq!(replicas.len(), 2, "two API replicas");
    for (name, service) in replicas {
        let trusted: Vec<_> = environment(service)
            .into_iter()
            .filter(|(k, _)| k == "PORTCULLIS_TRUSTED_PROXIES")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(trusted, [proxy_address], "{name} trusts only the proxy");
    }
}

/// `scripts/stack` runs this same nginx file outside Docker, replacing only the
/// replicas' names and the listen port: those lines must stay as it expects.
#[test]
fn the_proxy_file_keeps_the_lines_scripts_stack_substitutes() {
    let conf = repository_file("deploy/nginx/portcullis.conf");
    let lines: Vec<&str> = conf.lines().map(str::trim).collect();
    assert_eq!(
        lines.iter().filter(|line| **line == "listen 80;").count(),
        1,
        "listen 80;"
    );
    for replica in ["api-1:8080", "api-2:8080"] {
        assert_eq!(
            lines
                .iter()
                .filter(|line| line.starts_with(&format!("server {replica} ")))
                .count(),
            1,
            "server {replica}"
        );
    }
    let script = repository_file("scripts/stack");
    assert!(script.contains("deploy/nginx/portcullis.conf"));
}
