//! rolegate-protocol (placeholder; see the workspace README).
