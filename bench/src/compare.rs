//! `--against OTHER_BINARY [--rounds N]`: a before/after comparison in one
//! run. This folder's `portcullis` and another build of it each get their own
//! SQLite file (or PostgreSQL database) and fixture; then (a) and (b) run on one server, then on the
//! other, alternating which goes first, for N rounds. A change's cost is the
//! median over rounds of the (b)/(a) ratio and of the server CPU per (b)
//! request, each divided by the other build's: the machine's noise moves
//! both builds within a round alike. (b)'s own req/s is printed too: when
//! (a) itself changed between the builds, the ratio moves with it.
//!
//! With `--batches` the rounds run scenario (h) instead: 1,000-recipient
//! batches on a quarter of the connections and (b) beside them on another
//! quarter; the change is the median over rounds of recipients/s and of
//! (b)'s p99 during (h), each divided by the other build's; after each round
//! the dispatcher's delivery of the round's recipients is awaited, and
//! recipients/s accepted and delivered is compared too.
//!
//! With `--sends` the rounds run scenario (g) instead (single sends with an
//! idempotency key each, once the dispatcher has drained), comparing sends/s,
//! their p99 and the server CPU per send.
//!
//! With `--logins` the rounds run the login storm (e) alone, then again with
//! (b) beside it at a quarter of the connections, as (f) does: the logins/s of
//! each build against the raw Argon2id rate (measured once, before the
//! rounds), the server CPU per login, and (b)'s p99 during the storm.

use std::{path::Path, sync::Arc, time::Duration};

use portcullis_shared::routes;

use crate::{
    arrange, bulk_request, own_server_binary, run, send_request, start_server, MakeRequest,
    Options, Server,
};

/// One server under comparison, with its requests.
struct Contender {
    name: &'static str,
    server: Server,
    livez: MakeRequest,
    read: MakeRequest,
    bulk: MakeRequest,
    send: MakeRequest,
    /// A client, the server's address and the token: to wait for the dispatcher.
    client: reqwest::Client,
    base: String,
    secret: String,
    login: MakeRequest,
}

/// One round's figures for one server.
#[derive(Clone, Copy)]
struct Round {
    livez_rps: f64,
    read_rps: f64,
    read_cpu_us: f64,
}

impl Round {
    fn ratio(&self) -> f64 {
        self.read_rps / self.livez_rps
    }
}

async fn contender(name: &'static str, binary: &Path, database_url: &str) -> Contender {
    let (server, base) = start_server(binary, database_url);
    let fixture = arrange(&base).await;
    let livez = format!("{base}{}", routes::LIVEZ);
    let read = format!(
        "{base}{}",
        routes::SMS_MESSAGE.replace("{id}", &fixture.message.id)
    );
    let secret = fixture.token.secret.clone();
    let login_url = format!("{base}{}", routes::LOGIN);
    let (device_cookie, login) = (fixture.device_cookie.clone(), fixture.login.clone());
    Contender {
        name,
        server,
        livez: Arc::new(move |c| c.get(&livez)),
        read: Arc::new(move |c| c.get(&read).bearer_auth(&secret)),
        bulk: bulk_request(&base, &fixture.token.secret),
        send: send_request(&base, &fixture.token.secret),
        client: fixture.portal,
        base,
        secret: fixture.token.secret,
        login: Arc::new(move |c| {
            c.post(&login_url)
                .header(routes::CSRF_HEADER, "1")
                .header(reqwest::header::COOKIE, &device_cookie)
                .json(&login)
        }),
    }
}

/// One round of (h) for one server.
#[derive(Clone, Copy)]
struct BatchRound {
    recipients_per_second: f64,
    batch_p99_ms: f64,
    read_p99_ms: f64,
    read_rps: f64,
    /// Server CPU per batch, the reads beside it included.
    cpu_ms_per_batch: f64,
    /// Recipients accepted, over the round and the dispatcher's delivery of them after it.
    delivered_per_second: f64,
}

async fn measure_batches(
    contender: &Contender,
    connections: usize,
    duration: Duration,
) -> BatchRound {
    let (bulk, read) = tokio::join!(
        run(
            &contender.server,
            "(h)",
            (connections / 4).max(2),
            duration,
            contender.bulk.clone(),
        ),
        run(
            &contender.server,
            "(h) (b)",
            (connections / 4).max(1),
            duration,
            contender.read.clone(),
        ),
    );
    assert_eq!(
        bulk.errors + read.errors,
        0,
        "{}: requests failed",
        contender.name
    );
    let drain = crate::drained(&contender.client, &contender.base, &contender.secret).await;
    BatchRound {
        recipients_per_second: bulk.rps() * 1000.0,
        batch_p99_ms: bulk.percentile_ms(0.99),
        read_p99_ms: read.percentile_ms(0.99),
        read_rps: read.rps(),
        cpu_ms_per_batch: bulk.cpu_us_per_request() / 1000.0,
        delivered_per_second: bulk.requests as f64 * 1000.0 / (bulk.seconds + drain.as_secs_f64()),
    }
}

/// One round of (g) for one server.
#[derive(Clone, Copy)]
struct SendRound {
    sends_per_second: f64,
    p99_ms: f64,
    cpu_us_per_send: f64,
}

async fn measure_sends(contender: &Contender, connections: usize, duration: Duration) -> SendRound {
    // Each round on an idle dispatcher: the previous round's delivery is not this one's cost.
    crate::drained(&contender.client, &contender.base, &contender.secret).await;
    let sends = run(
        &contender.server,
        "(g)",
        connections,
        duration,
        contender.send.clone(),
    )
    .await;
    assert_eq!(sends.errors, 0, "{}: sends failed", contender.name);
    SendRound {
        sends_per_second: sends.rps(),
        p99_ms: sends.percentile_ms(0.99),
        cpu_us_per_send: sends.cpu_us_per_request(),
    }
}

/// Alternates (g) on the two servers for the rounds asked, and prints them.
async fn compare_sends(
    options: &Options,
    this: &Contender,
    that: &Contender,
    backend: &str,
    other: &Path,
) {
    let duration = Duration::from_secs(options.seconds);
    let load_before = crate::load_average();
    let rounds = alternate(options.rounds, this, that, |contender| {
        measure_sends(contender, options.connections, duration)
    })
    .await;
    let title = format!(
        "Portcullis comparison of (g) — {backend}, single sends with an idempotency key each on {} connections, {}s per round, {} rounds",
        options.connections, options.seconds, options.rounds,
    );
    print_title(&title, other, "");
    println!("| round | (g) sends/s this / against | p99 ms this / against | server CPU µs per send this / against |");
    println!("|---:|---:|---:|---:|");
    for (i, (a, b)) in rounds.iter().enumerate() {
        println!(
            "| {} | {:.0} / {:.0} | {:.1} / {:.1} | {:.0} / {:.0} |",
            i + 1,
            a.sends_per_second,
            b.sends_per_second,
            a.p99_ms,
            b.p99_ms,
            a.cpu_us_per_send,
            b.cpu_us_per_send,
        );
    }
    let change =
        |f: fn(&SendRound) -> f64| median(rounds.iter().map(|(a, b)| f(a) / f(b)).collect());
    println!(
        "\nmachine load average (1, 5, 15 min) before: {load_before}; after: {}",
        crate::load_average()
    );
    println!("\nthis build against the other, median of the rounds' ratios:");
    println!(
        "- (g) sends/s: {:.2}×; p99: {:.2}×; server CPU per send: {:.2}×",
        change(|r| r.sends_per_second),
        change(|r| r.p99_ms),
        change(|r| r.cpu_us_per_send),
    );
}

/// Alternates (h) on the two servers for the rounds asked, and prints them.
async fn compare_batches(
    options: &Options,
    this: &Contender,
    that: &Contender,
    backend: &str,
    other: &Path,
) {
    let duration = Duration::from_secs(options.seconds);
    let load_before = crate::load_average();
    let rounds = alternate(options.rounds, this, that, |contender| {
        measure_batches(contender, options.connections, duration)
    })
    .await;
    let title = format!(
        "Portcullis comparison of (h) — {backend}, 1,000-recipient batches on {} connections with (b) on {} beside them, {}s per round, {} rounds",
        (options.connections / 4).max(2),
        (options.connections / 4).max(1),
        options.seconds,
        options.rounds,
    );
    print_title(&title, other, "");
    println!("| round | (h) recipients/s this / against | accepted and delivered this / against | (h) p99 ms this / against | (b) p99 ms during (h) this / against | (b) req/s during (h) this / against | server CPU ms per batch (reads included) this / against |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (i, (a, b)) in rounds.iter().enumerate() {
        println!(
            "| {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.1} / {:.1} | {:.2} / {:.2} | {:.0} / {:.0} | {:.1} / {:.1} |",
            i + 1,
            a.recipients_per_second,
            b.recipients_per_second,
            a.delivered_per_second,
            b.delivered_per_second,
            a.batch_p99_ms,
            b.batch_p99_ms,
            a.read_p99_ms,
            b.read_p99_ms,
            a.read_rps,
            b.read_rps,
            a.cpu_ms_per_batch,
            b.cpu_ms_per_batch,
        );
    }
    let change = |f: fn(&BatchRound) -> f64| change_of(&rounds, f);
    let median_of = |f: fn(&BatchRound) -> f64, this: bool| median_of(&rounds, f, this);
    println!(
        "\nmachine load average (1, 5, 15 min) before: {load_before}; after: {}",
        crate::load_average()
    );
    println!("\nthis build against the other, median of the rounds' ratios:");
    println!(
        "- (h) recipients/s: {:.2}× (medians {:.0} / {:.0})",
        change(|r| r.recipients_per_second),
        median_of(|r| r.recipients_per_second, true),
        median_of(|r| r.recipients_per_second, false),
    );
    println!(
        "- recipients/s accepted and delivered: {:.2}× (medians {:.0} / {:.0})",
        change(|r| r.delivered_per_second),
        median_of(|r| r.delivered_per_second, true),
        median_of(|r| r.delivered_per_second, false),
    );
    println!(
        "- (h) p99: {:.2}×; server CPU per batch: {:.2}×",
        change(|r| r.batch_p99_ms),
        change(|r| r.cpu_ms_per_batch),
    );
    println!(
        "- (b)'s p99 during (h): {:.2}× (medians {:.2} ms / {:.2} ms; target < 20 ms)",
        change(|r| r.read_p99_ms),
        median_of(|r| r.read_p99_ms, true),
        median_of(|r| r.read_p99_ms, false),
    );
}

/// One round of the login storm for one server.
#[derive(Clone, Copy)]
struct LoginRound {
    logins_per_sec: f64,
    /// Logins refused (429) or failed during (e) alone.
    errors: usize,
    cpu_ms_per_login: f64,
    /// PostgreSQL's CPU per login, ms (NaN on SQLite).
    database_cpu_ms_per_login: f64,
    /// (b)'s p99 while the storm runs, ms.
    read_p99_ms: f64,
}

async fn measure_logins(
    contender: &Contender,
    connections: usize,
    duration: Duration,
) -> LoginRound {
    // (e) alone, as the full bench runs it: its rate and CPU per login.
    let storm = run(
        &contender.server,
        "(e)",
        connections,
        duration,
        contender.login.clone(),
    )
    .await;
    // Then (f): (b) at a quarter of the connections during another storm.
    let (_, during) = tokio::join!(
        run(
            &contender.server,
            "(e) during (f)",
            connections,
            duration,
            contender.login.clone()
        ),
        run(
            &contender.server,
            "(f)",
            (connections / 4).max(1),
            duration,
            contender.read.clone()
        ),
    );
    // (b) must not fail; a login may (429), and counts as the storm's error.
    assert_eq!(during.errors, 0, "{}: reads failed", contender.name);
    LoginRound {
        errors: storm.errors,
        logins_per_sec: storm.rps(),
        cpu_ms_per_login: storm.cpu_us_per_request() / 1000.0,
        database_cpu_ms_per_login: storm.database_cpu_us_per_request() / 1000.0,
        read_p99_ms: during.percentile_ms(0.99),
    }
}

/// Alternates the login storm on the two servers, and prints the rounds.
async fn compare_logins(
    options: &Options,
    this: &Contender,
    that: &Contender,
    backend: &str,
    other: &Path,
) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let raw_hash_rate = tokio::task::spawn_blocking(move || {
        portcullis_api::services::passwords::hasher::raw_hash_rate(cores, Duration::from_secs(5))
    })
    .await
    .unwrap();
    let duration = Duration::from_secs(options.seconds);
    let load_before = crate::load_average();
    let n = options.connections;
    let rounds = alternate(options.rounds, this, that, |contender| {
        measure_logins(contender, n, duration)
    })
    .await;
    let title = format!(
        "Portcullis login comparison — {backend}, (e) on {n} connections, then again with (b) on {} beside it, {}s each, {} rounds",
        (n / 4).max(1),
        options.seconds,
        options.rounds,
    );
    let raw = format!(
        "raw Argon2id on {cores} threads in the bench process: {raw_hash_rate:.1} hashes/s\n"
    );
    print_title(&title, other, &raw);
    println!("| round | (e) logins/s this / against | × raw Argon2id this / against | server CPU ms/login this / against | PostgreSQL CPU ms/login this / against | (b) p99 ms during (e) this / against | (e) errors this / against |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (i, (a, b)) in rounds.iter().enumerate() {
        println!(
            "| {} | {:.1} / {:.1} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {} / {} |",
            i + 1,
            a.logins_per_sec,
            b.logins_per_sec,
            a.logins_per_sec / raw_hash_rate,
            b.logins_per_sec / raw_hash_rate,
            a.cpu_ms_per_login,
            b.cpu_ms_per_login,
            a.database_cpu_ms_per_login,
            b.database_cpu_ms_per_login,
            a.read_p99_ms,
            b.read_p99_ms,
            a.errors,
            b.errors,
        );
    }
    let change = |f: fn(&LoginRound) -> f64| change_of(&rounds, f);
    let median_of = |f: fn(&LoginRound) -> f64, this: bool| median_of(&rounds, f, this);
    let (this_rate, that_rate) = (
        median_of(|r| r.logins_per_sec, true),
        median_of(|r| r.logins_per_sec, false),
    );
    println!(
        "\nmachine load average (1, 5, 15 min) before: {load_before}; after: {}",
        crate::load_average()
    );
    let verdict = |met: bool| if met { "met" } else { "UNMET" };
    let this_p99 = median_of(|r| r.read_p99_ms, true);
    println!("\nmedians of the rounds:");
    println!(
        "- (e) this build: {:.2} of raw Argon2id ({this_rate:.1}/s); --against: {:.2} ({that_rate:.1}/s); >= 0.8: {}",
        this_rate / raw_hash_rate,
        that_rate / raw_hash_rate,
        verdict(this_rate / raw_hash_rate >= 0.8)
    );
    println!(
        "- (e) logins/s, this build against the other: {:.2}×; server CPU per login: {:.2}× ({:.2} / {:.2} ms)",
        change(|r| r.logins_per_sec),
        change(|r| r.cpu_ms_per_login),
        median_of(|r| r.cpu_ms_per_login, true),
        median_of(|r| r.cpu_ms_per_login, false),
    );
    if this.server.database.is_some() {
        println!(
            "- PostgreSQL CPU per login, this build against the other: {:.2}× ({:.2} / {:.2} ms)",
            change(|r| r.database_cpu_ms_per_login),
            median_of(|r| r.database_cpu_ms_per_login, true),
            median_of(|r| r.database_cpu_ms_per_login, false),
        );
    }
    println!(
        "- (b)'s p99 during (e), this build: {this_p99:.2} ms (--against: {:.2} ms); < 20 ms: {}",
        median_of(|r| r.read_p99_ms, false),
        verdict(this_p99 < 20.0)
    );
}

async fn measure(contender: &Contender, connections: usize, duration: Duration) -> Round {
    let livez = run(
        &contender.server,
        "(a)",
        connections,
        duration,
        contender.livez.clone(),
    )
    .await;
    let read = run(
        &contender.server,
        "(b)",
        connections,
        duration,
        contender.read.clone(),
    )
    .await;
    assert_eq!(
        livez.errors + read.errors,
        0,
        "{}: requests failed",
        contender.name
    );
    Round {
        livez_rps: livez.rps(),
        read_rps: read.rps(),
        read_cpu_us: read.cpu_us_per_request(),
    }
}

/// Runs `measure` on both servers for `rounds` rounds, each going first in
/// every other round: (this build's figures, the other's) per round.
async fn alternate<'a, R, F: std::future::Future<Output = R> + 'a>(
    rounds: usize,
    this: &'a Contender,
    that: &'a Contender,
    measure: impl Fn(&'a Contender) -> F,
) -> Vec<(R, R)> {
    let mut figures = Vec::with_capacity(rounds);
    for round in 0..rounds {
        figures.push(if round % 2 == 0 {
            let a = measure(this).await;
            (a, measure(that).await)
        } else {
            let b = measure(that).await;
            (measure(this).await, b)
        });
    }
    figures
}

/// The median over rounds of a figure of this build divided by the other's.
fn change_of<R>(rounds: &[(R, R)], f: fn(&R) -> f64) -> f64 {
    median(rounds.iter().map(|(a, b)| f(a) / f(b)).collect())
}

/// The median over rounds of a figure of this build (`this`) or the other's.
fn median_of<R>(rounds: &[(R, R)], f: fn(&R) -> f64, this: bool) -> f64 {
    median(
        rounds
            .iter()
            .map(|(a, b)| f(if this { a } else { b }))
            .collect(),
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

pub async fn run_comparison(options: &Options, other: &Path, database_url: &str) {
    assert!(
        other.is_file(),
        "--against {}: no such file",
        other.display()
    );
    // Each build needs its own database.
    let other_url = match (&options.postgres, &options.against_postgres) {
        (None, None) => format!("{database_url}.other"),
        (Some(_), Some(other)) => other.clone(),
        _ => {
            panic!("--against on PostgreSQL: give --postgres URL and --against-postgres OTHER_URL")
        }
    };
    let backend = if options.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let this = contender("this build", &own_server_binary(), database_url).await;
    let that = contender("--against", other, &other_url).await;
    if options.batches {
        compare_batches(options, &this, &that, backend, other).await;
        return;
    }
    if options.sends {
        compare_sends(options, &this, &that, backend, other).await;
        return;
    }
    if options.logins {
        compare_logins(options, &this, &that, backend, other).await;
        return;
    }
    let duration = Duration::from_secs(options.seconds);
    let load_before = crate::load_average();
    let rounds = alternate(options.rounds, &this, &that, |contender| {
        measure(contender, options.connections, duration)
    })
    .await;

    let title = format!(
        "Portcullis comparison — {backend}, {} connections, {}s per scenario, {} rounds",
        options.connections, options.seconds, options.rounds,
    );
    print_title(&title, other, "");
    println!("| round | (a) req/s this / against | (b) req/s this / against | (b)/(a) this / against | (b) CPU µs/req this / against |");
    println!("|---:|---:|---:|---:|---:|");
    for (i, (this_round, that_round)) in rounds.iter().enumerate() {
        println!(
            "| {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.3} / {:.3} | {:.1} / {:.1} |",
            i + 1,
            this_round.livez_rps,
            that_round.livez_rps,
            this_round.read_rps,
            that_round.read_rps,
            this_round.ratio(),
            that_round.ratio(),
            this_round.read_cpu_us,
            that_round.read_cpu_us,
        );
    }
    let read_change = median(
        rounds
            .iter()
            .map(|(a, b)| a.read_rps / b.read_rps)
            .collect(),
    );
    let ratio_change = median(rounds.iter().map(|(a, b)| a.ratio() / b.ratio()).collect());
    let cpu_change = median(
        rounds
            .iter()
            .map(|(a, b)| a.read_cpu_us / b.read_cpu_us)
            .collect(),
    );
    println!(
        "\nmachine load average (1, 5, 15 min) before: {load_before}; after: {}",
        crate::load_average()
    );
    let verdict = |met: bool| if met { "met" } else { "UNMET" };
    println!("\nthis build against the other, median of the rounds:");
    println!(
        "- (b) req/s: {:+.1}% — loses at most 5%: {}",
        (read_change - 1.0) * 100.0,
        verdict(read_change >= 0.95)
    );
    println!(
        "- (b)/(a) ratio: {:+.1}% — loses at most 5%: {}",
        (ratio_change - 1.0) * 100.0,
        verdict(ratio_change >= 0.95)
    );
    println!(
        "- server CPU per (b) request: {:+.1}% — at most 5% more: {}",
        (cpu_change - 1.0) * 100.0,
        verdict(cpu_change <= 1.05)
    );
}

/// Prints a comparison's title, the two builds it compares and `more` (a
/// line ending in a newline, or nothing), then a blank line.
fn print_title(title: &str, other: &Path, more: &str) {
    println!(
        "\n{title}\nthis build: {}\n--against:  {}\n{more}",
        own_server_binary().display(),
        other.display()
    );
}
