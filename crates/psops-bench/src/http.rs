//! A tiny HTTP/1.1 client over one keep-alive `TcpStream`: enough to time requests to a
//! psops on loopback (fixed-length and chunked bodies, cookies, a bearer token) without
//! an HTTP library, so that what is timed is psops and not a client's machinery.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).context("the response is not JSON")
    }
}

/// One connection to `addr` (`host:port`), reopened if the server closed it.
pub struct Client {
    addr: String,
    conn: Option<BufReader<TcpStream>>,
    bearer: Option<String>,
    cookies: Vec<(String, String)>,
}

impl Client {
    pub fn new(addr: &str) -> Client {
        Client {
            addr: addr.to_string(),
            conn: None,
            bearer: None,
            cookies: Vec::new(),
        }
    }

    pub fn with_bearer(addr: &str, token: &str) -> Client {
        let mut c = Client::new(addr);
        c.bearer = Some(token.to_string());
        c
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn get(&mut self, path: &str) -> Result<Response> {
        self.send("GET", path, None)
    }

    pub fn post(&mut self, path: &str, content_type: &str, body: &[u8]) -> Result<Response> {
        self.send("POST", path, Some((content_type, body)))
    }

    /// A GET and how long it took from the first byte written to the last byte read.
    pub fn timed_get(&mut self, path: &str) -> Result<(Response, Duration)> {
        self.connect()?;
        let start = Instant::now();
        let res = self.get(path)?;
        Ok((res, start.elapsed()))
    }

    fn connect(&mut self) -> Result<()> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(&self.addr).with_context(|| format!("cannot connect to {}", self.addr))?;
            stream.set_nodelay(true).context("cannot set TCP_NODELAY")?;
            stream
                .set_read_timeout(Some(Duration::from_secs(600)))
                .context("cannot set a read timeout")?;
            self.conn = Some(BufReader::with_capacity(256 * 1024, stream));
        }
        Ok(())
    }

    fn send(&mut self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Result<Response> {
        // A kept-alive connection the server has since closed fails on first use: retry
        // once on a new one. Only then is a failure the server's.
        match self.try_send(method, path, body) {
            Ok(r) => Ok(r),
            Err(_) => {
                self.conn = None;
                self.try_send(method, path, body)
                    .with_context(|| format!("{method} {path} on {}", self.addr))
            }
        }
    }

    fn try_send(&mut self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Result<Response> {
        self.connect()?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: psops-bench\r\n",
            self.addr
        );
        if let Some(token) = &self.bearer {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        if let Some((ty, bytes)) = body {
            head.push_str(&format!("Content-Type: {ty}\r\nContent-Length: {}\r\n", bytes.len()));
        }
        head.push_str("\r\n");
        let conn = self.conn.as_mut().context("not connected")?;
        let stream = conn.get_mut();
        let mut request = head.into_bytes();
        if let Some((_, bytes)) = body {
            request.extend_from_slice(bytes);
        }
        stream.write_all(&request).context("cannot send the request")?;
        let res = read_response(conn)?;
        if res
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        {
            self.conn = None;
        }
        for (name, value) in &res.headers {
            if name.eq_ignore_ascii_case("set-cookie") {
                self.keep_cookie(value);
            }
        }
        Ok(res)
    }

    fn keep_cookie(&mut self, header: &str) {
        let pair = header.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim().to_string(), value.trim().to_string());
        self.cookies.retain(|(n, _)| *n != name);
        let expired = header.to_ascii_lowercase().contains("max-age=0");
        if !value.is_empty() && !expired {
            self.cookies.push((name, value));
        }
    }
}

fn read_response(conn: &mut BufReader<TcpStream>) -> Result<Response> {
    let mut line = String::new();
    if conn.read_line(&mut line).context("cannot read the status line")? == 0 {
        bail!("the server closed the connection");
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .with_context(|| format!("not an HTTP status line: {line:?}"))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        conn.read_line(&mut line).context("cannot read a header")?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').with_context(|| format!("not a header line: {l:?}"))?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(conn)?
    } else if let Some(len) = find("content-length") {
        let len: usize = len.parse().with_context(|| format!("bad Content-Length {len:?}"))?;
        let mut body = vec![0; len];
        conn.read_exact(&mut body).context("cannot read the body")?;
        body
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        bail!("a response with neither Content-Length nor chunked encoding (status {status})");
    };
    Ok(Response { status, headers, body })
}

fn read_chunked(conn: &mut BufReader<TcpStream>) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        conn.read_line(&mut line).context("cannot read a chunk size")?;
        let size = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size, 16).with_context(|| format!("bad chunk size {line:?}"))?;
        if size == 0 {
            // Trailers, then the empty line.
            loop {
                line.clear();
                conn.read_line(&mut line).context("cannot read a trailer")?;
                if line.trim_end().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        conn.read_exact(&mut body[start..]).context("cannot read a chunk")?;
        line.clear();
        conn.read_line(&mut line).context("cannot read a chunk's end")?;
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
        assert_eq!(c.cookie("a"), Some("1"));
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
