//! The wizard's state. Plain data: `update` changes it, `view` reads it (and records the
//! geometry it drew, which the keys read).

use crate::checks::{CheckCtx, PrimaryCause};
use crate::ids::{CheckId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{Method, Provider};
use crate::tui::effect::Effect;
use crate::tui::geometry::Geometry;
use crate::tui::modal::{Modal, Tone};
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use std::cell::Cell;
use std::time::Duration;

/// How often `Msg::Tick` comes while a spinner shows: the spinner's pace, and the unit of the
/// elapsed time a running check shows.
pub const TICK: Duration = Duration::from_millis(100);

/// Spinner frames, advanced by `Msg::Tick` while a check runs.
pub const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Where one check is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// Not started yet.
    Pending,
    /// Running; `previous` is the last result, shown dimmed while it re-runs.
    Running {
        previous: Option<CheckOutcome>,
    },
    Done(CheckOutcome),
}

/// One checklist row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    pub id: CheckId,
    pub state: CheckState,
    /// The run whose result this row waits for; other runs' results are stale.
    pub run_id: u64,
    /// Spinner ticks (`TICK` apart) since this run of the check started: the
    /// elapsed time shown while it waits.
    pub ticks: u32,
}

impl CheckRow {
    #[must_use]
    pub fn outcome(&self) -> Option<&CheckOutcome> {
        match &self.state {
            CheckState::Done(o) => Some(o),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_running(&self) -> bool {
        matches!(self.state, CheckState::Running { .. })
    }

    /// The finished status, if any.
    #[must_use]
    pub fn status(&self) -> Option<Status> {
        self.outcome().map(|o| o.status)
    }
}

/// What the header shows: the credential the CLI will send (masked), its source, the endpoint.
/// Built from a run's `CheckCtx`; never holds a secret whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Plain words for the method ("API key", "OAuth login", …); `None` when nothing is sent.
    pub method: Option<&'static str>,
    /// The masked value, when the secret is known without running anything.
    pub masked: Option<String>,
    /// "`ANTHROPIC_API_KEY` from this shell's environment".
    pub source: String,
    pub endpoint: String,
    /// "default", or the variable that set it (with where it came from).
    pub endpoint_source: String,
}

impl Header {
    /// Reads the resolved credential and endpoint of a run.
    #[must_use]
    pub fn from_ctx(ctx: &CheckCtx) -> Self {
        let clean = |s: &str| ctx.secrets().shown(s);
        let (method, masked, source) = match &ctx.auth.effective {
            Some(cred) => (
                Some(method_label(cred.method)),
                cred.masked(),
                clean(&cred.describe(&ctx.env)),
            ),
            None => (
                None,
                None,
                "Claude Code has no credential to send".to_string(),
            ),
        };
        let endpoint = &ctx.endpoint;
        let mut endpoint_source = if endpoint.is_custom() {
            format!(
                "{} from {}",
                endpoint.source,
                endpoint.origin.describe(&ctx.env)
            )
        } else {
            "default".to_string()
        };
        if endpoint.provider != Provider::Anthropic {
            endpoint_source = format!("{}, {endpoint_source}", provider_label(endpoint.provider));
        }
        Self {
            method,
            masked,
            source,
            endpoint: clean(&crate::http::redact_url(&endpoint.base_url)),
            endpoint_source: clean(&endpoint_source),
        }
    }
}

#[must_use]
pub fn method_label(method: Method) -> &'static str {
    match method {
        Method::ApiKey => "API key",
        Method::AuthToken => "auth token (Bearer)",
        Method::Oauth => "OAuth login",
        Method::ApiKeyHelper => "apiKeyHelper",
        Method::Bedrock => "Amazon Bedrock",
        Method::Vertex => "Google Vertex AI",
        Method::Foundry => "Microsoft Foundry",
        Method::None => "none",
    }
}

fn provider_label(provider: Provider) -> &'static str {
    match provider {
        Provider::Anthropic => "Anthropic",
        Provider::Bedrock => "Amazon Bedrock",
        Provider::Vertex => "Google Vertex AI",
        Provider::Foundry => "Microsoft Foundry",
    }
}

/// The line above the action bar: what the last fix, undo or report did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    pub tone: Tone,
    pub text: String,
    /// What `c` copies (a command, a path, a URL), if anything. Never a secret.
    pub copy: Option<String>,
    pub copied: bool,
}

impl StatusLine {
    #[must_use]
    pub fn new(tone: Tone, text: impl Into<String>) -> Self {
        Self {
            tone,
            text: text.into(),
            copy: None,
            copied: false,
        }
    }
}

/// A fix applied in this session, for the summary printed on the way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub fix: FixId,
    pub entry_id: String,
    pub files: Vec<String>,
    pub backup_dir: Option<String>,
    pub undone: bool,
}

/// The pane that `j`/`k`/arrows act on (`Tab` switches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    /// Arrows move the selection.
    #[default]
    Checklist,
    /// Arrows scroll the detail pane line by line.
    Detail,
}

/// How the wizard ended, for the exit status shells expect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ending {
    /// `q`: exit status 0.
    #[default]
    Quit,
    /// Ctrl-C (a key in raw mode) or SIGINT: 130.
    Interrupted,
    /// SIGTERM: 143.
    Terminated,
    /// SIGHUP (the terminal went away): 129.
    HungUp,
}

impl Ending {
    /// 128 + the signal number, as shells report a process ended by a signal; 0 for `q`.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Quit => 0,
            Self::HungUp => 129,
            Self::Interrupted => 130,
            Self::Terminated => 143,
        }
    }
}

/// The whole wizard state.
#[derive(Clone, Debug)]
pub struct App {
    /// One row per check, in checklist order.
    pub rows: Vec<CheckRow>,
    pub selected: usize,
    /// Set once the user moves the selection; from then on it never jumps by itself.
    pub manual_selection: bool,
    /// First visible line of the detail pane.
    pub detail_scroll: u16,
    pub show_help: bool,
    /// Which pane the arrows act on.
    pub focus: Focus,
    /// How the wizard ended (set with `quitting`).
    pub ending: Ending,
    /// The root cause over the finished checks (final once every check is done).
    pub primary: Option<PrimaryCause>,
    pub header: Option<Header>,
    header_run: u64,
    /// The newest run of every check: the header comes only from such a run, so that header,
    /// checklist and primary cause describe the same reading of the setup.
    full_run: u64,
    /// Terminal size (columns, rows), for layout-dependent keys and clicks.
    pub size: (u16, u16),
    pub spinner: usize,
    next_run: u64,
    pub theme: Theme,
    /// The demo's name, shown as a badge, when running `--demo`.
    pub demo: Option<String>,
    pub quitting: bool,
    /// The dialog on top, if any.
    pub modal: Option<Modal>,
    pub status: Option<StatusLine>,
    /// Set when the checks no longer look at this shell's environment but at what a new
    /// terminal will have after a fix (shown in the header).
    pub view_label: Option<String>,
    /// The checks run offline: a new key is not checked against the API.
    pub offline: bool,
    /// How long the live check waits for the API, in seconds (shown while it waits).
    pub live_limit_secs: u64,
    /// Fixes applied in this session.
    pub applied: Vec<AppliedFix>,
    /// Whether the undo journal has a fix to take back (from this session or before it).
    pub can_undo: bool,
    next_op: u64,
    /// The screen as last drawn or measured. A `Cell`: the view records it while it only
    /// borrows the state.
    geometry: Cell<Geometry>,
}

impl Default for App {
    fn default() -> Self {
        Self::new(Theme::default())
    }
}

impl App {
    #[must_use]
    pub fn new(theme: Theme) -> Self {
        Self {
            rows: CheckId::ALL
                .iter()
                .map(|&id| CheckRow {
                    id,
                    state: CheckState::Pending,
                    run_id: 0,
                    ticks: 0,
                })
                .collect(),
            selected: 0,
            manual_selection: false,
            detail_scroll: 0,
            show_help: false,
            focus: Focus::Checklist,
            ending: Ending::Quit,
            primary: None,
            header: None,
            header_run: 0,
            full_run: 0,
            size: (80, 24),
            spinner: 0,
            next_run: 0,
            theme,
            demo: None,
            quitting: false,
            modal: None,
            status: None,
            view_label: None,
            offline: false,
            live_limit_secs: 10,
            applied: Vec::new(),
            can_undo: false,
            next_op: 0,
            geometry: Cell::new(Geometry::default()),
        }
    }

    #[must_use]
    pub fn with_demo(mut self, name: impl Into<String>) -> Self {
        self.demo = Some(name.into());
        self
    }

    #[must_use]
    pub fn selected_row(&self) -> &CheckRow {
        &self.rows[self.selected.min(self.rows.len() - 1)]
    }

    #[must_use]
    pub fn selected_id(&self) -> CheckId {
        self.selected_row().id
    }

    #[must_use]
    pub fn row(&self, id: CheckId) -> Option<&CheckRow> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// The finished outcomes, in checklist order.
    #[must_use]
    pub fn outcomes(&self) -> Vec<CheckOutcome> {
        self.rows
            .iter()
            .filter_map(|r| r.outcome().cloned())
            .collect()
    }

    #[must_use]
    pub fn done_count(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome().is_some()).count()
    }

    #[must_use]
    pub fn all_done(&self) -> bool {
        self.done_count() == self.rows.len()
    }

    #[must_use]
    pub fn any_running(&self) -> bool {
        self.rows.iter().any(CheckRow::is_running)
    }

    /// True while a spinner shows: the only time the runtime ticks.
    #[must_use]
    pub fn is_animating(&self) -> bool {
        self.any_running() || self.modal.as_ref().is_some_and(Modal::is_waiting)
    }

    /// The terminal, at the size `update` last heard of.
    #[must_use]
    pub fn screen(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// Where the checklist's rows are and how far things scroll, as last drawn or measured.
    #[must_use]
    pub fn geometry(&self) -> Geometry {
        self.geometry.get()
    }

    /// Records the geometry of the screen (`view::measure` works it out).
    pub fn record_geometry(&self, geometry: Geometry) {
        self.geometry.set(geometry);
    }

    /// Whether key presses go to a text input.
    #[must_use]
    pub fn is_typing(&self) -> bool {
        self.modal.as_ref().is_some_and(Modal::is_typing)
    }

    /// A new operation id: results come back tagged with it, and stale ones are dropped.
    pub(crate) fn next_op(&mut self) -> u64 {
        self.next_op += 1;
        self.next_op
    }

    /// The id `next_op` will hand out.
    pub(crate) fn peek_op(&self) -> u64 {
        self.next_op + 1
    }

    #[must_use]
    pub fn spinner_frame(&self) -> &'static str {
        SPINNER[self.spinner % SPINNER.len()]
    }

    /// Re-runs `checks` under a new run id (results of older runs for them become stale) and
    /// returns the effect that runs them. The primary cause is worked out again over the
    /// outcomes still standing.
    pub(crate) fn run_checks(&mut self, checks: Vec<CheckId>) -> Effect {
        self.next_run += 1;
        let run_id = self.next_run;
        if CheckId::ALL.iter().all(|id| checks.contains(id)) {
            self.full_run = run_id;
        }
        for row in self.rows.iter_mut().filter(|r| checks.contains(&r.id)) {
            let previous = match std::mem::replace(&mut row.state, CheckState::Pending) {
                CheckState::Done(o) => Some(o),
                CheckState::Running { previous } => previous,
                CheckState::Pending => None,
            };
            row.state = CheckState::Running { previous };
            row.run_id = run_id;
            row.ticks = 0;
        }
        self.primary = crate::checks::primary_cause(&self.outcomes());
        Effect::RunChecks { run_id, checks }
    }

    /// Accepts the header of run `run_id` when it is the newest run of every check (a partial
    /// re-run keeps the header of the run the other rows come from).
    pub(crate) fn set_header(&mut self, run_id: u64, header: Header) {
        if run_id == self.full_run && run_id >= self.header_run {
            self.header_run = run_id;
            self.header = Some(header);
        }
    }
}
