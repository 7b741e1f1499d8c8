//! Where messages go: an SMTP server, .eml files under the data directory, or memory (unit
//! tests). Errors are sorted into "try again later" and "this will never work".

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::transport::smtp::{PoolConfig, SmtpTransport};
use lettre::{Message, Transport};

/// Rows claimed at a time: small, so a worker that dies holds few rows. The SMTP pool holds as
/// many connections, so a batch never waits for one.
pub const BATCH: i64 = 20;

#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpTransport),
    /// One `<message-id>.eml` per message; a resend overwrites the same file.
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Message>>>),
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// 4xx answers, refused or dropped connections, timeouts: retried with backoff.
    Temporary(String),
    /// 5xx answers, addresses that cannot be: marked failed, not retried.
    Permanent(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Temporary(e) | SendError::Permanent(e) => f.write_str(e),
        }
    }
}

impl Mailer {
    /// The SMTP server named by a URL in lettre's form, with a timeout on every step.
    pub fn smtp(url: &str, timeout: std::time::Duration) -> anyhow::Result<Mailer> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP URL: {e}"))?
            .timeout(Some(timeout))
            // As many connections as the worker sends at once.
            .pool_config(PoolConfig::new().max_size(BATCH as u32))
            .build();
        Ok(Mailer::Smtp(transport))
    }

    pub fn files(dir: PathBuf) -> anyhow::Result<Mailer> {
        std::fs::create_dir_all(&dir)?;
        Ok(Mailer::Files(dir))
    }

    pub fn memory() -> (Mailer, Arc<Mutex<Vec<Message>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    /// What the service says at start about where mail goes.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP".into(),
            Mailer::Files(dir) => format!(
                "no SMTP server set: writing .eml files to {}",
                dir.display()
            ),
            Mailer::Memory(_) => "memory".into(),
        }
    }

    /// Sends one message; `file_name` names the .eml file of the file transport.
    pub fn send(&self, message: &Message, file_name: &str) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t) => t.send(message).map(|_| ()).map_err(classify),
            Mailer::Files(dir) => {
                let path = dir.join(format!("{file_name}.eml"));
                let tmp = dir.join(format!(".{file_name}.tmp"));
                // Written whole then renamed, so a reader never sees half a message.
                std::fs::write(&tmp, message.formatted())
                    .and_then(|_| std::fs::rename(&tmp, &path))
                    .map_err(|e| SendError::Temporary(format!("{}: {e}", path.display())))
            }
            Mailer::Memory(sent) => {
                sent.lock().expect("mail memory").push(message.clone());
                Ok(())
            }
        }
    }
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let text = e.to_string();
    if e.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Temporary(text)
    }
}
