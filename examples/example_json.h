/* The examples' minimal JSON reading (examples/quickstart.c, examples/watch.c). */
#ifndef GP_EXAMPLE_JSON_H
#define GP_EXAMPLE_JSON_H

#include <stdio.h>
#include <string.h>

/* Minimal JSON reading, enough for an example: real programs use their JSON
 * library of choice. object_at copies the index-th object nested `depth`
 * brackets deep (1: items of a top-level array; 2: items of a listing's
 * "entities") into `out`; json_string copies the first string value of "key"
 * in `json`. Both return 0 when there is no such thing. */
static int object_at(const char *json, int depth, int index, char *out, size_t size) {
    int level = 0, in_string = 0, seen = -1;
    const char *start = NULL;
    for (const char *c = json; *c; c++) {
        if (in_string) {
            if (*c == '\\' && c[1]) c++;
            else if (*c == '"') in_string = 0;
        } else if (*c == '"') {
            in_string = 1;
        } else if (*c == '{' || *c == '[') {
            if (*c == '{' && level == depth && ++seen == index) start = c;
            level++;
        } else if (*c == '}' || *c == ']') {
            level--;
            if (start && level == depth) {
                size_t length = (size_t)(c - start + 1);
                if (length >= size) return 0;
                memcpy(out, start, length);
                out[length] = '\0';
                return 1;
            }
        }
    }
    return 0;
}

static int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    const char *start, *end;
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    if (!(start = strstr(json, pattern))) return 0;
    start += strlen(pattern);
    if (!(end = strchr(start, '"')) || (size_t)(end - start) >= size) return 0;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

#endif
