using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>
    /// Every case of <c>tests/fixtures/official_sdk_requests.json</c> (what the official SDK
    /// sends) replayed through the generated typed methods, and the request compared after
    /// decoding. The library's deliberate differences, asserted as such:
    /// <c>/</c> inside an id is <c>%2F</c> (one segment); empty, <c>.</c> and <c>..</c> ids are
    /// refused before sending; an empty list is left out (the SDK sends <c>id=</c>); null body
    /// fields are sent as given; query spaces are <c>%20</c> and list commas literal; date-times
    /// are sent as the API writes them (UTC, milliseconds, <c>Z</c>; the SDK sends Python's
    /// <c>isoformat()</c>), so they are compared as instants, a date-time without an offset as UTC.
    /// A fixture boolean given for a string parameter (<c>deleted</c>, <c>deactivated</c>) is
    /// passed as <c>"true"</c>/<c>"false"</c>, which is what the SDK sends for it.
    /// </summary>
    [TestFixture]
    public class WireTests : ClientFixture
    {
        private static readonly Dictionary<string, Dictionary<string, object>> Table = Support.Operations();


        public static IEnumerable<TestCaseData> FixtureCases()
        {
            return Support.Fixture().Select(c =>
                new TestCaseData(c).SetName("Fixture: " + c["operationId"] + " / " + c["case"]));
        }

        [TestCaseSource("FixtureCases")]
        public void SendsWhatTheOfficialSdkSends(Dictionary<string, object> fixtureCase)
        {
            string operationId = (string)fixtureCase["operationId"];
            var operation = Table[operationId];
            var input = (Dictionary<string, object>)fixtureCase["params"];
            var sdk = (Dictionary<string, object>)fixtureCase["sent"];
            string reply = ReplyFor(operation);
            _server.Handler = request => reply == "null" ? Reply.Empty(204) : Reply.Json(200, reply);

            MethodInfo method = typeof(PresenceClient).GetMethod(Support.MethodName(operationId));
            Assert.That(method, Is.Not.Null, "a method for " + operationId);
            object[] arguments = Arguments(method, input);

            if (HasUnsendableId(operation, input))
            {
                var error = Assert.Throws<PresenceException>(() => Support.Invoke(_client, method, arguments));
                Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.InvalidArgument));
                Assert.That(_server.Taken(), Is.Empty, "nothing is sent");
                return;
            }

            object result = Support.Invoke(_client, method, arguments);
            Assert.That(JsonAssert.DeepEquals(Json.Parse(Support.ToJson(result)), Json.Parse(reply)), Is.True,
                "the response comes back whole, as its model: " + Support.ToJson(result));
            var seen = _server.Taken();
            Assert.That(seen.Count, Is.EqualTo(1), "one request");
            CapturedRequest sent = seen[0];

            Assert.That(sent.Method, Is.EqualTo(sdk["method"]));
            Assert.That(Support.PercentDecode(sent.Path), Is.EqualTo(Support.PercentDecode((string)sdk["path"])), "decoded path");
            Assert.That(sent.Path.Count(c => c == '/'), Is.EqualTo(((string)operation["path"]).Count(c => c == '/')),
                "every id stays in its own segment: " + sent.Path);
            Assert.That(Support.DecodedQuery(sent.Query), Is.EqualTo(Support.DecodedQuery((string)sdk["query"])), "decoded query");

            var sdkHeaders = (Dictionary<string, object>)sdk["headers"];
            Assert.That(sent.Header("Authorization"), Is.EqualTo("Bearer " + Support.Token));
            Assert.That(sent.Header("Accept"), Is.EqualTo(sdkHeaders["accept"]));
            Assert.That(sent.Header("Content-Type"), Is.EqualTo(sdkHeaders["content-type"]));
            StringAssert.StartsWith("genesys-presence/", sent.Header("User-Agent"));

            if (sdk["body"] == null)
            {
                Assert.That(sent.Body, Is.Empty, "no body");
            }
            else
            {
                object body = JsonAssert.Instants(JsonAssert.WithoutNulls(Json.Parse(sent.BodyText)));
                Assert.That(JsonAssert.DeepEquals(body, JsonAssert.Instants(sdk["body"])), Is.True,
                    "body: sent " + sent.BodyText + ", SDK " + Json.Serialize(sdk["body"]));
            }
        }

        [Test]
        public void EveryOperationHasASendableFixtureCase()
        {
            var cases = Support.Fixture();
            var sendable = cases
                .Where(c => !HasUnsendableId(Table[(string)c["operationId"]], (Dictionary<string, object>)c["params"]))
                .Select(c => (string)c["operationId"])
                .Distinct();
            Assert.That(sendable, Is.EquivalentTo(Table.Keys));
            Assert.That(cases.Count(c => HasUnsendableId(Table[(string)c["operationId"]], (Dictionary<string, object>)c["params"])),
                Is.GreaterThanOrEqualTo(3), "the fixture's '.', '..' and empty ids are exercised");
        }

        /// <summary>The compiled methods match the library's table (the generator's --check compares the source).</summary>
        [Test]
        public void EveryOperationIsAMethodShapedByTheTable()
        {
            var methods = typeof(PresenceClient).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.DeclaringType == typeof(PresenceClient) && !m.IsSpecialName)
                .Select(m => m.Name)
                .Except(new[] { "Call", "CallAsync", "SetAccessToken", "SetLogHandler", "Dispose", "WatchPresence" })
                .Except(new[] { "GetUsersPresencesBulkAll", "PutUsersPresencesBulkAll", "GetPresencedefinitionsAll" })
                .Except(new[] { "GetUsersPresencesBulkAllAsync", "PutUsersPresencesBulkAllAsync", "GetPresencedefinitionsAllAsync" });
            var names = Table.Keys.Select(Support.MethodName).ToList();
            Assert.That(methods, Is.EquivalentTo(names.Concat(names.Select(name => name + "Async"))));

            foreach (var operation in Table.Values)
            {
                string name = Support.MethodName((string)operation["operationId"]);
                MethodInfo method = typeof(PresenceClient).GetMethod(name);
                Assert.That(method.ReturnType, Is.EqualTo(ModelType(operation["response"], typeof(void))), name);
                MethodInfo twin = typeof(PresenceClient).GetMethod(name + "Async");
                Type task = method.ReturnType == typeof(void) ? typeof(Task) : typeof(Task<>).MakeGenericType(method.ReturnType);
                Assert.That(twin.ReturnType, Is.EqualTo(task), name + "Async");
                Assert.That(twin.GetParameters().Select(p => p.ParameterType),
                    Is.EqualTo(method.GetParameters().Select(p => p.ParameterType).Concat(new[] { typeof(CancellationToken) })),
                    name + "Async parameters");
                Assert.That(twin.IsDefined(typeof(ObsoleteAttribute), false), Is.EqualTo(operation["deprecated"]), name + "Async [Obsolete]");
                Assert.That(method.IsDefined(typeof(ObsoleteAttribute), false), Is.EqualTo(operation["deprecated"]), name + " [Obsolete]");

                var tableParams = ((List<object>)operation["params"]).Cast<Dictionary<string, object>>().ToList();
                var expected = tableParams.Where(p => (bool)p["required"]).Select(p => (string)p["name"]).ToList();
                if (operation["body"] != null)
                {
                    expected.Add("body");
                }
                expected.AddRange(tableParams.Where(p => !(bool)p["required"]).Select(p => (string)p["name"]));
                ParameterInfo[] parameters = method.GetParameters();
                Assert.That(parameters.Select(p => p.Name), Is.EqualTo(expected), name + " parameters");
                foreach (ParameterInfo parameter in parameters)
                {
                    var entry = tableParams.FirstOrDefault(p => (string)p["name"] == parameter.Name);
                    bool optional = entry != null && !(bool)entry["required"];
                    Assert.That(parameter.IsOptional, Is.EqualTo(optional), name + "." + parameter.Name + " optional");
                    Type type = entry == null ? ModelType(operation["body"], null, typeof(IEnumerable<>))
                        : (string)entry["type"] == "integer" ? (optional ? typeof(int?) : typeof(int))
                        : (string)entry["type"] == "array" ? typeof(IEnumerable<string>)
                        : typeof(string);
                    Assert.That(parameter.ParameterType, Is.EqualTo(type), name + "." + parameter.Name + " type");
                }
            }
        }

        /// <summary>The model class of a table payload (<c>{"model", "list"}</c>), a list of them as <paramref name="listOf"/>.</summary>
        private static Type ModelType(object payload, Type none, Type listOf = null)
        {
            var shape = payload as Dictionary<string, object>;
            if (shape == null)
            {
                return none;
            }
            Type model = typeof(ModelBase).Assembly.GetType("Genesys.Presence.Model." + shape["model"]);
            return (bool)shape["list"] ? (listOf ?? typeof(List<>)).MakeGenericType(model) : model;
        }

        /// <summary>What the server answers for an operation: its documented shape, recognisable.</summary>
        private static string ReplyFor(Dictionary<string, object> operation)
        {
            var response = operation["response"] as Dictionary<string, object>;
            if (response == null)
            {
                return "null";
            }
            string one = "{\"operation\":\"" + operation["operationId"] + "\",\"text\":\"é日本\"}";
            return (bool)response["list"] ? "[" + one + "]" : one;
        }

        /// <summary>Whether the case gives a path id the library refuses (empty, <c>.</c>, <c>..</c>).</summary>
        private static bool HasUnsendableId(Dictionary<string, object> operation, Dictionary<string, object> input)
        {
            return ((List<object>)operation["params"]).Cast<Dictionary<string, object>>()
                .Where(p => (string)p["in"] == "path" && input.ContainsKey((string)p["name"]))
                .Select(p => input[(string)p["name"]] as string)
                .Any(id => id == "" || id == "." || id == "..");
        }

        /// <summary>The fixture's inputs as the method's arguments, by parameter name.</summary>
        private static object[] Arguments(MethodInfo method, Dictionary<string, object> input)
        {
            ParameterInfo[] parameters = method.GetParameters();
            Assert.That(input.Keys, Is.SubsetOf(parameters.Select(p => p.Name)), "every fixture input is an argument");
            return parameters.Select(p =>
            {
                object value;
                if (!input.TryGetValue(p.Name, out value))
                {
                    Assert.That(p.IsOptional, "required argument " + p.Name + " is in the fixture");
                    return null;
                }
                if (p.Name == "body")
                {
                    return Support.Model(p.ParameterType, value);
                }
                if (p.ParameterType == typeof(int?) || p.ParameterType == typeof(int))
                {
                    return (object)(int)(double)value;
                }
                if (p.ParameterType == typeof(IEnumerable<string>))
                {
                    return ((List<object>)value).Cast<string>().ToList();
                }
                if (value is bool)
                {
                    return (bool)value ? "true" : "false";
                }
                return (string)value;
            }).ToArray();
        }
    }
}
