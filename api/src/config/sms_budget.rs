//! Budgets of the texts the platform sends on its own behalf, and the
//! per-country circuit breaker (see the README's configuration table).

use std::time::Duration;

use super::ConfigError;

/// How many system texts (codes) may go out per window, per key.
#[derive(Debug, Clone, PartialEq)]
pub struct SmsBudgetConfig {
    /// The budgets' fixed window (`PORTCULLIS_SMS_BUDGET_WINDOW_SECS`, default 3600).
    pub window: Duration,
    /// Per account (`PORTCULLIS_SMS_BUDGET_PER_ACCOUNT`, default 20).
    pub per_account: i64,
    /// Per destination number (`PORTCULLIS_SMS_BUDGET_PER_DESTINATION`, default 20).
    pub per_destination: i64,
    /// Per destination calling code (`PORTCULLIS_SMS_BUDGET_PER_COUNTRY`, default 1000).
    pub per_country: i64,
    /// Per source address, IPv6 per /64 (`PORTCULLIS_SMS_BUDGET_PER_ADDRESS`, default 100).
    pub per_address: i64,
    /// The per-country circuit breaker; `None` when `PORTCULLIS_SMS_BREAKER=false`.
    pub breaker: Option<BreakerConfig>,
}

/// When system texts to one calling code are held: more than `factor` times
/// their usual rate within `window`, and at least `min_count` of them.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerConfig {
    /// `PORTCULLIS_SMS_BREAKER_FACTOR`, default 10.
    pub factor: f64,
    /// `PORTCULLIS_SMS_BREAKER_MIN_COUNT`, default 50: less traffic never trips it.
    pub min_count: i64,
    /// The short window watched (`PORTCULLIS_SMS_BREAKER_WINDOW_SECS`, default 600).
    pub window: Duration,
    /// The trailing period the usual rate is taken from
    /// (`PORTCULLIS_SMS_BREAKER_BASELINE_SECS`, default 21600; at least twice the window).
    pub baseline: Duration,
}

impl SmsBudgetConfig {
    /// Reads the settings through `get` (trimmed, empty = unset).
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |name: &'static str, default: u64, max: u64| -> Result<u64, ConfigError> {
            get(name).map_or(Ok(default), |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| ConfigError::new(name, format!("must be between 1 and {max}")))
            })
        };
        let limit = |name: &'static str, default: u64| -> Result<i64, ConfigError> {
            number(name, default, 1_000_000_000).map(|n| n as i64)
        };
        let breaker = match get("PORTCULLIS_SMS_BREAKER").as_deref() {
            None | Some("true") | Some("1") => {
                let factor = get("PORTCULLIS_SMS_BREAKER_FACTOR").map_or(Ok(10.0), |v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite() && *f >= 1.0)
                        .ok_or_else(|| {
                            ConfigError::new("PORTCULLIS_SMS_BREAKER_FACTOR", "must be 1 or more")
                        })
                })?;
                let window = Duration::from_secs(number(
                    "PORTCULLIS_SMS_BREAKER_WINDOW_SECS",
                    600,
                    7 * 86_400,
                )?);
                let baseline = Duration::from_secs(number(
                    "PORTCULLIS_SMS_BREAKER_BASELINE_SECS",
                    21_600,
                    30 * 86_400,
                )?);
                if baseline < window * 2 {
                    return Err(ConfigError::new(
                        "PORTCULLIS_SMS_BREAKER_BASELINE_SECS",
                        "must be at least twice PORTCULLIS_SMS_BREAKER_WINDOW_SECS",
                    ));
                }
                Some(BreakerConfig {
                    factor,
                    min_count: limit("PORTCULLIS_SMS_BREAKER_MIN_COUNT", 50)?,
                    window,
                    baseline,
                })
            }
            Some("false") | Some("0") => None,
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_SMS_BREAKER",
                    "must be true or false",
                ))
            }
        };
        Ok(Self {
            window: Duration::from_secs(number(
                "PORTCULLIS_SMS_BUDGET_WINDOW_SECS",
                3600,
                30 * 86_400,
            )?),
            per_account: limit("PORTCULLIS_SMS_BUDGET_PER_ACCOUNT", 20)?,
            per_destination: limit("PORTCULLIS_SMS_BUDGET_PER_DESTINATION", 20)?,
            per_country: limit("PORTCULLIS_SMS_BUDGET_PER_COUNTRY", 1000)?,
            per_address: limit("PORTCULLIS_SMS_BUDGET_PER_ADDRESS", 100)?,
            breaker,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<SmsBudgetConfig, ConfigError> {
        SmsBudgetConfig::from_lookup(&|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_are_generous_and_the_breaker_is_on() {
        let config = read(&[]).unwrap();
        assert_eq!(config.window, Duration::from_secs(3600));
        assert_eq!(
            (
                config.per_account,
                config.per_destination,
                config.per_country,
                config.per_address
            ),
            (20, 20, 1000, 100)
        );
        let breaker = config.breaker.unwrap();
        assert_eq!((breaker.factor, breaker.min_count), (10.0, 50));
    }

    #[test]
    fn zero_limits_and_odd_breakers_are_refused() {
        let zero = read(&[("PORTCULLIS_SMS_BUDGET_PER_ACCOUNT", "0")]).unwrap_err();
        assert_eq!(zero.variable, "PORTCULLIS_SMS_BUDGET_PER_ACCOUNT");
        let factor = read(&[("PORTCULLIS_SMS_BREAKER_FACTOR", "0.5")]).unwrap_err();
        assert_eq!(factor.variable, "PORTCULLIS_SMS_BREAKER_FACTOR");
        let short = read(&[
            ("PORTCULLIS_SMS_BREAKER_WINDOW_SECS", "600"),
            ("PORTCULLIS_SMS_BREAKER_BASELINE_SECS", "900"),
        ])
        .unwrap_err();
        assert_eq!(short.variable, "PORTCULLIS_SMS_BREAKER_BASELINE_SECS");
        assert_eq!(
            read(&[("PORTCULLIS_SMS_BREAKER", "false")])
                .unwrap()
                .breaker,
            None
        );
    }
}
