using NUnit.Framework;

namespace Genesys.Presence.Tests
{
    /// <summary>
    /// A fresh capture server and a client of it for every test; afterwards both are
    /// disposed and the server must have seen no protocol error.
    /// </summary>
    public abstract class ClientFixture
    {
        internal CaptureServer _server;
        internal PresenceClient _client;

        [SetUp]
        public void StartServerAndClient()
        {
            _server = new CaptureServer();
            _client = new PresenceClient(Support.Config(_server.BaseUrl));
        }

        [TearDown]
        public void StopServerAndClient()
        {
            _client.Dispose();
            _server.Dispose();
            Assert.That(_server.Errors, Is.Empty, "server errors");
        }
    }
}
