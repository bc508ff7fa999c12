//! The verdict of one check, and its line-based encoding between the check process and the harness.

use std::time::Duration;

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Fail,
    Timeout,
    Crash,
    Skipped,
}

impl Status {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Timeout => "timeout",
            Status::Crash => "crash",
            Status::Skipped => "skipped",
        }
    }

    fn parse(word: &str) -> Option<Status> {
        [
            Status::Pass,
            Status::Fail,
            Status::Timeout,
            Status::Crash,
            Status::Skipped,
        ]
        .into_iter()
        .find(|s| s.word() == word)
    }
}

/// The verdict of one check: its status and, unless it passed, the explanation.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    /// The explanation (what was expected, what came back), empty on a pass.
    pub(crate) message: String,
    pub(crate) scenario: Vec<String>,
    pub(crate) steps: Vec<String>,
    pub(crate) dropped_steps: usize,
    /// What the check process printed, filled in by the harness.
    pub(crate) output: String,
    pub(crate) elapsed: Duration,
}

impl Outcome {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Self {
        Outcome {
            status,
            message: message.into(),
            scenario: Vec::new(),
            steps: Vec::new(),
            dropped_steps: 0,
            output: String::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// Encodes the outcome as lines `key value`, with `\` and newlines escaped.
    pub(crate) fn encode(&self) -> String {
        let mut out = format!("status {}\n", self.status.word());
        out.push_str(&format!("message {}\n", escape(&self.message)));
        for line in &self.scenario {
            out.push_str(&format!("scenario {}\n", escape(line)));
        }
        out.push_str(&format!("dropped {}\n", self.dropped_steps));
        for line in &self.steps {
            out.push_str(&format!("step {}\n", escape(line)));
        }
        out
    }

    /// Decodes what [`Outcome::encode`] wrote, or returns `None` if it is incomplete.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let mut outcome: Option<Outcome> = None;
        for line in text.lines() {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            let value = unescape(value);
            match (key, outcome.as_mut()) {
                ("status", None) => outcome = Some(Outcome::new(Status::parse(&value)?, "")),
                ("message", Some(o)) => o.message = value,
                ("scenario", Some(o)) => o.scenario.push(value),
                ("dropped", Some(o)) => o.dropped_steps = value.parse().unwrap_or(0),
                ("step", Some(o)) => o.steps.push(value),
                _ => return None,
            }
        }
        outcome
    }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_survives_encoding_with_newlines_and_backslashes() {
        let mut o = Outcome::new(Status::Fail, "line one\nline \\two");
        o.scenario = vec!["cap 2".into()];
        o.steps = vec!["put(1, \"a\\n\")".into(), "get(1)".into()];
        o.dropped_steps = 3;
        let back = Outcome::decode(&o.encode()).expect("decodes");
        assert_eq!(back.status, Status::Fail);
        assert_eq!(back.message, o.message);
        assert_eq!(back.scenario, o.scenario);
        assert_eq!(back.steps, o.steps);
        assert_eq!(back.dropped_steps, 3);
    }

    #[test]
    fn a_journal_replays_to_the_last_scenario_and_its_recent_steps() {
        let mut text = String::from("scenario old\nstep gone\nscenario line one\\nline two\n");
        for i in 0..45 {
            text.push_str(&format!("step put({i}, \"a\\\\n\")\n"));
        }
        let (scenario, steps, dropped) = crate::fail::replay_journal(&text);
        assert_eq!(scenario, ["line one", "line two"]);
        assert_eq!(steps.len(), 40);
        assert_eq!(dropped, 5);
        assert_eq!(steps[0], "put(5, \"a\\n\")");
    }

    #[test]
    fn a_truncated_outcome_is_rejected_not_misread() {
        assert!(Outcome::decode("").is_none());
        assert!(Outcome::decode("message hi\n").is_none());
        assert!(Outcome::decode("status nonsense\n").is_none());
    }
}
