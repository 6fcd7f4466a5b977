//! The one place with I/O: it owns the terminal, reads the event stream, runs the effects that
//! `update` returns (spawning the checks) and redraws when something changed. It ticks only
//! while a spinner shows.

use crate::checks::{self, CheckCtx, CheckOptions};
use crate::env::Environment;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;
use crate::secret;
use crate::tui::app::{self, App, Header};
use crate::tui::effect::Effect;
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::{summary, terminal, update, view};
use anyhow::Context as _;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// How often the spinner turns.
pub const TICK: Duration = Duration::from_millis(100);

/// Runs the wizard until the user quits or a signal arrives; returns the summary to print.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub async fn run(
    env: Arc<Environment>,
    opts: CheckOptions,
    demo: Option<String>,
) -> anyhow::Result<String> {
    let mut app = App::new(Theme::from_env(&env));
    app.demo = demo;
    // Signal handlers first: once the terminal is raw, SIGTERM must not kill us mid-screen.
    let mut signals = Signals::new()?;

    let (mut term, guard) = terminal::enter().context("setting up the terminal")?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut tasks = JoinSet::new();
    let mut events = EventStream::new();
    let mut ticker: Option<tokio::time::Interval> = None;

    let size = term.size().context("reading the terminal size")?;
    let mut queue = VecDeque::from([
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        Msg::Started,
    ]);

    let result: anyhow::Result<()> = async {
        loop {
            let mut changed = false;
            while let Some(msg) = queue.pop_front() {
                changed = true;
                let effects = terminal::ui_section(|| update::update(&mut app, msg));
                for effect in effects {
                    match effect {
                        Effect::RunChecks { run_id, checks } => {
                            spawn_run(&mut tasks, &env, opts, run_id, checks, &tx);
                        }
                        Effect::Quit => return Ok(()),
                    }
                }
            }
            if changed {
                terminal::ui_section(|| term.draw(|frame| view::view(&app, frame)))
                    .context("drawing")?;
            }
            match (app.is_animating(), ticker.is_some()) {
                (true, false) => {
                    let mut t = tokio::time::interval(TICK);
                    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                    t.reset(); // the first tick one period from now, not at once
                    ticker = Some(t);
                }
                (false, true) => ticker = None,
                _ => {}
            }
            let tick = async {
                match ticker.as_mut() {
                    Some(t) => {
                        t.tick().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => queue.extend(to_msg(event)),
                    Some(Err(e)) => return Err(e).context("reading terminal events"),
                    None => return Ok(()),
                },
                Some(msg) = rx.recv() => {
                    queue.push_back(msg);
                    // Take whatever else arrived with it: one redraw for a burst of results.
                    while let Ok(msg) = rx.try_recv() {
                        queue.push_back(msg);
                    }
                }
                () = tick => queue.push_back(Msg::Tick),
                () = signals.recv() => return Ok(()),
            }
        }
    }
    .await;

    tasks.abort_all();
    // Stop reading stdin before handing the terminal back.
    drop(events);
    drop(term);
    drop(guard);
    result?;
    let mut text = summary::summary(&app);
    for message in terminal::take_held_back() {
        text.push_str(&secret::scrub(&message, &[]));
        text.push('\n');
    }
    Ok(text)
}

/// The signals that end the wizard cleanly (the terminal restored, the summary printed): SIGTERM,
/// SIGHUP and SIGINT. In raw mode Ctrl-C is a key, so SIGINT only comes from `kill`.
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ]
        .into_iter()
        .map(|kind| signal(kind).context("listening for signals"))
        .collect::<anyhow::Result<_>>()?;
        Ok(Self { streams })
    }

    #[cfg(not(unix))]
    fn new() -> anyhow::Result<Self> {
        Ok(Self {})
    }

    /// Resolves when any of the signals arrives.
    #[cfg(unix)]
    async fn recv(&mut self) {
        let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
        let _ = futures_util::future::select_all(waits).await;
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Turns a terminal event into a message; ignores what cannot change anything (mouse motion,
/// key releases, focus changes) so those don't cause redraws.
#[must_use]
pub fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                Some(Msg::Mouse(mouse))
            }
            _ => None,
        },
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// Reads the files afresh (blocking, so off the async threads), then runs the checks
/// concurrently, each result tagged with the run id.
fn spawn_run(
    tasks: &mut JoinSet<()>,
    env: &Arc<Environment>,
    opts: CheckOptions,
    run_id: u64,
    checks: Vec<CheckId>,
    tx: &mpsc::UnboundedSender<Msg>,
) {
    let env = Arc::clone(env);
    let tx = tx.clone();
    tasks.spawn(async move {
        let ctx = match tokio::task::spawn_blocking(move || CheckCtx::new(env, opts)).await {
            Ok(ctx) => Arc::new(ctx),
            Err(e) => {
                for id in checks {
                    let mut outcome = CheckOutcome::new(id);
                    outcome.status = crate::outcome::Status::Fail;
                    outcome.summary =
                        "could not read the setup (a bug in claude-auth-tui; please report it)"
                            .into();
                    outcome.detail(format!("internal error: {e}"));
                    let _ = tx.send(Msg::CheckFinished { run_id, outcome });
                }
                return;
            }
        };
        let header = Header::from_ctx(&ctx);
        if tx.send(Msg::Resolved { run_id, header }).is_err() {
            return; // the wizard has gone
        }
        let known = Arc::new(app::known_secrets(&ctx));
        let mut running = JoinSet::new();
        for id in checks {
            let ctx = Arc::clone(&ctx);
            let tx = tx.clone();
            let known = Arc::clone(&known);
            running.spawn(async move {
                let mut outcome = checks::run_check(id, ctx).await;
                scrub(&mut outcome, &known);
                let _ = tx.send(Msg::CheckFinished { run_id, outcome });
            });
        }
        while running.join_next().await.is_some() {}
    });
}

/// The last line of defence: no secret the run knows reaches the screen whole.
fn scrub(outcome: &mut CheckOutcome, known: &[String]) {
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let clean = |s: &mut String| *s = secret::scrub(s, &known);
    clean(&mut outcome.summary);
    outcome.details.iter_mut().for_each(clean);
    for finding in &mut outcome.findings {
        clean(&mut finding.summary);
    }
}
