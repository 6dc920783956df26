//! Progress bars on stderr (indicatif), shown only when stderr is a
//! terminal and the table is large. They carry counts, never values.

use std::cell::RefCell;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Progress;

/// Tables smaller than this import without a bar.
const MIN_ROWS: u64 = 5_000;

pub struct Bar {
    bar: RefCell<Option<ProgressBar>>,
    enabled: bool,
}

impl Bar {
    pub fn new() -> Bar {
        Bar { bar: RefCell::new(None), enabled: std::io::stderr().is_terminal() }
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        if !self.enabled || total.unwrap_or(0) < MIN_ROWS {
            return;
        }
        let pb = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        *self.bar.borrow_mut() = Some(pb);
    }
    fn inc(&self, n: u64) {
        if let Some(b) = self.bar.borrow().as_ref() {
            b.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.borrow_mut().take() {
            b.finish_and_clear();
        }
    }
}

impl Bar {
    /// A spinner naming the stage a command is in (only on a terminal).
    pub fn stage(&self, stage: &str) {
        if !self.enabled {
            return;
        }
        let mut slot = self.bar.borrow_mut();
        let pb = slot.get_or_insert_with(|| {
            let pb = ProgressBar::new_spinner();
            pb.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
            pb
        });
        pb.set_message(stage.to_string());
    }
}
