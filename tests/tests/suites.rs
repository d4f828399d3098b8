//! Every suite of the client against local servers, as modules of one test
//! binary: one build and one link for all of them (each suite a binary of
//! its own would relink the client and its dependencies ten times). Run one
//! suite with a filter: `cargo test -p drata-tests --test suites faults::`.
//! The environment and logs suites are binaries of their own: what they
//! test is the process's (see each).

mod contract;
mod errors;
mod faults;
mod fuzz;
mod people;
mod runtime;
mod samples;
mod security;
mod spec_contracts;
mod v2;
