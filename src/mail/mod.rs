//! Mail: the outbox every message goes through, who receives what, the messages themselves, the
//! transports and the delivery worker.

pub mod compose;
pub mod deliver;
pub mod letter;
pub mod notices;
pub mod outbox;
pub mod payload;
pub mod recipients;
pub mod transport;
pub mod weekly;

pub use letter::Context;
pub use transport::Mailer;
