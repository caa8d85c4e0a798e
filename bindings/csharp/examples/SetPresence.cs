// Creates a "Focus time" presence, sets a user to it, reads it back, reads fifty users at
// once with the Async methods and shows an error, against the local sandbox (or your org:
// see the options below).
//
//     presence-sandbox --port 0          # prints: listening on http://127.0.0.1:PORT
//     mono SetPresence.exe http://127.0.0.1:PORT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Genesys.Presence;
using Genesys.Presence.Model;

internal static class SetPresence
{
    private static int Main(string[] args)
    {
        string url = args.Length > 0 ? args[0] : "http://127.0.0.1:8080";
        // For a real org: Environment = "mypurecloud.ie", ClientId = "...", ClientSecret = "...".
        var options = new PresenceClientOptions
        {
            BasePath = url,
            AuthBasePath = url,
            ClientId = "sandbox-client",
            ClientSecret = "sandbox-secret",
        };
        using (var client = new PresenceClient(options))
        {
            Console.WriteLine("system presences: "
                + string.Join(", ", client.GetSystempresences().Select(presence => presence.Name)));

            OrganizationPresenceDefinition created = client.PostPresenceDefinitions(new OrganizationPresenceDefinition
            {
                LanguageLabels = new Dictionary<string, string> { { "en_US", "Focus time" }, { "ja", "集中" } },
                SystemPresence = "Busy",
            });
            Console.WriteLine("created definition " + created.Id);

            const string userId = "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13";
            client.PatchUserPresencesPurecloud(userId, new UserPresence
            {
                PresenceDefinition = new PresenceDefinition { Id = created.Id },
                Message = "Heads down, café later",
            });
            UserPresence now = client.GetUserPresencesPurecloud(userId);
            Console.WriteLine("presence now: " + now.PresenceDefinition.SystemPresence + ", \"" + now.Message + "\"");

            // Many calls at once, each on a thread of its own.
            var reads = Enumerable.Range(0, 50).Select(i => client.GetUserPresencesPurecloudAsync("user-" + i));
            UserPresence[] everyone = Task.WhenAll(reads).Result;
            Console.WriteLine("read " + everyone.Length + " users at once");

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
}
