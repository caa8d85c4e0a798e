using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>The <c>…Async</c> twins against the sandbox with 100 ms of latency: many at once, and cancellation.</summary>
    [TestFixture]
    public class AsyncTests
    {
        private Sandbox _sandbox;
        private PresenceClient _client;

        [SetUp]
        public void Start()
        {
            _sandbox = new Sandbox("--latency-ms 100");
            _client = _sandbox.Client();
        }

        [TearDown]
        public void Stop()
        {
            _client.Dispose();
            _sandbox.Dispose();
        }

        private static Exception Unwrapped(Task task)
        {
            var error = Assert.Throws<AggregateException>(() => task.Wait(10000));
            return error.InnerExceptions.Single();
        }

        [Test]
        public void FiftyCallsAtOnceTakeAboutOneRoundTrip()
        {
            _client.GetSystempresences();  // the connection
            var clock = Stopwatch.StartNew();
            var calls = Enumerable.Range(0, 50).Select(n => _client.GetUserPresencesPurecloudAsync("user-" + n)).ToArray();
            Assert.That(Task.WaitAll(calls, 10000), Is.True);
            clock.Stop();
            Assert.That(calls.Select(call => call.Result.Id), Is.EqualTo(Enumerable.Range(0, 50).Select(n => "user-" + n)));
            Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(1.5), "one after the other: 5 s");
        }

        [Test]
        public void ResultsErrorsAndTheRawPath()
        {
            var listing = _client.GetPresenceDefinitionsAsync().Result;
            Assert.That(listing.Entities, Is.Not.Empty);
            var changed = _client.PatchUserPresencesPurecloudAsync("u1", new UserPresence { Message = "async" }).Result;
            Assert.That(changed.Message, Is.EqualTo("async"));
            StringAssert.Contains("\"async\"", _client.CallAsync("getUserPresencesPurecloud", "{\"userId\": \"u1\"}").Result);
            var error = (PresenceException)Unwrapped(_client.GetPresenceSourceAsync("no-such-source"));
            Assert.That(error.Status, Is.EqualTo(404));
            var created = _client.PostPresenceDefinitionsAsync(new OrganizationPresenceDefinition
            {
                LanguageLabels = new Dictionary<string, string> { { "en_US", "Async" } },
                SystemPresence = "Busy",
            }).Result;
            Assert.That(_client.DeletePresenceDefinitionAsync(created.Id).Wait(10000), Is.True);
            var read = _client.GetUsersPresencesBulkAllAsync(Enumerable.Range(0, 120).Select(n => "u" + n), concurrency: 4).Result;
            Assert.That(read.Select(entry => entry.UserId), Is.EqualTo(Enumerable.Range(0, 120).Select(n => "u" + n)));
        }

        [Test]
        public void CancellingStopsABulkCallWithinARoundTrip()
        {
            using (var source = new CancellationTokenSource())
            {
                // 40 requests one at a time: 4 s unless stopped.
                var call = _client.GetUsersPresencesBulkAllAsync(
                    Enumerable.Range(0, 2000).Select(n => "u" + n), concurrency: 1, cancellationToken: source.Token);
                Thread.Sleep(350);
                var clock = Stopwatch.StartNew();
                source.Cancel();
                Assert.That(Unwrapped(call), Is.InstanceOf<OperationCanceledException>());
                Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(0.5), "within the round trip in flight");
                Assert.That(call.IsCanceled, Is.True);
                long sent = _sandbox.Requests();
                Thread.Sleep(300);
                Assert.That(_sandbox.Requests(), Is.EqualTo(sent), "no request after the cancel");
                Assert.That(sent, Is.LessThan(10));
            }
        }

        [Test]
        public void ACancelledTokenStartsNothing()
        {
            using (var source = new CancellationTokenSource())
            {
                source.Cancel();
                var call = _client.GetUserPresencesPurecloudAsync("u1", source.Token);
                Assert.That(Unwrapped(call), Is.InstanceOf<OperationCanceledException>());
                Assert.That(_sandbox.Requests(), Is.EqualTo(0));
            }
        }

        [Test]
        public void BadArgumentsThrowAtOnceNotInTheTask()
        {
            Assert.Throws<ArgumentNullException>(() => _client.GetUserPresencesPurecloudAsync(null));
            Assert.Throws<ArgumentNullException>(() => _client.PutUsersPresencesBulkAllAsync(null));
            Assert.Throws<ArgumentException>(() => _client.PutUsersPresencesBulkAsync(new MutableUserPresence[] { null }));
            Assert.That(_sandbox.Requests(), Is.EqualTo(0));
        }
    }
}
