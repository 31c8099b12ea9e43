//! rolegate-store (placeholder; see the workspace README).
