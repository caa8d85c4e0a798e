// The C ABI from C++: a few lines of RAII make handles and strings free
// themselves and turn error statuses into exceptions. Run it like quickstart.c:
//   quickstart_cpp http://127.0.0.1:PORT     (the sandbox)
//   or with GENESYS_CLOUD_REGION / _CLIENT_ID / _CLIENT_SECRET set (a real org).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "genesys_presence.h"

namespace presence {

// A string the library returned, freed with gp_string_free.
using Owned = std::unique_ptr<char, decltype(&gp_string_free)>;

struct Error : std::runtime_error {
    gp_status status;
    Error(gp_status code, const std::string &json) : std::runtime_error(json), status(code) {}
};

class Client {
  public:
    explicit Client(const std::string &config_json) {
        gp_client *raw = nullptr;
        char *error = nullptr;
        gp_status status = gp_client_new(config_json.c_str(), &raw, &error);
        Owned owned_error(error, gp_string_free);
        if (status != GP_OK) throw Error(status, owned_error.get());
        handle_.reset(raw);
    }

    // Calls an operation; returns the response JSON or throws Error with the error JSON.
    std::string call(const char *operation_id, const std::string &params_json = "{}") const {
        char *out = nullptr;
        gp_status status = gp_call(handle_.get(), operation_id, params_json.c_str(), &out);
        Owned owned(out, gp_string_free);
        if (status != GP_OK) throw Error(status, owned.get());
        return owned.get();
    }

  private:
    std::unique_ptr<gp_client, decltype(&gp_client_free)> handle_{nullptr, gp_client_free};
};

}  // namespace presence

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
        presence::Client client(config);
        std::cout << "Presence settings: " << client.call("getPresenceSettings") << "\n";
        std::cout << "Sources: " << client.call("getPresenceSources") << "\n";
        client.call("getUserPresence", R"({"userId": "someone"})");  // sourceId is missing
        std::cerr << "expected an invalid-argument error\n";
        return 1;
    } catch (const presence::Error &error) {
        std::cout << "Caught status " << error.status << ": " << error.what() << "\n";
        return error.status == GP_ERROR_INVALID_ARGUMENT ? 0 : 1;
    }
}
