//! Benchmarks for the analyzer (filled in below).
fn main() {}
