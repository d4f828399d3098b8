//! A stateful fake Drata server (work in progress).
