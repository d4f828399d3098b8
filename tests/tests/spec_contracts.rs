//! One contract test per operation of the spec, written by `tests/build.rs`
//! (see `drata_tests::spec_contract`): the example request on the wire, the
//! documented answer decoded.

include!(concat!(env!("OUT_DIR"), "/spec_contracts.rs"));
