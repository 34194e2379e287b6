//! The one integration-test binary (one link step for all CLI tests).

mod hostile;
mod rule_fixtures;
mod schema_agreement;
mod support;
mod validate_cli;
