//! `--against OTHER_BINARY [--rounds N]`: a before/after comparison in one
//! run. This folder's `portcullis` and another build of it each get their own
//! SQLite file (or PostgreSQL database) and fixture; then (a) and (b) run on one server, then on the
//! other, alternating which goes first, for N rounds. A change's cost is the
//! median over rounds of the (b)/(a) ratio and of the server CPU per (b)
//! request, each divided by the other build's: the machine's noise moves
//! both builds within a round alike. (b)'s own req/s is printed too: when
//! (a) itself changed between the builds, the ratio moves with it.

use std::{path::Path, sync::Arc, time::Duration};

use portcullis_shared::routes;

use crate::{arrange, own_server_binary, run, start_server, MakeRequest, Options, Server};

/// One server under comparison, with its two requests.
struct Contender {
    name: &'static str,
    server: Server,
    livez: MakeRequest,
    read: MakeRequest,
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
    Contender {
        name,
        server,
        livez: Arc::new(move |c| c.get(&livez)),
        read: Arc::new(move |c| c.get(&read).bearer_auth(&secret)),
    }
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
            let a = measure(&this, options.connections, duration).await;
            (a, measure(&that, options.connections, duration).await)
        } else {
            let b = measure(&that, options.connections, duration).await;
            (measure(&this, options.connections, duration).await, b)
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
}
