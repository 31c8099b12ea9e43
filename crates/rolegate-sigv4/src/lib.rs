//! rolegate-sigv4 (placeholder; see the workspace README).
