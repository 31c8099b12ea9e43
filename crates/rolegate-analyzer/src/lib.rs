//! rolegate-analyzer (placeholder; see the workspace README).
