//! Storage's own errors. They say what went wrong with storage and nothing of
//! HTTP: the layer above maps them onto its own error type.

/// Why storage could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Storage cannot be reached, the connection died, or it has no room left:
    /// nothing was stored, and the same work may succeed later.
    #[error("storage unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// A uniqueness constraint refused the write: the row is already there.
    #[error("storage conflict: {0:#}")]
    Conflict(anyhow::Error),
    /// Anything else: a query or a value storage did not expect.
    #[error("storage failed: {0:#}")]
    Internal(anyhow::Error),
}

impl StorageError {
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    /// The same failure, told as storage going away: its connection was found dead.
    pub fn into_unavailable(self) -> Self {
        match self {
            Self::Unavailable(cause) | Self::Conflict(cause) | Self::Internal(cause) => {
                Self::Unavailable(cause)
            }
        }
    }
}

impl From<diesel::result::Error> for StorageError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            // A broken connection means storage went away under us: retryable.
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | Error::BrokenTransactionManager => Self::Unavailable(error.into()),
            // Out of space (SQLITE_FULL, PostgreSQL's disk_full): the write is
            // rolled back and may succeed once space is freed, so retryable.
            Error::DatabaseError(_, ref info) if is_storage_full(info.message()) => {
                Self::Unavailable(error.into())
            }
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict(error.into())
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// The messages of SQLite's SQLITE_FULL and of PostgreSQL failing to extend a file.
fn is_storage_full(message: &str) -> bool {
    message.contains("database or disk is full") || message.contains("No space left on device")
}

impl From<diesel::r2d2::PoolError> for StorageError {
    /// No connection came free in time, or none could be opened.
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.into())
    }
}

/// The error type of the work a [`super::Db`] runs: the callers' own, so that
/// their refusals roll a transaction back and come out unchanged, as long as
/// it can carry a storage error (diesel's too, which the work's queries and
/// diesel's transactions return) and say which of its values are failures.
pub trait WorkError: From<StorageError> + From<diesel::result::Error> + Send + 'static {
    /// The failure this error is, as storage sees it (with its cause), or the
    /// error itself when it is a refusal, which says nothing about storage.
    /// After a failure the connection is checked before it goes back to the pool.
    fn into_failure(self) -> Result<StorageError, Self>;
}

impl WorkError for StorageError {
    fn into_failure(self) -> Result<StorageError, Self> {
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn diesel_errors_are_sorted_by_what_a_caller_can_do() {
        let unavailable = [
            database_error(DatabaseErrorKind::ClosedConnection, "server closed"),
            Error::BrokenTransactionManager,
            database_error(DatabaseErrorKind::Unknown, "database or disk is full"),
            database_error(
                DatabaseErrorKind::Unknown,
                "could not extend file: No space left on device",
            ),
        ];
        for error in unavailable {
            assert!(matches!(
                StorageError::from(error),
                StorageError::Unavailable(_)
            ));
        }
        assert!(matches!(
            StorageError::from(database_error(DatabaseErrorKind::UniqueViolation, "dup")),
            StorageError::Conflict(_)
        ));
        assert!(matches!(
            StorageError::from(Error::NotFound),
            StorageError::Internal(_)
        ));
    }

    #[test]
    fn a_dead_connection_makes_any_failure_unavailable_with_its_cause() {
        let failure = StorageError::from(database_error(DatabaseErrorKind::UniqueViolation, "dup"));
        let StorageError::Unavailable(cause) = failure.into_unavailable() else {
            panic!("not unavailable");
        };
        assert!(cause.downcast_ref::<Error>().is_some());
    }
}
