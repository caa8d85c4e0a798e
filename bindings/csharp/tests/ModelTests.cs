using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Genesys.Presence.Model;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>
    /// The generated models of <c>Genesys.Presence.Model</c>, on the answers recorded from the
    /// official SDK (<c>tests/fixtures/official_sdk_models.json</c>): the same properties, and
    /// the API's JSON read and written back whole, unknown fields and enum values included.
    /// </summary>
    [TestFixture]
    public class ModelTests
    {
        private static Dictionary<string, object> Recorded()
        {
            string path = Support.RepositoryFile("tests/fixtures/official_sdk_models.json");
            var fixture = (Dictionary<string, object>)Json.Parse(File.ReadAllText(path, Encoding.UTF8));
            return (Dictionary<string, object>)fixture["models"];
        }

        public static IEnumerable<TestCaseData> Samples()
        {
            foreach (var model in Recorded())
            {
                var entry = (Dictionary<string, object>)model.Value;
                foreach (Dictionary<string, object> sample in (List<object>)entry["samples"])
                {
                    yield return new TestCaseData(model.Key, Json.Serialize(sample["wire"]))
                        .SetName(model.Key + ": " + sample["case"]);
                }
            }
        }

        private static Type ModelType(string name)
        {
            Type type = typeof(ModelBase).Assembly.GetType("Genesys.Presence.Model." + name);
            Assert.That(type, Is.Not.Null, name);
            return type;
        }

        private static ModelBase Read(string model, string json)
        {
            MethodInfo fromJson = ModelType(model).GetMethod("FromJson", BindingFlags.Public | BindingFlags.Static);
            return (ModelBase)fromJson.Invoke(null, new object[] { json });
        }

        [Test]
        public void EveryModelHasThePropertiesOfTheSdksFields()
        {
            foreach (var model in Recorded())
            {
                var attributes = (Dictionary<string, object>)((Dictionary<string, object>)model.Value)["attributes"];
                var expected = attributes.Values.Cast<string>()
                    .Select(json => char.ToUpperInvariant(json[0]) + json.Substring(1))
                    .Select(name => name == model.Key ? "_" + name : name)
                    .OrderBy(name => name, StringComparer.Ordinal);
                var properties = ModelType(model.Key).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Select(property => property.Name)
                    .Where(name => name != "AdditionalProperties")
                    .OrderBy(name => name, StringComparer.Ordinal);
                Assert.That(properties, Is.EqualTo(expected), model.Key);
            }
        }

        [TestCaseSource("Samples")]
        public void TheApisJsonRoundTripsWhole(string model, string wire)
        {
            ModelBase read = Read(model, wire);
            Assert.That(JsonAssert.DeepEquals(Json.Parse(read.ToJson()), Json.Parse(wire)), read.ToJson());
            Assert.That(Read(model, read.ToJson()), Is.EqualTo(read));
        }

        [Test]
        public void PropertiesAreTyped()
        {
            var presence = UserPresence.FromJson(
                "{\"presenceDefinition\": {\"id\": \"p\", \"systemPresence\": \"Busy\"}, \"primary\": true,"
                + " \"modifiedDate\": \"2026-12-07T06:30:00.123Z\", \"addedLater\": {\"a\": [1, \"two\"]}}");
            Assert.That(presence.PresenceDefinition.SystemPresence, Is.EqualTo("Busy"));
            Assert.That(presence.Primary, Is.True);
            Assert.That(presence.ModifiedDate, Is.EqualTo(new DateTime(2026, 12, 7, 6, 30, 0, 123, DateTimeKind.Utc)));
            Assert.That(presence.ModifiedDate.Value.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(presence.AdditionalProperties["addedLater"], Is.EqualTo("{\"a\":[1,\"two\"]}"));
            var listing = OrganizationPresenceEntityListing.FromJson(
                "{\"entities\": [{\"id\": \"a\", \"languageLabels\": {\"en_US\": \"Away\"}}], \"total\": 1}");
            Assert.That(listing.Entities[0].LanguageLabels["en_US"], Is.EqualTo("Away"));
            Assert.That(listing.Total, Is.EqualTo(1));
            var definition = OrganizationPresenceDefinition.FromJson("{\"type\": \"AddedLater\"}");
            Assert.That(definition.Type, Is.EqualTo("AddedLater"), "an enum value the API adds later is kept");
            Assert.That(definition.ToJson(), Is.EqualTo("{\"type\":\"AddedLater\"}"));
        }

        [Test]
        public void BuiltWithInitializersAndWrittenAsTheApiReadsThem()
        {
            var presence = new UserPresence
            {
                PresenceDefinition = new PresenceDefinition { Id = "busy-id" },
                Message = "say \"hi\" \\ bye",
                ModifiedDate = new DateTime(2026, 12, 7, 8, 30, 0, DateTimeKind.Utc),
            };
            Assert.That(
                presence.ToJson(),
                Is.EqualTo("{\"presenceDefinition\":{\"id\":\"busy-id\"},\"message\":\"say \\\"hi\\\" \\\\ bye\","
                    + "\"modifiedDate\":\"2026-12-07T08:30:00.000Z\"}"));
            Assert.That(presence, Is.EqualTo(UserPresence.FromJson(presence.ToJson())));
            Assert.That(presence.ToString().StartsWith("UserPresence {", StringComparison.Ordinal), presence.ToString());
            Assert.That(new UserPresence(), Is.Not.EqualTo(new MutableUserPresence()));
        }

        [TestCase("{\"modifiedDate\": \"yesterday\"}", "UserPresence.ModifiedDate: expected an ISO-8601 date-time, got \"yesterday\"")]
        [TestCase("{\"primary\": \"yes\"}", "UserPresence.Primary: expected true or false, got \"yes\"")]
        [TestCase("{\"presenceDefinition\": \"busy\"}", "UserPresence.PresenceDefinition: expected a JSON object, got \"busy\"")]
        [TestCase("[]", "UserPresence: expected a JSON object, got []")]
        [TestCase("{\"id\": ", "UserPresence: not JSON")]
        public void AGarbledAnswerIsADecodeError(string json, string message)
        {
            var error = Assert.Throws<PresenceException>(() => UserPresence.FromJson(json));
            Assert.That(error.Kind, Is.EqualTo(PresenceErrorKind.Decode));
            Assert.That(error.Message.StartsWith(message, StringComparison.Ordinal), error.Message);
            Assert.Throws<ArgumentNullException>(() => UserPresence.FromJson(null));
        }
    }
}
