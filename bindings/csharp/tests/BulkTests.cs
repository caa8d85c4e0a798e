using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    [TestFixture]
    public class BulkTests : ClientFixture
    {
        [Test]
        public void ReadsOfAnyNumberOfUsersGoFiftyPerRequest()
        {
            _server.Handler = request => Reply.Json(200, "[{\"userId\": \"x\"}]");
            var ids = Enumerable.Range(0, 120).Select(n => "user-" + n).ToList();

            List<UcUserPresence> result = _client.GetUsersPresencesBulkAll(ids, concurrency: 2);

            Assert.That(result.Select(presence => presence.UserId), Is.EqualTo(new[] { "x", "x", "x" }), "one entry per request, concatenated");
            var sizes = _server.Taken().Select(r => r.Query.Split(',').Length).OrderBy(n => n).ToList();
            Assert.That(sizes, Is.EqualTo(new[] { 20, 50, 50 }));
        }

        [Test]
        public void WritesAndPagesAndErrors()
        {
            _server.Handler = request => Reply.Json(200, request.Method == "PUT" ? request.BodyText
                : "{\"entities\": [{\"id\": \"p\"}], \"pageCount\": 1}");
            List<UserPresence> written = _client.PutUsersPresencesBulkAll(
                new[] { new MutableUserPresence { Id = "u1" }, new MutableUserPresence { Id = "u2" } });
            Assert.That(written.Select(presence => presence.Id), Is.EqualTo(new[] { "u1", "u2" }));
            Assert.That(_client.GetPresencedefinitionsAll(pageSize: 10).Single().Id, Is.EqualTo("p"));

            var error = Assert.Throws<PresenceException>(() => _client.GetUsersPresencesBulkAll(new[] { "a" }, concurrency: 0));
            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            StringAssert.Contains("concurrency", error.Message);
        }

        /// <summary>An <see cref="IProgress{T}"/> that records reports as they come (no
        /// synchronization context in between) and may act on one.</summary>
        private sealed class Recorder : IProgress<BulkProgress>
        {
            public readonly List<BulkProgress> Reports = new List<BulkProgress>();
            public Action<BulkProgress> OnReport = report => { };

            public void Report(BulkProgress value)
            {
                lock (Reports)
                {
                    Reports.Add(value);
                }
                OnReport(value);
            }
        }

        private static List<string> Ids(int count)
        {
            return Enumerable.Range(0, count).Select(n => "user-" + n).ToList();
        }

        [Test]
        public void ProgressRisesToTheTotal()
        {
            _server.Handler = request => Reply.Json(200, "[]");
            var recorder = new Recorder();
            _client.GetUsersPresencesBulkAll(Ids(120), concurrency: 1, progress: recorder);
            Assert.That(recorder.Reports.Select(r => r.Done), Is.EqualTo(new long[] { 50, 100, 120 }));
            Assert.That(recorder.Reports.All(r => r.Total == 120), Is.True);
        }

        [Test]
        public void ACancelledTokenEndsTheCallInOperationCanceledException()
        {
            _server.Handler = request => Reply.Json(200, "[]");
            using (var source = new CancellationTokenSource())
            {
                var recorder = new Recorder { OnReport = report => source.Cancel() };
                var cancelled = Assert.Throws<OperationCanceledException>(
                    () => _client.GetUsersPresencesBulkAll(Ids(500), concurrency: 1, progress: recorder, cancellationToken: source.Token));
                Assert.That(cancelled.CancellationToken, Is.EqualTo(source.Token));
                var inner = (PresenceException)cancelled.InnerException;
                Assert.That(inner.Kind, Is.EqualTo(PresenceErrorKind.Cancelled));
                Assert.That(Json.Parse(inner.Failures), Has.Count.EqualTo(450), "the users never read, by name");
                Assert.That(Json.Parse(inner.Presences), Has.Count.EqualTo(0));
                Assert.That(_server.Taken().Count, Is.EqualTo(1), "no request after the cancel");

                // Cancelled before the call: nothing is sent.
                Assert.Throws<OperationCanceledException>(() => _client.GetUsersPresencesBulkAll(Ids(5), cancellationToken: source.Token));
                Assert.That(_server.Taken().Count, Is.EqualTo(0));
            }
        }

        [Test]
        public void AProgressThatThrowsStopsTheCallAndItsExceptionComesOut()
        {
            _server.Handler = request => Reply.Json(200, "[]");
            var recorder = new Recorder { OnReport = report => { throw new InvalidOperationException("at " + report.Done); } };
            var thrown = Assert.Throws<InvalidOperationException>(
                () => _client.GetUsersPresencesBulkAll(Ids(500), concurrency: 1, progress: recorder));
            Assert.That(thrown.Message, Is.EqualTo("at 50"));
            Assert.That(_server.Taken().Count, Is.EqualTo(1));
            Assert.That(_client.GetUsersPresencesBulkAll(Ids(3)), Is.Empty, "the client goes on");
        }

        [Test]
        public void UsersNotReadAreNamedOneByOne()
        {
            _server.Handler = request => request.Query.Contains("user-60")
                ? Reply.Json(404, "{\"message\": \"no such user\", \"code\": \"not.found\"}")
                : Reply.Json(200, "[{\"userId\": \"someone\"}]");
            var error = Assert.Throws<PresenceException>(() => _client.GetUsersPresencesBulkAll(Ids(120), concurrency: 1));
            Assert.That(error.Status, Is.EqualTo(404));
            var failed = ((List<object>)Json.Parse(error.Failures))
                .Select(failure => (string)((Dictionary<string, object>)failure)["userId"]).ToList();
            Assert.That(failed, Is.EqualTo(Ids(120).Skip(50).Take(50)));
            Assert.That(Json.Parse(error.Presences), Has.Count.EqualTo(2));
        }
    }
}
