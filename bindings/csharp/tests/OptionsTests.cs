using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary><see cref="PresenceClientOptions"/>: every config key of the library, and each reaching it.</summary>
    [TestFixture]
    public class OptionsTests : ClientFixture
    {
        /// <summary>The keys the library accepts, as its refusal of an unknown one lists them.</summary>
        private static List<string> LibraryKeys(string config)
        {
            var error = Assert.Throws<PresenceException>(() => new PresenceClient(config).Dispose());
            Match listed = Regex.Match(error.Message, "expected one of (.*) at line");
            Assert.That(listed.Success, error.Message);
            return Regex.Matches(listed.Groups[1].Value, "`(\\w+)`").Cast<Match>().Select(m => m.Groups[1].Value).ToList();
        }

        private static List<string> PropertyKeys(Type options)
        {
            return options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1))
                .ToList();
        }

        [Test]
        public void EveryConfigKeyOfTheLibraryIsAProperty()
        {
            Assert.That(PropertyKeys(typeof(PresenceClientOptions)), Is.EqualTo(LibraryKeys("{\"unknownKey\": 1}")));
            Assert.That(PropertyKeys(typeof(RetryOptions)), Is.EqualTo(LibraryKeys("{\"retry\": {\"unknownKey\": 1}}")));
        }

        [Test]
        public void OptionsBecomeTheConfigJsonLeavingNullsOut()
        {
            var options = new PresenceClientOptions
            {
                BasePath = "http://127.0.0.1:9",
                AccessToken = "t\"q",
                TimeoutMs = 20000,
                AllowInsecureHttp = false,
                Retry = new RetryOptions { MaxRetries = 0 },
                MaxResponseBytes = 1024,
            };
            Assert.That(options.ToJson(), Is.EqualTo(
                "{\"basePath\":\"http://127.0.0.1:9\",\"accessToken\":\"t\\\"q\",\"timeoutMs\":20000,"
                + "\"retry\":{\"maxRetries\":0},\"allowInsecureHttp\":false,\"maxResponseBytes\":1024}"));
            Assert.That(new PresenceClientOptions().ToJson(), Is.EqualTo("{}"));
        }

        [Test]
        public void MaxResponseBytesReachesTheLibrary()
        {
            _server.Handler = request => Reply.Json(200, "{\"id\": \"" + new string('x', 200) + "\"}");
            var options = new PresenceClientOptions
            {
                BasePath = _server.BaseUrl,
                AccessToken = Support.Token,
                Retry = new RetryOptions { MaxRetries = 0 },
                MaxResponseBytes = 100,
            };
            using (var client = new PresenceClient(options))
            {
                var error = Assert.Throws<PresenceException>(() => client.GetPresenceSettings());
                StringAssert.Contains("larger than 100 bytes", error.Message);
            }
            options.MaxResponseBytes = null;
            using (var client = new PresenceClient(options))
            {
                StringAssert.Contains("xxxx", client.GetPresenceSettings().ToJson());
            }
        }

        [Test]
        public void ASecretWithQuotesAndBackslashesReachesTheTokenEndpointWhole()
        {
            const string secret = "se\"cr\\et {\"x\": 1}";
            string credentials = null;
            _server.Handler = request =>
            {
                if (request.Path == "/oauth/token")
                {
                    credentials = Encoding.UTF8.GetString(Convert.FromBase64String(request.Header("Authorization").Substring("Basic ".Length)));
                    return Reply.Json(200, "{\"access_token\": \"minted\", \"token_type\": \"bearer\", \"expires_in\": 3600}");
                }
                return Reply.Json(200, "{\"id\": \"u1\"}");
            };
            var options = new PresenceClientOptions
            {
                BasePath = _server.BaseUrl,
                AuthBasePath = _server.BaseUrl,
                ClientId = "client \\ \"id\"",
                ClientSecret = secret,
            };
            using (var client = new PresenceClient(options))
            {
                Assert.That(client.GetUserPresencesPurecloud("u1").Id, Is.EqualTo("u1"));
            }
            Assert.That(credentials, Is.EqualTo("client \\ \"id\":" + secret));
        }

        [Test]
        public void NullOptionsAreRefused()
        {
            Assert.Throws<ArgumentNullException>(() => new PresenceClient((PresenceClientOptions)null));
        }
    }
}
