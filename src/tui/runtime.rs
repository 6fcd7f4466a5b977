//! The one place with I/O: it owns the terminal, reads the event stream, runs the effects that
//! `update` returns (spawning the checks, planning and applying fixes, stepping aside for an
//! interactive command) and redraws when something changed. It ticks only while a spinner
//! shows.

use crate::checks::{self, CheckCtx, CheckOptions};
use crate::env::Environment;
use crate::fixes::CommandSpec;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;
use crate::secret;
use crate::secrets::Secrets;
use crate::tui::app::{App, Ending, Header, TICK};
use crate::tui::effect::Effect;
use crate::tui::fix_results::CommandRun;
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::work::{self, CtxSlot, PlanSlot, View};
use crate::tui::{clipboard, summary, terminal, update, view};
use anyhow::Context as _;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// What the effects work on: the environment (this shell's, or a new terminal's after a fix),
/// the plan waiting for confirmation, the latest run's context.
struct World {
    base: Arc<Environment>,
    /// Views made by fixes, newest last; the checks look at the newest.
    views: Vec<View>,
    opts: CheckOptions,
    plan: PlanSlot,
    last_ctx: CtxSlot,
    /// Each check's newest run and its task: re-running a check cancels the run in flight, so
    /// pressing `r` many times never piles up requests.
    inflight: Inflight,
}

/// Check → (run id, its task once spawned).
type Inflight = Arc<
    std::sync::Mutex<std::collections::HashMap<CheckId, (u64, Option<tokio::task::AbortHandle>)>>,
>;

impl World {
    fn env(&self) -> Arc<Environment> {
        Arc::clone(self.views.last().map_or(&self.base, |v| &v.env))
    }

    fn label(&self) -> Option<String> {
        (!self.views.is_empty()).then(|| work::NEW_TERMINAL.to_string())
    }
}

/// The terminal and its input, which an interactive command borrows.
struct Screen {
    term: DefaultTerminal,
    /// `None` only while an interactive command has the terminal.
    events: Option<EventStream>,
}

impl Screen {
    async fn next_event(&mut self) -> Option<std::io::Result<Event>> {
        match self.events.as_mut() {
            Some(events) => events.next().await,
            None => std::future::pending().await,
        }
    }
}

/// How the wizard ended: the summary to print and the exit status shells expect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    pub summary: String,
    /// 0 after `q`, 130 after Ctrl-C / SIGINT, 143 after SIGTERM, 129 after SIGHUP.
    pub exit_code: u8,
}

/// Runs the wizard until the user quits or a signal arrives; returns the summary to print.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub async fn run(
    env: Arc<Environment>,
    opts: CheckOptions,
    demo: Option<(String, Theme)>,
) -> anyhow::Result<Finished> {
    // A demo's environment is made up: its colours follow the user's (`NO_COLOR`, `--color`).
    let (demo, theme) = match demo {
        Some((name, theme)) => (Some(name), theme),
        None => (None, Theme::from_env(&env)),
    };
    let mut app = App::new(theme);
    app.demo = demo;
    app.offline = opts.offline;
    app.live_limit_secs = opts.timeout.as_secs();
    // Signal handlers first: once the terminal is raw, SIGTERM must not kill us mid-screen.
    let mut signals = Signals::new()?;

    let (term, guard) = terminal::enter().context("setting up the terminal")?;
    let mut screen = Screen {
        term,
        events: Some(EventStream::new()),
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut tasks = JoinSet::new();
    let mut ticker: Option<tokio::time::Interval> = None;
    let mut world = World {
        base: env,
        views: Vec::new(),
        // The wizard always asks the CLI itself, in the background after the verdict
        // (`spawn_run`): never inside the `cli` check, where it would hold the verdict up.
        opts: CheckOptions {
            cross_check: false,
            ..opts
        },
        plan: PlanSlot::default(),
        last_ctx: CtxSlot::default(),
        inflight: Inflight::default(),
    };

    let size = screen.term.size().context("reading the terminal size")?;
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
                    if matches!(effect, Effect::Quit) {
                        return Ok(());
                    }
                    let msgs = execute(
                        effect,
                        &app,
                        &mut world,
                        &mut screen,
                        &mut signals,
                        &mut tasks,
                        &tx,
                    )
                    .await?;
                    queue.extend(msgs);
                }
            }
            if changed {
                terminal::ui_section(|| screen.term.draw(|frame| view::view(&app, frame)))
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
                event = screen.next_event() => match event {
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
                ending = signals.recv() => {
                    app.quitting = true;
                    app.ending = ending;
                    return Ok(());
                }
            }
        }
    }
    .await;

    tasks.abort_all();
    // A key in a plan nobody confirmed goes with it.
    drop(world);
    if app.ending == Ending::HungUp {
        // The terminal is gone: restoring it fails, and ratatui reports that on stderr, which
        // is gone too. Nothing is left to restore, so skip it and let the caller clean up.
        std::mem::forget(screen);
        terminal::abandon();
    } else {
        // Stop reading stdin before handing the terminal back.
        drop(screen);
    }
    drop(guard);
    result?;
    let mut text = summary::summary(&app);
    for message in terminal::take_held_back() {
        text.push_str(&secret::scrub(&message, &[]));
        text.push('\n');
    }
    Ok(Finished {
        summary: text,
        exit_code: app.ending.exit_code(),
    })
}

/// Carries out one effect. Quick ones and those that change the world (applying, undoing) run
/// here and return their message; slow ones are spawned and report through `tx`.
async fn execute(
    effect: Effect,
    app: &App,
    world: &mut World,
    screen: &mut Screen,
    signals: &mut Signals,
    tasks: &mut JoinSet<()>,
    tx: &mpsc::UnboundedSender<Msg>,
) -> anyhow::Result<Vec<Msg>> {
    match effect {
        Effect::RunChecks { run_id, checks } => {
            spawn_run(tasks, world, run_id, checks, tx);
        }
        Effect::PlanFix {
            op,
            fix,
            input,
            check_key,
        } => {
            let request = work::PlanRequest {
                op,
                fix,
                input,
                check_key,
            };
            tasks.spawn(work::plan_fix(
                world.env(),
                world.opts.timeout,
                request,
                Arc::clone(&world.plan),
                tx.clone(),
            ));
        }
        Effect::DiscardPlan { op } => work::discard_plan(&world.plan, op),
        Effect::ApplyFix { op } => return apply_fix(op, world, screen, signals, tasks, tx).await,
        Effect::PlanUndo { op } => {
            let env = world.env();
            let tx = tx.clone();
            tasks.spawn(async move {
                let result = work::plan_undo(env).await;
                let _ = tx.send(Msg::UndoPlanned { op, result });
            });
        }
        Effect::Undo { op, entry_id } => {
            let mut result = work::undo(world.env(), entry_id).await;
            if let Ok(undone) = &mut result {
                if world
                    .views
                    .last()
                    .is_some_and(|v| v.entry_id == undone.entry_id)
                {
                    world.views.pop();
                }
                undone.view_label = world.label();
            }
            return Ok(vec![Msg::Undone { op, result }]);
        }
        Effect::SaveReport => {
            let ctx = world
                .last_ctx
                .lock()
                .ok()
                .and_then(|slot| slot.as_ref().map(|(_, ctx)| Arc::clone(ctx)));
            let outcomes = app.outcomes();
            let label = world.label();
            let home = Arc::clone(&world.base);
            let tx = tx.clone();
            tasks.spawn(async move {
                let result = work::save_report(ctx, outcomes, label, home).await;
                let _ = tx.send(Msg::ReportSaved(result));
            });
        }
        Effect::Copy(text) => {
            // Through the terminal, so it works over SSH too; ignored where unsupported.
            let backend = screen.term.backend_mut();
            let _ = backend.write_all(clipboard::osc52(&text).as_bytes());
            let _ = backend.flush();
        }
        Effect::Quit => {}
    }
    Ok(Vec::new())
}

/// Applies the confirmed plan of `op`: its file edits here, an interactive command with the
/// screen handed over, any other command in the background.
async fn apply_fix(
    op: u64,
    world: &mut World,
    screen: &mut Screen,
    signals: &mut Signals,
    tasks: &mut JoinSet<()>,
    tx: &mpsc::UnboundedSender<Msg>,
) -> anyhow::Result<Vec<Msg>> {
    let Some(pending) = work::take_plan(&world.plan, op) else {
        let gone = crate::fixes::FixError::Changed(
            "this plan is no longer current (it was cancelled or replaced); start the fix again"
                .to_string(),
        );
        return Ok(vec![Msg::FixApplied {
            op,
            result: Err(gone),
        }]);
    };
    let env = world.env();
    let mut applied = match work::apply_edits(&pending, &env).await {
        Ok(applied) => applied,
        Err(e) => return Ok(vec![Msg::FixApplied { op, result: Err(e) }]),
    };
    // A key a profile already exports changes no file, but the checks look at what a new
    // terminal (which reads that profile) will have.
    if !applied.entry_id.is_empty() || pending.exported_in.is_some() {
        let (view, reload) = work::after_fix(&pending, &env);
        applied.reload = reload;
        if let Some(view) = view {
            world.views.push(View {
                entry_id: applied.entry_id.clone(),
                env: Arc::new(view),
            });
        }
    }
    applied.view_label = world.label();
    let mut msgs = Vec::new();
    match pending.plan.command.clone() {
        None => {}
        Some(command) if command.interactive => {
            let run = step_aside(screen, signals, command, env).await?;
            let size = screen.term.size().context("reading the terminal size")?;
            msgs.push(Msg::Resize {
                width: size.width,
                height: size.height,
            });
            applied.command = Some(run);
        }
        Some(command) => {
            // `xdg-open` and friends may wait for the browser: not on the UI's time.
            let tx = tx.clone();
            tasks.spawn(async move {
                applied.command = Some(work::run_command(command, env).await);
                let _ = tx.send(Msg::FixApplied {
                    op,
                    result: Ok(applied),
                });
            });
            return Ok(msgs);
        }
    }
    msgs.push(Msg::FixApplied {
        op,
        result: Ok(applied),
    });
    Ok(msgs)
}

/// Hands the terminal to an interactive command (`claude auth login`): stops reading input,
/// leaves the alternate screen and raw mode, runs it, then takes the terminal back with a fresh
/// event stream. When it fails, its last words stay on screen until Enter.
async fn step_aside(
    screen: &mut Screen,
    signals: &mut Signals,
    command: CommandSpec,
    env: Arc<Environment>,
) -> anyhow::Result<CommandRun> {
    // Dropped first: its reader thread holds crossterm's input lock until it is woken, and the
    // command must be the only reader of the terminal while it runs.
    screen.events = None;
    terminal::settle_input();
    terminal::suspend();
    println!(
        "claude-auth-tui: running `{}`; the wizard comes back when it ends.",
        command.display()
    );
    let run = work::run_command(command, env).await;
    if !run.success {
        let why = match &run.result {
            Ok(status) => format!("ended with {status}"),
            Err(e) => format!("could not start: {e}"),
        };
        println!(
            "\n`{}` {why}. Press Enter to go back to the wizard.",
            run.display
        );
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)
        })
        .await;
    }
    // Ctrl-C in the command reached us too (same process group): it was meant for the command.
    signals.drain_interrupts();
    terminal::resume(&mut screen.term).context("taking the terminal back")?;
    screen.events = Some(EventStream::new());
    Ok(run)
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

    /// Resolves when any of the signals arrives, with the ending it means.
    #[cfg(unix)]
    async fn recv(&mut self) -> Ending {
        let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
        let (_, index, _) = futures_util::future::select_all(waits).await;
        // The order of `new`: terminate, hangup, interrupt.
        match index {
            0 => Ending::Terminated,
            1 => Ending::HungUp,
            _ => Ending::Interrupted,
        }
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) -> Ending {
        let _ = tokio::signal::ctrl_c().await;
        Ending::Interrupted
    }

    /// Forgets SIGINTs that already arrived (from a Ctrl-C meant for a child command).
    #[cfg(unix)]
    fn drain_interrupts(&mut self) {
        use futures_util::FutureExt as _;
        if let Some(interrupt) = self.streams.get_mut(2) {
            while let Some(Some(())) = interrupt.recv().now_or_never() {}
        }
    }

    #[cfg(not(unix))]
    fn drain_interrupts(&mut self) {}
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
        Event::Paste(text) => Some(Msg::Paste(text.into())),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// Reads the files afresh (blocking, so off the async threads), then runs the checks
/// concurrently, each result tagged with the run id. The context is kept for the report.
fn spawn_run(
    tasks: &mut JoinSet<()>,
    world: &World,
    run_id: u64,
    checks: Vec<CheckId>,
    tx: &mpsc::UnboundedSender<Msg>,
) {
    let env = world.env();
    let opts = world.opts;
    let last_ctx = Arc::clone(&world.last_ctx);
    let tx = tx.clone();
    // This run is now the one each of its checks belongs to: older runs in flight stop.
    if let Ok(mut inflight) = world.inflight.lock() {
        for id in &checks {
            if let Some((_, Some(task))) = inflight.insert(*id, (run_id, None)) {
                task.abort();
            }
        }
    }
    let inflight = Arc::clone(&world.inflight);
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
        if let Ok(mut slot) = last_ctx.lock()
            && slot.as_ref().is_none_or(|(id, _)| *id <= run_id)
        {
            *slot = Some((run_id, Arc::clone(&ctx)));
        }
        let header = Header::from_ctx(&ctx);
        if tx.send(Msg::Resolved { run_id, header }).is_err() {
            return; // the wizard has gone
        }
        let journal_env = Arc::clone(&ctx.env);
        let undo =
            tokio::task::spawn_blocking(move || crate::fixes::pending_undo(&journal_env).is_ok())
                .await
                .unwrap_or(false);
        let _ = tx.send(Msg::UndoAvailable(undo));
        let known = ctx.secrets().clone();
        let mut running = JoinSet::new();
        for id in checks {
            let ctx = Arc::clone(&ctx);
            let tx = tx.clone();
            let known = known.clone();
            let Ok(mut inflight) = inflight.lock() else {
                return;
            };
            // A newer run of this check started meanwhile: this one has nothing to do.
            let Some(entry) = inflight.get_mut(&id).filter(|(run, _)| *run == run_id) else {
                continue;
            };
            let task = running.spawn(async move {
                let mut outcome = checks::run_check(id, ctx).await;
                scrub(&mut outcome, &known);
                let kept = (outcome.id == CheckId::Cli).then(|| outcome.clone());
                let _ = tx.send(Msg::CheckFinished { run_id, outcome });
                kept
            });
            entry.1 = Some(task);
        }
        let mut cli = None;
        while let Some(done) = running.join_next().await {
            cli = cli.or(done.ok().flatten());
        }
        // Every check has reported: only now ask the CLI itself, so it never delays the verdict.
        if let Some(mut outcome) = cli.filter(|o| o.cli.is_some()) {
            checks::cli_cross::amend_finished(&ctx, &mut outcome).await;
            scrub(&mut outcome, &known);
            let _ = tx.send(Msg::CrossChecked { run_id, outcome });
        }
    });
}

/// The last line of defence: no secret the run knows reaches the screen, whole or in pieces,
/// and no control character or bidi override either (shown escaped, as `check` does).
fn scrub(outcome: &mut CheckOutcome, known: &Secrets) {
    let clean = |s: &mut String| *s = known.shown(s);
    clean(&mut outcome.summary);
    outcome.details.iter_mut().for_each(clean);
    for finding in &mut outcome.findings {
        clean(&mut finding.summary);
    }
}
