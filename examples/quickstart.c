/* The quick start, in C through the library's C ABI: list the system presences
 * and presence definitions, set a user's presence, read it back in bulk, and
 * show an API error with its correlation id.
 *
 * Against the local sandbox:   quickstart http://127.0.0.1:PORT
 * Against a real org, set GENESYS_CLOUD_REGION (e.g. eu-west-1),
 * GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET (an OAuth client with
 * the client-credentials grant), and GENESYS_CLOUD_USER_ID to change that
 * user's presence (without it, the example only reads).
 *
 * Build: cc -std=c11 examples/quickstart.c -Iinclude -Ltarget/release -lgenesys_presence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genesys_presence.h"
#include "example_json.h"

/* Runs one call; prints and returns NULL on failure (the caller frees the result). */
static char *call(const gp_client *client, const char *operation, const char *params) {
    char *out = NULL;
    gp_status status = gp_call(client, operation, params, &out);
    if (status != GP_OK) {
        fprintf(stderr, "%s failed (status %d): %s\n", operation, (int)status, out);
        gp_string_free(out);
        return NULL;
    }
    return out;
}

int main(int argc, char **argv) {
    const char *client_id = getenv("GENESYS_CLOUD_CLIENT_ID");
    const char *user_id = getenv("GENESYS_CLOUD_USER_ID");
    char config[1024], params[512], item[4096], name[128], id[64], busy_id[64] = "";
    char system_presence[64];
    gp_client *client = NULL;
    char *error = NULL, *json = NULL;
    int exit_code = 1;

    if (client_id) {
        const char *region = getenv("GENESYS_CLOUD_REGION");
        const char *secret = getenv("GENESYS_CLOUD_CLIENT_SECRET");
        snprintf(config, sizeof config,
                 "{\"environment\": \"%s\", \"clientId\": \"%s\", \"clientSecret\": \"%s\"}",
                 region ? region : "us-east-1", client_id, secret ? secret : "");
    } else if (argc == 2) {
        snprintf(config, sizeof config,
                 "{\"basePath\": \"%s\", \"authBasePath\": \"%s\", "
                 "\"clientId\": \"sandbox-client\", \"clientSecret\": \"sandbox-secret\"}",
                 argv[1], argv[1]);
        if (!user_id) user_id = "11111111-2222-3333-4444-555555555555";
    } else {
        fprintf(stderr, "usage: %s SANDBOX_URL (or set GENESYS_CLOUD_* for a real org)\n", argv[0]);
        return 2;
    }

    printf("genesys-presence %s\n", gp_version());
    if (gp_client_new(config, &client, &error) != GP_OK) {
        fprintf(stderr, "bad config: %s\n", error);
        gp_string_free(error);
        return 1;
    }

    printf("\n== System presences\n");
    if (!(json = call(client, "getSystempresences", NULL))) goto done;
    for (int i = 0; object_at(json, 1, i, item, sizeof item); i++) {
        if (json_string(item, "name", name, sizeof name)) printf("  %s\n", name);
    }
    gp_string_free(json);

    printf("\n== Presence definitions\n");
    if (!(json = call(client, "getPresenceDefinitions", "{\"deactivated\": \"false\"}"))) goto done;
    for (int i = 0; object_at(json, 2, i, item, sizeof item); i++) {
        if (!json_string(item, "id", id, sizeof id)) continue;
        if (!json_string(item, "systemPresence", system_presence, sizeof system_presence)) continue;
        printf("  %-10s %s\n", system_presence, id);
        if (!busy_id[0] && strcmp(system_presence, "Busy") == 0) strcpy(busy_id, id);
    }
    gp_string_free(json);

    if (user_id && busy_id[0]) {
        printf("\n== Set user %s to Busy\n", user_id);
        snprintf(params, sizeof params,
                 "{\"userId\": \"%s\", \"body\": {\"presenceDefinition\": {\"id\": \"%s\"}, "
                 "\"message\": \"In a meeting until 3pm\"}}", user_id, busy_id);
        if (!(json = call(client, "patchUserPresencesPurecloud", params))) goto done;
        printf("  %s\n", json);
        gp_string_free(json);
    } else {
        printf("\n(no GENESYS_CLOUD_USER_ID: not changing anyone's presence)\n");
    }

    printf("\n== Read back in bulk\n");
    snprintf(params, sizeof params, "{\"id\": [\"%s\", \"99999999-0000-0000-0000-000000000000\"]}",
             user_id ? user_id : "99999999-0000-0000-0000-000000000001");
    if (!(json = call(client, "getUsersPresencesPurecloudBulk", params))) goto done;
    for (int i = 0; object_at(json, 1, i, item, sizeof item); i++) {
        char message[256] = "";
        if (!json_string(item, "userId", id, sizeof id)) continue;
        if (!json_string(item, "systemPresence", system_presence, sizeof system_presence)) continue;
        json_string(item, "message", message, sizeof message);
        printf("  %s  %-8s %s\n", id, system_presence, message);
    }
    gp_string_free(json);

    printf("\n== An error, as the API reports it\n");
    if (gp_call(client, "getPresenceSource", "{\"sourceId\": \"no-such-source\"}", &json) == GP_ERROR_HTTP) {
        char message[256] = "", correlation[64] = "";
        json_string(json, "message", message, sizeof message);
        json_string(json, "correlationId", correlation, sizeof correlation);
        printf("  %s\n  correlation id: %s\n", message, correlation);
        exit_code = 0;
    } else {
        fprintf(stderr, "expected an HTTP error: %s\n", json);
    }
    gp_string_free(json);

done:
    gp_client_free(client);
    return exit_code;
}
