//! The floor: a bare keep-alive ureq agent (default configuration) doing the
//! benchmark's requests with the library's headers, reading each body into a
//! String. What is left is the cost of HTTP itself (ureq, the kernel, nginx).
//!
//! With `--library-settings`, the agent is configured as the library's is
//! (timeouts, user agent, `Accept`, no redirects): a what-if showing what
//! those settings cost.
//!
//! Speaks the workers' line protocol on stdin/stdout (see benches/README.md):
//! `run OP THREADS CALLS` -> `ok WALL_NS CPU_NS LATENCY_NS...`, `quit`.

use std::io::{BufRead, Write};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use ureq::Agent;

const TOKEN: &str = "Bearer bench-token";
const JSON: &str = "application/json";

struct Bench {
    agent: Agent,
    base: String,
    user: String,
    users: Vec<String>,
    patch_body: Vec<u8>,
    put_body: Vec<u8>,
}

impl Bench {
    fn request(&self, method: &str, path: &str, body: Option<&[u8]>) -> Result<String, String> {
        let url = format!("{}{}", self.base, path);
        let result = match (method, body) {
            ("GET", _) => self
                .agent
                .get(&url)
                .header("Authorization", TOKEN)
                .header("Content-Type", JSON)
                .call(),
            ("PATCH", Some(body)) => self
                .agent
                .patch(&url)
                .header("Authorization", TOKEN)
                .header("Content-Type", JSON)
                .send(body),
            ("PUT", Some(body)) => self
                .agent
                .put(&url)
                .header("Authorization", TOKEN)
                .header("Content-Type", JSON)
                .send(body),
            _ => unreachable!(),
        };
        let mut response = result.map_err(|error| format!("{method} {path}: {error}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|error| format!("{method} {path}: body: {error}"))?;
        if status != 200 || text.is_empty() {
            return Err(format!("{method} {path}: HTTP {status}: {text}"));
        }
        Ok(text)
    }

    fn bulk_path(&self, ids: &[String]) -> String {
        format!(
            "/api/v2/users/presences/purecloud/bulk?id={}",
            ids.join(",")
        )
    }

    /// One call of `op`.
    fn call(&self, op: &str) -> Result<(), String> {
        let user_path = format!("/api/v2/users/{}/presences/purecloud", self.user);
        match op {
            "get" => self.request("GET", &user_path, None).map(drop),
            "patch" => self
                .request("PATCH", &user_path, Some(&self.patch_body))
                .map(drop),
            "bulk_get" => self
                .request("GET", &self.bulk_path(&self.users), None)
                .map(drop),
            "bulk_put" => self
                .request("PUT", "/api/v2/users/presences/bulk", Some(&self.put_body))
                .map(drop),
            "defs" => self
                .request("GET", "/api/v2/presencedefinitions?pageSize=25", None)
                .map(drop),
            other => Err(format!("unknown op {other}")),
        }
    }

    /// 10,000 users in 200 requests of 50, `threads` at a time.
    fn bulk10k(&self, op: &str, threads: usize) -> Result<(), String> {
        let ids: Vec<String> = (0..10_000)
            .map(|i| format!("{:08x}-0000-4000-8000-{:012x}", i, i))
            .collect();
        let chunks: Vec<&[String]> = ids.chunks(50).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let failure = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if index >= chunks.len() {
                        break;
                    }
                    let result = if op == "bulk10k_get" {
                        self.request("GET", &self.bulk_path(chunks[index]), None)
                    } else {
                        let body = put_body(chunks[index], "busy");
                        self.request("PUT", "/api/v2/users/presences/bulk", Some(&body))
                    };
                    if let Err(error) = result {
                        *failure.lock().unwrap() = Some(error);
                        break;
                    }
                });
            }
        });
        failure.into_inner().unwrap().map_or(Ok(()), Err)
    }
}

fn put_body(users: &[String], definition: &str) -> Vec<u8> {
    let entries: Vec<String> = users
        .iter()
        .map(|user| {
            format!(
                r#"{{"id":"{user}","source":"PURECLOUD","presenceDefinition":{{"id":"{definition}"}}}}"#
            )
        })
        .collect();
    format!("[{}]", entries.join(",")).into_bytes()
}

/// The string value of `"key":"..."` in a flat JSON text (ids.json is ours).
fn json_strings(text: &str, key: &str) -> Vec<String> {
    let start = text.find(&format!("\"{key}\":")).expect(key) + key.len() + 3;
    let rest = &text[start..];
    let end = if rest.starts_with('[') {
        rest.find(']').unwrap()
    } else {
        rest[1..].find('"').unwrap() + 1
    };
    rest[..=end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn run(bench: &Bench, op: &str, threads: usize, calls: usize) -> Result<String, String> {
    let cpu_started = process_cpu_ns();
    if op.starts_with("bulk10k_") {
        let started = Instant::now();
        bench.bulk10k(op, threads)?;
        let wall = started.elapsed().as_nanos();
        let cpu = process_cpu_ns() - cpu_started;
        return Ok(format!("ok {wall} {cpu} {wall}"));
    }
    let barrier = Barrier::new(threads);
    let per_thread: Vec<usize> = (0..threads)
        .map(|t| calls / threads + usize::from(t < calls % threads))
        .collect();
    let latencies = Mutex::new(Vec::with_capacity(calls));
    let failure = Mutex::new(None);
    let mut started = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = per_thread
            .iter()
            .map(|&count| {
                let (barrier, latencies, failure) = (&barrier, &latencies, &failure);
                scope.spawn(move || {
                    let mut mine = Vec::with_capacity(count);
                    let leader = barrier.wait().is_leader();
                    let start = Instant::now();
                    for _ in 0..count {
                        let t0 = Instant::now();
                        if let Err(error) = bench.call(op) {
                            *failure.lock().unwrap() = Some(error);
                            break;
                        }
                        mine.push(t0.elapsed().as_nanos());
                    }
                    latencies.lock().unwrap().extend(mine);
                    (leader, start)
                })
            })
            .collect();
        for handle in handles {
            let (_, start) = handle.join().unwrap();
            started = started.min(start);
        }
    });
    let wall = started.elapsed().as_nanos();
    let cpu = process_cpu_ns() - cpu_started;
    if let Some(error) = failure.into_inner().unwrap() {
        return Err(error);
    }
    let latencies = latencies.into_inner().unwrap();
    let mut line = format!("ok {wall} {cpu}");
    for latency in latencies {
        line.push_str(&format!(" {latency}"));
    }
    Ok(line)
}

/// CPU time of the whole process (all threads, user + system), in ns.
fn process_cpu_ns() -> u128 {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid out-pointer.
    unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut time) };
    time.tv_sec as u128 * 1_000_000_000 + time.tv_nsec as u128
}

fn max_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, ids_file) = (&args[1], &args[2]);
    let ids = std::fs::read_to_string(ids_file).expect("ids file");
    let user = json_strings(&ids, "user").remove(0);
    let users = json_strings(&ids, "users");
    let busy = json_strings(&ids, "busy").remove(0);
    let agent = if args.iter().any(|arg| arg == "--library-settings") {
        // The library's agent configuration (transport.rs).
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .user_agent("genesys-presence/0.1.0")
            .accept(JSON)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build();
        Agent::new_with_config(config)
    } else {
        Agent::new_with_defaults()
    };
    let bench = Bench {
        agent,
        base: base.clone(),
        patch_body: format!(
            r#"{{"presenceDefinition":{{"id":"{busy}"}},"message":"In a meeting"}}"#
        )
        .into_bytes(),
        put_body: put_body(&users, &busy),
        user,
        users,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.iter().any(|arg| arg == "--once") {
        // Footprint: one call, then the peak RSS.
        bench.call("get").expect("one call");
        writeln!(out, "{}", max_rss_kib()).unwrap();
        return;
    }
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["run", op, threads, calls] => {
                run(&bench, op, threads.parse().unwrap(), calls.parse().unwrap())
                    .unwrap_or_else(|error| format!("err {error}"))
            }
            ["quit"] => break,
            _ => format!("err unknown command {line:?}"),
        };
        writeln!(out, "{answer}").unwrap();
        out.flush().unwrap();
    }
}
