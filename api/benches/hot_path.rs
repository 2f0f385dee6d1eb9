//! Micro-benchmarks of the hot paths (`cargo bench -p portcullis-api`): token
//! validation, allowlist matching against 1,000 entries, password hashing.
//! They print figures; nothing here is a pass/fail test.

use std::{hint::black_box, net::IpAddr, time::Duration};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use portcullis_api::{
    config::DatabaseUrl,
    db::{accounts, tokens},
    domain::{IpAllowlist, IpRange},
    services::{
        cache::state_cache,
        passwords::hasher::HashBuffer,
        tokens::api_access::ApiAccess,
        tokens::api_tokens::PORTAL_CLIENT_ID,
        tokens::signing::{AccessClaims, KeyRing, AUDIENCE},
        Db,
    },
};

/// 1,000 disjoint entries: 500 IPv4 /24 networks, 250 single IPv4 hosts and
/// 250 IPv6 /48 networks.
fn thousand_entries() -> Vec<IpRange> {
    let mut raw = Vec::new();
    for i in 0..500u32 {
        raw.push(format!("10.{}.{}.0/24", i / 256, i % 256));
    }
    for i in 0..250u32 {
        raw.push(format!("192.168.{}.{}", i / 200, i % 200 + 1));
    }
    for i in 0..250u32 {
        raw.push(format!("2001:db8:{i:x}::/48"));
    }
    raw.iter()
        .map(|r| IpRange::parse("value", r).expect("valid entry"))
        .collect()
}

fn allowlist_matching(c: &mut Criterion) {
    let entries = thousand_entries();
    let list = IpAllowlist::new(&entries);
    let mut group = c.benchmark_group("allowlist_1000_entries");
    let cases: [(&str, IpAddr); 4] = [
        ("ipv4_hit", "10.1.200.77".parse().unwrap()),
        ("ipv4_miss", "203.0.113.9".parse().unwrap()),
        ("ipv6_hit", "2001:db8:f9::1".parse().unwrap()),
        ("ipv6_miss", "2001:db9::1".parse().unwrap()),
    ];
    for (name, ip) in cases {
        let at = chrono::Utc::now().naive_utc();
        group.bench_function(name, |b| {
            b.iter(|| black_box(&list).allows(black_box(ip), black_box(at)))
        });
    }
    // For comparison: what a linear scan over the parsed entries costs.
    let miss: IpAddr = "203.0.113.9".parse().unwrap();
    group.bench_function("linear_scan_miss_for_comparison", |b| {
        b.iter(|| {
            black_box(&entries)
                .iter()
                .any(|r| r.contains(black_box(miss)))
        })
    });
    group.bench_function("compile_list", |b| {
        b.iter(|| IpAllowlist::new(black_box(&entries)))
    });
    group.finish();
}

/// A real SQLite file with an account and a portal token, the key ring, and
/// the token's secret.
fn token_fixture(runtime: &tokio::runtime::Runtime) -> (tempfile::TempDir, Db, ApiAccess, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db"));
    let db = Db::connect(&url, 2).expect("storage");
    let now = chrono::Utc::now().naive_utc();
    let keys = db
        .blocking_run(|conn| {
            accounts::insert_account(
                conn,
                &accounts::NewAccount {
                    id: "acc_bench",
                    email: "bench@example.com",
                    email_normalized: "bench@example.com",
                    password_hash: "unused",
                    phone: None,
                    country: "PL",
                    points_balance: 0,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            tokens::insert_token(
                conn,
                &tokens::TokenRow {
                    id: "tok_bench".into(),
                    account_id: "acc_bench".into(),
                    name: "bench".into(),
                    scopes: "sms profile".into(),
                    hint: "…".into(),
                    ip_allowlist:
                        "10.0.0.0/8\n192.0.2.0/24\n198.51.100.7\n2001:db8::/32\n127.0.0.1".into(),
                    created_at: now,
                    expires_at: None,
                    disabled_at: None,
                    last_used_at: None,
                    last_used_ip: None,
                    created_by: None,
                    signing_kid: None,
                },
            )?;
            KeyRing::load_or_create(
                conn,
                "http://bench.invalid".into(),
                &portcullis_api::domain::Kek::generate(),
            )
        })
        .expect("fixture");
    let claims = AccessClaims {
        iss: keys.issuer().to_owned(),
        sub: "acc_bench".into(),
        aud: AUDIENCE.into(),
        exp: None,
        iat: now.and_utc().timestamp(),
        jti: "tok_bench".into(),
        scope: "sms profile".into(),
        client_id: PORTAL_CLIENT_ID.into(),
    };
    let secret = keys.sign(&claims).expect("signed");
    let access = ApiAccess::new(keys, state_cache::DEFAULT_MAX_AGE);
    // Warm the caches, as after a token's first call.
    runtime
        .block_on(access.authenticate(&db, &secret, "127.0.0.1".parse().unwrap(), now))
        .expect("the token is accepted");
    (dir, db, access, secret)
}

fn token_validation(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (_dir, db, access, secret) = token_fixture(&runtime);
    let ip: IpAddr = "127.0.0.1".parse().unwrap();
    let mut group = c.benchmark_group("token_validation");
    // Every rule of an API call, from the caches (what each request pays).
    group.bench_function("authenticate_cached", |b| {
        b.iter(|| {
            let now = chrono::Utc::now().naive_utc();
            runtime
                .block_on(access.authenticate(&db, black_box(&secret), ip, now))
                .expect("accepted")
        })
    });
    // The Ed25519 signature check and claims decoding of a token seen for the first time.
    group.bench_function("verify_signature_uncached", |b| {
        b.iter(|| access.keys().verify(black_box(&secret)).expect("valid"))
    });
    group.finish();
}

fn password_hashing(c: &mut Criterion) {
    let mut group = c.benchmark_group("password_hashing");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    let mut buffer = HashBuffer::default();
    group.bench_function("argon2id_m19456_t2_p1", |b| {
        b.iter_batched(
            || "Violet-Kettle-42",
            |password| buffer.hash(password),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(
    benches,
    token_validation,
    allowlist_matching,
    password_hashing
);
criterion_main!(benches);
