//! Reading a command's input: a file path, or `-` for standard input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use anyhow::Context as _;

/// Opens `path` for line-by-line reading; `-` means standard input.
pub fn open(path: &str) -> anyhow::Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(io::stdin())));
    }
    let file = File::open(path).with_context(|| format!("cannot open {path}"))?;
    Ok(Box::new(BufReader::new(file)))
}

/// Reads all of `path` (or standard input for `-`) as UTF-8 text.
pub fn read_to_string(path: &str) -> anyhow::Result<String> {
    let mut text = String::new();
    open(path)?
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {path} as UTF-8 text"))?;
    Ok(text)
}
