// genesys-presence for C++17: a header-only RAII layer over the C API of
// genesys_presence.h. Handles free themselves, strings are std::string in and out,
// and a failed call throws gp::Error with the kind, HTTP status, API error code and
// correlation id of the library's error JSON. Written by hand (the C header is
// generated); see README.md, "Using it from C++".
#ifndef GENESYS_PRESENCE_HPP
#define GENESYS_PRESENCE_HPP

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "genesys_presence.h"

namespace gp {

/// What went wrong, coarsely: the C API's status codes.
enum class ErrorKind : int32_t {
    InvalidArgument = GP_ERROR_INVALID_ARGUMENT,
    Http = GP_ERROR_HTTP,
    Transport = GP_ERROR_TRANSPORT,
    Auth = GP_ERROR_AUTH,
    Decode = GP_ERROR_DECODE,
    Internal = GP_ERROR_INTERNAL,
    Cancelled = GP_ERROR_CANCELLED,
};

namespace detail {

/// A string the library returned, freed with gp_string_free.
using Owned = std::unique_ptr<char, decltype(&gp_string_free)>;

inline std::string take(char *text) {
    Owned owned(text, gp_string_free);
    return owned ? std::string(owned.get()) : std::string();
}

/// Appends the code point `c` as UTF-8.
inline void append_utf8(std::string &out, unsigned long c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

/// The raw JSON text of the top-level member `key` of the object `json` (the
/// library's compact error JSON), or nothing. Enough for the error's few fields.
inline std::optional<std::string> member(const std::string &json, const std::string &key) {
    int depth = 0;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (c == '"') {
            std::size_t end = i + 1;
            while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
            if (depth == 1 && json.compare(i + 1, end - i - 1, key) == 0 && end - i - 1 == key.size() &&
                end + 1 < json.size() && json[end + 1] == ':') {
                std::size_t start = end + 2, stop = start;
                int nested = 0;
                bool in_string = false;
                for (; stop < json.size(); ++stop) {
                    char v = json[stop];
                    if (in_string) {
                        if (v == '\\') ++stop;
                        else if (v == '"') in_string = false;
                    } else if (v == '"') {
                        in_string = true;
                    } else if (v == '{' || v == '[') {
                        ++nested;
                    } else if (v == '}' || v == ']') {
                        if (nested-- == 0) break;
                    } else if (v == ',' && nested == 0) {
                        break;
                    }
                }
                return json.substr(start, stop - start);
            }
            i = end;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return std::nullopt;
}

/// A JSON string literal's value (basic escapes and \uXXXX), or nothing for another value.
inline std::optional<std::string> string_value(const std::optional<std::string> &raw) {
    if (!raw || raw->size() < 2 || (*raw)[0] != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < raw->size(); ++i) {
        char c = (*raw)[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        char e = (*raw)[++i];
        switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                unsigned long code = std::stoul(raw->substr(i + 1, 4), nullptr, 16);
                i += 4;
                if (code >= 0xD800 && code < 0xDC00 && i + 6 < raw->size() && (*raw)[i + 1] == '\\') {
                    unsigned long low = std::stoul(raw->substr(i + 3, 4), nullptr, 16);
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                append_utf8(out, code);
                break;
            }
            default: out += e; break;
        }
    }
    return out;
}

}  // namespace detail

/// A failed call: the library's status and error JSON, and the fields people act on.
class Error : public std::runtime_error {
  public:
    Error(gp_status status, std::string json)
        : std::runtime_error(detail::string_value(detail::member(json, "message")).value_or(json)),
          status_(status),
          json_(std::move(json)) {}

    gp_status status() const noexcept { return status_; }
    ErrorKind kind() const noexcept { return static_cast<ErrorKind>(status_); }
    /// The whole error JSON, as the C API gave it.
    const std::string &json() const noexcept { return json_; }
    /// The HTTP status, when a response arrived.
    std::optional<int> http_status() const {
        auto raw = detail::member(json_, "status");
        if (!raw || raw->empty() || (*raw)[0] < '0' || (*raw)[0] > '9') return std::nullopt;
        return std::stoi(*raw);
    }
    /// The API's error code (e.g. "not.found").
    std::optional<std::string> code() const { return detail::string_value(detail::member(json_, "code")); }
    /// The inin-correlation-id header, to quote to Genesys support.
    std::optional<std::string> correlation_id() const {
        return detail::string_value(detail::member(json_, "correlationId"));
    }

  private:
    gp_status status_;
    std::string json_;
};

namespace detail {
/// Takes a call's output (call the function first: argument order is unspecified).
inline std::string answer(gp_status status, char *out) {
    std::string text = take(out);
    if (status != GP_OK) throw Error(status, std::move(text));
    return text;
}

/// ["a", "b"] from a list of ids.
inline std::string json_strings(const std::vector<std::string> &items) {
    std::string json = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) json += ',';
        json += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') {
                json += '\\';
                json += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
                json += escape;
            } else {
                json += c;
            }
        }
        json += '"';
    }
    return json + "]";
}
}  // namespace detail

/// A cancel request for calls of any client: request() from any thread.
class Cancel {
  public:
    Cancel() : handle_(gp_cancel_new(), gp_cancel_free) {}
    void request() const noexcept { gp_cancel_request(handle_.get()); }
    const gp_cancel *get() const noexcept { return handle_.get(); }

  private:
    std::unique_ptr<gp_cancel, decltype(&gp_cancel_free)> handle_;
};

/// A watch of some users' presence (see README.md, "Watching presence").
class Watch {
  public:
    explicit Watch(gp_watch *handle) : handle_(handle, gp_watch_free) {}
    /// One event's JSON, or nothing when none came within `timeout`.
    std::optional<std::string> next(std::chrono::milliseconds timeout) const {
        char *out = nullptr;
        auto ms = timeout.count() < 0 ? 0 : timeout.count() > UINT32_MAX ? UINT32_MAX : timeout.count();
        gp_status status = gp_watch_next(handle_.get(), static_cast<uint32_t>(ms), &out);
        std::string event = detail::answer(status, out);
        if (event == "null") return std::nullopt;
        return event;
    }
    /// Wakes a blocked next() on another thread; later ones answer {"type":"closed"}.
    void close() const noexcept { gp_watch_close(handle_.get()); }

  private:
    std::unique_ptr<gp_watch, decltype(&gp_watch_free)> handle_;
};

/// A client: configuration, connection pool and token, shared by all threads.
class Client {
  public:
    /// Throws gp::Error for a bad config.
    explicit Client(const std::string &config_json) {
        gp_client *raw = nullptr;
        char *error = nullptr;
        gp_status status = gp_client_new(config_json.c_str(), &raw, &error);
        std::string text = detail::take(error);
        if (status != GP_OK) throw Error(status, std::move(text));
        handle_.reset(raw);
    }

    /// Calls an operation by its operationId; the response JSON ("null" when empty).
    std::string call(const std::string &operation_id, const std::string &params_json = "{}") const {
        char *out = nullptr;
        gp_status status = gp_call(handle_.get(), operation_id.c_str(), params_json.c_str(), &out);
        return detail::answer(status, out);
    }

    /// Calls an operation or a bulk helper by name ("getUsersPresencesBulkAll", ...),
    /// stoppable with `cancel` and reporting (done, total) to `progress` after each request.
    std::string call_with(const std::string &name, const std::string &params_json, const Cancel *cancel,
                          const std::function<void(uint64_t, uint64_t)> &progress = {}) const {
        gp_call_options options{};
        options.cancel = cancel ? cancel->get() : nullptr;
        if (progress) {
            options.progress = [](void *user_data, uint64_t done, uint64_t total) {
                // Never throws into the library: a throwing progress is the caller's to catch.
                try {
                    (*static_cast<const std::function<void(uint64_t, uint64_t)> *>(user_data))(done, total);
                } catch (...) {
                }
            };
            options.progress_user_data = const_cast<std::function<void(uint64_t, uint64_t)> *>(&progress);
        }
        char *out = nullptr;
        gp_status status = gp_call_with(handle_.get(), name.c_str(), params_json.c_str(), &options, &out);
        return detail::answer(status, out);
    }

    /// Starts watching `user_ids`; with `initial`, their presences read at the start come first.
    Watch watch(const std::vector<std::string> &user_ids, bool initial = false) const {
        std::string params = "{\"userIds\": " + detail::json_strings(user_ids) +
                             ", \"initial\": " + (initial ? "true" : "false") + "}";
        gp_watch *raw = nullptr;
        char *error = nullptr;
        gp_status status = gp_watch_new(handle_.get(), params.c_str(), &raw, &error);
        std::string text = detail::take(error);
        if (status != GP_OK) throw Error(status, std::move(text));
        return Watch(raw);
    }

    /// Replaces the bearer token (after the caller's own OAuth flow renewed it).
    void set_access_token(const std::string &token) const {
        char *error = nullptr;
        gp_status status = gp_client_set_access_token(handle_.get(), token.c_str(), &error);
        std::string text = detail::take(error);
        if (status != GP_OK) throw Error(status, std::move(text));
    }

    const gp_client *get() const noexcept { return handle_.get(); }

  private:
    std::unique_ptr<gp_client, decltype(&gp_client_free)> handle_{nullptr, gp_client_free};
};

/// The library's version, e.g. "0.1.0".
inline std::string version() { return gp_version(); }

}  // namespace gp

#endif  // GENESYS_PRESENCE_HPP
