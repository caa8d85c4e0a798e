using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>A <c>presence-sandbox</c> process (<c>$PRESENCE_SANDBOX</c>, else beside the built library), killed on dispose.</summary>
    internal sealed class Sandbox : IDisposable
    {
        public const string Token = "sandbox-token";
        private readonly Process _process;

        public Sandbox(string flags = "")
        {
            string binary = Environment.GetEnvironmentVariable("PRESENCE_SANDBOX");
            if (string.IsNullOrEmpty(binary))
            {
                binary = Support.RepositoryFile("target/release/presence-sandbox");
            }
            var start = new ProcessStartInfo(binary, "--port 0 --token " + Token + " " + flags)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            _process = Process.Start(start);
            string line = _process.StandardOutput.ReadLine() ?? "";
            Assert.That(line.StartsWith("listening on ", StringComparison.Ordinal), line);
            Url = line.Substring("listening on ".Length).Trim();
        }

        public string Url { get; }

        public PresenceClient Client()
        {
            return new PresenceClient(new PresenceClientOptions { BasePath = Url, AccessToken = Token });
        }

        /// <summary>How many requests the sandbox has answered (<c>/_sandbox/stats</c>).</summary>
        public long Requests()
        {
            using (var web = new WebClient())
            {
                var stats = (System.Collections.Generic.Dictionary<string, object>)Json.Parse(web.DownloadString(Url + "/_sandbox/stats"));
                return (long)(double)stats["requests"];
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
