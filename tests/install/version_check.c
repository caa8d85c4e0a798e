/* Built against an installed genesys-presence (pkg-config or CMake): the header's
 * version macros must equal what the library says, and a call must go through.
 * Usage: version_check [SANDBOX_URL] */
#include <stdio.h>
#include <string.h>

#include <genesys_presence.h>

int main(int argc, char **argv) {
    char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", GP_VERSION_MAJOR, GP_VERSION_MINOR, GP_VERSION_PATCH);
    if (strcmp(version, GP_VERSION_STRING) != 0 || strcmp(GP_VERSION_STRING, gp_version()) != 0) {
        fprintf(stderr, "header %s (%s) but library %s\n", GP_VERSION_STRING, version, gp_version());
        return 1;
    }
    if (argc > 1) {
        char config[512], *out = NULL;
        gp_client *client = NULL;
        snprintf(config, sizeof config, "{\"basePath\": \"%s\", \"accessToken\": \"install-check\"}", argv[1]);
        if (gp_client_new(config, &client, &out) != GP_OK) {
            fprintf(stderr, "gp_client_new: %s\n", out);
            return 1;
        }
        gp_status status = gp_call(client, "getSystempresences", NULL, &out);
        if (status != GP_OK) {
            fprintf(stderr, "getSystempresences (status %d): %s\n", (int)status, out);
        }
        gp_string_free(out);
        gp_client_free(client);
        if (status != GP_OK) return 1;
    }
    printf("genesys-presence %s, installed\n", gp_version());
    return 0;
}
