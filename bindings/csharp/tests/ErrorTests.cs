using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>Every error kind reaches C# as a <see cref="PresenceException"/> with its fields.</summary>
    [TestFixture]
    public class ErrorTests : ClientFixture
    {
        [Test]
        public void HttpErrorCarriesStatusCodeCorrelationIdAndBody()
        {
            // Brackets and quotes inside strings, and nesting, to exercise the raw-body extraction.
            const string errorBody = "{\"message\": \"User } [x] \\\"not\\\" found {\", \"code\": \"not.found\", \"status\": 404,"
                + " \"messageParams\": {\"id\": \"]}\"}, \"contextId\": \"ctx-1\","
                + " \"details\": [{\"errorCode\": \"e1\", \"fieldName\": \"userId\"}], \"errors\": []}";
            _server.Handler = request => Reply.Json(404, errorBody, "inin-correlation-id", "corr-404-abc");

            var error = Assert.Throws<PresenceException>(() => _client.GetUserPresencesPurecloud("missing-user"));

            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Http));
            Assert.That(error.Status, Is.EqualTo(404));
            Assert.That(error.Code, Is.EqualTo("not.found"));
            Assert.That(error.CorrelationId, Is.EqualTo("corr-404-abc"));
            Assert.That(error.RetryAfterSeconds, Is.Null);
            StringAssert.Contains("404", error.Message);
            StringAssert.Contains("User } [x] \"not\" found {", error.Message);
            Assert.That(JsonAssert.DeepEquals(Json.Parse(error.Body), Json.Parse(errorBody)), Is.True, error.Body);
            Assert.That(_server.Taken().Count, Is.EqualTo(1));
        }

        [Test]
        public void TooManyRequestsCarriesRetryAfter()
        {
            _server.Handler = request => Reply.Json(429, "{\"message\": \"slow down\", \"code\": \"too.many.requests\", \"status\": 429}",
                "Retry-After", "7");

            var error = Assert.Throws<PresenceException>(() => _client.GetPresenceSettings());

            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Http));
            Assert.That(error.Status, Is.EqualTo(429));
            Assert.That(error.Code, Is.EqualTo("too.many.requests"));
            Assert.That(error.RetryAfterSeconds, Is.EqualTo(7));
        }

        [Test]
        public void NonJsonErrorBodyLeavesBodyNull()
        {
            _server.Handler = request => new Reply { Status = 502, Body = System.Text.Encoding.UTF8.GetBytes("<html>bad gateway</html>") };

            var error = Assert.Throws<PresenceException>(() => _client.GetPresenceSettings());

            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Http));
            Assert.That(error.Status, Is.EqualTo(502));
            Assert.That(error.Code, Is.Null);
            Assert.That(error.CorrelationId, Is.Null);
            Assert.That(error.Body, Is.Null);
            StringAssert.Contains("bad gateway", error.Message);
        }

        [Test]
        public void InvalidParametersAreRefusedAndNothingIsSent()
        {
            var refusals = new Dictionary<string, TestDelegate>
            {
                { "dot-dot id", () => _client.GetUserPresencesPurecloud("..") },
                { "empty id", () => _client.PatchUserPresence("u1", "", new UserPresence()) },
                { "string for an integer", () => _client.Call("getPresencedefinitions", "{\"pageNumber\": \"2\"}") },
                { "unknown parameter", () => _client.Call("getPresencedefinitions", "{\"pageNumbr\": 2}") },
                { "missing path parameter", () => _client.Call("getUserPresencesPurecloud", "{}") },
                { "unknown operation", () => _client.Call("getNothing", "{}") },
                { "malformed params", () => _client.Call("getPresenceSettings", "{\"a\": ") },
                { "params not an object", () => _client.Call("getPresenceSettings", "[1]") },
                { "malformed body", () => _client.Call("patchUserPresencesPurecloud", "{\"userId\": \"u1\", \"body\": {\"message\": ") },
                { "body of another shape", () => _client.Call("patchUserPresencesPurecloud", "{\"userId\": \"u1\", \"body\": {\"primary\": \"yes\"}}") },
                { "list item null", () => _client.GetUsersPresencesPurecloudBulk(new string[] { "a", null }) },
                { "empty token", () => _client.SetAccessToken("") },
                { "token with a newline", () => _client.SetAccessToken("abc\r\nX-Injected: 1") },
            };
            foreach (var refusal in refusals)
            {
                var error = Assert.Throws<PresenceException>(refusal.Value, refusal.Key);
                Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument), refusal.Key);
                Assert.That(error.Status, Is.Null, refusal.Key);
                Assert.That(error.Body, Is.Null, refusal.Key);
                Assert.That(error.Message, Is.Not.Empty, refusal.Key);
            }
            Assert.That(_server.Taken(), Is.Empty, "nothing was sent");

            _client.GetPresenceSettings();
            Assert.That(_server.Taken().Count, Is.EqualTo(1), "the client still works");
        }

        [Test]
        public void NullAndUnencodableArgumentsThrowArgumentExceptions()
        {
            Assert.Throws<ArgumentNullException>(() => _client.GetUserPresencesPurecloud(null));
            Assert.Throws<ArgumentNullException>(() => _client.PatchUserPresence("u1", null, new UserPresence()));
            Assert.Throws<ArgumentNullException>(() => _client.PatchUserPresencesPurecloud("u1", null));
            Assert.Throws<ArgumentNullException>(() => _client.PutUsersPresencesBulk(null));
            Assert.Throws<ArgumentException>(() => _client.PutUsersPresencesBulk(new MutableUserPresence[] { new MutableUserPresence(), null }));
            Assert.Throws<ArgumentNullException>(() => _client.PatchUserPresencesPurecloudAsync("u1", null), "thrown at once, not in the task");
            Assert.Throws<ArgumentNullException>(() => _client.PutUsersPresencesBulkAll(null));
            Assert.Throws<ArgumentNullException>(() => _client.Call(null, "{}"));
            Assert.Throws<ArgumentNullException>(() => _client.SetAccessToken(null));
            Assert.Throws<ArgumentNullException>(() => new PresenceClient((string)null));
            Assert.Throws<ArgumentException>(() => _client.Call("getPresenceSettings", "{}\0{\"x\": 1}"), "a NUL would end the C string");
            Assert.Throws<ArgumentException>(() => _client.GetUserPresencesPurecloud("lone \ud800 surrogate"));
            Assert.That(_server.Taken(), Is.Empty, "nothing was sent");
        }

        [Test]
        public void ClosedPortIsATransportError()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            using (var client = new PresenceClient(Support.Config("http://127.0.0.1:" + port)))
            {
                var error = Assert.Throws<PresenceException>(() => client.GetPresenceSettings());
                Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Transport));
                Assert.That(error.Status, Is.Null);
                Assert.That(error.Message, Is.Not.Empty);
            }
        }

        [Test]
        public void TruncatedSuccessBodyIsADecodeError()
        {
            _server.Handler = request => Reply.Json(200, "{\"id\": \"8e2c4f0a\", \"presenceDefinition\": {\"id\": \"6a3a");

            var error = Assert.Throws<PresenceException>(() => _client.GetUserPresencesPurecloud("u1"));

            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Decode));
            Assert.That(error.Status, Is.EqualTo(200));
        }

        [Test]
        public void WrongShapeOfSuccessBodyIsADecodeError()
        {
            _server.Handler = request => Reply.Json(200, "{\"entities\": []}");

            var error = Assert.Throws<PresenceException>(() => _client.GetUsersPresencesPurecloudBulk(new[] { "a" }));

            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Decode));
        }

        [Test]
        public void RefusedClientCredentialsAreAnAuthError()
        {
            _server.Handler = request => request.Path == "/oauth/token"
                ? Reply.Json(401, "{\"error\": \"invalid_client\", \"description\": \"bad secret\"}")
                : Reply.Json(200, "{}");
            string config = "{\"basePath\": \"" + _server.BaseUrl + "\", \"authBasePath\": \"" + _server.BaseUrl + "\", "
                + "\"clientId\": \"id\", \"clientSecret\": \"wrong\", \"retry\": {\"maxRetries\": 0}}";
            using (var client = new PresenceClient(config))
            {
                var error = Assert.Throws<PresenceException>(() => client.GetPresenceSettings());
                Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Auth));
            }
            Assert.That(_server.Taken().TrueForAll(r => r.Path == "/oauth/token"), Is.True, "no API call without a token");
        }

        [TestCase("{\"environment\": \"mypurecloud.com\", \"timeoutMilliseconds\": 5}", "timeoutMilliseconds")]
        [TestCase("{\"basePath\": ", "config")]
        [TestCase("[]", "config")]
        [TestCase("{\"timeoutMs\": \"soon\"}", "timeoutMs")]
        [TestCase("{\"logLevel\": \"chatty\"}", "logLevel")]
        public void BadConfigThrowsFromTheConstructor(string config, string mentioned)
        {
            var error = Assert.Throws<PresenceException>(() => new PresenceClient(config));
            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
            StringAssert.Contains(mentioned, error.Message);
        }

        [Test]
        public void EmptyConfigMeansDefaults()
        {
            using (var client = new PresenceClient(""))
            {
                Assert.That(client, Is.Not.Null);
            }
        }
    }
}
