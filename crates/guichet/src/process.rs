//! The process's own limits: every open connection is a file descriptor, and the usual soft
//! limit (1024) is far below the connections `serve` accepts (`max_connections`).

/// Files the process keeps open besides its connections: the database pool, SQLite's files,
/// SMTP connections, the listener, standard streams, with room to spare.
const OTHER_FILES: u64 = 256;

/// Raises the soft limit on open files to the hard limit (the most an unprivileged process may
/// ask for), and returns the limit now in force.
#[cfg(unix)]
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= hard {
        return Ok(soft);
    }
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard)?;
    Ok(hard)
}

/// Elsewhere there is no such limit to raise.
#[cfg(not(unix))]
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    Ok(u64::MAX)
}

/// Raises the open-file limit for `serve`, and says so in the log when even the system's maximum
/// leaves too few files for `max_connections` (the operator can raise the hard limit:
/// `ulimit -Hn`, systemd's `LimitNOFILE`, Docker's `--ulimit nofile`).
pub(crate) fn raise_open_files_for(max_connections: usize) {
    let needed = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(OTHER_FILES);
    match raise_open_file_limit() {
        Ok(limit) if limit < needed => tracing::warn!(
            limit,
            max_connections,
            "the open-file limit leaves too few files for max_connections: raise the hard \
             limit, or lower max_connections"
        ),
        Ok(limit) => tracing::debug!(limit, "open-file limit"),
        Err(error) => tracing::warn!(%error, "cannot raise the open-file limit"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_limit() {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("limits");
        // Start below the hard limit, as a process started from a usual shell does.
        let lower = hard.saturating_sub(1).min(1023);
        setrlimit(Resource::RLIMIT_NOFILE, lower, hard).expect("lower the soft limit");
        assert_eq!(raise_open_file_limit().expect("raised"), hard);
        assert_eq!(
            getrlimit(Resource::RLIMIT_NOFILE).expect("limits"),
            (hard, hard)
        );
    }
}
