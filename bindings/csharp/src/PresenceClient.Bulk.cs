using System;

namespace Genesys.Presence
{
    public sealed partial class PresenceClient
    {
        // The helper methods (GetUsersPresencesBulkAll, ...) are generated from the
        // library's helper table, in PresenceClient.Operations.cs; this is their plumbing.

        /// <summary>A native helper taking a params JSON object, like <c>gp_call</c> without the operation.</summary>
        private delegate int HelperFunction(ClientHandle client, byte[] paramsJson, out IntPtr json);

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
