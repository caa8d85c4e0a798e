/* Compiled as C11 and as C++17 against include/genesys_presence.h with
 * -Wall -Wextra -Werror -pedantic by tests/c_abi.rs, and run against the
 * sandbox: argv[1] is its base URL. Exits non-zero on the first surprise. */
#include <stdio.h>
#include <string.h>

#include "genesys_presence.h"

static int failures = 0;

static void expect(int ok, const char *what, const char *detail) {
    printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    if (!ok) failures++;
}

int main(int argc, char **argv) {
    char config[512];
    gp_client *client = NULL;
    char *error = NULL;
    char *out = NULL;
    gp_status status;

    if (argc != 2) {
        fprintf(stderr, "usage: %s BASE_URL\n", argv[0]);
        return 2;
    }
    snprintf(config, sizeof config, "{\"basePath\": \"%s\", \"accessToken\": \"test-token\"}", argv[1]);

    expect(strlen(gp_version()) > 0, "gp_version", gp_version());
    expect(strstr(gp_operations_json(), "\"getSystempresences\"") != NULL, "gp_operations_json", NULL);

    status = gp_client_new("{\"timeoutMS\": 1}", &client, &error);
    expect(status == GP_ERROR_INVALID_ARGUMENT && client == NULL && error && strstr(error, "timeoutMS"),
           "unknown config key refused", error);
    gp_string_free(error);

    status = gp_client_new(config, &client, &error);
    expect(status == GP_OK && client != NULL && error == NULL, "gp_client_new", error);
    if (status != GP_OK) return 1;

    status = gp_get_systempresences(client, NULL, &out);
    expect(status == GP_OK && out[0] == '[' && strstr(out, "Available"), "gp_get_systempresences", NULL);
    gp_string_free(out);

    status = gp_get_user_presences_purecloud(client, "{\"userId\": \"c-user\"}", &out);
    expect(status == GP_OK && strstr(out, "\"Offline\""), "gp_get_user_presences_purecloud", out);
    gp_string_free(out);

    status = gp_call(client, "getUsersPresencesPurecloudBulk", "{\"id\": [\"c-user\", \"other\"]}", &out);
    expect(status == GP_OK && strstr(out, "c-user") && strstr(out, "other"), "gp_call bulk", NULL);
    gp_string_free(out);

    status = gp_get_presence_source(client, "{\"sourceId\": \"no-such-source\"}", &out);
    expect(status == GP_ERROR_HTTP && strstr(out, "\"status\":404") && strstr(out, "\"correlationId\":\""),
           "404 carries status and correlation id", out);
    gp_string_free(out);

    status = gp_call(client, "getUserPresence", "{\"userId\": \"u\"}", &out);
    expect(status == GP_ERROR_INVALID_ARGUMENT && strstr(out, "sourceId"), "missing parameter named", out);
    gp_string_free(out);

    status = gp_call(client, "noSuchOperation", NULL, &out);
    expect(status == GP_ERROR_INVALID_ARGUMENT && strstr(out, "unknown operation"), "unknown operation", out);
    gp_string_free(out);

    status = gp_call(NULL, "getSystempresences", NULL, &out);
    expect(status == GP_ERROR_INVALID_ARGUMENT, "NULL client", out);
    gp_string_free(out);

    gp_client_free(client);
    gp_client_free(NULL);
    gp_string_free(NULL);
    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
