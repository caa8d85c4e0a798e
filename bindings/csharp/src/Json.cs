using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Genesys.Presence
{
    /// <summary>
    /// The little JSON the wrapper needs, without a JSON library (mono's <c>mcs</c> profile has
    /// neither System.Text.Json nor JavaScriptSerializer): writing strings, checking that a
    /// text is exactly one JSON value, and reading the flat error object with the raw text of
    /// each member.
    /// </summary>
    internal static class Json
    {
        /// <summary>Deeper than this is refused here; the library's own limit is lower.</summary>
        private const int MaxDepth = 512;

        /// <summary>Appends <paramref name="value"/> as a JSON string literal.</summary>
        internal static void WriteString(StringBuilder json, string value)
        {
            json.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': json.Append("\\\""); break;
                    case '\\': json.Append("\\\\"); break;
                    case '\n': json.Append("\\n"); break;
                    case '\r': json.Append("\\r"); break;
                    case '\t': json.Append("\\t"); break;
                    case '\b': json.Append("\\b"); break;
                    case '\f': json.Append("\\f"); break;
                    default:
                        if (c < 0x20)
                        {
                            json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            json.Append(c);
                        }
                        break;
                }
            }
            json.Append('"');
        }

        /// <summary>
        /// Whether <paramref name="text"/> is one JSON value, optionally surrounded by whitespace;
        /// otherwise <paramref name="error"/> says what is wrong and where.
        /// </summary>
        internal static bool IsSingleValue(string text, out string error)
        {
            try
            {
                var reader = new Reader(text);
                reader.SkipWhitespace();
                reader.SkipValue(0);
                reader.SkipWhitespace();
                if (!reader.AtEnd)
                {
                    throw reader.Fail("unexpected text after the value");
                }
                error = null;
                return true;
            }
            catch (FormatException e)
            {
                error = e.Message;
                return false;
            }
        }

        /// <summary>
        /// The members of a JSON object, each as the raw JSON text of its value (a nested value
        /// is returned whole). Throws <see cref="FormatException"/> if the text is not one object.
        /// </summary>
        internal static Dictionary<string, string> ReadObjectMembers(string text)
        {
            var members = new Dictionary<string, string>(StringComparer.Ordinal);
            var reader = new Reader(text);
            reader.SkipWhitespace();
            reader.Expect('{');
            reader.SkipWhitespace();
            if (!reader.TryConsume('}'))
            {
                do
                {
                    reader.SkipWhitespace();
                    string name = reader.ReadString();
                    reader.SkipWhitespace();
                    reader.Expect(':');
                    reader.SkipWhitespace();
                    int start = reader.Position;
                    reader.SkipValue(1);
                    members[name] = text.Substring(start, reader.Position - start);
                    reader.SkipWhitespace();
                }
                while (reader.TryConsume(','));
                reader.Expect('}');
            }
            reader.SkipWhitespace();
            if (!reader.AtEnd)
            {
                throw reader.Fail("unexpected text after the object");
            }
            return members;
        }

        /// <summary>
        /// <paramref name="text"/> as a tree: an object is a <see cref="Dictionary{TKey,TValue}"/>
        /// of string to object, an array a <see cref="List{T}"/> of object, a number a double,
        /// and a string, bool or null itself. Throws <see cref="FormatException"/> if the text is
        /// not exactly one JSON value.
        /// </summary>
        internal static object Parse(string text)
        {
            var reader = new Reader(text);
            reader.SkipWhitespace();
            object value = reader.Value(0, true);
            reader.SkipWhitespace();
            if (!reader.AtEnd)
            {
                throw reader.Fail("unexpected text after the value");
            }
            return value;
        }

        /// <summary>A tree as <see cref="Parse"/> returns it, written as JSON text.</summary>
        internal static string Serialize(object value)
        {
            var json = new StringBuilder();
            Write(json, value);
            return json.ToString();
        }

        private static void Write(StringBuilder json, object value)
        {
            var members = value as Dictionary<string, object>;
            var items = value as List<object>;
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
                WriteString(json, (string)value);
            }
            else if (members != null)
            {
                json.Append('{');
                string separator = "";
                foreach (var member in members)
                {
                    json.Append(separator);
                    WriteString(json, member.Key);
                    json.Append(':');
                    Write(json, member.Value);
                    separator = ",";
                }
                json.Append('}');
            }
            else if (items != null)
            {
                json.Append('[');
                for (int i = 0; i < items.Count; i++)
                {
                    json.Append(i > 0 ? "," : "");
                    Write(json, items[i]);
                }
                json.Append(']');
            }
            else
            {
                throw new ArgumentException("not a JSON tree: " + value.GetType());
            }
        }

        /// <summary>The value of a JSON string literal (the whole of <paramref name="literal"/>).</summary>
        internal static string ParseString(string literal)
        {
            var reader = new Reader(literal);
            string value = reader.ReadString();
            if (!reader.AtEnd)
            {
                throw reader.Fail("unexpected text after the string");
            }
            return value;
        }

        /// <summary>A strict, position-tracking reader over JSON text.</summary>
        private sealed class Reader
        {
            private readonly string _text;
            private int _pos;

            internal Reader(string text)
            {
                _text = text;
            }

            internal int Position => _pos;

            internal bool AtEnd => _pos == _text.Length;

            internal FormatException Fail(string what)
            {
                return new FormatException(what + " at offset " + _pos.ToString(CultureInfo.InvariantCulture));
            }

            internal void SkipWhitespace()
            {
                while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
                {
                    _pos++;
                }
            }

            internal bool TryConsume(char c)
            {
                if (_pos < _text.Length && _text[_pos] == c)
                {
                    _pos++;
                    return true;
                }
                return false;
            }

            internal void Expect(char c)
            {
                if (!TryConsume(c))
                {
                    throw Fail(AtEnd ? "expected '" + c + "' but the text ended" : "expected '" + c + "'");
                }
            }

            /// <summary>Moves past one value, checking its grammar; strings are skipped whole, so brackets inside them do not count.</summary>
            internal void SkipValue(int depth)
            {
                Value(depth, false);
            }

            /// <summary>Reads one value, checking its grammar, and returns it as a tree
            /// (see <see cref="Json.Parse"/>) when <paramref name="keep"/>, else null.</summary>
            internal object Value(int depth, bool keep)
            {
                if (depth > MaxDepth)
                {
                    throw Fail("nested too deeply");
                }
                if (AtEnd)
                {
                    throw Fail("expected a value but the text ended");
                }
                switch (_text[_pos])
                {
                    case '{':
                        _pos++;
                        var members = keep ? new Dictionary<string, object>(StringComparer.Ordinal) : null;
                        SkipWhitespace();
                        if (TryConsume('}'))
                        {
                            return members;
                        }
                        do
                        {
                            SkipWhitespace();
                            string name = ReadString();
                            SkipWhitespace();
                            Expect(':');
                            SkipWhitespace();
                            object member = Value(depth + 1, keep);
                            if (keep)
                            {
                                members[name] = member;
                            }
                            SkipWhitespace();
                        }
                        while (TryConsume(','));
                        Expect('}');
                        return members;
                    case '[':
                        _pos++;
                        var items = keep ? new List<object>() : null;
                        SkipWhitespace();
                        if (TryConsume(']'))
                        {
                            return items;
                        }
                        do
                        {
                            SkipWhitespace();
                            object item = Value(depth + 1, keep);
                            if (keep)
                            {
                                items.Add(item);
                            }
                            SkipWhitespace();
                        }
                        while (TryConsume(','));
                        Expect(']');
                        return items;
                    case '"':
                        return ReadString();
                    case 't':
                        Literal("true");
                        return true;
                    case 'f':
                        Literal("false");
                        return false;
                    case 'n':
                        Literal("null");
                        return null;
                    default:
                        int start = _pos;
                        SkipNumber();
                        return keep
                            ? (object)double.Parse(_text.Substring(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture)
                            : null;
                }
            }

            private void Literal(string word)
            {
                if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
                {
                    throw Fail("invalid literal");
                }
                _pos += word.Length;
            }

            private void SkipNumber()
            {
                int start = _pos;
                TryConsume('-');
                if (!TryConsume('0') && !SkipDigits())
                {
                    _pos = start;
                    throw Fail("expected a value");
                }
                if (TryConsume('.') && !SkipDigits())
                {
                    throw Fail("expected a digit after the decimal point");
                }
                if (TryConsume('e') || TryConsume('E'))
                {
                    if (!TryConsume('+'))
                    {
                        TryConsume('-');
                    }
                    if (!SkipDigits())
                    {
                        throw Fail("expected a digit in the exponent");
                    }
                }
            }

            private bool SkipDigits()
            {
                int start = _pos;
                while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
                {
                    _pos++;
                }
                return _pos > start;
            }

            internal string ReadString()
            {
                Expect('"');
                var value = new StringBuilder();
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Fail("unterminated string");
                    }
                    char c = _text[_pos++];
                    if (c == '"')
                    {
                        return value.ToString();
                    }
                    if (c < 0x20)
                    {
                        _pos--;
                        throw Fail("control character in a string");
                    }
                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }
                    if (AtEnd)
                    {
                        throw Fail("unterminated string");
                    }
                    char escape = _text[_pos++];
                    switch (escape)
                    {
                        case '"': value.Append('"'); break;
                        case '\\': value.Append('\\'); break;
                        case '/': value.Append('/'); break;
                        case 'b': value.Append('\b'); break;
                        case 'f': value.Append('\f'); break;
                        case 'n': value.Append('\n'); break;
                        case 'r': value.Append('\r'); break;
                        case 't': value.Append('\t'); break;
                        case 'u':
                            int code;
                            if (_pos + 4 > _text.Length
                                || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                            {
                                throw Fail("invalid \\u escape");
                            }
                            value.Append((char)code);
                            _pos += 4;
                            break;
                        default:
                            _pos--;
                            throw Fail("invalid escape");
                    }
                }
            }
        }
    }

    /// <summary>Builds the <c>params_json</c> object of one call (or the config object of a
    /// client) from typed arguments.</summary>
    internal sealed class ParamsWriter
    {
        private readonly string _operationId;
        private readonly StringBuilder _json = new StringBuilder("{");

        internal ParamsWriter(string operationId)
        {
            _operationId = operationId;
        }

        internal void Required(string name, string value)
        {
            if (value == null)
            {
                throw new ArgumentNullException(name);
            }
            Optional(name, value);
        }

        internal void Required(string name, int value)
        {
            Optional(name, (int?)value);
        }

        internal void Required(string name, IEnumerable<string> values)
        {
            if (values == null)
            {
                throw new ArgumentNullException(name);
            }
            Optional(name, values);
        }

        internal void Optional(string name, string value)
        {
            if (value == null)
            {
                return;
            }
            Member(name);
            Json.WriteString(_json, value);
        }

        internal void Optional(string name, int? value)
        {
            if (!value.HasValue)
            {
                return;
            }
            Member(name);
            _json.Append(value.Value.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>A list parameter; a null item is sent as JSON null, which the library refuses.</summary>
        internal void Optional(string name, IEnumerable<string> values)
        {
            if (values == null)
            {
                return;
            }
            Member(name);
            _json.Append('[');
            bool first = true;
            foreach (string value in values)
            {
                if (!first)
                {
                    _json.Append(',');
                }
                first = false;
                if (value == null)
                {
                    _json.Append("null");
                }
                else
                {
                    Json.WriteString(_json, value);
                }
            }
            _json.Append(']');
        }

        internal void Optional(string name, long? value)
        {
            if (!value.HasValue)
            {
                return;
            }
            Member(name);
            _json.Append(value.Value.ToString(CultureInfo.InvariantCulture));
        }

        internal void Optional(string name, bool? value)
        {
            if (!value.HasValue)
            {
                return;
            }
            Member(name);
            _json.Append(value.Value ? "true" : "false");
        }

        /// <summary>A member whose value another writer made (a nested object).</summary>
        internal void Optional(string name, ParamsWriter value)
        {
            if (value == null)
            {
                return;
            }
            Member(name);
            _json.Append(value.ToString());
        }

        /// <summary>
        /// The request body: the caller's JSON text, inserted as it is once checked to be exactly
        /// one JSON value (so it cannot add or override other parameters).
        /// </summary>
        internal void Body(string json)
        {
            if (json == null)
            {
                throw new ArgumentNullException("body");
            }
            string error;
            if (!Json.IsSingleValue(json, out error))
            {
                throw new PresenceException(
                    PresenceErrorKind.InvalidArgument,
                    _operationId + ": body is not one JSON value: " + error);
            }
            Member("body");
            _json.Append(json);
        }

        private void Member(string name)
        {
            if (_json.Length > 1)
            {
                _json.Append(',');
            }
            Json.WriteString(_json, name);
            _json.Append(':');
        }

        public override string ToString()
        {
            return _json.ToString() + "}";
        }
    }
}
