using System;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Genesys.Presence
{
    /// <summary>
    /// Owns one native <c>gp_client</c>. The P/Invoke signatures take this type, so the
    /// marshaller keeps the handle alive (and its reference count up) for the length of
    /// every call: <see cref="ReleaseHandle"/> runs only after the last call returned,
    /// which is the C ABI's rule for <c>gp_client_free</c>.
    /// </summary>
    internal sealed class ClientHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private ClientHandle() : base(true)
        {
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.gp_client_free(handle);
            return true;
        }
    }

    internal sealed class WatchHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private WatchHandle() : base(true)
        {
        }

        // Runs once no call holds the handle (SafeHandle counts them): gp_watch_free's rule.
        protected override bool ReleaseHandle()
        {
            NativeMethods.gp_watch_free(handle);
            return true;
        }
    }

    /// <summary>The C ABI of <c>include/genesys_presence.h</c>.</summary>
    /// <remarks>
    /// Strings go in as NUL-terminated UTF-8 <c>byte[]</c> (see <see cref="Utf8"/>) and come
    /// back as <see cref="IntPtr"/>, read with <see cref="Utf8.Read"/> and then freed with
    /// <see cref="gp_string_free"/> in a <c>finally</c>.
    /// </remarks>
    internal static class NativeMethods
    {
        /// <summary>
        /// Resolved as <c>libgenesys_presence.so</c> / <c>.dylib</c> / <c>genesys_presence.dll</c>
        /// by both .NET and mono.
        /// </summary>
        private const string Library = "genesys_presence";

        internal const int GP_OK = 0;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_client_new(byte[] configJson, out ClientHandle client, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_client_free(IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_client_set_access_token(ClientHandle client, byte[] accessToken, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_call(ClientHandle client, byte[] operationId, byte[] paramsJson, out IntPtr json);

        // The helpers (gp_get_users_presences_bulk_all, ...) are called by name through
        // gp_call_with, with a cancel and a progress callback.

        internal const int GP_ERROR_CANCELLED = 7;

        /// <summary><c>gp_progress_fn</c>: called after each request, never two at once.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void ProgressCallback(IntPtr userData, ulong done, ulong total);

        /// <summary><c>gp_call_options</c>.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CallOptions
        {
            internal IntPtr Cancel;
            internal IntPtr Progress;
            internal IntPtr ProgressUserData;
        }

        /// <summary><c>gp_token_fn</c>: <c>tokenJson</c> is valid only during the call.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void TokenCallback(IntPtr userData, IntPtr tokenJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_client_set_token_callback(ClientHandle client, TokenCallback callback, IntPtr userData);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr gp_cancel_new();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_cancel_request(IntPtr cancel);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_cancel_free(IntPtr cancel);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_call_with(ClientHandle client, byte[] name, byte[] paramsJson, ref CallOptions options, out IntPtr json);

        /// <summary><c>gp_log_callback</c>: <c>message</c> is valid only during the call.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(IntPtr userData, int level, IntPtr message);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_client_set_log_callback(ClientHandle client, LogCallback callback, IntPtr userData, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_watch_new(ClientHandle client, byte[] paramsJson, out WatchHandle watch, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int gp_watch_next(WatchHandle watch, uint timeoutMs, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_watch_close(WatchHandle watch);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_watch_free(IntPtr watch);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void gp_string_free(IntPtr s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr gp_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr gp_operations_json();
    }

    /// <summary>
    /// UTF-8 both ways, by hand: mono marshals <c>string</c> with the locale's encoding,
    /// not UTF-8, and neither runtime rejects what C cannot carry.
    /// </summary>
    internal static class Utf8
    {
        /// <summary>Strict: a lone surrogate is an error, never a silent U+FFFD.</summary>
        private static readonly UTF8Encoding Encoding = new UTF8Encoding(false, true);

        /// <summary>
        /// <paramref name="text"/> as NUL-terminated UTF-8, or null for null. An embedded NUL
        /// (which C would read as the end) or a lone surrogate is an <see cref="ArgumentException"/>.
        /// </summary>
        internal static byte[] ToNative(string text, string paramName)
        {
            if (text == null)
            {
                return null;
            }
            if (text.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("must not contain a NUL character", paramName);
            }
            byte[] bytes;
            try
            {
                bytes = new byte[Encoding.GetByteCount(text) + 1];
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("is not valid UTF-16 (a lone surrogate)", paramName, e);
            }
            Encoding.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        /// <summary>The NUL-terminated UTF-8 string at <paramref name="p"/>; null for NULL. Does not free it.</summary>
        internal static string Read(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(p, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(p, bytes, 0, length);
            return Encoding.GetString(bytes);
        }
    }
}
