//! karte turns a shop's legacy customer records — typed-up paper karte
//! cards, hand-kept Excel ledgers, POS and web-booking CSV exports — into one
//! SQLite karte database in which every value is traceable to the file,
//! sheet and row it came from.
//!
//! The pipeline: [`import`] (readers per format) → [`mapping`] (TOML
//! mappings: columns → karte fields) → [`cleanse`] (normalisers per field
//! type) → [`store`] (the SQLite database) → [`dedup`] (matching, merges,
//! golden records, review) → [`export`]. [`pipeline`] runs the first stages
//! over one file; [`project`] runs them all over a project file (`karte
//! run`); [`cli`] is the command line.

pub mod cleanse;
pub mod cli;
pub mod dedup;
pub mod export;
pub mod fault;
pub mod fsx;
pub mod hash;
pub mod import;
pub mod mapping;
pub mod model;
pub mod pipeline;
pub mod problems;
pub mod project;
pub mod rng;
pub mod store;
