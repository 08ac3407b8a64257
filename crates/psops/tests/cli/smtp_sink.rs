//! A local SMTP server for tests: it speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT) to capture what psops mails, or refuses every message the way a
//! busy server (451) or a refusing one (550) does. Plain TCP on loopback, one thread a
//! connection, so both async tests and tests of the binary can start one.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// How the sink answers a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Takes every message.
    Accept,
    /// `451` after the data: try again later.
    Busy,
    /// `550` at the recipient: never.
    Refuse,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Captured {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, dot-unstuffed, lines joined by `\n`.
    pub data: String,
}

impl Captured {
    /// The value of a header, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\n\n").next().unwrap_or_default();
        let mut value: Option<String> = None;
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = value.as_mut() {
                    v.push_str(line);
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_string());
            }
        }
        value
    }

    pub fn body(&self) -> String {
        self.data
            .split_once("\n\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }
}

pub struct Sink {
    pub addr: SocketAddr,
    messages: Arc<Mutex<Vec<Captured>>>,
    tries: Arc<Mutex<u32>>,
}

impl Sink {
    pub fn start(answer: Answer) -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("sink address");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let tries = Arc::new(Mutex::new(0));
        let (m, t) = (messages.clone(), tries.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (m, t) = (m.clone(), t.clone());
                std::thread::spawn(move || {
                    let _ = converse(stream, answer, &m, &t);
                });
            }
        });
        Sink { addr, messages, tries }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The messages taken so far.
    pub fn messages(&self) -> Vec<Captured> {
        self.messages.lock().expect("sink").clone()
    }

    /// Messages offered (taken or not).
    pub fn tries(&self) -> u32 {
        *self.tries.lock().expect("sink")
    }
}

fn converse(stream: TcpStream, answer: Answer, out: &Mutex<Vec<Captured>>, tries: &Mutex<u32>) -> std::io::Result<()> {
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    let mut say = |text: &str| -> std::io::Result<()> {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\r\n")?;
        w.flush()
    };
    say("220 sink.test ESMTP")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end();
        let verb = cmd.split([' ', ':']).next().unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => say("250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8")?,
            "HELO" | "NOOP" => say("250 ok")?,
            "RSET" => {
                from.clear();
                to.clear();
                say("250 ok")?;
            }
            "MAIL" => {
                from = address(cmd);
                say("250 ok")?;
            }
            "RCPT" => {
                if answer == Answer::Refuse {
                    *tries.lock().expect("sink") += 1;
                    say("550 5.1.1 no such mailbox")?;
                } else {
                    to.push(address(cmd));
                    say("250 ok")?;
                }
            }
            "DATA" => {
                say("354 end with <CRLF>.<CRLF>")?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    data.push(
                        l.strip_prefix('.')
                            .filter(|_| l.starts_with(".."))
                            .unwrap_or(l)
                            .to_string(),
                    );
                }
                *tries.lock().expect("sink") += 1;
                if answer == Answer::Busy {
                    say("451 4.3.0 try again later")?;
                } else {
                    out.lock().expect("sink").push(Captured {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data: data.join("\n"),
                    });
                    say("250 2.0.0 queued")?;
                }
            }
            "QUIT" => {
                say("221 bye")?;
                return Ok(());
            }
            _ => say("502 not implemented")?,
        }
    }
}

/// `MAIL FROM:<a@b>` → `a@b`.
fn address(cmd: &str) -> String {
    let start = cmd.find('<').map_or(0, |i| i + 1);
    let end = cmd[start..].find('>').map_or(cmd.len(), |i| start + i);
    cmd[start..end].to_string()
}
