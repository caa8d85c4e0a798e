using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Genesys.Presence.Tests
{
    /// <summary>
    /// A small JSON reader/writer for the tests (the fixture, request bodies, error bodies):
    /// objects are <see cref="Dictionary{TKey,TValue}"/> of string to object, arrays
    /// <see cref="List{T}"/> of object, numbers double, plus string, bool and null.
    /// </summary>
    internal static class MiniJson
    {
        public static object Parse(string text)
        {
            int pos = 0;
            object value = ReadValue(text, ref pos);
            SkipWhitespace(text, ref pos);
            if (pos != text.Length)
            {
                throw new FormatException("text after the JSON value at " + pos);
            }
            return value;
        }

        public static string Serialize(object value)
        {
            var json = new StringBuilder();
            Write(json, value);
            return json.ToString();
        }

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

        private static void Write(StringBuilder json, object value)
        {
            if (value == null)
            {
                json.Append("null");
            }
            else if (value is bool)
            {
                json.Append((bool)value ? "true" : "false");
            }
            else if (value is double)
            {
                json.Append(((double)value).ToString("R", CultureInfo.InvariantCulture));
            }
            else if (value is string)
            {
                json.Append('"');
                foreach (char c in (string)value)
                {
                    if (c == '"' || c == '\\')
                    {
                        json.Append('\\').Append(c);
                    }
                    else if (c < 0x20)
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }
                }
                json.Append('"');
            }
            else if (value is Dictionary<string, object>)
            {
                json.Append('{');
                bool first = true;
                foreach (var member in (Dictionary<string, object>)value)
                {
                    if (!first)
                    {
                        json.Append(',');
                    }
                    first = false;
                    Write(json, member.Key);
                    json.Append(':');
                    Write(json, member.Value);
                }
                json.Append('}');
            }
            else if (value is List<object>)
            {
                json.Append('[');
                bool first = true;
                foreach (object item in (List<object>)value)
                {
                    if (!first)
                    {
                        json.Append(',');
                    }
                    first = false;
                    Write(json, item);
                }
                json.Append(']');
            }
            else
            {
                throw new ArgumentException("not a JSON value: " + value.GetType());
            }
        }

        private static void SkipWhitespace(string text, ref int pos)
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private static object ReadValue(string text, ref int pos)
        {
            SkipWhitespace(text, ref pos);
            if (pos >= text.Length)
            {
                throw new FormatException("unexpected end of JSON");
            }
            char c = text[pos];
            if (c == '{')
            {
                pos++;
                var map = new Dictionary<string, object>();
                SkipWhitespace(text, ref pos);
                if (text[pos] == '}')
                {
                    pos++;
                    return map;
                }
                while (true)
                {
                    SkipWhitespace(text, ref pos);
                    string key = ReadString(text, ref pos);
                    SkipWhitespace(text, ref pos);
                    Expect(text, ref pos, ':');
                    map[key] = ReadValue(text, ref pos);
                    SkipWhitespace(text, ref pos);
                    if (text[pos] == ',')
                    {
                        pos++;
                        continue;
                    }
                    Expect(text, ref pos, '}');
                    return map;
                }
            }
            if (c == '[')
            {
                pos++;
                var list = new List<object>();
                SkipWhitespace(text, ref pos);
                if (text[pos] == ']')
                {
                    pos++;
                    return list;
                }
                while (true)
                {
                    list.Add(ReadValue(text, ref pos));
                    SkipWhitespace(text, ref pos);
                    if (text[pos] == ',')
                    {
                        pos++;
                        continue;
                    }
                    Expect(text, ref pos, ']');
                    return list;
                }
            }
            if (c == '"')
            {
                return ReadString(text, ref pos);
            }
            foreach (var literal in new[] { Tuple.Create("true", (object)true), Tuple.Create("false", (object)false), Tuple.Create("null", (object)null) })
            {
                if (string.CompareOrdinal(text, pos, literal.Item1, 0, literal.Item1.Length) == 0)
                {
                    pos += literal.Item1.Length;
                    return literal.Item2;
                }
            }
            int start = pos;
            while (pos < text.Length && "+-0123456789.eE".IndexOf(text[pos]) >= 0)
            {
                pos++;
            }
            if (pos == start)
            {
                throw new FormatException("unexpected '" + c + "' at " + pos);
            }
            return double.Parse(text.Substring(start, pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static void Expect(string text, ref int pos, char c)
        {
            if (pos >= text.Length || text[pos] != c)
            {
                throw new FormatException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        private static string ReadString(string text, ref int pos)
        {
            Expect(text, ref pos, '"');
            var value = new StringBuilder();
            while (text[pos] != '"')
            {
                char c = text[pos++];
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                char escape = text[pos++];
                switch (escape)
                {
                    case 'b': value.Append('\b'); break;
                    case 'f': value.Append('\f'); break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case 'u':
                        value.Append((char)int.Parse(text.Substring(pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                        pos += 4;
                        break;
                    default: value.Append(escape); break;
                }
            }
            pos++;
            return value.ToString();
        }
    }
}
