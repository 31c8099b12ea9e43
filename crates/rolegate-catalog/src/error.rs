//! The one error type: a place in an embedded data file and what is wrong there.

/// A problem in an embedded data file, found when it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CatalogError {
    /// The data file, as named under `data/`.
    pub file: &'static str,
    /// 1-based line number; 0 when the problem is not on one line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl CatalogError {
    pub(crate) fn new(file: &'static str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file,
            line,
            message: message.into(),
        }
    }
}
