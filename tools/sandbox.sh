# Sourced by the check scripts: start_sandbox LOG [FLAGS...] starts $SANDBOX
# (target/release/presence-sandbox unless set) on a free port with FLAGS, and sets
# SANDBOX_PID and SANDBOX_URL once it listens; it fails with the log otherwise. The
# caller kills $SANDBOX_PID when done.
start_sandbox() {
    local log=$1
    shift
    "${SANDBOX:-target/release/presence-sandbox}" --port 0 "$@" >"$log" 2>&1 &
    SANDBOX_PID=$!
    SANDBOX_URL=""
    for _ in $(seq 100); do
        SANDBOX_URL=$(sed -n 's/^listening on //p' "$log" | head -n 1)
        [ -n "$SANDBOX_URL" ] && return 0
        kill -0 "$SANDBOX_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$log" >&2
    echo "the sandbox did not start" >&2
    return 1
}
