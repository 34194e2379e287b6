//! The one integration-test binary (one link step for all CLI tests).

mod bench;
mod client;
mod conformance;
mod hostile;
mod rule_fixtures;
mod runtime;
mod scaffold;
mod schema_agreement;
mod serve;
mod support;
mod validate_cli;
