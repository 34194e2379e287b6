//! `lynx schema tool|workflow|config`: print an embedded JSON Schema.

use crate::cli::SchemaArgs;
use crate::exit::Outcome;
use crate::lint::schema;

pub fn run(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    super::print(schema::text(args.kind))?;
    Ok(Outcome::Success)
}
