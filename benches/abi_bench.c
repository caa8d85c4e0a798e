/*
 * The library through its C ABI, as a C program uses it: one gp_client, the
 * per-operation functions (gp_get_user_presences_purecloud, ...) with their
 * params JSON built once, every answer freed with gp_string_free.
 *
 * Usage: abi_bench BASE_URL IDS_JSON          speaks the workers' line protocol
 *        abi_bench BASE_URL IDS_JSON --once   one call, then prints peak RSS (KiB)
 *
 * Protocol (stdin/stdout, one line each; see benches/README.md):
 *   run OP THREADS CALLS  ->  ok WALL_NS CPU_NS LATENCY_NS...   or   err MESSAGE
 * (CPU_NS: the process's CPU time, all threads, user + system, during the run)
 *   quit
 * OP: get patch bulk_get bulk_put defs bulk10k_get bulk10k_put (for the
 * bulk10k ops THREADS is the helper's concurrency and CALLS is 1).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "genesys_presence.h"

#define MAX_THREADS 16

typedef gp_status (*op_fn)(const gp_client *, const char *, char **);

static gp_client *client;
static char *params_get, *params_patch, *params_bulk_get, *params_bulk_put, *params_defs;
static char *params_10k_get, *params_10k_put;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *xmalloc(size_t size) {
    void *p = malloc(size);
    if (!p) {
        fprintf(stderr, "abi_bench: out of memory\n");
        exit(2);
    }
    return p;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = xmalloc((size_t)size + 1);
    if (fread(text, 1, (size_t)size, f) != (size_t)size) {
        perror(path);
        exit(2);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

/* The text of `"key":...` in ids.json: a quoted string or a [...] array, as is. */
static char *json_field(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *start = strstr(json, pattern);
    if (!start) {
        fprintf(stderr, "abi_bench: no %s in ids file\n", key);
        exit(2);
    }
    start += strlen(pattern);
    const char *end = *start == '[' ? strchr(start, ']') : strchr(start + 1, '"');
    size_t length = (size_t)(end - start) + 1;
    char *text = xmalloc(length + 1);
    memcpy(text, start, length);
    text[length] = '\0';
    return text;
}

/* A MutableUserPresence per id of `ids` (a JSON array text), all set to `busy`. */
static char *put_entries(const char *ids, const char *busy) {
    size_t count = 0;
    for (const char *p = ids; *p; p++) count += *p == '"';
    count /= 2;
    size_t capacity = count * (strlen(busy) + 160) + 16;
    char *out = xmalloc(capacity);
    size_t used = (size_t)snprintf(out, capacity, "[");
    const char *p = ids;
    for (size_t i = 0; i < count; i++) {
        const char *open = strchr(p, '"');
        const char *close = strchr(open + 1, '"');
        used += (size_t)snprintf(out + used, capacity - used,
                                 "%s{\"id\":\"%.*s\",\"source\":\"PURECLOUD\","
                                 "\"presenceDefinition\":{\"id\":%s}}",
                                 i ? "," : "", (int)(close - open - 1), open + 1, busy);
        p = close + 1;
    }
    snprintf(out + used, capacity - used, "]");
    return out;
}

/* The 10,000 ids every contender uses for the bulk-at-scale runs. */
static char *ten_thousand_ids(void) {
    size_t capacity = 10000 * 40 + 16;
    char *out = xmalloc(capacity);
    size_t used = (size_t)snprintf(out, capacity, "[");
    for (unsigned i = 0; i < 10000; i++)
        used += (size_t)snprintf(out + used, capacity - used,
                                 "%s\"%08x-0000-4000-8000-%012x\"", i ? "," : "", i, i);
    snprintf(out + used, capacity - used, "]");
    return out;
}

static char *format(const char *fmt, const char *a, const char *b) {
    size_t size = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *out = xmalloc(size);
    snprintf(out, size, fmt, a, b ? b : "");
    return out;
}

static void setup(const char *base, const char *ids_path) {
    char *ids = read_file(ids_path);
    char *user = json_field(ids, "user"), *users = json_field(ids, "users");
    char *busy = json_field(ids, "busy");
    char *config = format("{\"basePath\":\"%s\",\"accessToken\":\"bench-token\"%s}", base, NULL);
    char *error = NULL;
    if (gp_client_new(config, &client, &error) != GP_OK) {
        fprintf(stderr, "abi_bench: gp_client_new: %s\n", error);
        exit(2);
    }
    params_get = format("{\"userId\":%s%s}", user, NULL);
    params_patch = format("{\"userId\":%s,\"body\":{\"presenceDefinition\":{\"id\":%s},"
                          "\"message\":\"In a meeting\"}}", user, busy);
    params_bulk_get = format("{\"id\":%s%s}", users, NULL);
    char *entries = put_entries(users, busy);
    params_bulk_put = format("{\"body\":%s%s}", entries, NULL);
    params_defs = "{\"pageSize\":25}";
    char *many = ten_thousand_ids();
    params_10k_get = format("{\"id\":%s,\"concurrency\":%s}", many, "CONCURRENCY");
    char *many_entries = put_entries(many, busy);
    params_10k_put = format("{\"body\":%s,\"concurrency\":%s}", many_entries, "CONCURRENCY");
    free(many_entries);
    free(many);
    free(entries);
    free(config);
    free(ids);
    free(user);
    free(users);
    free(busy);
}

/* The bulk10k params with `"concurrency":N` in place of the placeholder. */
static char *with_concurrency(const char *params, int concurrency) {
    char number[16];
    snprintf(number, sizeof number, "%d", concurrency);
    const char *at = strstr(params, "CONCURRENCY");
    size_t size = strlen(params) + strlen(number) + 1;
    char *out = xmalloc(size);
    snprintf(out, size, "%.*s%s%s", (int)(at - params), params, number, at + strlen("CONCURRENCY"));
    return out;
}

static int lookup(const char *op, op_fn *fn, const char **params) {
    if (!strcmp(op, "get")) *fn = gp_get_user_presences_purecloud, *params = params_get;
    else if (!strcmp(op, "patch")) *fn = gp_patch_user_presences_purecloud, *params = params_patch;
    else if (!strcmp(op, "bulk_get"))
        *fn = gp_get_users_presences_purecloud_bulk, *params = params_bulk_get;
    else if (!strcmp(op, "bulk_put")) *fn = gp_put_users_presences_bulk, *params = params_bulk_put;
    else if (!strcmp(op, "defs")) *fn = gp_get_presencedefinitions, *params = params_defs;
    else return 0;
    return 1;
}

typedef struct {
    op_fn fn;
    const char *params;
    int calls;
    pthread_barrier_t *barrier;
    uint64_t *latencies;
    uint64_t started, finished;
    char *error; /* the first failing call's answer, kept */
} worker;

static void *work(void *arg) {
    worker *w = arg;
    pthread_barrier_wait(w->barrier);
    w->started = now_ns();
    for (int i = 0; i < w->calls; i++) {
        char *out = NULL;
        uint64_t t0 = now_ns();
        gp_status status = w->fn(client, w->params, &out);
        uint64_t t1 = now_ns();
        if (status != GP_OK || !out || (out[0] != '{' && out[0] != '[')) {
            w->error = out;
            break;
        }
        gp_string_free(out);
        w->latencies[i] = t1 - t0;
    }
    w->finished = now_ns();
    return NULL;
}

static void run(const char *op, int threads, int calls) {
    uint64_t cpu_started = cpu_ns();
    if (!strncmp(op, "bulk10k_", 8)) {
        int is_get = !strcmp(op, "bulk10k_get");
        char *params = with_concurrency(is_get ? params_10k_get : params_10k_put, threads);
        char *out = NULL;
        uint64_t t0 = now_ns();
        gp_status status = (is_get ? gp_get_users_presences_bulk_all
                                   : gp_put_users_presences_bulk_all)(client, params, &out);
        uint64_t wall = now_ns() - t0, cpu = cpu_ns() - cpu_started;
        free(params);
        /* 10,000 answers: count them by the key every entry has once. */
        size_t entries = 0;
        for (const char *p = out; p && (p = strstr(p, "\"selfUri\":\"/api/v2/users/")); p++) entries++;
        if (status != GP_OK || entries != 10000)
            printf("err %s: status %d, %zu entries: %.300s\n", op, status, entries, out ? out : "");
        else
            printf("ok %llu %llu %llu\n", (unsigned long long)wall, (unsigned long long)cpu,
                   (unsigned long long)wall);
        gp_string_free(out);
        return;
    }
    op_fn fn;
    const char *params;
    if (!lookup(op, &fn, &params) || threads < 1 || threads > MAX_THREADS || calls < threads) {
        printf("err bad command: %s %d %d\n", op, threads, calls);
        return;
    }
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads);
    worker workers[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    uint64_t *latencies = xmalloc(sizeof(uint64_t) * (size_t)calls);
    int offset = 0;
    for (int t = 0; t < threads; t++) {
        int mine = calls / threads + (t < calls % threads);
        workers[t] = (worker){fn, params, mine, &barrier, latencies + offset, 0, 0, NULL};
        offset += mine;
        pthread_create(&ids[t], NULL, work, &workers[t]);
    }
    uint64_t started = UINT64_MAX, finished = 0;
    char *error = NULL;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        if (workers[t].started < started) started = workers[t].started;
        if (workers[t].finished > finished) finished = workers[t].finished;
        if (workers[t].error && !error) error = workers[t].error;
        else gp_string_free(workers[t].error);
    }
    pthread_barrier_destroy(&barrier);
    uint64_t cpu = cpu_ns() - cpu_started;
    if (error) {
        for (char *p = error; *p; p++)
            if (*p == '\n') *p = ' ';
        printf("err %s: %.500s\n", op, error);
        gp_string_free(error);
    } else {
        printf("ok %llu %llu", (unsigned long long)(finished - started), (unsigned long long)cpu);
        for (int i = 0; i < calls; i++) printf(" %llu", (unsigned long long)latencies[i]);
        printf("\n");
    }
    free(latencies);
}

static long peak_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kib = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kib;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: abi_bench BASE_URL IDS_JSON [--once]\n");
        return 2;
    }
    setup(argv[1], argv[2]);
    if (argc > 3 && !strcmp(argv[3], "--once")) {
        char *out = NULL;
        gp_status status = gp_get_user_presences_purecloud(client, params_get, &out);
        if (status != GP_OK) {
            fprintf(stderr, "abi_bench: %s\n", out);
            return 1;
        }
        gp_string_free(out);
        printf("%ld\n", peak_rss_kib());
        gp_client_free(client);
        return 0;
    }
    printf("ready\n");
    fflush(stdout);
    char line[256], op[64];
    int threads, calls;
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "quit", 4)) break;
        if (sscanf(line, "run %63s %d %d", op, &threads, &calls) == 3) run(op, threads, calls);
        else printf("err unknown command\n");
        fflush(stdout);
    }
    gp_client_free(client);
    return 0;
}
