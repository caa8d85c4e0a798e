/* Watching presence, in C through the library's C ABI: start a watch of a
 * user's presence, change that presence, and see the change arrive as an event.
 *
 * Against the local sandbox:   watch http://127.0.0.1:PORT
 * Against a real org, set GENESYS_CLOUD_REGION, GENESYS_CLOUD_CLIENT_ID,
 * GENESYS_CLOUD_CLIENT_SECRET and GENESYS_CLOUD_USER_ID (whose presence the
 * example sets to Away, then reports).
 *
 * Build: cc -std=c11 examples/watch.c -Iinclude -Ltarget/release -lgenesys_presence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genesys_presence.h"
#include "example_json.h"

/* The id of the presence definition whose systemPresence is `wanted`. */
static int definition_id(const gp_client *client, const char *wanted, char *out, size_t size) {
    char *json = NULL, item[4096], system_presence[64];
    int found = 0;
    if (gp_call(client, "getPresenceDefinitions", NULL, &json) != GP_OK) {
        fprintf(stderr, "getPresenceDefinitions failed: %s\n", json);
        gp_string_free(json);
        return 0;
    }
    for (int i = 0; !found && object_at(json, 2, i, item, sizeof item); i++) {
        found = json_string(item, "systemPresence", system_presence, sizeof system_presence)
                && strcmp(system_presence, wanted) == 0 && json_string(item, "id", out, size);
    }
    gp_string_free(json);
    return found;
}

int main(int argc, char **argv) {
    const char *client_id = getenv("GENESYS_CLOUD_CLIENT_ID");
    const char *user_id = getenv("GENESYS_CLOUD_USER_ID");
    char config[1024], params[512], away_id[64], type[32], origin[32], who[64];
    gp_client *client = NULL;
    gp_watch *watch = NULL;
    char *error = NULL, *json = NULL;
    int exit_code = 1;

    if (client_id && user_id) {
        const char *region = getenv("GENESYS_CLOUD_REGION");
        const char *secret = getenv("GENESYS_CLOUD_CLIENT_SECRET");
        snprintf(config, sizeof config,
                 "{\"environment\": \"%s\", \"clientId\": \"%s\", \"clientSecret\": \"%s\"}",
                 region ? region : "us-east-1", client_id, secret ? secret : "");
    } else if (argc == 2 && !client_id) {
        snprintf(config, sizeof config,
                 "{\"basePath\": \"%s\", \"authBasePath\": \"%s\", "
                 "\"clientId\": \"sandbox-client\", \"clientSecret\": \"sandbox-secret\"}",
                 argv[1], argv[1]);
        user_id = "11111111-2222-3333-4444-555555555555";
    } else {
        fprintf(stderr, "usage: %s SANDBOX_URL (or set GENESYS_CLOUD_* with _USER_ID)\n", argv[0]);
        return 2;
    }

    if (gp_client_new(config, &client, &error) != GP_OK) {
        fprintf(stderr, "bad config: %s\n", error);
        gp_string_free(error);
        return 1;
    }
    if (!definition_id(client, "Away", away_id, sizeof away_id)) goto done;

    /* Once gp_watch_new returns, every change of the user's presence is reported. */
    snprintf(params, sizeof params, "{\"userIds\": [\"%s\"], \"initial\": true}", user_id);
    if (gp_watch_new(client, params, &watch, &error) != GP_OK) {
        fprintf(stderr, "gp_watch_new failed: %s\n", error);
        gp_string_free(error);
        goto done;
    }
    printf("watching %s\n", user_id);

    snprintf(params, sizeof params,
             "{\"userId\": \"%s\", \"body\": {\"presenceDefinition\": {\"id\": \"%s\"}, "
             "\"message\": \"Back in 10 minutes\"}}", user_id, away_id);
    if (gp_call(client, "patchUserPresencesPurecloud", params, &json) != GP_OK) {
        fprintf(stderr, "patchUserPresencesPurecloud failed: %s\n", json);
        gp_string_free(json);
        goto done;
    }
    gp_string_free(json);
    printf("set to Away; waiting for the notification\n");

    /* Up to 10 s an event. An unread event of a user is replaced by a newer one, so
     * the initial presence may not be seen: the change is what counts here. */
    for (;;) {
        gp_status status = gp_watch_next(watch, 10000, &json);
        if (status != GP_OK) {
            fprintf(stderr, "the watch failed (status %d): %s\n", (int)status, json);
            break;
        }
        if (strcmp(json, "null") == 0) {
            fprintf(stderr, "no notification within 10 s\n");
            break;
        }
        printf("  event: %s\n", json);
        if (json_string(json, "type", type, sizeof type) && strcmp(type, "presence") == 0
            && json_string(json, "origin", origin, sizeof origin) && strcmp(origin, "notification") == 0
            && json_string(json, "userId", who, sizeof who) && strcmp(who, user_id) == 0
            && strstr(json, "\"systemPresence\":\"Away\"")) {
            printf("the change arrived as a notification\n");
            exit_code = 0;
            break;
        }
        gp_string_free(json);
        json = NULL;
    }
    gp_string_free(json);

done:
    gp_watch_close(watch);
    gp_watch_free(watch);
    gp_client_free(client);
    return exit_code;
}
