//! The Rust SDK of Vitals wasm probes: the guest side of the probe ABI v1
//! (`wasmprobe/ABI.md` in the Vitals repository), with no dependencies.
//!
//! A probe is one function from a [`Ctx`] to a [`Report`], exported with
//! [`probe!`] from a `cdylib` crate built for `wasm32-wasi` (or
//! `wasm32-wasip1` with a newer rustc):
//!
//! ```ignore
//! use vitals_probe::{probe, Ctx, Report};
//!
//! fn check(ctx: &Ctx) -> Report {
//!     let url = match ctx.config_str("url") {
//!         Some(u) => u,
//!         None => return Report::down("config: url is required"),
//!     };
//!     match ctx.http_get(url) {
//!         Ok(resp) if resp.status == 200 => Report::up("HTTP 200"),
//!         Ok(resp) => Report::down(format!("HTTP {}", resp.status)).with("status", resp.status),
//!         Err(e) => Report::down(e.to_string()),
//!     }
//! }
//!
//! probe!(check);
//! ```
//!
//! Outside WebAssembly the crate compiles too, with stand-ins for the host
//! functions (log lines go to stderr, the network is denied), so that
//! `cargo test` / `rustc --test` run natively; [`run_native`] runs a probe
//! function on an input JSON as the host would.
//!
//! Written for Rust 1.63 (Debian 12's rustc) and later.

use std::cell::UnsafeCell;
use std::fmt;

pub mod json;
pub use json::Value;

/// The state a probe reports. The host reports Unknown by itself when a
/// probe traps (a panic) or breaks the ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Up = 0,
    Degraded = 1,
    Down = 2,
}

/// What a probe function returns: a status, a message and details.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub status: Status,
    /// Short human explanation; empty means none.
    pub message: String,
    /// Free-form details, in order.
    pub details: Vec<(String, Value)>,
}

impl Report {
    pub fn new(status: Status, message: impl Into<String>) -> Report {
        Report { status, message: message.into(), details: Vec::new() }
    }
    pub fn up(message: impl Into<String>) -> Report {
        Report::new(Status::Up, message)
    }
    pub fn degraded(message: impl Into<String>) -> Report {
        Report::new(Status::Degraded, message)
    }
    pub fn down(message: impl Into<String>) -> Report {
        Report::new(Status::Down, message)
    }
    /// Adds (or replaces) a detail.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Report {
        let value = value.into();
        match self.details.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.details.push((key.to_string(), value)),
        }
        self
    }

    /// The ABI output JSON: `{"message":...,"details":{...}}`, or "" when
    /// there is neither.
    pub fn to_output(&self) -> String {
        let mut o = Vec::new();
        if !self.message.is_empty() {
            o.push(("message".to_string(), Value::String(self.message.clone())));
        }
        if !self.details.is_empty() {
            o.push(("details".to_string(), Value::Object(self.details.clone())));
        }
        if o.is_empty() {
            return String::new();
        }
        Value::Object(o).to_json()
    }
}

/// Log levels of [`Ctx::log`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

/// An error code of the host's network functions (ABI.md section 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetError {
    /// "http_request" or "tcp_connect".
    pub op: &'static str,
    /// The URL or address.
    pub target: String,
    /// The code: -1 denied, -2 failed, -3 timeout, -4 bad request, -5 too
    /// large, -6 budget (the check's max_net_calls or max_sockets is spent).
    pub code: i64,
}

impl NetError {
    pub const DENIED: i64 = -1;
    pub const FAILED: i64 = -2;
    pub const TIMEOUT: i64 = -3;
    pub const BAD_REQUEST: i64 = -4;
    pub const TOO_LARGE: i64 = -5;
    pub const BUDGET: i64 = -6;

    /// A short text for the code.
    pub fn reason(&self) -> &'static str {
        match self.code {
            -1 => "not granted by the component's allow list",
            -3 => "timed out",
            -4 => "bad request",
            -5 => "response too large for the buffer",
            -6 => "the check's network budget is spent",
            _ => "failed",
        }
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {} (code {})", self.op, self.target, self.reason(), self.code)
    }
}

impl std::error::Error for NetError {}

/// An HTTP request through the host; the URL must be granted by the
/// component's allow list.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Default GET.
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// UTF-8 text.
    pub body: String,
    /// Room for the response JSON (default 256 KiB).
    pub buffer_size: usize,
}

/// The host's response. A non-2xx status is a response, not an error.
#[derive(Clone, Debug, Default)]
pub struct Response {
    pub status: i64,
    /// Canonical names; several values joined with ", ".
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was cut (max_response_bytes or the buffer).
    pub truncated: bool,
}

impl Response {
    /// The value of a header, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, String> {
        if self.truncated {
            return Err(format!("response body truncated at {} bytes", self.body.len()));
        }
        Value::parse(&self.body)
    }
}

/// One check: the component's name, config and time, and the host.
pub struct Ctx {
    name: String,
    timeout_ms: i64,
    config: Value,
}

impl Ctx {
    /// The component name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Milliseconds left before the check's deadline when the check started.
    pub fn timeout_ms(&self) -> i64 {
        self.timeout_ms
    }
    /// The component's config (an object, empty when there is none).
    pub fn config(&self) -> &Value {
        &self.config
    }
    pub fn config_str(&self, key: &str) -> Option<&str> {
        self.config.get(key).and_then(Value::as_str)
    }
    pub fn config_i64(&self, key: &str) -> Option<i64> {
        self.config.get(key).and_then(Value::as_i64)
    }
    pub fn config_f64(&self, key: &str) -> Option<f64> {
        self.config.get(key).and_then(Value::as_f64)
    }
    pub fn config_bool(&self, key: &str) -> Option<bool> {
        self.config.get(key).and_then(Value::as_bool)
    }

    /// One line to the application's logger, through the host.
    pub fn log(&self, level: Level, msg: &str) {
        host::log(level as i32, msg.as_bytes());
    }

    /// GET url through the host.
    pub fn http_get(&self, url: &str) -> Result<Response, NetError> {
        self.http_request(&Request { url: url.to_string(), ..Request::default() })
    }

    /// Makes req through the host.
    pub fn http_request(&self, req: &Request) -> Result<Response, NetError> {
        let mut o = vec![("url".to_string(), Value::from(req.url.as_str()))];
        if !req.method.is_empty() {
            o.push(("method".to_string(), Value::from(req.method.as_str())));
        }
        if !req.headers.is_empty() {
            let h = req.headers.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
            o.push(("headers".to_string(), Value::Object(h)));
        }
        if !req.body.is_empty() {
            o.push(("body".to_string(), Value::from(req.body.as_str())));
        }
        let body = Value::Object(o).to_json();
        let size = if req.buffer_size == 0 { 256 << 10 } else { req.buffer_size };
        let mut resp = vec![0u8; size.min(i32::MAX as usize)];
        let err = |code| NetError { op: "http_request", target: req.url.clone(), code };
        let n = host::http_request(body.as_bytes(), &mut resp);
        if n < 0 {
            return Err(err(n));
        }
        let text = String::from_utf8_lossy(&resp[..(n as usize).min(resp.len())]);
        let v = Value::parse(&text).map_err(|_| err(NetError::FAILED))?;
        let headers = match v.get("headers") {
            Some(Value::Object(h)) => h.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect(),
            _ => Vec::new(),
        };
        Ok(Response {
            status: v.get("status").and_then(Value::as_i64).unwrap_or(0),
            headers,
            body: v.get("body").and_then(Value::as_str).unwrap_or("").to_string(),
            truncated: v.get("truncated").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// Connects to addr ("host:port") through the host and closes the
    /// connection. timeout_ms > 0 bounds the connect; the check's deadline
    /// always does.
    pub fn tcp_connect(&self, addr: &str, timeout_ms: i32) -> Result<(), NetError> {
        match host::tcp_connect(addr.as_bytes(), timeout_ms) {
            0 => Ok(()),
            code => Err(NetError { op: "tcp_connect", target: addr.to_string(), code: code as i64 }),
        }
    }
}

/// Size of the I/O buffer.
pub const BUFFER_SIZE: usize = 64 << 10;

/// Runs a probe function for one ABI input and returns its status and
/// output JSON, as `vitals_check` does. Output that does not fit in the
/// buffer loses its details, then the end of its message.
pub fn run_native(f: fn(&Ctx) -> Report, input: &str) -> (u32, String) {
    let v = Value::parse(input).unwrap_or(Value::Null);
    let config = match v.get("config") {
        Some(c @ Value::Object(_)) => c.clone(),
        _ => Value::Object(Vec::new()),
    };
    let ctx = Ctx {
        name: v.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
        timeout_ms: v.get("timeout_ms").and_then(Value::as_i64).unwrap_or(0),
        config,
    };
    let mut r = f(&ctx);
    let mut out = r.to_output();
    if out.len() > BUFFER_SIZE {
        let n = out.len();
        r.details = vec![("sdk_error".to_string(), Value::from(format!("output of {} bytes exceeds the {}-byte buffer: details dropped", n, BUFFER_SIZE)))];
        out = r.to_output();
        while out.len() > BUFFER_SIZE && !r.message.is_empty() {
            let mut cut = r.message.len().saturating_sub(out.len() - BUFFER_SIZE + 16);
            while cut > 0 && !r.message.is_char_boundary(cut) {
                cut -= 1;
            }
            r.message.truncate(cut);
            out = r.to_output();
        }
        if out.len() > BUFFER_SIZE {
            out.clear();
        }
    }
    (r.status as u32, out)
}

struct Buffer(UnsafeCell<[u8; BUFFER_SIZE]>);

// A module is single-threaded: the host calls one export at a time.
unsafe impl Sync for Buffer {}

static BUFFER: Buffer = Buffer(UnsafeCell::new([0; BUFFER_SIZE]));

/// Used by [`probe!`]; not part of the API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub fn buffer_ptr() -> *mut u8 {
        BUFFER.0.get() as *mut u8
    }

    pub fn check(input_len: i32, f: fn(&Ctx) -> Report) -> i64 {
        // The host wrote input_len bytes into the buffer and reads the
        // output back from it; nothing else touches it during the call.
        let buf = unsafe { &mut *BUFFER.0.get() };
        let n = (input_len as u32 as usize).min(BUFFER_SIZE);
        let input = String::from_utf8_lossy(&buf[..n]).into_owned();
        let (status, out) = run_native(f, &input);
        buf[..out.len()].copy_from_slice(out.as_bytes());
        ((status as i64) << 32) | out.len() as i64
    }
}

/// Exports a probe function `fn(&Ctx) -> Report` as the module's
/// `vitals_check`, with the marker and buffer exports of ABI v1. Use it
/// once, in the cdylib crate.
#[macro_export]
macro_rules! probe {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn vitals_abi_v1() {}

        #[no_mangle]
        pub extern "C" fn vitals_buffer() -> i32 {
            $crate::__private::buffer_ptr() as usize as i32
        }

        #[no_mangle]
        pub extern "C" fn vitals_buffer_size() -> i32 {
            $crate::BUFFER_SIZE as i32
        }

        #[no_mangle]
        pub extern "C" fn vitals_check(input_len: i32) -> i64 {
            $crate::__private::check(input_len, $f)
        }
    };
}

#[cfg(target_arch = "wasm32")]
mod host {
    #[link(wasm_import_module = "vitals")]
    extern "C" {
        #[link_name = "log"]
        fn vitals_log(level: i32, ptr: *const u8, len: i32);
        #[link_name = "http_request"]
        fn vitals_http_request(req: *const u8, req_len: i32, resp: *mut u8, resp_cap: i32) -> i64;
        #[link_name = "tcp_connect"]
        fn vitals_tcp_connect(addr: *const u8, addr_len: i32, timeout_ms: i32) -> i32;
    }

    pub fn log(level: i32, msg: &[u8]) {
        unsafe { vitals_log(level, msg.as_ptr(), msg.len() as i32) }
    }
    pub fn http_request(req: &[u8], resp: &mut [u8]) -> i64 {
        unsafe { vitals_http_request(req.as_ptr(), req.len() as i32, resp.as_mut_ptr(), resp.len() as i32) }
    }
    pub fn tcp_connect(addr: &[u8], timeout_ms: i32) -> i32 {
        unsafe { vitals_tcp_connect(addr.as_ptr(), addr.len() as i32, timeout_ms) }
    }
}

/// Native stand-ins: log lines go to stderr, the network is denied.
#[cfg(not(target_arch = "wasm32"))]
mod host {
    pub fn log(level: i32, msg: &[u8]) {
        eprintln!("probe log {}: {}", level, String::from_utf8_lossy(msg));
    }
    pub fn http_request(_req: &[u8], _resp: &mut [u8]) -> i64 {
        -1
    }
    pub fn tcp_connect(_addr: &[u8], _timeout_ms: i32) -> i32 {
        -1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(ctx: &Ctx) -> Report {
        Report::degraded(format!("hello {}", ctx.name()))
            .with("n", ctx.config_i64("n").unwrap_or(-1))
            .with("s", ctx.config_str("s").unwrap_or("-"))
            .with("b", ctx.config_bool("b").unwrap_or(false))
            .with("timeout_ms", ctx.timeout_ms())
    }

    #[test]
    fn run() {
        let (s, out) = run_native(echo, r#"{"name":"x","config":{"n":7,"s":"a\"b","b":true},"timeout_ms":900}"#);
        assert_eq!(s, 1);
        assert_eq!(out, r#"{"message":"hello x","details":{"n":7,"s":"a\"b","b":true,"timeout_ms":900}}"#);
        let (s, out) = run_native(|_| Report::up(""), "{}");
        assert_eq!((s, out.as_str()), (0, ""));
    }

    #[test]
    fn oversized() {
        fn big(_: &Ctx) -> Report {
            Report::down("é".repeat(40 << 10)).with("x", "y".repeat(1000))
        }
        let (s, out) = run_native(big, "{}");
        assert_eq!(s, 2);
        assert!(out.len() <= BUFFER_SIZE, "{}", out.len());
        let v = Value::parse(&out).unwrap();
        assert!(v.get("details").and_then(|d| d.get("sdk_error")).and_then(Value::as_str).unwrap().contains("details dropped"));
    }

    #[test]
    fn native_network_is_denied() {
        let ctx = Ctx { name: String::new(), timeout_ms: 0, config: Value::Object(Vec::new()) };
        let e = ctx.http_get("http://x/").unwrap_err();
        assert_eq!(e.to_string(), "http_request http://x/: not granted by the component's allow list (code -1)");
        assert_eq!(ctx.tcp_connect("x:1", 0).unwrap_err().code, NetError::DENIED);
    }

    #[test]
    fn response_header() {
        let r = Response { headers: vec![("Content-Type".into(), "text/plain".into())], ..Response::default() };
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(r.header("x"), None);
    }
}
