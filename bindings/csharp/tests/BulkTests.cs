using System.Linq;
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

            string result = _client.GetUsersPresencesBulkAll(ids, concurrency: 2);

            Assert.That(Json.Parse(result), Has.Count.EqualTo(3), "one entry per request, concatenated");
            var sizes = _server.Taken().Select(r => r.Query.Split(',').Length).OrderBy(n => n).ToList();
            Assert.That(sizes, Is.EqualTo(new[] { 20, 50, 50 }));
        }

        [Test]
        public void WritesAndPagesAndErrors()
        {
            _server.Handler = request => Reply.Json(200, request.Method == "PUT" ? request.BodyText
                : "{\"entities\": [{\"id\": \"p\"}], \"pageCount\": 1}");
            string written = _client.PutUsersPresencesBulkAll("[{\"id\": \"u1\"}, {\"id\": \"u2\"}]");
            Assert.That(Json.Parse(written), Has.Count.EqualTo(2));
            Assert.That(Json.Parse(_client.GetPresencedefinitionsAll(pageSize: 10)), Has.Count.EqualTo(1));

            var error = Assert.Throws<PresenceException>(() => _client.GetUsersPresencesBulkAll(new[] { "a" }, concurrency: 0));
            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            StringAssert.Contains("concurrency", error.Message);
        }
    }
}
