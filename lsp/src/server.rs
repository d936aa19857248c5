//! The main loop: owns the database, applies edits, hands requests to workers on snapshots.
//!
//! Edits are applied on this thread. Setting a file's text makes salsa cancel every query
//! running on an older snapshot (the worker unwinds with `salsa::Cancelled` and the request
//! is answered `ContentModified`) and wait for those snapshots to be dropped. Diagnostics
//! are computed by a worker too, the edited file first, then every other file of the
//! workspace; results of a superseded generation are dropped, so nothing stale is published.
//!
//! The server holds several workspaces apart, each with its own database: the folders holding
//! an `edict.toml` found in the client's folders, and those of files opened elsewhere
//! (`edict_compiler::load` states the rule). A request runs on the workspace of its document.
//!
//! The parts of the server are modules of their own: `capabilities`, `dispatch` (requests and
//! notifications), `publish` (diagnostics) and `roots` (workspaces).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use jiff::civil::Date;
use lsp_server::{Connection, ErrorCode, Message, Notification, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::Url;

use crate::convert::Snapshot;
use crate::position::Encoding;

mod capabilities;
mod dispatch;
mod publish;
mod roots;

use roots::Root;

/// A unit of work for the worker threads.
type Job = Box<dyn FnOnce() + Send>;

/// Messages from workers back to the main loop.
enum Event {
    Diagnostics {
        root: usize,
        generation: u64,
        uri: Url,
        diagnostics: Vec<lsp::Diagnostic>,
    },
    /// Policy files changed on disk, seen by the server's own watcher.
    FilesChanged(Vec<String>),
}

struct Server {
    sender: Sender<Message>,
    /// The workspaces, each apart from the others.
    roots: Vec<Root>,
    /// Paths of the documents the client has open, with their versions.
    open: HashMap<String, i32>,
    encoding: Encoding,
    today: Today,
    /// The client's workspace folders (or `rootUri`), where workspaces are looked for.
    folders: Vec<PathBuf>,
    /// The server's own watch of the workspaces, when the client cannot watch files for it.
    watcher: Option<notify::RecommendedWatcher>,
    jobs: Sender<Job>,
    events: Sender<Event>,
    /// The cancel flag of each request running on a worker: whoever sets it first answers.
    running: HashMap<RequestId, Arc<AtomicBool>>,
    /// What was last published for each URI, to publish only changes.
    published: HashMap<Url, Vec<lsp::Diagnostic>>,
    shutting_down: bool,
    /// Can the client watch files for us (dynamic registration of `didChangeWatchedFiles`)?
    can_watch: bool,
    next_request: i32,
}

/// Serves one client on `connection` until `exit` (or until the client goes away).
pub fn run(connection: Connection) -> Result<(), String> {
    let (jobs, job_queue) = unbounded::<Job>();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let queue: Receiver<Job> = job_queue.clone();
            thread::spawn(move || {
                for job in queue {
                    job();
                }
            })
        })
        .collect();
    let (events, event_queue) = unbounded::<Event>();
    let result = serve(&connection, jobs, events, &event_queue);
    // Dropping the server closed the job queue; the workers finish what they hold.
    for w in workers {
        let _ = w.join();
    }
    result
}

fn serve(
    connection: &Connection,
    jobs: Sender<Job>,
    events: Sender<Event>,
    event_queue: &Receiver<Event>,
) -> Result<(), String> {
    // The handshake: answer everything but `initialize` with `ServerNotInitialized`.
    let (id, params) = loop {
        match connection.receiver.recv() {
            Ok(Message::Request(req)) if req.method == lsp::request::Initialize::METHOD => {
                break (req.id, req.params)
            }
            Ok(Message::Request(req)) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet: send `initialize` first".into(),
                    )
                    .into(),
                );
            }
            Ok(Message::Notification(n)) if n.method == "exit" => return Ok(()),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    };
    let init: lsp::InitializeParams = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => {
            let _ = connection.sender.send(
                Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("bad `initialize` parameters: {e}"),
                )
                .into(),
            );
            return Err(format!("bad initialize parameters: {e}"));
        }
    };
    let mut server = Server::new(connection.sender.clone(), jobs, events, &init);
    let result = lsp::InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "edict".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    server.load_roots();
    server.watch_disk();
    server.publish_all();
    loop {
        select! {
            recv(connection.receiver) -> msg => {
                let Ok(msg) = msg else { return Ok(()) };
                let exit = catch_unwind(AssertUnwindSafe(|| server.handle(msg)));
                match exit {
                    Ok(true) => return Ok(()),
                    Ok(false) => {}
                    // A bug while handling one message: keep serving the others.
                    Err(_) => server.log("internal error while handling a message; see stderr"),
                }
            }
            recv(event_queue) -> ev => {
                if let Ok(ev) = ev {
                    server.event(ev);
                }
            }
        }
    }
}

impl Server {
    fn new(
        sender: Sender<Message>,
        jobs: Sender<Job>,
        events: Sender<Event>,
        init: &lsp::InitializeParams,
    ) -> Server {
        let offers_utf8 = init
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&lsp::PositionEncodingKind::UTF8));
        let options = init.initialization_options.as_ref();
        let today = match options
            .and_then(|o| o.get("today"))
            .and_then(|t| t.as_str())
            .and_then(|t| t.parse::<Date>().ok())
        {
            Some(day) => Today::Fixed(day),
            None => Today::Clock(today_utc),
        };
        #[allow(deprecated)] // `root_uri` is still what many clients send.
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
                folders.push(p);
            }
        }
        let can_watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        Server {
            sender,
            roots: Vec::new(),
            open: HashMap::new(),
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            today,
            folders,
            jobs,
            events,
            running: HashMap::new(),
            published: HashMap::new(),
            shutting_down: false,
            can_watch,
            next_request: 0,
            watcher: None,
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // A closed channel means the client is gone; the loop ends at the next receive.
        let _ = self.sender.send(msg.into());
    }

    /// An informational line in the client's log of the server.
    fn info(&self, message: &str) {
        self.send(Notification::new(
            lsp::notification::LogMessage::METHOD.into(),
            lsp::LogMessageParams {
                typ: lsp::MessageType::INFO,
                message: message.to_string(),
            },
        ));
    }

    fn log(&self, message: &str) {
        self.send(Notification::new(
            lsp::notification::LogMessage::METHOD.into(),
            lsp::LogMessageParams {
                typ: lsp::MessageType::WARNING,
                message: message.to_string(),
            },
        ));
    }

    fn snapshot(&self, root: usize) -> Snapshot {
        let r = &self.roots[root];
        Snapshot {
            db: r.analysis.db().clone(),
            ws: r.analysis.workspace(),
            paths: Arc::clone(&r.paths),
            bad_utf8: Arc::clone(&r.bad_utf8),
            encoding: self.encoding,
            today: self.today.date(),
        }
    }
}

/// The day hover, inlay hints, completion and tables show: the client's `today`, else the
/// clock's, read for each request (a server left running past midnight shows the new day).
#[derive(Clone, Copy)]
enum Today {
    Fixed(Date),
    Clock(fn() -> Date),
}

impl Today {
    fn date(self) -> Date {
        match self {
            Today::Fixed(day) => day,
            Today::Clock(clock) => clock(),
        }
    }
}

/// Today's date in UTC, from the system clock.
fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    edict_runtime::value::days_to_date(days).unwrap_or_default()
}

#[cfg(test)]
mod today_tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    static DAY: AtomicI64 = AtomicI64::new(20_400);

    fn clock() -> Date {
        edict_runtime::value::days_to_date(DAY.load(Ordering::Relaxed)).unwrap_or_default()
    }

    /// Without a `today` from the client, each snapshot reads the clock: after midnight the
    /// server shows the new day (it used to keep the day it started on).
    #[test]
    fn the_day_follows_the_clock_past_midnight() {
        let today = Today::Clock(clock);
        let first = today.date();
        DAY.fetch_add(1, Ordering::Relaxed);
        assert_eq!(today.date(), first.tomorrow().unwrap());
        let fixed = Today::Fixed(first);
        DAY.fetch_add(1, Ordering::Relaxed);
        assert_eq!(fixed.date(), first);
    }
}
