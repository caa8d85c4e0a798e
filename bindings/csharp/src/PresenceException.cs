using System;
using System.Collections.Generic;
using System.Globalization;

namespace Genesys.Presence
{
    /// <summary>
    /// What went wrong, coarsely. The numbers are the C ABI's status codes
    /// (<c>GP_ERROR_*</c>), which are stable and only ever appended to; a newer library may
    /// return a number not named here.
    /// </summary>
    public enum PresenceErrorKind
    {
        /// <summary>A bad argument, malformed JSON, an unknown operation or parameter, a bad config. Nothing was sent.</summary>
        InvalidArgument = 1,

        /// <summary>The API answered with a non-2xx status: see <see cref="PresenceException.Status"/>.</summary>
        Http = 2,

        /// <summary>Connect, DNS or TLS failure, timeout, connection reset.</summary>
        Transport = 3,

        /// <summary>No token could be obtained.</summary>
        Auth = 4,

        /// <summary>A 2xx response whose body is not the documented JSON.</summary>
        Decode = 5,

        /// <summary>A bug in the native library, such as a caught panic.</summary>
        Internal = 6,

        /// <summary>The call was cancelled (a bulk helper's <c>CancellationToken</c>); the
        /// wrapper throws <see cref="OperationCanceledException"/> with this as its inner exception.</summary>
        Cancelled = 7,
    }

    /// <summary>A call, or creating a client, failed. Built from the library's error JSON.</summary>
    public sealed class PresenceException : Exception
    {
        /// <summary>Creates an exception; the wrapper builds them from the library's error JSON.</summary>
        public PresenceException(
            PresenceErrorKind kind,
            string message,
            int? status = null,
            string code = null,
            string correlationId = null,
            long? retryAfterSeconds = null,
            string body = null,
            string failures = null,
            string presences = null,
            string succeeded = null)
            : base(message)
        {
            Kind = kind;
            Status = status;
            Code = code;
            CorrelationId = correlationId;
            RetryAfterSeconds = retryAfterSeconds;
            Body = body;
            Failures = failures;
            Presences = presences;
            Succeeded = succeeded;
        }

        /// <summary>What went wrong, coarsely.</summary>
        public PresenceErrorKind Kind { get; }

        /// <summary>The HTTP status, when a response arrived (<see cref="PresenceErrorKind.Http"/>, <see cref="PresenceErrorKind.Decode"/>); else null.</summary>
        public int? Status { get; }

        /// <summary>The API's error code (<c>ErrorBody.code</c>, e.g. <c>not.found</c>), when the response had one; else null.</summary>
        public string Code { get; }

        /// <summary>The <c>inin-correlation-id</c> response header, to quote to Genesys support; else null.</summary>
        public string CorrelationId { get; }

        /// <summary>How long the server asked to wait before trying again (<c>Retry-After</c>), in seconds; else null.</summary>
        public long? RetryAfterSeconds { get; }

        /// <summary>The error response's body (usually an <c>ErrorBody</c>) as raw JSON text, when it was JSON; else null.</summary>
        public string Body { get; }

        /// <summary>From a bulk helper when some users were not read or not set: a JSON array
        /// <c>[{"userId", "error"}, ...]</c>, one per such user; else null.</summary>
        public string Failures { get; }

        /// <summary>From <c>GetUsersPresencesBulkAll</c> with <see cref="Failures"/>: the presences
        /// of the users that were read, as a JSON array; else null.</summary>
        public string Presences { get; }

        /// <summary>From <c>PutUsersPresencesBulkAll</c> with <see cref="Failures"/>: the API's
        /// answers for the users that were set, as a JSON array; else null.</summary>
        public string Succeeded { get; }

        /// <summary>
        /// The exception for a failed native call: <paramref name="status"/> is the returned
        /// <c>gp_status</c>, <paramref name="errorJson"/> the error object written with it.
        /// </summary>
        internal static PresenceException FromNative(int status, string errorJson)
        {
            var kind = (PresenceErrorKind)status;
            Dictionary<string, string> members;
            try
            {
                members = Json.ReadObjectMembers(errorJson ?? "");
            }
            catch (FormatException)
            {
                return new PresenceException(kind, "genesys-presence status " + status.ToString(CultureInfo.InvariantCulture) + ": " + errorJson);
            }
            return new PresenceException(
                kind,
                StringMember(members, "message") ?? "genesys-presence status " + status.ToString(CultureInfo.InvariantCulture),
                (int?)IntegerMember(members, "status"),
                StringMember(members, "code"),
                StringMember(members, "correlationId"),
                IntegerMember(members, "retryAfterSeconds"),
                RawMember(members, "body"),
                RawMember(members, "failures"),
                RawMember(members, "presences"),
                RawMember(members, "succeeded"));
        }

        private static string RawMember(Dictionary<string, string> members, string name)
        {
            string raw;
            return members.TryGetValue(name, out raw) && raw != "null" ? raw : null;
        }

        private static string StringMember(Dictionary<string, string> members, string name)
        {
            string raw = RawMember(members, name);
            return raw != null && raw.StartsWith("\"", StringComparison.Ordinal) ? Json.ParseString(raw) : null;
        }

        private static long? IntegerMember(Dictionary<string, string> members, string name)
        {
            string raw = RawMember(members, name);
            long value;
            return raw != null && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) ? value : (long?)null;
        }
    }
}
