// Creates a "Focus time" presence, sets a user to it, reads it back and shows an error,
// against the local sandbox (or your org: see the config below).
//
//     presence-sandbox --port 0          # prints: listening on http://127.0.0.1:PORT
//     mono SetPresence.exe http://127.0.0.1:PORT
using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Genesys.Presence;

internal static class SetPresence
{
    private static int Main(string[] args)
    {
        string url = args.Length > 0 ? args[0] : "http://127.0.0.1:8080";
        // For a real org: {"environment": "mypurecloud.ie", "clientId": "...", "clientSecret": "..."}.
        string config = "{\"basePath\": \"" + url + "\", \"authBasePath\": \"" + url + "\", "
            + "\"clientId\": \"sandbox-client\", \"clientSecret\": \"sandbox-secret\"}";

        using (var client = new PresenceClient(config))
        {
            Console.WriteLine("system presences: " + client.GetSystempresences());

            string created = client.PostPresenceDefinitions(
                "{\"languageLabels\": {\"en_US\": \"Focus time\", \"ja\": \"集中\"}, \"systemPresence\": \"Busy\"}");
            string definitionId = StringField(created, "id");
            Console.WriteLine("created definition " + definitionId);

            const string userId = "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13";
            client.PatchUserPresencesPurecloud(userId,
                "{\"presenceDefinition\": {\"id\": \"" + definitionId + "\"}, \"message\": \"Heads down, café later\"}");
            Console.WriteLine("presence now: " + client.GetUserPresencesPurecloud(userId));

            // One client serves many threads at once.
            Parallel.For(0, 4, i => client.GetUserPresencesPurecloud("user-" + i));

            try
            {
                client.GetPresenceDefinition("no-such-definition");
            }
            catch (PresenceException e) when (e.Kind == PresenceErrorKind.Http && e.Status == 404)
            {
                Console.WriteLine("expected error: " + e.Message + " (code " + e.Code + ", correlation id " + e.CorrelationId + ")");
            }
        }
        return 0;
    }

    // Responses are JSON text: read them with your JSON library (System.Text.Json, Json.NET).
    // This example keeps to what mono's class library has, and reads one top-level string.
    private static string StringField(string json, string name)
    {
        return Regex.Match(json, "\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").Groups[1].Value;
    }
}
