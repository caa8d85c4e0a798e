using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary><see cref="PresenceClient.WatchPresence"/> against the sandbox.</summary>
    [TestFixture]
    public class WatchTests
    {
        private Sandbox _sandbox;
        private PresenceClient _client;

        [SetUp]
        public void Start()
        {
            _sandbox = new Sandbox();
            _client = _sandbox.Client();
        }

        [TearDown]
        public void Stop()
        {
            _client.Dispose();
            _sandbox.Dispose();
        }

        private static PresenceEvent NextPresence(PresenceWatch watch)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                PresenceEvent e = watch.Next(TimeSpan.FromMilliseconds(500));
                if (e != null && e.Type == "presence")
                {
                    return e;
                }
            }
            throw new AssertionException("no presence event in 15 s");
        }

        [Test]
        public void InitialPresencesThenAChangeAsModels()
        {
            using (var watch = _client.WatchPresence(new[] { "alice", "bob" }, initial: true))
            {
                var initial = new[] { NextPresence(watch), NextPresence(watch) };
                Assert.That(initial.Select(e => e.UserId).OrderBy(id => id), Is.EqualTo(new[] { "alice", "bob" }));
                Assert.That(initial.All(e => e.Origin == "initial" && e.Presence != null), Is.True);
                Assert.That(watch.Next(TimeSpan.FromMilliseconds(200)), Is.Null, "nothing more until something changes");
                _client.PatchUserPresencesPurecloud("bob", new UserPresence { Message = "back at 3" });
                PresenceEvent change = NextPresence(watch);
                Assert.That(change.UserId, Is.EqualTo("bob"));
                Assert.That(change.Origin, Is.EqualTo("notification"));
                Assert.That(change.Presence.Message, Is.EqualTo("back at 3"));
                watch.Close();
                Assert.That(watch.Next(TimeSpan.Zero).Type, Is.EqualTo("closed"));
            }
        }

        [Test]
        public void CloseFromAnotherThreadEndsTheEventsAtOnce()
        {
            using (var watch = _client.WatchPresence(new[] { "alice" }))
            {
                var closer = new Timer(_ => watch.Close(), null, 300, Timeout.Infinite);
                var clock = Stopwatch.StartNew();
                Assert.That(watch.Events().ToList(), Is.Empty);
                Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(1.0));
                closer.Dispose();
            }
        }

        [Test]
        public void NextAsyncTakesAChangeAndItsTokenCancelsTheWait()
        {
            using (var watch = _client.WatchPresence(new[] { "carol" }))
            {
                Task<PresenceEvent> next = watch.NextAsync();
                _client.PatchUserPresencesPurecloud("carol", new UserPresence { Message = "async" });
                Assert.That(next.Wait(15000), Is.True);
                Assert.That(next.Result.Presence.Message, Is.EqualTo("async"));

                using (var source = new CancellationTokenSource(300))
                {
                    var waiting = watch.NextAsync(source.Token);
                    var error = Assert.Throws<AggregateException>(() => waiting.Wait(10000));
                    Assert.That(error.InnerExceptions.Single(), Is.InstanceOf<OperationCanceledException>());
                }
                using (var source = new CancellationTokenSource(300))
                {
                    Assert.Throws<OperationCanceledException>(() => watch.Events(source.Token).ToList());
                }
            }
        }

        [Test]
        public void ADroppedLinkReconnectsAndReportsWhatChangedMeanwhile()
        {
            using (var watch = _client.WatchPresence(new[] { "dave" }))
            using (var web = new WebClient())
            {
                web.UploadString(_sandbox.Url + "/_sandbox/notifications/drop", "");
                _client.PatchUserPresencesPurecloud("dave", new UserPresence { Message = "while you were away" });
                PresenceEvent change = NextPresence(watch);
                Assert.That(change.Presence.Message, Is.EqualTo("while you were away"));
            }
        }

        [Test]
        public void BadIdsAreRefusedAndNothingIsOpened()
        {
            Assert.Throws<ArgumentNullException>(() => _client.WatchPresence(null));
            var none = Assert.Throws<PresenceException>(() => _client.WatchPresence(new string[0]));
            Assert.That(none.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            var nullId = Assert.Throws<PresenceException>(() => _client.WatchPresence(new[] { "a", null }));
            Assert.That(nullId.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            var many = Assert.Throws<PresenceException>(() => _client.WatchPresence(Enumerable.Range(0, 20001).Select(n => "u" + n)));
            Assert.That(many.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            Assert.That(_sandbox.Requests(), Is.EqualTo(0));
        }

        [Test]
        public void DisposedWatchIsRefused()
        {
            var watch = _client.WatchPresence(new[] { "erin" });
            watch.Dispose();
            watch.Dispose();
            Assert.Throws<ObjectDisposedException>(() => watch.Next(TimeSpan.Zero));
        }
    }
}
