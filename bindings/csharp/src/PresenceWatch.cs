using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Genesys.Presence.Model;

namespace Genesys.Presence
{
    /// <summary>
    /// One event of a <see cref="PresenceWatch"/>: <see cref="Type"/> <c>"presence"</c>
    /// (<see cref="UserId"/>, <see cref="Presence"/>, <see cref="Origin"/>),
    /// <c>"reconnected"</c> (<see cref="Reason"/>: the watch reconnected by itself and then
    /// reports what changed meanwhile as <c>reconcile</c>) or <c>"closed"</c>.
    /// </summary>
    public sealed class PresenceEvent
    {
        private PresenceEvent(string type, string userId, UserPresence presence, string origin, string reason)
        {
            Type = type;
            UserId = userId;
            Presence = presence;
            Origin = origin;
            Reason = reason;
        }

        /// <summary><c>presence</c>, <c>reconnected</c> or <c>closed</c>.</summary>
        public string Type { get; }

        /// <summary>Whose presence (a <c>presence</c> event).</summary>
        public string UserId { get; }

        /// <summary>The presence: <c>Source</c>, <c>PresenceDefinition</c> (<c>Id</c>, <c>SystemPresence</c>), <c>Message</c>, <c>ModifiedDate</c>.</summary>
        public UserPresence Presence { get; }

        /// <summary><c>notification</c>, <c>initial</c> (asked for with <c>initial: true</c>) or <c>reconcile</c> (read after a reconnect).</summary>
        public string Origin { get; }

        /// <summary>Why the watch reconnected: <c>connection_lost</c>, <c>heartbeat_timeout</c>, <c>socket_closing</c>, <c>channel_expired</c> or <c>token_renewed</c>.</summary>
        public string Reason { get; }

        internal static PresenceEvent FromJson(string json)
        {
            var members = ModelJson.ReadObject(ModelJson.Parse(json, "PresenceEvent"), "PresenceEvent");
            Func<string, string> text = name =>
            {
                object value;
                return members.TryGetValue(name, out value) ? ModelJson.ReadString(value, "PresenceEvent." + name) : null;
            };
            object presence;
            members.TryGetValue("presence", out presence);
            return new PresenceEvent(
                text("type"), text("userId"), UserPresence.Read(presence, "PresenceEvent.Presence"), text("origin"), text("reason"));
        }

        /// <summary>The type, and the user, origin and presence or the reason.</summary>
        public override string ToString()
        {
            return Type == "presence"
                ? "presence " + UserId + " (" + Origin + "): " + (Presence == null ? "null" : Presence.ToJson())
                : Reason == null ? Type : Type + " (" + Reason + ")";
        }
    }

    /// <summary>
    /// A watch of some users' presence (<see cref="PresenceClient.WatchPresence"/>): its
    /// notification channels, websockets and reconnects live in the native library. Take
    /// events with <see cref="Events"/>, <see cref="Next"/> or <see cref="NextAsync"/>;
    /// <see cref="Close"/> (any thread) ends them; <see cref="Dispose"/> closes and frees it.
    /// </summary>
    public sealed class PresenceWatch : IDisposable
    {
        // Longest a wait stays in the library before it looks at its token again.
        private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(200);
        private readonly WatchHandle _handle;

        internal PresenceWatch(WatchHandle handle)
        {
            _handle = handle;
        }

        /// <summary>
        /// The next event, waiting up to <paramref name="timeout"/>; null when none came in time.
        /// After <see cref="Close"/>, a <c>closed</c> event every time. A failure no reconnect
        /// can mend (revoked credentials) throws <see cref="PresenceException"/> once.
        /// </summary>
        /// <param name="timeout">How long to wait (at most <c>uint.MaxValue</c> ms).</param>
        /// <returns>The event, or null.</returns>
        /// <exception cref="ObjectDisposedException">The watch was disposed.</exception>
        public PresenceEvent Next(TimeSpan timeout)
        {
            double ms = Math.Max(0, Math.Min(uint.MaxValue, timeout.TotalMilliseconds));
            IntPtr output;
            int status = NativeMethods.gp_watch_next(_handle, (uint)ms, out output);
            string json = PresenceClient.TakeOutput(status, output);
            return json == "null" ? null : PresenceEvent.FromJson(json);
        }

        /// <summary>
        /// The events as they come, until <see cref="Close"/> (then the sequence ends) or the
        /// token is cancelled (then it throws <see cref="OperationCanceledException"/>).
        /// </summary>
        /// <param name="cancellationToken">Stops the waiting (optional).</param>
        /// <returns>The events, <c>presence</c> and <c>reconnected</c>.</returns>
        public IEnumerable<PresenceEvent> Events(CancellationToken cancellationToken = default(CancellationToken))
        {
            while (true)
            {
                PresenceEvent next = NextOrCancelled(cancellationToken);
                if (next.Type == "closed")
                {
                    yield break;
                }
                yield return next;
            }
        }

        /// <summary>
        /// The next event, waited for on a thread of its own: a <c>closed</c> event after
        /// <see cref="Close"/>; cancelling the token cancels the task (the watch goes on).
        /// </summary>
        /// <param name="cancellationToken">Stops the waiting (optional).</param>
        /// <returns>A task of the event.</returns>
        public Task<PresenceEvent> NextAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return Task.Factory.StartNew(
                () => NextOrCancelled(cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private PresenceEvent NextOrCancelled(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PresenceEvent next = Next(Slice);
                if (next != null)
                {
                    return next;
                }
            }
        }

        /// <summary>Ends the watch: waits return a <c>closed</c> event at once. Any thread, any number of times.</summary>
        public void Close()
        {
            if (!_handle.IsClosed)
            {
                NativeMethods.gp_watch_close(_handle);
            }
        }

        /// <summary>Closes the watch and frees it (its sockets closed, its subscriptions deleted) once no call is using it.</summary>
        public void Dispose()
        {
            try
            {
                Close();
            }
            catch (ObjectDisposedException)
            {
                // disposed already
            }
            _handle.Dispose();
        }
    }

    public sealed partial class PresenceClient
    {
        /// <summary>
        /// Watches the presence of <paramref name="userIds"/> (1 to 20,000). By the time it
        /// returns, the notification channels are subscribed and connected and the users'
        /// presences read (reported too when <paramref name="initial"/>): a change made after
        /// that is reported. Lost links reconnect by themselves and report what changed meanwhile.
        /// </summary>
        /// <param name="userIds">The users.</param>
        /// <param name="initial">Report the presences read at the start too.</param>
        /// <param name="heartbeatTimeoutMs">Silence after which a link counts as lost (default 75,000).</param>
        /// <returns>The watch: dispose it (<c>using</c>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="userIds"/> is null.</exception>
        /// <exception cref="PresenceException">The ids were refused (<c>InvalidArgument</c>: none, a null one, more than 20,000), or the service refused a channel.</exception>
        public PresenceWatch WatchPresence(IEnumerable<string> userIds, bool initial = false, int? heartbeatTimeoutMs = null)
        {
            if (userIds == null)
            {
                throw new ArgumentNullException(nameof(userIds));
            }
            var p = new ParamsWriter("watchPresence");
            p.Required("userIds", userIds);
            p.Optional("initial", initial);
            p.Optional("heartbeatTimeoutMs", heartbeatTimeoutMs);
            byte[] parameters = Utf8.ToNative(p.ToString(), nameof(userIds));
            ThrowIfDisposed();
            WatchHandle handle;
            IntPtr error;
            int status = NativeMethods.gp_watch_new(_handle, parameters, out handle, out error);
            string errorJson;
            try
            {
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
            return new PresenceWatch(handle);
        }
    }
}
