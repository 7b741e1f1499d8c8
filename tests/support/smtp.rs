//! A small SMTP server on a loopback port, inside the test process, that records what it is
//! sent and can be told to misbehave: answer 451 or 550, say nothing at all, or be down.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with the next messages, in order; once the script is used up it
/// accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 451 at MAIL FROM: try again later.
    Busy,
    /// 550 at RCPT TO: no such mailbox.
    NoMailbox,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or("").to_string()
    }
    pub fn text(&self) -> String {
        self.parsed().body_text(0).unwrap_or_default().to_string()
    }
    pub fn html(&self) -> String {
        self.parsed().body_html(0).unwrap_or_default().to_string()
    }
    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or("").to_string()
    }
    pub fn rcpt(&self) -> &str {
        &self.to[0]
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Fault>>,
    /// Accept connections but never answer.
    silent: AtomicBool,
    stopped: AtomicBool,
}

pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        Self::start_on(0)
    }

    /// On a given port (to bring a stopped server back where the mailer expects it).
    pub fn start_on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &s);
                });
            }
        });
        SmtpServer {
            port,
            shared,
            accept: Some(accept),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn script(&self, faults: &[Fault]) {
        self.shared.script.lock().unwrap().extend(faults);
    }

    pub fn set_silent(&self, silent: bool) {
        self.shared.silent.store(silent, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.shared.received.lock().unwrap().clear();
    }

    /// Closes the port; open sessions end at their next command.
    pub fn stop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn session(stream: TcpStream, s: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    if s.silent.load(Ordering::SeqCst) {
        // Hold the connection open and say nothing until the client gives up.
        let mut sink = String::new();
        while lines.read_line(&mut sink)? > 0 {}
        return Ok(());
    }
    out.write_all(b"220 test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut refuse_rcpt = false;
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 || s.stopped.load(Ordering::SeqCst) {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") {
            b"250-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if cmd.starts_with("HELO") || cmd.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if cmd.starts_with("RSET") {
            to.clear();
            b"250 ok\r\n"
        } else if cmd.starts_with("MAIL FROM") {
            to.clear();
            match s.script.lock().unwrap().pop_front() {
                Some(Fault::Busy) => b"451 4.3.0 busy, try again later\r\n",
                Some(Fault::NoMailbox) => {
                    refuse_rcpt = true;
                    b"250 ok\r\n"
                }
                None => b"250 ok\r\n",
            }
        } else if cmd.starts_with("RCPT TO") {
            if std::mem::take(&mut refuse_rcpt) {
                b"550 5.1.1 no such mailbox\r\n"
            } else {
                let addr = line.trim_end()[8..].trim().trim_start_matches(':').trim();
                to.push(addr.trim_matches(['<', '>']).to_lowercase());
                b"250 ok\r\n"
            }
        } else if cmd == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut data = Vec::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                let l = l.strip_prefix('.').unwrap_or(&l);
                data.extend_from_slice(l.as_bytes());
            }
            s.received.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            b"250 2.0.0 queued\r\n"
        } else if cmd.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            b"502 5.5.2 not implemented\r\n"
        };
        out.write_all(reply)?;
    }
}
