// Keeps one user's presence in view: watches it, changes it, and prints what the watch
// reports until the change shows up, against the local sandbox (or your org: see the
// options below).
//
//     presence-sandbox --port 0          # prints: listening on http://127.0.0.1:PORT
//     mono WatchPresence.exe http://127.0.0.1:PORT
using System;
using System.Threading;
using Genesys.Presence;
using Genesys.Presence.Model;

internal static class WatchPresence
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
        const string userId = "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13";
        const string message = "Watched by genesys-presence";
        using (var client = new PresenceClient(options))
        using (var watch = client.WatchPresence(new[] { userId }, initial: true))
        using (var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            // The watch is live: a change made from now on is reported.
            client.PatchUserPresencesPurecloud(userId, new UserPresence { Message = message });
            foreach (PresenceEvent e in watch.Events(giveUp.Token))
            {
                Console.WriteLine(e);
                if (e.Type == "presence" && e.Presence.Message == message)
                {
                    Console.WriteLine("seen: " + e.UserId + " " + e.Presence.PresenceDefinition.SystemPresence + " \"" + e.Presence.Message + "\"");
                    return 0;
                }
            }
        }
        return 1;
    }
}
