//! Code organisation of the learner's crate at the end of a round: clippy warnings by lint, the
//! longest function, `unwrap`/`expect` outside tests, public items without docs.
//!
//! Everything but clippy is a text scan, not a parse: comments and string literals are blanked
//! out, `#[cfg(test)]` items are skipped by brace matching, and a function runs from its `fn` line to
//! its closing brace. Macros that generate code, or braces in odd places, can fool it; the numbers
//! are meant for comparing a learner's rounds with each other, not as a verdict.

use std::collections::BTreeMap;
use std::path::Path;

use super::CodeMetrics;

/// Measures every `.rs` file under `src` (clippy is run separately; see [`clippy`]).
pub fn scan_dir(src: &Path) -> CodeMetrics {
    let mut files = Vec::new();
    collect(src, &mut files);
    files.sort();
    let mut total = CodeMetrics::default();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let m = scan(&text);
        total.unwraps += m.unwraps;
        total.undocumented_pub += m.undocumented_pub;
        if m.longest_fn_lines > total.longest_fn_lines {
            total.longest_fn_lines = m.longest_fn_lines;
            total.longest_fn = m.longest_fn;
        }
    }
    total
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Measures one source file.
pub fn scan(text: &str) -> CodeMetrics {
    let raw: Vec<&str> = text.lines().collect();
    let code = blank_comments_and_strings(text);
    let code: Vec<&str> = code.lines().collect();
    let test = test_lines(&code);
    let mut m = CodeMetrics::default();
    for (i, line) in code.iter().enumerate() {
        if test[i] {
            continue;
        }
        m.unwraps += (line.matches(".unwrap()").count() + line.matches(".expect(").count()) as u32;
        if is_pub_item(line) && !documented(&raw, i) {
            m.undocumented_pub += 1;
        }
        if let Some(name) = fn_name(line) {
            if let Some(end) = body_end(&code, i) {
                let lines = (end - i + 1) as u32;
                if lines > m.longest_fn_lines {
                    m.longest_fn_lines = lines;
                    m.longest_fn = name;
                }
            }
        }
    }
    m
}

/// Returns `text` with comments and the contents of string and char literals replaced by spaces
/// (line breaks kept, so line numbers still match).
fn blank_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                out.push(blank(chars[j]));
                j += 1;
            }
            out.push('"');
            i = j;
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a): only the former is blanked.
            let end = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match end {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Marks the lines that belong to `#[cfg(test)]` items.
fn test_lines(code: &[&str]) -> Vec<bool> {
    let mut test = vec![false; code.len()];
    let mut i = 0;
    while i < code.len() {
        if code[i].trim().starts_with("#[cfg(test)]") {
            let end = item_end(code, i).unwrap_or(code.len() - 1);
            for t in &mut test[i..=end] {
                *t = true;
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    test
}

/// Returns the last line of the item starting at line `start`: its matching closing brace, or the
/// line of a `;` met before any brace.
fn item_end(code: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut opened = false;
    for (n, line) in code.iter().enumerate().skip(start) {
        let line = if n == start {
            // Skip the attribute itself.
            line.trim_start().trim_start_matches("#[cfg(test)]")
        } else {
            line
        };
        for c in line.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => {
                    depth -= 1;
                    if opened && depth == 0 {
                        return Some(n);
                    }
                }
                ';' if !opened => return Some(n),
                _ => {}
            }
        }
    }
    None
}

/// Returns the last line of the body of the function declared on line `start` (`None` for a
/// declaration without a body, such as a trait method).
fn body_end(code: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut opened = false;
    for (n, line) in code.iter().enumerate().skip(start) {
        for c in line.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => {
                    depth -= 1;
                    if opened && depth == 0 {
                        return Some(n);
                    }
                }
                ';' if !opened && depth == 0 => return None,
                _ => {}
            }
        }
    }
    None
}

/// Returns the words of a declaration line after its visibility and qualifiers.
fn declaration(line: &str) -> (bool, Vec<&str>) {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let public = words.first() == Some(&"pub");
    let mut k = 0;
    while k < words.len() {
        let w = words[k];
        if w == "pub"
            || w.starts_with("pub(")
            || matches!(w, "const" | "async" | "unsafe" | "extern" | "default")
            || w.starts_with('"')
        {
            // `const fn` keeps `fn`; a `const X` item is handled by the caller.
            if w == "const"
                && words
                    .get(k + 1)
                    .is_some_and(|n| *n != "fn" && *n != "unsafe")
            {
                break;
            }
            k += 1;
        } else {
            break;
        }
    }
    words.drain(..k);
    (public, words)
}

fn fn_name(line: &str) -> Option<String> {
    let (_, words) = declaration(line.trim());
    if words.first() != Some(&"fn") {
        return None;
    }
    let name = words.get(1)?;
    let name: String = name
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn is_pub_item(line: &str) -> bool {
    let (public, words) = declaration(line.trim());
    public
        && matches!(
            words.first(),
            Some(
                &("fn"
                    | "struct"
                    | "enum"
                    | "trait"
                    | "type"
                    | "const"
                    | "static"
                    | "mod"
                    | "union")
            )
        )
}

/// Returns whether the item on line `i` has a doc comment above it (attributes may sit between).
fn documented(raw: &[&str], i: usize) -> bool {
    let mut k = i;
    while k > 0 {
        k -= 1;
        let line = raw[k].trim();
        if line.starts_with("///") || line.starts_with("#[doc") || line.ends_with("*/") {
            return true;
        }
        if line.starts_with("#[") || line.starts_with("#![") || line.ends_with(")]") {
            continue;
        }
        return false;
    }
    false
}

/// Counts `cargo clippy --message-format=json` warnings by lint; `None` when clippy could not run.
pub fn clippy(root: &Path, package: &str) -> Option<BTreeMap<String, u32>> {
    let output = crate::grade::cargo(root)
        .args([
            "clippy",
            "--quiet",
            "--package",
            package,
            "--message-format=json",
        ])
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() && !stdout.contains("compiler-message") {
        return None;
    }
    Some(clippy_lints(&stdout))
}

/// Counts the warnings in cargo's JSON messages by lint name (the summary lines are skipped).
pub fn clippy_lints(json_lines: &str) -> BTreeMap<String, u32> {
    let mut lints = BTreeMap::new();
    for line in json_lines.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["reason"] != "compiler-message" || v["message"]["level"] != "warning" {
            continue;
        }
        let Some(code) = v["message"]["code"]["code"].as_str() else {
            continue; // "N warnings emitted" and other summaries carry no lint
        };
        *lints.entry(code.to_owned()).or_default() += 1;
    }
    lints
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"//! A crate.

/// Documented.
pub struct Cache {
    map: std::collections::HashMap<u32, String>,
}

pub fn undocumented() -> u32 {
    let s = "a string with .unwrap() and { braces";
    let c = '{';
    s.len() as u32 + c as u32
}

impl Cache {
    /// Gets.
    #[must_use]
    pub fn get<'a>(&'a self, k: &u32) -> Option<&'a String> {
        // a comment with .unwrap() and }
        let v = self.map.get(k);
        let _w = 1;
        v.map(|s| s).or(None).map(|s| s).filter(|_| true).or_else(|| None).map(|s| s).into_iter().next().map(|s| s).or(Some(self.map.values().next().unwrap()))
    }

    pub(crate) fn helper(&self) -> usize {
        self.map.len().checked_add(1).expect("small")
    }
}

pub trait Loader {
    fn load(&self) -> u32;
}

#[cfg(test)]
mod tests {
    #[test]
    fn t() {
        Some(1).unwrap();
        Some(2).expect("x");
    }
}
"#;

    #[test]
    fn the_scan_counts_unwraps_outside_tests_undocumented_pub_items_and_the_longest_function() {
        let m = scan(SRC);
        assert_eq!(m.unwraps, 2, "one unwrap in get, one expect in helper");
        assert_eq!(m.undocumented_pub, 2, "undocumented() and the Loader trait");
        assert_eq!((m.longest_fn.as_str(), m.longest_fn_lines), ("get", 6));
    }

    #[test]
    fn comments_strings_and_chars_are_blanked_but_lifetimes_and_lines_are_kept() {
        let text = "let a = \"x}\"; // }\nlet b = '}'; let c: &'a str = r#\"{\"#;\n/* { */ x";
        let out = blank_comments_and_strings(text);
        assert_eq!(out.lines().count(), 3);
        assert!(!out.contains('{') && !out.contains('}'), "{out}");
        assert!(out.contains("&'a str"), "{out}");
    }

    #[test]
    fn clippy_warnings_are_counted_by_lint_and_summaries_skipped() {
        let lines = [
            r#"{"reason":"compiler-message","message":{"level":"warning","code":{"code":"clippy::needless_return"}}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","code":{"code":"clippy::needless_return"}}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","code":{"code":"unused_variables"}}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","code":null,"message":"3 warnings emitted"}}"#,
            r#"{"reason":"compiler-artifact"}"#,
            "not json",
        ]
        .join("\n");
        let lints = clippy_lints(&lines);
        assert_eq!(lints.get("clippy::needless_return"), Some(&2));
        assert_eq!(lints.get("unused_variables"), Some(&1));
        assert_eq!(lints.len(), 2);
    }
}
