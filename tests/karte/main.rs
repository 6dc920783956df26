//! Integration tests: each one runs the real `karte` binary in a fresh
//! temporary directory on committed fixtures and checks the database it
//! leaves behind.

mod bad_input;
mod cleanse;
mod dedup;
mod export;
mod firstday;
mod golden;
mod inspect;
mod locking;
mod moved;
mod nights;
#[cfg(unix)]
mod perms;
mod readers;
mod run;
mod samples;
mod util;
