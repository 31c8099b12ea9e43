//! rolegate-policy (placeholder; see the workspace README).
