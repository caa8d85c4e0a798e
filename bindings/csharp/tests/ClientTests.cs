using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>UTF-8 both ways, tokens, Dispose and threads.</summary>
    [TestFixture]
    public class ClientTests : ClientFixture
    {
        [Test]
        public void NonAsciiTravelsAsUtf8BothWays()
        {
            const string body = "{\"message\": \"é日本 😀 \\\"quoted\\\" \\\\ tab\\t\", \"primary\": true}";
            const string response = "{\"id\": \"日本-user\", \"message\": \"réponse é日本 😀\"}";
            _server.Handler = request => Reply.Json(200, response);

            UserPresence result = _client.PatchUserPresencesPurecloud("日本-user é/1", UserPresence.FromJson(body));

            Assert.That(result.Message, Is.EqualTo("réponse é日本 😀"));
            Assert.That(JsonAssert.DeepEquals(Json.Parse(result.ToJson()), Json.Parse(response)), Is.True, result.ToJson());
            CapturedRequest sent = _server.Taken().Single();
            Assert.That(sent.Path, Is.EqualTo("/api/v2/users/%E6%97%A5%E6%9C%AC-user%20%C3%A9%2F1/presences/purecloud"));
            Assert.That(sent.Header("Content-Type"), Is.EqualTo("application/json"));
            Assert.That(JsonAssert.DeepEquals(Json.Parse(sent.BodyText), Json.Parse(body)), Is.True, sent.BodyText);
            byte[] utf8 = Encoding.UTF8.GetBytes("é日本 😀");
            Assert.That(IndexOf(sent.Body, utf8), Is.GreaterThanOrEqualTo(0), "the body holds the UTF-8 bytes, not escapes or '?'");
        }

        [Test]
        public void QueryValuesAreEscapedAndListsCommaJoined()
        {
            _server.Handler = request => Reply.Json(200, request.Path.EndsWith("/bulk") ? "[]" : "{}");

            _client.GetUsersPresencesPurecloudBulk(new[] { "a b", "c&d=e", "f,g", "é" });
#pragma warning disable 618 // the deprecated operation is the one with integer parameters
            _client.GetPresencedefinitions(pageNumber: 2, localeCode: "fr CA&x");
#pragma warning restore 618

            var sent = _server.Taken();
            Assert.That(sent[0].Query, Is.EqualTo("id=a%20b,c%26d%3De,f%2Cg,%C3%A9"));
            Assert.That(Support.DecodedQuery(sent[1].Query), Is.EqualTo(new[] { "pageNumber=2", "localeCode=fr CA&x" }));
        }

        [Test]
        public void StringArgumentsSurviveJsonEscaping()
        {
            const string awkward = "q\"b\\s/\n\t\u0001\u007f é 😀 {\"x\": 1}";
            _server.Handler = request => Reply.Json(200, request.Path.EndsWith("/bulk") ? "[]" : "{}");

            _client.GetUserPresence(awkward, "PURECLOUD");
            _client.GetUsersPresenceBulk("src", new[] { awkward, "plain" });

            var sent = _server.Taken();
            Assert.That(Support.PercentDecode(sent[0].Path.Split('/')[4]), Is.EqualTo(awkward));
            Assert.That(sent[0].Path.Count(c => c == '/'), Is.EqualTo(6), "one segment");
            Assert.That(Support.DecodedQuery(sent[1].Query), Is.EqualTo(new[] { "id=" + awkward + ",plain" }));
        }

        [Test]
        public void ResponsesAreModelsAndCallIsTheRawJsonPath()
        {
            _server.Handler = request => Reply.Empty(204);
            _client.DeletePresenceSource("s1");
            Assert.That(_client.Call("deletePresenceSource", "{\"sourceId\": \"s1\"}"), Is.EqualTo("null"));

            _server.Handler = request => Reply.Json(200, "[{\"id\": \"PURECLOUD\"}]");
            Assert.That(_client.GetSystempresences().Single().Id, Is.EqualTo("PURECLOUD"));
            Assert.That(_client.Call("getSystempresences"), Is.EqualTo("[{\"id\": \"PURECLOUD\"}]"));
        }

        [Test]
        public void CallReachesAnyOperationByItsId()
        {
            _server.Handler = request => Reply.Json(200, "{\"id\": \"u1\"}");

            Assert.That(_client.Call("getUserPresencesPurecloud", "{\"userId\": \"u/1\"}"), Is.EqualTo("{\"id\": \"u1\"}"));
            Assert.That(_client.Call("getPresenceSettings"), Is.EqualTo("{\"id\": \"u1\"}"));
            Assert.That(_client.Call("getPresenceSettings", ""), Is.EqualTo("{\"id\": \"u1\"}"));

            var sent = _server.Taken();
            Assert.That(sent.Select(r => r.Target), Is.EqualTo(new[]
            {
                "/api/v2/users/u%2F1/presences/purecloud", "/api/v2/presence/settings", "/api/v2/presence/settings",
            }));
        }

        [Test]
        public void SetAccessTokenReplacesTheBearerToken()
        {
            _client.GetPresenceSettings();
            _client.SetAccessToken("second-token");
            _client.GetPresenceSettings();

            var sent = _server.Taken();
            Assert.That(sent[0].Header("Authorization"), Is.EqualTo("Bearer " + Support.Token));
            Assert.That(sent[1].Header("Authorization"), Is.EqualTo("Bearer second-token"));
        }

        [Test]
        public void DisposedClientThrowsObjectDisposedException()
        {
            _client.Dispose();

            Assert.Throws<ObjectDisposedException>(() => _client.GetPresenceSettings());
            Assert.Throws<ObjectDisposedException>(() => _client.PatchUserPresence("u1", "s1", new UserPresence()));
            Assert.Throws<ObjectDisposedException>(() => _client.Call("getPresenceSettings", "{}"));
            Assert.Throws<ObjectDisposedException>(() => _client.SetAccessToken("t"));
            Assert.DoesNotThrow(() => _client.Dispose(), "disposing twice is harmless");
            Assert.That(_server.Taken(), Is.Empty);
        }

        [Test]
        public void DisposeDuringACallLetsItFinish()
        {
            var arrived = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            _server.Handler = request =>
            {
                arrived.Set();
                release.Wait(10000);
                return Reply.Json(200, "{\"late\": true}");
            };
            PresenceSettings result = null;
            Exception failure = null;
            var caller = new Thread(() =>
            {
                try
                {
                    result = _client.GetPresenceSettings();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            caller.Start();
            Assert.That(arrived.Wait(10000), Is.True, "the call reached the server");

            _client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => _client.GetPresenceSettings(), "new calls are refused at once");
            release.Set();
            Assert.That(caller.Join(10000), Is.True);

            Assert.That(failure, Is.Null);
            Assert.That(result.ToJson(), Is.EqualTo("{\"late\":true}"), "the running call finished on the native client");
        }

        [Test]
        public void ManyThreadsShareOneClient()
        {
            const int threads = 8, callsEach = 25;
            _server.Handler = request =>
            {
                string userId = Support.PercentDecode(request.Path.Split('/')[4]);
                return Reply.Json(200, "{\"id\": \"" + userId + "\", \"message\": \"é日本\"}");
            };
            var failures = new ConcurrentQueue<string>();
            var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < callsEach; i++)
                {
                    string userId = "user-" + t + "-" + i + "-é";
                    try
                    {
                        string json = _client.GetUserPresencesPurecloud(userId).ToJson();
                        if (json != "{\"id\":\"" + userId + "\",\"message\":\"é日本\"}")
                        {
                            failures.Enqueue(userId + " got " + json);
                        }
                        if (i % 10 == 0)
                        {
                            _client.SetAccessToken(Support.Token);
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(userId + ": " + e);
                    }
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            start.SignalAndWait();
            workers.ForEach(w => Assert.That(w.Join(60000), Is.True, "a worker finished"));

            Assert.That(failures, Is.Empty);
            Assert.That(_server.Taken().Count, Is.EqualTo(threads * callsEach));
        }

        [Test]
        public void VersionAndOperationTableAreReadable()
        {
            StringAssert.IsMatch(@"^\d+\.\d+\.\d+", PresenceClient.NativeVersion);
            var operations = Support.Operations();
            Assert.That(operations.Keys, Has.Member("getUserPresencesPurecloud"));
            Assert.That(operations["patchUserPresence"]["method"], Is.EqualTo("PATCH"));
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                if (!needle.Where((b, j) => haystack[i + j] != b).Any())
                {
                    return i;
                }
            }
            return -1;
        }

        [Test]
        public void LogLinesReachTheHandlerAndAThrowingHandlerIsHarmless()
        {
            using (var client = new PresenceClient(Support.Config(_server.BaseUrl, ", \"logLevel\": \"info\"")))
            {
                var lines = new ConcurrentQueue<string>();
                client.SetLogHandler((level, line) => lines.Enqueue(level + " " + line));
                // Only the client keeps the delegate the library holds: it must survive this.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                _server.Handler = request => Reply.Json(200, "{}", "inin-correlation-id", "corr-1");

                client.GetUserPresencesPurecloud("u1");

                Assert.That(lines.Count, Is.EqualTo(1), string.Join("\n", lines));
                StringAssert.StartsWith("Info GET /api/v2/users/u1/presences/purecloud -> 200 in ", lines.Single());
                StringAssert.Contains("correlation id corr-1", lines.Single());
                StringAssert.DoesNotContain(Support.Token, lines.Single());

                client.SetLogHandler((level, line) => { throw new InvalidOperationException("handler bug"); });
                Assert.That(client.GetUserPresencesPurecloud("u2").ToJson(), Is.EqualTo("{}"));

                client.SetLogHandler(null);
                client.GetUserPresencesPurecloud("u3");
                Assert.That(lines.Count, Is.EqualTo(1), "nothing reaches a replaced handler");
            }
        }

        [Test]
        public void LogLinesFromTheBulkHelpersThreadsReachTheHandler()
        {
            using (var client = new PresenceClient(Support.Config(_server.BaseUrl, ", \"logLevel\": \"info\"")))
            {
                var lines = new ConcurrentQueue<string>();
                client.SetLogHandler((level, line) => lines.Enqueue(line));
                _server.Handler = request => Reply.Json(200, "[]");
                var ids = Enumerable.Range(0, 200).Select(n => "user-" + n).ToArray();

                client.GetUsersPresencesBulkAll(ids, concurrency: 4);

                Assert.That(lines.Count, Is.EqualTo(4), string.Join("\n", lines));
                Assert.That(lines.All(line => line.StartsWith("GET /api/v2/users/presences/purecloud/bulk?id=")), Is.True);
            }
        }

        [Test]
        public void SetLogHandlerAfterDisposeThrows()
        {
            _client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => _client.SetLogHandler((level, line) => { }));
        }

        [Test]
        public void RenewalsWithARefreshTokenRaiseTokenRefreshed()
        {
            _server.Handler = request => request.Path == "/oauth/token"
                ? Reply.Json(200, "{\"access_token\": \"a1\", \"expires_in\": 3600, \"refresh_token\": \"r2\"}")
                : Reply.Json(200, "{}");
            string config = "{\"basePath\": \"" + _server.BaseUrl + "\", \"authBasePath\": \"" + _server.BaseUrl
                + "\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"refreshToken\": \"r1\"}";
            using (var client = new PresenceClient(config))
            {
                var seen = new List<TokenRefreshedEventArgs>();
                client.TokenRefreshed += (sender, args) => seen.Add(args);
                client.TokenRefreshed += (sender, args) => { throw new InvalidOperationException("dropped"); };
                client.GetPresenceSettings();
                Assert.That(seen, Has.Count.EqualTo(1));
                Assert.That(seen[0].RefreshToken, Is.EqualTo("r2"));
                Assert.That(seen[0].AccessToken, Is.EqualTo("a1"));
                Assert.That(seen[0].ExpiresIn, Is.EqualTo(3600));
                var grant = _server.Taken().First(r => r.Path == "/oauth/token");
                Assert.That(grant.BodyText, Is.EqualTo("grant_type=refresh_token&refresh_token=r1"));
            }
        }
    }
}
