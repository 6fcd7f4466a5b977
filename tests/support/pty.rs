//! The real binary in a pseudo-terminal, with a temp home and a cleared environment. A reader
//! thread drains the terminal continuously into a vt100 screen.
#![cfg(unix)]

use super::home::TempHome;
use claude_auth_tui::ids::CheckId;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Generous: a loaded CI machine may take a while to start the binary and run the checks.
pub const TIMEOUT: Duration = Duration::from_secs(20);
pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;
/// The sequence that leaves the alternate screen.
pub const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";

pub fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero size")
}

pub struct Output {
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
}

pub struct Session {
    pub child: Box<dyn Child + Send + Sync>,
    pub writer: Box<dyn Write + Send>,
    pub output: Arc<Mutex<Output>>,
    pub reader: Option<JoinHandle<()>>,
    pub master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// Starts the binary with nothing of this machine's environment but a temp home.
    pub fn start(home: &TempHome, args: &[&str]) -> Self {
        Self::start_with(home, args, &[])
    }

    /// Like `start`, with a few more variables.
    pub fn start_with(home: &TempHome, args: &[&str], vars: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_claude-auth-tui"));
        cmd.env_clear();
        cmd.env("HOME", home.home());
        cmd.env("PATH", format!("{}:/usr/bin:/bin", home.bin().display()));
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("CLAUDE_AUTH_TUI_MANAGED_DIR", home.managed());
        // Machine facts (/.dockerenv, /proc) from an empty folder: the host never leaks in.
        cmd.env(
            "CLAUDE_AUTH_TUI_SYSTEM_ROOT",
            home.root.path().join("system-root"),
        );
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.cwd(home.cwd());
        cmd.args(args);
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
            raw: Vec::new(),
        }));
        let sink = Arc::clone(&output);
        // Drain continuously: a full pty buffer would block the child.
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = sink.lock().unwrap();
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Self {
            child,
            writer,
            output,
            reader: Some(reader),
            master: pair.master,
        }
    }

    pub fn screen_text(&self) -> String {
        self.output.lock().unwrap().parser.screen().contents()
    }

    /// Polls until `ready` holds for the screen, or fails with the screen's contents.
    pub fn wait_for(&mut self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            if ready(self.output.lock().unwrap().parser.screen()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "exited ({status:?}) while waiting for {what}:\n{}",
                    self.screen_text()
                );
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}:\n{}",
                self.screen_text()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Resizes the terminal (the child gets SIGWINCH) and the screen model with it.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        // The screen model first: the wizard's full redraw after SIGWINCH must be parsed at
        // the new size (resizing the pty first let that redraw race the model's resize).
        self.output
            .lock()
            .unwrap()
            .parser
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write");
        self.writer.flush().expect("flush");
    }

    /// Waits for the child to exit and the reader to see the end of the output.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("did not exit:\n{}", self.screen_text());
            }
            std::thread::sleep(Duration::from_millis(30));
        };
        if let Some(reader) = self.reader.take() {
            let start = Instant::now();
            while !reader.is_finished() && start.elapsed() < TIMEOUT {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        status
    }

    pub fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().raw.clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// The checklist is up and every check has finished (the tally replaced the progress line).
pub fn checks_done(screen: &vt100::Screen) -> bool {
    let text = screen.contents();
    CheckId::ALL.iter().all(|id| text.contains(id.title()))
        && !text.contains(&format!("of {} done", CheckId::ALL.len()))
        && ["failed", "passed", "skipped", "warned"]
            .iter()
            .any(|w| text.contains(w))
}
