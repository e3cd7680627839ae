//! ARCHITECTURE.md stays true: every backquoted repository path it names (a path with a `/`
//! that ends in `.rs`, a file, or in `/`, a folder) exists, relative to the repository root.
//! Fenced code blocks are not read.

use std::path::{Path, PathBuf};

/// The repository root: the parent of this crate's directory.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("auth0-core lives in a folder of the repository"))
}

/// Whether an inline code span is meant as a repository path.
fn is_repo_path(span: &str) -> bool {
    span.contains('/')
        && (span.ends_with(".rs") || span.ends_with('/'))
        && span
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

/// The inline code spans of a Markdown text, outside fenced code blocks. Spans are read per
/// paragraph, so an unbalanced backquote cannot shift the spans of the rest of the file.
fn code_spans(markdown: &str) -> Vec<String> {
    let mut spans = Vec::new();
    let mut in_fence = false;
    let mut paragraph = String::new();
    let mut flush = |paragraph: &mut String| {
        let parts: Vec<&str> = paragraph.split('`').collect();
        assert!(
            parts.len() % 2 == 1,
            "ARCHITECTURE.md: unbalanced backquote in the paragraph {:?}",
            paragraph.trim()
        );
        spans.extend(parts.iter().skip(1).step_by(2).map(|s| s.trim().to_owned()));
        paragraph.clear();
    };
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut paragraph);
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut paragraph);
        } else {
            paragraph.push_str(line);
            paragraph.push('\n');
        }
    }
    flush(&mut paragraph);
    spans
}

#[test]
fn every_path_in_architecture_md_exists() {
    let root = repo_root();
    let doc = root.join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(&doc)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", doc.display()));
    let paths: Vec<String> = code_spans(&text)
        .into_iter()
        .filter(|s| is_repo_path(s))
        .collect();
    assert!(
        !paths.is_empty(),
        "ARCHITECTURE.md names no repository path in backquotes; is the check still reading it?"
    );
    let missing: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| {
            let on_disk = root.join(p);
            if p.ends_with('/') {
                !on_disk.is_dir()
            } else {
                !on_disk.is_file()
            }
        })
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist in the repository (fix the path or the \
         text): {}",
        missing.join(", ")
    );
}

#[test]
fn path_detection() {
    assert!(is_repo_path("auth0-core/src/bearer.rs"));
    assert!(is_repo_path("auth0-core/src/jwks/"));
    assert!(!is_repo_path("Auth0Layer"));
    assert!(!is_repo_path("lib.rs"));
    assert!(!is_repo_path("/oauth/token"));
    assert!(!is_repo_path("https://example.com/"));
    assert_eq!(
        code_spans("a `x/y.rs` b\n\n```\n`not/read.rs`\n```\n`z/`"),
        ["x/y.rs", "z/"]
    );
}
