using System;
using System.Collections.Generic;

namespace Genesys.Presence
{
    public sealed partial class PresenceClient
    {
        /// <summary>A native helper taking a params JSON object, like <c>gp_call</c> without the operation.</summary>
        private delegate int HelperFunction(ClientHandle client, byte[] paramsJson, out IntPtr json);

        /// <summary>
        /// The presence of any number of users in one call: 50 ids per bulk request,
        /// <paramref name="concurrency"/> (default 8, at most 64) requests at once over the
        /// client's pooled connections, each retried as configured.
        /// </summary>
        /// <param name="id">The user ids, as many as needed.</param>
        /// <param name="sourceId">Another source than PURECLOUD; null for PURECLOUD.</param>
        /// <param name="concurrency">Requests in flight at once; null for the default.</param>
        /// <returns>One JSON array of <c>UcUserPresence</c> objects in the order of <paramref name="id"/>
        /// (users the API does not return are absent).</returns>
        /// <exception cref="PresenceException">The first request that failed, its message saying which.</exception>
        public string GetUsersPresencesBulkAll(IEnumerable<string> id, string sourceId = null, int? concurrency = null)
        {
            var p = new ParamsWriter("gp_get_users_presences_bulk_all");
            p.Required("id", id);
            p.Optional("sourceId", sourceId);
            p.Optional("concurrency", concurrency);
            return InvokeHelper(NativeMethods.gp_get_users_presences_bulk_all, p.ToString());
        }

        /// <summary>
        /// Sets the presence of any number of users in one call: <paramref name="body"/> (a JSON
        /// array of <c>MutableUserPresence</c>) sent 50 entries per request, several at once.
        /// </summary>
        /// <returns>One JSON array of the <c>UserPresence</c> objects the API returned.</returns>
        /// <exception cref="PresenceException">The first request that failed (earlier ones took effect).</exception>
        public string PutUsersPresencesBulkAll(string body, int? concurrency = null)
        {
            var p = new ParamsWriter("gp_put_users_presences_bulk_all");
            p.Body(body);
            p.Optional("concurrency", concurrency);
            return InvokeHelper(NativeMethods.gp_put_users_presences_bulk_all, p.ToString());
        }

        /// <summary>Every organization presence definition, following all pages of <c>getPresencedefinitions</c>.</summary>
        /// <returns>One JSON array of <c>OrganizationPresence</c> objects.</returns>
        public string GetPresencedefinitionsAll(int? pageSize = null, string deleted = null, string localeCode = null)
        {
            var p = new ParamsWriter("gp_get_presencedefinitions_all");
            p.Optional("pageSize", pageSize);
            p.Optional("deleted", deleted);
            p.Optional("localeCode", localeCode);
            return InvokeHelper(NativeMethods.gp_get_presencedefinitions_all, p.ToString());
        }

        private string InvokeHelper(HelperFunction function, string paramsJson)
        {
            ThrowIfDisposed();
            byte[] parameters = Utf8.ToNative(paramsJson, nameof(paramsJson));
            IntPtr output;
            int status = function(_handle, parameters, out output);
            return TakeOutput(status, output);
        }
    }
}
