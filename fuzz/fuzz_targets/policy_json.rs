//! Fuzz target: arbitrary UTF-8 through the policy parser for every policy type. Parsing must
//! never panic; a document that parses must print canonically and parse back to the same AST.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegate_policy::{Policy, PolicyType};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for ty in PolicyType::ALL {
        let _ = Policy::size_without_whitespace(text);
        if let Ok(policy) = Policy::parse_unvalidated(text, ty) {
            let printed = policy.to_json();
            match Policy::parse_unvalidated(&printed, ty) {
                Ok(again) => assert_eq!(again.document(), policy.document(), "round trip changed the document"),
                Err(e) => panic!("the canonical print does not parse: {e}\n{printed}"),
            }
        }
        let _ = Policy::parse(text, ty);
    }
});
