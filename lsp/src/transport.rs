//! Content-Length-framed JSON-RPC over stdin/stdout that survives bad input.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed message; this one
//! answers it with a JSON-RPC parse error (`-32700`, id `null`) and reads on.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::{Connection, Message};

/// The largest message accepted (the server's own limit on a document is 64 MiB).
const MAX_MESSAGE_BYTES: usize = 80 * 1024 * 1024;

/// The threads behind a stdio connection; join them after the server returns.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Threads {
    pub fn join(self) {
        // The reader may be blocked on stdin after `exit`; it ends with the process.
        drop(self.reader);
        let _ = self.writer.join();
    }
}

fn write_frame(out: &Mutex<io::Stdout>, body: &str) -> io::Result<()> {
    let mut out = out
        .lock()
        .map_err(|_| io::Error::other("stdout lock poisoned"))?;
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

/// What reading one frame gave.
pub enum Frame {
    Message(Box<Message>),
    /// The body was not a JSON-RPC message: answer with a parse error and go on.
    Malformed(String),
    End,
}

/// Reads one frame: headers up to an empty line, then `Content-Length` bytes.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(Frame::End);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Malformed(
            "a header without a valid Content-Length".into(),
        ));
    };
    if length > MAX_MESSAGE_BYTES {
        // Skip the body so the next frame is read from its start.
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Frame::Malformed(format!(
            "a message of {length} bytes (the limit is {MAX_MESSAGE_BYTES})"
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Ok(Frame::Message(Box::new(m))),
        Err(e) => Ok(Frame::Malformed(format!("not a JSON-RPC message: {e}"))),
    }
}

/// A connection over this process's stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let stdout = Arc::new(Mutex::new(io::stdout()));
    let (to_client, outgoing): (Sender<Message>, Receiver<Message>) = unbounded();
    let (incoming, from_client) = unbounded::<Message>();
    let out = Arc::clone(&stdout);
    let writer = thread::spawn(move || {
        for msg in outgoing {
            let Ok(body) = serde_json::to_string(&Wire::from(&msg)) else {
                continue;
            };
            if write_frame(&out, &body).is_err() {
                break;
            }
        }
    });
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_frame(&mut input) {
                Ok(Frame::Message(m)) => {
                    let exit = matches!(&*m, Message::Notification(n) if n.method == "exit");
                    if incoming.send(*m).is_err() || exit {
                        break;
                    }
                }
                Ok(Frame::Malformed(why)) => {
                    let body = serde_json::json!({
                        "jsonrpc": "2.0",
                        "id": null,
                        "error": { "code": -32700, "message": format!("parse error: {why}") }
                    });
                    if write_frame(&stdout, &body.to_string()).is_err() {
                        break;
                    }
                }
                Ok(Frame::End) | Err(_) => break,
            }
        }
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { reader, writer },
    )
}

/// A message with its `"jsonrpc": "2.0"` member.
#[derive(serde::Serialize)]
struct Wire<'a> {
    jsonrpc: &'static str,
    #[serde(flatten)]
    msg: &'a Message,
}

impl<'a> From<&'a Message> for Wire<'a> {
    fn from(msg: &'a Message) -> Self {
        Wire {
            jsonrpc: "2.0",
            msg,
        }
    }
}
