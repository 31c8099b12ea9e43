//! rolegate-server (placeholder; see the workspace README).
