//! `KeyRing::open` on arbitrary token text and access key ids: a hostile
//! `X-Amz-Security-Token` must never panic, only be refused. Also feeds the bytes to
//! `KeyRing::from_bytes`, the key-ring file reader.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rolegate_tokens::KeyRing;

fn ring() -> Option<&'static KeyRing> {
    static RING: OnceLock<Option<KeyRing>> = OnceLock::new();
    RING.get_or_init(|| KeyRing::generate(0).ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let _ = KeyRing::from_bytes(data);
    let Some(ring) = ring() else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let (token, access_key_id) = text
        .split_once('\n')
        .unwrap_or((&text, "ASIAEXAMPLEEXAMPLE12"));
    let _ = ring.open(token, access_key_id, 0);
    let _ = rolegate_tokens::account_of_access_key(access_key_id);
});
