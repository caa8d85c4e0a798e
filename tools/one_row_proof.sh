#!/usr/bin/env bash
# The proof that adding an operation is adding one row: copies the repository (its
# tracked files, as they are in the working tree) to a scratch directory, adds a
# made-up operation to src/operations/table.rs there and nothing else, builds, runs
# the generator, and finds the operation everywhere it must appear: its C function in
# the header, its route in the sandbox, its method in both wrappers and its row in the
# README. Anything kept by hand would lack it, and the proof fails naming it.
#
#   tools/one_row_proof.sh            # `make one-row-proof`; CI runs it
#
# Builds in target/one-row-proof (debug), so the real target/ is left alone.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/one-row-proof.XXXXXX")
SANDBOX_PID=""
cleanup() {
    [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
export CARGO_TARGET_DIR="$REPO/target/one-row-proof"

fail() { echo "one-row proof: $*" >&2; exit 1; }
say() { echo "one-row proof: $*"; }

git ls-files -z | (cd "$REPO" && xargs -0 cp --parents -t "$SCRATCH")
cd "$SCRATCH"

# The one row: a made-up operation, first in the table.
python3 - <<'EOF'
path = "src/operations/table.rs"
with open(path, encoding="utf-8") as file:
    table = file.read()
anchor = "pub static OPERATIONS: &[Operation] = &[\n"
assert table.count(anchor) == 1, "the table's opening line moved: update tools/one_row_proof.sh"
row = '''    Operation {
        id: "getPresenceOneRowProof",
        method: Method::Get,
        path: "/api/v2/presence/onerowproofs/{proofId}",
        summary: "A made-up operation, added by tools/one_row_proof.sh",
        description: None,
        params: &[Param::path("proofId", "The proof's id")],
        body: None,
        response: Some(Payload::One(Model::PresenceSettings)),
        permissions: Permissions::None,
        replaced_by: None,
        idempotent: true,
    },
'''
with open(path, "w", encoding="utf-8") as file:
    file.write(table.replace(anchor, anchor + row))
EOF
say "added getPresenceOneRowProof to the table of a copy in $SCRATCH"

say "building the library and the sandbox"
cargo build --quiet -p genesys-presence -p presence-sandbox
python3 tools/header.py --quiet
python3 tools/generate.py --lib "$CARGO_TARGET_DIR/debug/libgenesys_presence.so"

expect() { # FILE TEXT WHAT
    grep -qF -- "$2" "$1" || fail "$3 lacks the new operation: no '$2' in $1"
    say "found in $1: $2"
}
expect include/genesys_presence.h "gp_status gp_get_presence_one_row_proof(" "the C header"
expect README.md '| `getPresenceOneRowProof` |' "the README's operations table"
expect bindings/python/genesys_presence/_operations.py "def get_presence_one_row_proof(" \
    "the Python wrapper"
expect bindings/csharp/src/PresenceClient.Operations.cs "public PresenceSettings GetPresenceOneRowProof(" \
    "the .NET wrapper"
expect bindings/csharp/src/PresenceClient.Operations.cs "public Task<PresenceSettings> GetPresenceOneRowProofAsync(" \
    "the .NET wrapper's async twins"
expect bindings/python/genesys_presence/_operations.py "async def get_presence_one_row_proof(" \
    "the Python wrapper's AsyncPresenceClient"
expect bindings/python/README.md '`client.get_presence_one_row_proof(proof_id)`' "the Python migration guide"
expect bindings/csharp/README.md '`client.GetPresenceOneRowProof(proofId)`' "the .NET migration guide"

# The sandbox routes it (and, having no handler for it yet, answers 501, not 404).
log="$SCRATCH/sandbox.log"
"$CARGO_TARGET_DIR/debug/presence-sandbox" --port 0 --token proof >"$log" 2>&1 &
SANDBOX_PID=$!
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$log" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$SANDBOX_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; fail "the sandbox did not start"; }
status=$(python3 - "$url/api/v2/presence/onerowproofs/p1" <<'EOF'
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer proof"})
try:
    with urllib.request.urlopen(request) as answer:
        print(answer.status)
except urllib.error.HTTPError as error:
    print(error.code)
EOF
)
[ "$status" = 501 ] || fail "the sandbox does not route the new operation (HTTP $status, not 501)"
say "the sandbox routes GET /api/v2/presence/onerowproofs/{proofId} (501 until it has a handler)"
say "ok: one row in src/operations/table.rs reached every place"
