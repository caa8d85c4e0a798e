// Watching presence in C++17, through include/genesys_presence.hpp: start a watch of a
// user's presence, change that presence's message, and see the change arrive as an
// event. Run it like watch.c:
//   watch_cpp http://127.0.0.1:PORT     (the sandbox)
//   or with GENESYS_CLOUD_REGION / _CLIENT_ID / _CLIENT_SECRET / _USER_ID set (a real org).
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "genesys_presence.hpp"

int main(int argc, char **argv) {
    std::string config;
    const char *user = std::getenv("GENESYS_CLOUD_USER_ID");
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
    const std::string user_id = user ? user : "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13";
    const std::string message = "Watched from C++";
    try {
        gp::Client client(config);
        gp::Watch watch = client.watch({user_id});
        // The watch is live: a change made from now on is reported.
        client.call("patchUserPresencesPurecloud",
                    "{\"userId\": \"" + user_id + "\", \"body\": {\"message\": \"" + message + "\"}}");
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            std::optional<std::string> event = watch.next(std::chrono::milliseconds(1000));
            if (!event) {
                continue;
            }
            std::cout << *event << "\n";
            if (event->find("\"message\":\"" + message + "\"") != std::string::npos) {
                std::cout << "seen: the change arrived as an event\n";
                return 0;
            }
        }
        std::cerr << "the change did not arrive in 30 s\n";
    } catch (const gp::Error &error) {
        std::cerr << "failed: " << error.what() << "\n";
    }
    return 1;
}
