//! Single-key input for `watch`: the terminal switched with `stty` (no dependency, no unsafe) and put back on every exit path.
//!
//! `stty -icanon -echo -isig` makes each key arrive at once and Ctrl-C arrive as a byte instead of a
//! signal, so the key reader can restore the terminal before it re-sends the interrupt to the
//! process group (which then ends as a plain Ctrl-C would). A panic hook and `Drop` restore it too,
//! and a guardian `sh` process restores it when this process dies in a way no code of ours sees
//! (`kill`, a closed window), then exits. Without a terminal on stdin, or without `stty` (Windows),
//! `watch` reads whole lines instead.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Sender;
use std::sync::{Mutex, Once};

/// A key `watch` acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `q`: quit.
    Quit,
    /// `h`: show a hint.
    Hint,
    /// Enter (or `r`): grade again.
    Regrade,
    /// Ctrl-C.
    Interrupt,
}

/// Returns the key a byte stands for in single-key mode, if `watch` acts on it.
pub fn key_of_byte(byte: u8) -> Option<Key> {
    match byte {
        b'q' | b'Q' => Some(Key::Quit),
        b'h' | b'H' => Some(Key::Hint),
        b'\n' | b'\r' | b'r' | b'R' => Some(Key::Regrade),
        0x03 => Some(Key::Interrupt),
        _ => None,
    }
}

/// Returns the key a whole line stands for when standard input is not a terminal.
pub fn key_of_line(line: &str) -> Key {
    match line.trim() {
        "q" | "quit" => Key::Quit,
        "h" | "hint" => Key::Hint,
        _ => Key::Regrade,
    }
}

/// What restores the terminal: the saved `stty -g` settings and the guardian process.
struct Saved {
    settings: String,
    guardian: Option<Child>,
}

static SAVED: Mutex<Option<Saved>> = Mutex::new(None);
static HOOK: Once = Once::new();

fn stty(args: &[&str]) -> Option<String> {
    let out = Command::new("stty")
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Puts the terminal back as it was before [`KeyMode::enter`]; does nothing when it is not switched.
pub fn restore() {
    let saved = SAVED.lock().map(|mut s| s.take()).unwrap_or(None);
    if let Some(mut saved) = saved {
        if let Some(guardian) = &mut saved.guardian {
            let _ = guardian.kill();
            let _ = guardian.wait();
        }
        let _ = stty(&[&saved.settings]);
    }
}

/// The terminal in single-key mode for as long as this value lives.
#[derive(Debug)]
pub struct KeyMode(());

impl KeyMode {
    /// Switches standard input's terminal to single keys; `None` when it is not a terminal or `stty`
    /// is missing (then read lines).
    pub fn enter() -> Option<KeyMode> {
        if !crate::util::stdin_is_terminal() {
            return None;
        }
        let settings = stty(&["-g"]).filter(|s| !s.is_empty())?;
        // Restores the settings once this process is gone, however it went (checked 5 times a second).
        let guardian = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "trap '' TTOU INT HUP; while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; stty '{settings}'",
                pid = std::process::id()
            ))
            .stdin(Stdio::inherit())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some(Saved { settings, guardian });
        }
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        if stty(&["-icanon", "-echo", "-isig", "min", "1", "time", "0"]).is_none() {
            restore();
            return None;
        }
        Some(KeyMode(()))
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        restore();
    }
}

/// Reads keys from standard input and sends those `watch` acts on; in single-key mode Ctrl-C
/// restores the terminal and interrupts the process group at once, even while a grading runs.
pub fn read_keys(single: bool, tx: Sender<Key>) {
    if single {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8; 1];
        while stdin.read(&mut byte).is_ok_and(|n| n == 1) {
            match key_of_byte(byte[0]) {
                Some(Key::Interrupt) => interrupt(),
                Some(key) if tx.send(key).is_err() => return,
                _ => {}
            }
        }
    } else {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            if tx.send(key_of_line(&line)).is_err() {
                return;
            }
            line.clear();
        }
    }
}

/// Restores the terminal, then ends the run as Ctrl-C would: SIGINT to the whole process group
/// (cargo, this runner, a grading in progress), and exit code 130 if that did not end us.
fn interrupt() {
    restore();
    let _ = Command::new("kill")
        .args(["-INT", "0"])
        .stderr(Stdio::null())
        .status();
    std::process::exit(130);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_keys_map_to_actions_and_other_keys_are_ignored() {
        assert_eq!(key_of_byte(b'q'), Some(Key::Quit));
        assert_eq!(key_of_byte(b'h'), Some(Key::Hint));
        assert_eq!(key_of_byte(b'\n'), Some(Key::Regrade));
        assert_eq!(key_of_byte(b'\r'), Some(Key::Regrade));
        assert_eq!(key_of_byte(0x03), Some(Key::Interrupt));
        assert_eq!(key_of_byte(b'x'), None);
    }

    #[test]
    fn lines_map_to_actions_when_stdin_is_not_a_terminal() {
        assert_eq!(key_of_line("q\n"), Key::Quit);
        assert_eq!(key_of_line("hint\n"), Key::Hint);
        assert_eq!(key_of_line("\n"), Key::Regrade);
    }

    #[test]
    fn restoring_without_switching_does_nothing() {
        restore();
        restore();
    }
}
