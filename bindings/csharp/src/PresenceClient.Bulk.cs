using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Genesys.Presence
{
    /// <summary>How far a bulk call got: users (or pages) done, of the total.</summary>
    public struct BulkProgress
    {
        /// <summary>Creates a report.</summary>
        public BulkProgress(long done, long total)
        {
            Done = done;
            Total = total;
        }

        /// <summary>Users (pages for <c>GetPresencedefinitionsAll</c>) done so far.</summary>
        public long Done { get; }

        /// <summary>The total the call works through.</summary>
        public long Total { get; }
    }

    public sealed partial class PresenceClient
    {
        // The methods (GetUsersPresencesBulkAll, ...Async, ...) are generated from the
        // library's tables, in PresenceClient.Operations.cs; this is their plumbing.

        /// <summary>
        /// Runs <paramref name="operation"/> (an operation's id or a helper's name) through
        /// <c>gp_call_with</c>, with a native cancel request that
        /// <paramref name="cancellationToken"/> triggers and a progress callback that reports to
        /// <paramref name="progress"/>. A cancelled call throws <see cref="OperationCanceledException"/>
        /// whose inner <see cref="PresenceException"/> names the users not read or not set; an
        /// exception thrown by <paramref name="progress"/> stops the call and is rethrown.
        /// </summary>
        private string InvokeWith(string operation, string paramsJson, IProgress<BulkProgress> progress, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            cancellationToken.ThrowIfCancellationRequested();
            byte[] name = Utf8.ToNative(operation, nameof(operation));
            byte[] parameters = Utf8.ToNative(paramsJson, nameof(paramsJson));
            IntPtr cancel = NativeMethods.gp_cancel_new();
            Exception thrown = null;
            NativeMethods.ProgressCallback callback = null;
            try
            {
                var options = new NativeMethods.CallOptions { Cancel = cancel };
                if (progress != null)
                {
                    callback = (userData, done, total) =>
                    {
                        if (thrown != null)
                        {
                            return;
                        }
                        try
                        {
                            progress.Report(new BulkProgress((long)done, (long)total));
                        }
                        catch (Exception error)
                        {
                            // Never across the native frames: stop the call, rethrow after it.
                            thrown = error;
                            NativeMethods.gp_cancel_request(cancel);
                        }
                    };
                    options.Progress = Marshal.GetFunctionPointerForDelegate(callback);
                }
                int status;
                IntPtr output;
                using (cancellationToken.Register(() => NativeMethods.gp_cancel_request(cancel)))
                {
                    status = NativeMethods.gp_call_with(_handle, name, parameters, ref options, out output);
                }
                GC.KeepAlive(callback);
                if (thrown != null)
                {
                    NativeMethods.gp_string_free(output);
                    ExceptionDispatchInfo.Capture(thrown).Throw();
                }
                try
                {
                    return TakeOutput(status, output);
                }
                catch (PresenceException error) when (error.Kind == PresenceErrorKind.Cancelled)
                {
                    throw new OperationCanceledException(error.Message, error, cancellationToken);
                }
            }
            finally
            {
                // The registration is disposed: nothing requests this cancel any more.
                NativeMethods.gp_cancel_free(cancel);
            }
        }

        /// <summary>
        /// Runs a blocking call on a thread of its own (the thread pool grows by a thread or two
        /// a second: fifty calls at once would wait for it), as a task cancelled with the token.
        /// </summary>
        private static Task<T> RunAsync<T>(Func<T> call, CancellationToken cancellationToken)
        {
            return Task.Factory.StartNew(call, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private static Task RunAsync(Action call, CancellationToken cancellationToken)
        {
            return Task.Factory.StartNew(call, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }
}
