namespace Genesys.Presence
{
    /// <summary>
    /// The level of a log line passed to <see cref="PresenceClient.SetLogHandler"/>: the C ABI's
    /// <c>GP_LOG_*</c> constants. The config's <c>logLevel</c> chooses which lines are made.
    /// </summary>
    public enum PresenceLogLevel
    {
        /// <summary>A failure the library cannot work around, e.g. a refused token request.</summary>
        Error = 1,

        /// <summary>A retry about to happen (after a 429, a 5xx or a dropped connection).</summary>
        Warn = 2,

        /// <summary>One line per request attempt.</summary>
        Info = 3,

        /// <summary>Token requests and renewals.</summary>
        Debug = 4,

        /// <summary>Everything the library logs, at any level.</summary>
        Trace = 5,
    }
}
