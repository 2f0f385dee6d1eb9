//! `--against OTHER_BINARY [--rounds N]`: a before/after comparison in one
//! run. This folder's `portcullis` and another build of it each get their own
//! SQLite file (or PostgreSQL database) and fixture; then (a) and (b) run on one server, then on the
//! other, alternating which goes first, for N rounds. A change's cost is the
//! median over rounds of the (b)/(a) ratio and of the server CPU per (b)
//! request, each divided by the other build's: the machine's noise moves
//! both builds within a round alike. (b)'s own req/s is printed too: when
//! (a) itself changed between the builds, the ratio moves with it.
//!
//! With `--sends`, each round also runs (g) (single sends, a distinct
//! Idempotency-Key each) and (h) (1,000-recipient batches, with (b) beside
//! them) on both builds, and prints (g)'s ratio to (a) and p99, (h)'s
//! recipients per second and (b)'s p99 during (h).

use std::{path::Path, sync::Arc, time::Duration};

use portcullis_shared::routes;

use crate::{arrange, own_server_binary, run, start_server, MakeRequest, Options, Server};

/// One server under comparison, with its two requests.
struct Contender {
    name: &'static str,
    server: Server,
    livez: MakeRequest,
    read: MakeRequest,
    send: MakeRequest,
    bulk: MakeRequest,
}

/// One round's figures for one server.
#[derive(Clone, Copy)]
struct Round {
    livez_rps: f64,
    read_rps: f64,
    read_cpu_us: f64,
    /// With `--sends`: (g) req/s and p99 ms, (h) recipients/s and (b)'s p99 ms beside it.
    sends: Option<SendRound>,
}

#[derive(Clone, Copy)]
struct SendRound {
    /// Failed (g), (h) and (b) requests.
    errors: usize,
    send_rps: f64,
    send_p99_ms: f64,
    bulk_recipients: f64,
    read_during_bulk_p99_ms: f64,
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
    let send_url = format!("{base}{}", routes::SMS);
    let send_secret = secret.clone();
    let keys = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let key_prefix = format!("compare-{}-{}", std::process::id(), name.replace(' ', "-"));
    let bulk_url = format!("{base}{}", routes::SMS_BATCHES);
    let numbers: Vec<String> = (0..1000)
        .map(|i| format!("+48500{:06}", 100_000 + i))
        .collect();
    let bulk_body =
        serde_json::to_vec(&serde_json::json!({"to": numbers, "text": "bulk benchmark"})).unwrap();
    let bulk_secret = secret.clone();
    Contender {
        name,
        server,
        livez: Arc::new(move |c| c.get(&livez)),
        read: Arc::new(move |c| c.get(&read).bearer_auth(&secret)),
        send: Arc::new(move |c| {
            let key = keys.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            c.post(&send_url)
                .bearer_auth(&send_secret)
                .header(
                    routes::IDEMPOTENCY_KEY_HEADER,
                    format!("{key_prefix}-{key}"),
                )
                .json(&serde_json::json!({"to": "+48500100200", "text": "benchmark"}))
        }),
        bulk: Arc::new(move |c| {
            c.post(&bulk_url)
                .bearer_auth(&bulk_secret)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bulk_body.clone())
        }),
    }
}

async fn measure(
    contender: &Contender,
    connections: usize,
    duration: Duration,
    sends: bool,
) -> Round {
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
    if livez.errors + read.errors > 0 {
        // Said, not fatal: on a loaded machine a request may time out.
        eprintln!(
            "{}: {} (a) and (b) requests failed",
            contender.name,
            livez.errors + read.errors
        );
    }
    let sends = if sends {
        let send = run(
            &contender.server,
            "(g)",
            connections,
            duration,
            contender.send.clone(),
        )
        .await;
        // (h) after (g), as in the full run: (g)'s few thousand messages are
        // soon dispatched. (g) after (h) would measure sends beside the
        // dispatch of a bulk backlog instead.
        let quarter = (connections / 4).max(1);
        let (bulk, beside) = tokio::join!(
            run(
                &contender.server,
                "(h)",
                quarter.max(2),
                duration,
                contender.bulk.clone()
            ),
            run(
                &contender.server,
                "(h) (b)",
                quarter,
                duration,
                contender.read.clone()
            ),
        );
        // Reported, not fatal: on a loaded machine a request may time out,
        // and one failure should not throw away a whole comparison.
        Some(SendRound {
            errors: send.errors + bulk.errors + beside.errors,
            send_rps: send.rps(),
            send_p99_ms: send.percentile_ms(0.99),
            bulk_recipients: bulk.rps() * 1000.0,
            read_during_bulk_p99_ms: beside.percentile_ms(0.99),
        })
    } else {
        None
    };
    Round {
        livez_rps: livez.rps(),
        read_rps: read.rps(),
        read_cpu_us: read.cpu_us_per_request(),
        sends,
    }
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
    let duration = Duration::from_secs(options.seconds);
    let load_before = crate::load_average();
    let mut rounds = Vec::new();
    for round in 0..options.rounds {
        // Each build goes first in every other round.
        let (this_round, that_round) = if round % 2 == 0 {
            let a = measure(&this, options.connections, duration, options.sends).await;
            (
                a,
                measure(&that, options.connections, duration, options.sends).await,
            )
        } else {
            let b = measure(&that, options.connections, duration, options.sends).await;
            (
                measure(&this, options.connections, duration, options.sends).await,
                b,
            )
        };
        rounds.push((this_round, that_round));
    }

    println!(
        "\nPortcullis comparison — {backend}, {} connections, {}s per scenario, {} rounds\nthis build: {}\n--against:  {}\n",
        options.connections,
        options.seconds,
        options.rounds,
        own_server_binary().display(),
        other.display()
    );
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
    if options.sends {
        print_sends(&rounds);
    }
}

/// (g) and (h) of each round and their medians, this build against the other.
fn print_sends(rounds: &[(Round, Round)]) {
    let sends: Vec<(SendRound, f64, SendRound, f64)> = rounds
        .iter()
        .filter_map(|(a, b)| Some((a.sends?, a.livez_rps, b.sends?, b.livez_rps)))
        .collect();
    println!("\n| round | (g) req/s this / against | (g)/(a) this / against | (g) p99 ms this / against | (h) recipients/s this / against | (b) p99 ms during (h) this / against | errors this / against |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (i, (this, this_livez, that, that_livez)) in sends.iter().enumerate() {
        println!(
            "| {} | {:.0} / {:.0} | {:.3} / {:.3} | {:.2} / {:.2} | {:.0} / {:.0} | {:.2} / {:.2} | {} / {} |",
            i + 1,
            this.send_rps,
            that.send_rps,
            this.send_rps / this_livez,
            that.send_rps / that_livez,
            this.send_p99_ms,
            that.send_p99_ms,
            this.bulk_recipients,
            that.bulk_recipients,
            this.read_during_bulk_p99_ms,
            that.read_during_bulk_p99_ms,
            this.errors,
            that.errors,
        );
    }
    let of = |pick: fn(&SendRound) -> f64, this: bool| {
        median(
            sends
                .iter()
                .map(|(a, _, b, _)| pick(if this { a } else { b }))
                .collect(),
        )
    };
    println!("\nmedians of the rounds, this build / the other:");
    println!(
        "- (g) req/s: {:.0} / {:.0} ({:.2}×)",
        of(|r| r.send_rps, true),
        of(|r| r.send_rps, false),
        of(|r| r.send_rps, true) / of(|r| r.send_rps, false)
    );
    println!(
        "- (g) p99: {:.2} ms / {:.2} ms",
        of(|r| r.send_p99_ms, true),
        of(|r| r.send_p99_ms, false)
    );
    println!(
        "- (h) recipients/s: {:.0} / {:.0} ({:.2}×)",
        of(|r| r.bulk_recipients, true),
        of(|r| r.bulk_recipients, false),
        of(|r| r.bulk_recipients, true) / of(|r| r.bulk_recipients, false)
    );
    println!(
        "- (b) p99 during (h): {:.2} ms / {:.2} ms",
        of(|r| r.read_during_bulk_p99_ms, true),
        of(|r| r.read_during_bulk_p99_ms, false)
    );
}
