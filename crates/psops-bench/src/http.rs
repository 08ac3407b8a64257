//! The bench's HTTP client: `ureq` with one kept-alive connection to a psops on loopback,
//! a cookie jar for the signed-in pages and a bearer token for the API. Redirects are not
//! followed, so what is timed is the one request asked for.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).context("the response is not JSON")
    }
}

/// A client of the psops at `addr` (`host:port`).
pub struct Client {
    addr: String,
    agent: ureq::Agent,
    bearer: Option<String>,
}

impl Client {
    pub fn new(addr: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(600)))
            .user_agent("psops-bench")
            .build()
            .into();
        Client {
            addr: addr.to_string(),
            agent,
            bearer: None,
        }
    }

    pub fn with_bearer(addr: &str, token: &str) -> Client {
        let mut c = Client::new(addr);
        c.bearer = Some(token.to_string());
        c
    }

    /// The value of a cookie psops has set and not yet expired.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let jar = self.agent.cookie_jar_lock();
        let value = jar.iter().find(|c| c.name() == name).map(|c| c.value().to_string());
        jar.release();
        value
    }

    pub fn get(&mut self, path: &str) -> Result<Response> {
        self.send(path, None)
    }

    pub fn post(&mut self, path: &str, content_type: &str, body: &[u8]) -> Result<Response> {
        self.send(path, Some((content_type, body)))
    }

    /// A GET and how long it took, from the request's start to the body's last byte.
    pub fn timed_get(&mut self, path: &str) -> Result<(Response, Duration)> {
        let start = Instant::now();
        let res = self.get(path)?;
        Ok((res, start.elapsed()))
    }

    fn send(&mut self, path: &str, body: Option<(&str, &[u8])>) -> Result<Response> {
        // A kept-alive connection the server has since closed fails on first use: retry
        // once on a new one. Only then is a failure the server's.
        self.try_send(path, body)
            .or_else(|_| self.try_send(path, body))
            .with_context(|| {
                format!(
                    "{} {path} on {}",
                    if body.is_some() { "POST" } else { "GET" },
                    self.addr
                )
            })
    }

    fn try_send(&self, path: &str, body: Option<(&str, &[u8])>) -> Result<Response, ureq::Error> {
        let url = format!("http://{}{path}", self.addr);
        let bearer = self.bearer.as_ref().map(|t| format!("Bearer {t}"));
        let mut res = match body {
            None => {
                let mut req = self.agent.get(&url);
                if let Some(b) = &bearer {
                    req = req.header("Authorization", b);
                }
                req.call()?
            }
            Some((content_type, bytes)) => {
                let mut req = self.agent.post(&url).header("Content-Type", content_type);
                if let Some(b) = &bearer {
                    req = req.header("Authorization", b);
                }
                req.send(bytes)?
            }
        };
        let status = res.status().as_u16();
        // Reports at full size pass ureq's default 10 MB cap on a body read whole.
        let body = res.body_mut().with_config().limit(u64::MAX).read_to_vec()?;
        Ok(Response { status, body })
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::net::TcpListener;

    /// A server that answers each request on one connection with the next canned response.
    fn serve(responses: Vec<&'static str>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            for r in responses {
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let _ = reader.get_mut().write_all(r.as_bytes());
            }
        });
        addr
    }

    #[test]
    fn keep_alive_fixed_and_chunked_bodies_and_cookies() {
        let addr = serve(vec![
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1; Path=/\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            "HTTP/1.1 204 No Content\r\nSet-Cookie: a=; Max-Age=0\r\n\r\n",
        ]);
        let mut c = Client::new(&addr);
        let r = c.get("/one").expect("first");
        assert_eq!((r.status, r.text().as_str()), (200, "hello"));
        assert_eq!(c.cookie("a").as_deref(), Some("1"));
        let (r, took) = c.timed_get("/two").expect("second");
        assert_eq!(r.text(), "abcde");
        assert!(took < Duration::from_secs(5));
        let r = c.get("/three").expect("third");
        assert_eq!(r.status, 204);
        assert_eq!(c.cookie("a"), None);
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}
