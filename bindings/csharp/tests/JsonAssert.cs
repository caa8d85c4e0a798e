using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Genesys.Presence.Tests
{
    /// <summary>
    /// Comparisons of JSON trees as the wrapper's <see cref="Json.Parse"/> returns them (the
    /// tests read JSON with the wrapper's own reader).
    /// </summary>
    internal static class JsonAssert
    {
        /// <summary>Structural equality (object member order does not matter).</summary>
        public static bool DeepEquals(object a, object b)
        {
            var da = a as Dictionary<string, object>;
            var db = b as Dictionary<string, object>;
            if (da != null || db != null)
            {
                return da != null && db != null && da.Count == db.Count
                    && da.All(member => db.ContainsKey(member.Key) && DeepEquals(member.Value, db[member.Key]));
            }
            var la = a as List<object>;
            var lb = b as List<object>;
            if (la != null || lb != null)
            {
                return la != null && lb != null && la.Count == lb.Count
                    && la.Zip(lb, DeepEquals).All(equal => equal);
            }
            return Equals(a, b);
        }

        /// <summary>The value with every ISO-8601 date-time string as its UTC instant, recursively.</summary>
        public static object Instants(object value)
        {
            var text = value as string;
            DateTime instant;
            if (text != null && text.Length > 10 && text[10] == 'T' && DateTime.TryParse(
                    text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out instant))
            {
                return instant.ToString("o", CultureInfo.InvariantCulture);
            }
            var map = value as Dictionary<string, object>;
            if (map != null)
            {
                return map.ToDictionary(member => member.Key, member => Instants(member.Value));
            }
            var list = value as List<object>;
            return list != null ? list.Select(Instants).ToList() : value;
        }

        /// <summary>The value with every null object member removed, recursively.</summary>
        public static object WithoutNulls(object value)
        {
            var map = value as Dictionary<string, object>;
            if (map != null)
            {
                return map.Where(member => member.Value != null)
                    .ToDictionary(member => member.Key, member => WithoutNulls(member.Value));
            }
            var list = value as List<object>;
            return list != null ? list.Select(WithoutNulls).ToList() : value;
        }
    }
}
