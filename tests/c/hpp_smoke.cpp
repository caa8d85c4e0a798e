// include/genesys_presence.hpp against the sandbox (tests/c_abi.rs compiles it with
// -std=c++17 -Wall -Wextra -Werror -pedantic and runs it). Prints one line per check
// and "N failure(s)".
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "genesys_presence.hpp"

static int failures = 0;

static void check(bool ok, const std::string &what) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
    if (!ok) ++failures;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    const std::string url = argv[1];
    const std::string config = "{\"basePath\": \"" + url + "\", \"accessToken\": \"test-token\"}";

    try {
        gp::Client bad("{\"noSuchKey\": 1}");
        check(false, "a bad config throws");
    } catch (const gp::Error &error) {
        check(error.kind() == gp::ErrorKind::InvalidArgument, "a bad config throws InvalidArgument");
        check(std::string(error.what()).find("noSuchKey") != std::string::npos, "its message names the key");
    }

    gp::Client client(config);
    check(client.call("getSystempresences").find("AVAILABLE") != std::string::npos, "a call answers JSON");
    check(gp::version() == GP_VERSION_STRING, "gp::version() is the header's version");

    try {
        client.call("getPresenceSource", "{\"sourceId\": \"no-such-source\"}");
        check(false, "a 404 throws");
    } catch (const gp::Error &error) {
        check(error.kind() == gp::ErrorKind::Http && error.http_status() == 404, "a 404 is an Http error");
        check(error.code() == std::string("not.found"), "with the API's code");
        check(error.correlation_id().has_value() && !error.correlation_id()->empty(), "and a correlation id");
        check(error.json().find("\"kind\":\"http\"") != std::string::npos, "and the whole error JSON");
    }

    gp::Cancel cancel;
    cancel.request();
    try {
        client.call_with("getUsersPresencesBulkAll", "{\"id\": [\"a\", \"b\"]}", &cancel);
        check(false, "a requested cancel stops the call");
    } catch (const gp::Error &error) {
        check(error.kind() == gp::ErrorKind::Cancelled, "a requested cancel throws Cancelled");
    }
    uint64_t last = 0;
    client.call_with("getUsersPresencesBulkAll", "{\"id\": [\"a\", \"b\"]}", nullptr,
                     [&last](uint64_t done, uint64_t) { last = done; });
    check(last == 2, "progress reaches the total");

    {
        gp::Watch watch = client.watch({"hpp-user"}, true);
        auto first = watch.next(std::chrono::milliseconds(5000));
        check(first && first->find("\"origin\":\"initial\"") != std::string::npos, "a watch reports the initial presence");
        check(!watch.next(std::chrono::milliseconds(100)), "then nothing, as nothing changed");
        std::thread closer([&watch] { watch.close(); });
        closer.join();
        auto closed = watch.next(std::chrono::milliseconds(5000));
        check(closed && *closed == "{\"type\":\"closed\"}", "close() ends it");
    }  // freed here: its socket closed, its subscriptions deleted

    try {
        client.watch({});
        check(false, "an empty watch throws");
    } catch (const gp::Error &error) {
        check(error.kind() == gp::ErrorKind::InvalidArgument, "an empty watch is an invalid argument");
    }
    std::cout << failures << " failure(s)\n";
    return failures == 0 ? 0 : 1;
}
