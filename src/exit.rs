//! The one place that maps outcomes to process exit codes.
//!
//! 0 success · 1 findings or failed checks · 2 usage error · 3 internal or I/O error.

use std::process::ExitCode;

/// How a command that ran to the end went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The command worked and found problems (lint errors, failed tests, broken budgets).
    Findings,
}

/// A mistake on the command line that clap could not catch (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

pub const SUCCESS: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;
pub const INTERNAL: u8 = 3;

pub fn code(result: &anyhow::Result<Outcome>) -> ExitCode {
    ExitCode::from(match result {
        Ok(Outcome::Success) => SUCCESS,
        Ok(Outcome::Findings) => FINDINGS,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => USAGE,
        Err(e) if is_broken_pipe(e) => SUCCESS,
        Err(_) => INTERNAL,
    })
}

/// `lynx … | head` closing the pipe early is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_each_outcome() {
        assert_eq!(code(&Ok(Outcome::Success)), ExitCode::from(0));
        assert_eq!(code(&Ok(Outcome::Findings)), ExitCode::from(1));
        assert_eq!(code(&Err(UsageError::new("x").into())), ExitCode::from(2));
        assert_eq!(code(&Err(anyhow::anyhow!("boom"))), ExitCode::from(3));
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(
            code(&Err(anyhow::Error::new(pipe).context("writing"))),
            ExitCode::from(0)
        );
    }
}
