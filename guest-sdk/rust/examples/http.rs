//! A Vitals wasm probe in Rust: GET config "url" through the host (up when
//! the status is config "expect", default 200) or connect to config "addr"
//! (up when it connects). Build: ../build.sh (see the crate's README).
use vitals_probe::{probe, Ctx, Level, Report};

fn check(ctx: &Ctx) -> Report {
    if let Some(url) = ctx.config_str("url") {
        let expect = ctx.config_i64("expect").unwrap_or(200);
        return match ctx.http_get(url) {
            Ok(resp) => {
                ctx.log(Level::Debug, &format!("fetched {} status={} bytes={}", url, resp.status, resp.body.len()));
                let r = if resp.status == expect {
                    Report::up(format!("HTTP {}", resp.status))
                } else {
                    Report::down(format!("HTTP {}, want {}", resp.status, expect))
                };
                r.with("status", resp.status as f64)
                    .with("body", resp.body.as_str())
                    .with("content_type", resp.header("content-type").unwrap_or(""))
                    .with("truncated", resp.truncated)
            }
            Err(e) => Report::down(e.to_string()).with("code", e.code as f64),
        };
    }
    if let Some(addr) = ctx.config_str("addr") {
        return match ctx.tcp_connect(addr, 2000) {
            Ok(()) => Report::up(format!("connected to {}", addr)),
            Err(e) => Report::down(e.to_string()).with("code", e.code as f64),
        };
    }
    Report::down("config: url or addr is required").with("component", ctx.name())
}

probe!(check);
