//! The key from the environment. A test binary of its own: the environment
//! is the process's, and no other test may run beside these.

use drata::Error;

#[test]
fn the_key_comes_from_drata_api_key_when_none_is_given_and_an_empty_one_is_none() {
    // SAFETY: this binary's only test; nothing else reads the environment meanwhile.
    unsafe { std::env::set_var("DRATA_API_KEY", "env-key") };
    assert!(drata::Client::builder().build().is_ok(), "the key of the environment is used");

    for empty in ["", "   "] {
        // SAFETY: as above.
        unsafe { std::env::set_var("DRATA_API_KEY", empty) };
        let error = drata::Client::builder().build().expect_err("no key");
        assert!(
            matches!(&error, Error::Config { message } if message.starts_with("no API key")),
            "{error:?}"
        );
    }
    // SAFETY: as above.
    unsafe { std::env::remove_var("DRATA_API_KEY") };
    assert!(drata::Client::builder().build().is_err(), "no key at all");
}
