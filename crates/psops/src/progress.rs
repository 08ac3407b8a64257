//! Progress of the long commands (`demo`, `import`, `export`, `verify`) on stderr: a
//! live counter with its rate on a terminal, nothing at all in scripts and pipes (the
//! bar draws only when stderr is a terminal), so captured output stays clean.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A counter of `unit`s (rows, entries) done so far, or a spinner for work that reports
/// no count. Clones show on the same line (callbacks elsewhere hold one).
#[derive(Clone)]
pub struct Progress(ProgressBar);

impl Progress {
    /// Counts `unit`s as they are reported through [`Progress::set`].
    pub fn count(what: &str, unit: &str) -> Progress {
        let bar = ProgressBar::new_spinner();
        let template = format!("{{spinner}} {what}: {{human_pos}} {unit} ({{msg}}{{elapsed}})");
        bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_spinner()));
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    /// A spinner with the time taken, for one long step that reports nothing.
    pub fn step(what: &str) -> Progress {
        let bar = ProgressBar::new_spinner();
        let template = format!("{{spinner}} {what} ({{elapsed}})");
        bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_spinner()));
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    /// A bar of `unit`s done out of a total told with [`Progress::set_of`], with the
    /// time left.
    pub fn bar(what: &str, unit: &str) -> Progress {
        let bar = ProgressBar::new(0);
        let template = format!("{what} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{elapsed}}, {{eta}} left)");
        bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    /// How many units are done of how many in all.
    pub fn set_of(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }

    /// How many units are done; the rate is shown in whole units a second.
    pub fn set(&self, done: u64) {
        self.0.set_position(done);
        let seconds = self.0.elapsed().as_secs_f64();
        if seconds >= 0.5 {
            self.0.set_message(format!("{:.0}/s, ", done as f64 / seconds));
        }
    }

    /// Clears the line, so what the command prints next starts clean.
    pub fn finish(self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_it_is_told() {
        let p = Progress::count("importing", "rows");
        p.set(1200);
        assert_eq!(p.0.position(), 1200);
        p.finish();
        let b = Progress::bar("restoring", "rows");
        b.set_of(50, 200);
        assert_eq!((b.0.position(), b.0.length()), (50, Some(200)));
        b.finish();
    }
}
