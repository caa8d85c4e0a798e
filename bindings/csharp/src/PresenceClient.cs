using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

// The tests read JSON with the wrapper's own reader (Json.Parse).
[assembly: InternalsVisibleTo("Genesys.Presence.Tests")]

namespace Genesys.Presence
{
    /// <summary>
    /// A client of the Genesys Cloud Presence API: configuration, connection pool and token,
    /// over the native <c>genesys_presence</c> library.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every operation of the API is a method (generated from the library's operation table):
    /// path parameters are required strings, query parameters optional arguments, request
    /// bodies JSON text. Each returns the response body as JSON text, and the text
    /// <c>"null"</c> (not a C# null) when the API returns no body, so that the result always
    /// parses as JSON. <see cref="Call"/> reaches any operation by its <c>operationId</c>.
    /// </para>
    /// <para>
    /// Threads: one client may be used from any number of threads at once; share it.
    /// <see cref="Dispose"/> does not wait: calls already running finish normally (the native
    /// client is freed when the last of them returns), and calls started after it throw
    /// <see cref="ObjectDisposedException"/>.
    /// </para>
    /// </remarks>
    public sealed partial class PresenceClient : IDisposable
    {
        private readonly ClientHandle _handle;

        /// <summary>
        /// Set by <see cref="Dispose"/>. The handle alone cannot say so: while a call holds a
        /// reference, a disposed SafeHandle is not yet closed and still lends itself to new calls.
        /// </summary>
        private volatile bool _disposed;

        /// <summary>
        /// Every log callback handed to the library: a delegate the library may still call
        /// must not be collected.
        /// </summary>
        private readonly List<NativeMethods.LogCallback> _logCallbacks = new List<NativeMethods.LogCallback>();

        /// <summary>
        /// Creates a client from options, one property per config key (see
        /// <see cref="PresenceClientOptions"/>); null properties take the library's defaults.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        /// <exception cref="PresenceException">A bad value (<see cref="PresenceErrorKind.InvalidArgument"/>).</exception>
        public PresenceClient(PresenceClientOptions options)
            : this((options ?? throw new ArgumentNullException(nameof(options))).ToJson())
        {
        }

        /// <summary>
        /// Creates a client from a JSON config object, e.g.
        /// <c>{"environment": "mypurecloud.ie", "clientId": "...", "clientSecret": "..."}</c>;
        /// <c>""</c> or <c>"{}"</c> means all defaults. The keys are those of
        /// <see cref="PresenceClientOptions"/>, in camelCase (the README's config table).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="configJson"/> is null.</exception>
        /// <exception cref="PresenceException">The config is not valid JSON, has an unknown key or a bad value
        /// (<see cref="PresenceErrorKind.InvalidArgument"/>).</exception>
        public PresenceClient(string configJson)
        {
            if (configJson == null)
            {
                throw new ArgumentNullException(nameof(configJson));
            }
            byte[] config = Utf8.ToNative(configJson, nameof(configJson));
            ClientHandle handle = null;
            IntPtr error = IntPtr.Zero;
            int status;
            string errorJson;
            try
            {
                status = NativeMethods.gp_client_new(config, out handle, out error);
                errorJson = Utf8.Read(error);
            }
            finally
            {
                NativeMethods.gp_string_free(error);
            }
            if (status != NativeMethods.GP_OK || handle.IsInvalid)
            {
                handle?.Dispose();
                throw PresenceException.FromNative(status, errorJson);
            }
            _handle = handle;
        }

        /// <summary>The native library's version, e.g. <c>0.1.0</c>.</summary>
        public static string NativeVersion => Utf8.Read(NativeMethods.gp_version());

        /// <summary>
        /// Every operation the native library knows, as a JSON array (<c>operationId</c>,
        /// <c>method</c>, <c>path</c>, <c>params</c>, <c>body</c>, <c>response</c>,
        /// <c>permissions</c>, <c>deprecated</c>, ...): the table the methods are generated from.
        /// </summary>
        public static string OperationsJson => Utf8.Read(NativeMethods.gp_operations_json());

        /// <summary>
        /// Calls any operation by its <c>operationId</c> (e.g. <c>getUserPresencesPurecloud</c>)
        /// with a JSON object of its parameters by their API names, e.g.
        /// <c>{"userId": "...", "body": {...}}</c>.
        /// </summary>
        /// <param name="operationId">The operation, spelt as the API spells it.</param>
        /// <param name="paramsJson">The parameters as a JSON object; null or <c>""</c> means none.</param>
        /// <returns>The response body as JSON text; <c>"null"</c> when the API returns none.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="operationId"/> is null.</exception>
        /// <exception cref="PresenceException">The call failed; <see cref="PresenceException.Kind"/> says how.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public string Call(string operationId, string paramsJson = null)
        {
            if (operationId == null)
            {
                throw new ArgumentNullException(nameof(operationId));
            }
            return Invoke(operationId, paramsJson);
        }

        /// <summary>
        /// <see cref="Call"/> on a thread of its own, as a task: the raw-JSON path of the
        /// <c>…Async</c> methods. Cancelling <paramref name="cancellationToken"/> stops the call in
        /// the native library within one round trip and cancels the task.
        /// </summary>
        /// <param name="operationId">The operation, spelt as the API spells it, or a bulk helper's name (<c>getUsersPresencesBulkAll</c>).</param>
        /// <param name="paramsJson">The parameters as a JSON object; null or <c>""</c> means none.</param>
        /// <param name="cancellationToken">Stops the call (optional).</param>
        /// <returns>A task of the response body as JSON text.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="operationId"/> is null.</exception>
        public Task<string> CallAsync(string operationId, string paramsJson = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (operationId == null)
            {
                throw new ArgumentNullException(nameof(operationId));
            }
            return RunAsync(() => InvokeWith(operationId, paramsJson ?? "", null, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// Replaces the bearer token, for callers that run their own OAuth flow (authorization
        /// code, PKCE, SAML). Calls that start after it returns use the new token; safe while
        /// other threads make calls.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="accessToken"/> is null.</exception>
        /// <exception cref="PresenceException">The token is empty or has characters not allowed in an HTTP header
        /// (<see cref="PresenceErrorKind.InvalidArgument"/>).</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public void SetAccessToken(string accessToken)
        {
            if (accessToken == null)
            {
                throw new ArgumentNullException(nameof(accessToken));
            }
            ThrowIfDisposed();
            byte[] token = Utf8.ToNative(accessToken, nameof(accessToken));
            IntPtr error = IntPtr.Zero;
            int status;
            string errorJson;
            try
            {
                status = NativeMethods.gp_client_set_access_token(_handle, token, out error);
                errorJson = Utf8.Read(error);
            }
            finally
            {
                NativeMethods.gp_string_free(error);
            }
            if (status != NativeMethods.GP_OK)
            {
                throw PresenceException.FromNative(status, errorJson);
            }
        }

        /// <summary>
        /// Sends the client's log lines to <paramref name="handler"/> instead of stderr; null
        /// sends them back to stderr. Which lines is set by the config's <c>logLevel</c>
        /// (<c>off</c> by default: set it to receive anything). One line per request attempt
        /// (method, path, status, time, retries, correlation id), warnings before retries;
        /// never a token, secret or <c>Authorization</c> value.
        /// </summary>
        /// <remarks>
        /// The handler runs on the thread of the call that logs (for the bulk helpers, on the
        /// library's own threads), possibly on several at once. An exception it throws is
        /// dropped: it cannot travel through the native library. Each handler set stays
        /// referenced by the client, even after it is replaced, since a call in progress may
        /// still be logging to it. Safe while other threads make calls.
        /// </remarks>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public void SetLogHandler(Action<PresenceLogLevel, string> handler)
        {
            ThrowIfDisposed();
            NativeMethods.LogCallback callback = null;
            if (handler != null)
            {
                callback = (userData, level, message) =>
                {
                    try
                    {
                        handler((PresenceLogLevel)level, Utf8.Read(message));
                    }
                    catch (Exception)
                    {
                        // Unwinding into the library is undefined behaviour: drop it.
                    }
                };
                lock (_logCallbacks)
                {
                    _logCallbacks.Add(callback);
                }
            }
            IntPtr error;
            int status = NativeMethods.gp_client_set_log_callback(_handle, callback, IntPtr.Zero, out error);
            TakeOutput(status, error);
        }

        /// <summary>
        /// With <c>RefreshToken</c> in the options: raised after every renewal, on the thread
        /// that renewed, with the token the login service issued and the rotated refresh
        /// token, which the application should persist (the one before it is spent). An
        /// exception a handler throws is dropped: it cannot travel through the native library.
        /// </summary>
        public event EventHandler<TokenRefreshedEventArgs> TokenRefreshed
        {
            add
            {
                ThrowIfDisposed();
                lock (_tokenLock)
                {
                    _tokenRefreshed += value;
                    if (_tokenCallback == null)
                    {
                        _tokenCallback = OnTokenRefreshed;
                        int status = NativeMethods.gp_client_set_token_callback(_handle, _tokenCallback, IntPtr.Zero);
                        if (status != NativeMethods.GP_OK)
                        {
                            throw PresenceException.FromNative(status, null);
                        }
                    }
                }
            }
            remove
            {
                lock (_tokenLock)
                {
                    _tokenRefreshed -= value;
                }
            }
        }

        private readonly object _tokenLock = new object();
        private EventHandler<TokenRefreshedEventArgs> _tokenRefreshed;
        // Referenced for the client's lifetime: the library may call it until it is freed.
        private NativeMethods.TokenCallback _tokenCallback;

        private void OnTokenRefreshed(IntPtr userData, IntPtr tokenJson)
        {
            try
            {
                EventHandler<TokenRefreshedEventArgs> handlers;
                lock (_tokenLock)
                {
                    handlers = _tokenRefreshed;
                }
                if (handlers == null)
                {
                    return;
                }
                var members = Json.ReadObjectMembers(Utf8.Read(tokenJson));
                string expires;
                long expiresIn;
                handlers(this, new TokenRefreshedEventArgs(
                    Json.ParseString(members["refreshToken"]),
                    Json.ParseString(members["accessToken"]),
                    members.TryGetValue("expiresIn", out expires) && long.TryParse(expires, out expiresIn) ? expiresIn : (long?)null));
            }
            catch (Exception)
            {
                // Unwinding into the library is undefined behaviour: drop it.
            }
        }

        /// <summary>
        /// Releases the native client once every call in progress has returned. Further calls
        /// throw <see cref="ObjectDisposedException"/>; disposing twice is harmless.
        /// </summary>
        public void Dispose()
        {
            _disposed = true;
            _handle.Dispose();
        }

        /// <summary>The one path to <c>gp_call</c>: every method ends here.</summary>
        private string Invoke(string operationId, string paramsJson)
        {
            ThrowIfDisposed();
            byte[] operation = Utf8.ToNative(operationId, nameof(operationId));
            byte[] parameters = Utf8.ToNative(paramsJson, nameof(paramsJson));
            IntPtr output;
            int status = NativeMethods.gp_call(_handle, operation, parameters, out output);
            return TakeOutput(status, output);
        }

        /// <summary>Reads and frees a call's output; throws its error unless <paramref name="status"/> is OK.</summary>
        internal static string TakeOutput(int status, IntPtr output)
        {
            string json;
            try
            {
                json = Utf8.Read(output);
            }
            finally
            {
                NativeMethods.gp_string_free(output);
            }
            if (status != NativeMethods.GP_OK)
            {
                throw PresenceException.FromNative(status, json);
            }
            return json;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(PresenceClient));
            }
        }
    }

    /// <summary>What a renewal with the refresh-token grant brought.</summary>
    public sealed class TokenRefreshedEventArgs : EventArgs
    {
        /// <summary>Creates the arguments; the client raises the event with them.</summary>
        public TokenRefreshedEventArgs(string refreshToken, string accessToken, long? expiresIn)
        {
            RefreshToken = refreshToken;
            AccessToken = accessToken;
            ExpiresIn = expiresIn;
        }

        /// <summary>The refresh token to persist: the next renewal uses it, the one before is spent.</summary>
        public string RefreshToken { get; }

        /// <summary>The access token issued.</summary>
        public string AccessToken { get; }

        /// <summary>Its lifetime in seconds, when the login service said.</summary>
        public long? ExpiresIn { get; }
    }
}
