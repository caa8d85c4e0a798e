// The quick start in C++17, through include/genesys_presence.hpp: handles free
// themselves, strings are std::string, failures throw gp::Error. Run it like
// quickstart.c:
//   quickstart_cpp http://127.0.0.1:PORT     (the sandbox)
//   or with GENESYS_CLOUD_REGION / _CLIENT_ID / _CLIENT_SECRET set (a real org).
#include <cstdlib>
#include <iostream>
#include <string>

#include "genesys_presence.hpp"

int main(int argc, char **argv) {
    std::string config;
    if (const char *client_id = std::getenv("GENESYS_CLOUD_CLIENT_ID")) {
        const char *region = std::getenv("GENESYS_CLOUD_REGION");
        const char *secret = std::getenv("GENESYS_CLOUD_CLIENT_SECRET");
        config = std::string("{\"environment\": \"") + (region ? region : "us-east-1") +
                 "\", \"clientId\": \"" + client_id + "\", \"clientSecret\": \"" + (secret ? secret : "") + "\"}";
    } else if (argc == 2) {
        config = std::string("{\"basePath\": \"") + argv[1] + "\", \"authBasePath\": \"" + argv[1] +
                 "\", \"clientId\": \"sandbox-client\", \"clientSecret\": \"sandbox-secret\"}";
    } else {
        std::cerr << "usage: " << argv[0] << " SANDBOX_URL (or set GENESYS_CLOUD_* for a real org)\n";
        return 2;
    }
    try {
        gp::Client client(config);
        std::cout << "genesys-presence " << gp::version() << "\n";
        std::cout << "Presence settings: " << client.call("getPresenceSettings") << "\n";
        std::cout << "Sources: " << client.call("getPresenceSources") << "\n";

        gp::Cancel cancel;  // cancel.request() from any thread would stop the call
        std::string everyone = client.call_with(
            "getUsersPresencesBulkAll", R"({"id": ["user-1", "user-2", "user-3"]})", &cancel,
            [](uint64_t done, uint64_t total) { std::cout << "  read " << done << " of " << total << "\n"; });
        std::cout << "Bulk: " << everyone.substr(0, 80) << "...\n";

        try {
            client.call("getPresenceSource", R"({"sourceId": "no-such-source"})");
            std::cerr << "expected a 404\n";
            return 1;
        } catch (const gp::Error &error) {
            std::cout << "Caught " << error.http_status().value_or(0) << " " << error.code().value_or("")
                      << ": " << error.what() << " (correlation id " << error.correlation_id().value_or("-")
                      << ")\n";
            if (error.kind() != gp::ErrorKind::Http || error.http_status() != 404) return 1;
        }
        client.call("getUserPresence", R"({"userId": "someone"})");  // sourceId is missing
        std::cerr << "expected an invalid-argument error\n";
        return 1;
    } catch (const gp::Error &error) {
        std::cout << "Caught status " << error.status() << ": " << error.what() << "\n";
        return error.kind() == gp::ErrorKind::InvalidArgument ? 0 : 1;
    }
}
