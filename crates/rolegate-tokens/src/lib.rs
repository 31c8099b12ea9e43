//! rolegate-tokens (placeholder; see the workspace README).
