//! Identifiers and dice: correlation ids, entity ids, access tokens, fault rolls.

use std::sync::{Mutex, PoisonError};

/// A `fastrand` generator that threads share: plenty for a simulator's ids and fault
/// rolls. Not cryptographic: its tokens guard nothing but a loopback test server.
pub struct Rng(Mutex<fastrand::Rng>);

impl Rng {
    /// A generator with a random seed.
    pub fn new() -> Rng {
        Rng(Mutex::new(fastrand::Rng::new()))
    }

    fn with<T>(&self, draw: impl FnOnce(&mut fastrand::Rng) -> T) -> T {
        draw(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A uniform fraction in `[0, 1)`.
    pub fn fraction(&self) -> f64 {
        self.with(fastrand::Rng::f64)
    }

    /// A random, version-4-shaped UUID.
    pub fn uuid(&self) -> String {
        format_uuid(self.with(|rng| rng.u128(..)), 4)
    }

    /// An opaque access token (256 random bits as hex).
    pub fn token(&self) -> String {
        let (high, low) = self.with(|rng| (rng.u128(..), rng.u128(..)));
        format!("{high:032x}{low:032x}")
    }
}

/// A UUID-shaped id derived from `name`, the same in every run, for seeded entities.
pub fn stable_uuid(name: &str) -> String {
    let high = fnv1a(0xCBF2_9CE4_8422_2325, name);
    let low = fnv1a(high ^ 0x6A09_E667_F3BC_C908, name);
    format_uuid((u128::from(high) << 64) | u128::from(low), 5)
}

fn fnv1a(offset: u64, text: &str) -> u64 {
    text.bytes().fold(offset, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// Formats 128 bits as `8-4-4-4-12` hex with the RFC 4122 version and variant bits set.
fn format_uuid(bits: u128, version: u8) -> String {
    let bits = (bits & !(0xF << 76)) | (u128::from(version) << 76);
    let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_shaped_and_distinct() {
        let rng = Rng::new();
        let (a, b) = (rng.uuid(), rng.uuid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn stable_uuids_repeat() {
        assert_eq!(stable_uuid("x"), stable_uuid("x"));
        assert_ne!(stable_uuid("x"), stable_uuid("y"));
        assert_eq!(&stable_uuid("x")[14..15], "5");
    }

    #[test]
    fn fractions_stay_in_range() {
        let rng = Rng::new();
        assert!((0..1000)
            .map(|_| rng.fraction())
            .all(|f| (0.0..1.0).contains(&f)));
    }
}
