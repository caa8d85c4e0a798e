using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Genesys.Presence.Model
{
    /// <summary>
    /// What every model of <c>Genesys.Presence.Model</c> shares: its JSON (<see cref="ToJson"/>),
    /// the fields it does not know (<see cref="AdditionalProperties"/>, sent back as they came),
    /// equality by that JSON, and <see cref="ToString"/>. The models themselves are generated
    /// (<c>tools/generators/csharp_models.py</c>).
    /// </summary>
    public abstract class ModelBase : IEquatable<ModelBase>
    {
        /// <summary>
        /// The fields of the API's JSON this model does not know, under their JSON names, each as
        /// its JSON text; <see cref="ToJson"/> writes them back, so an answer read and sent back
        /// loses nothing a newer API added.
        /// </summary>
        public IDictionary<string, string> AdditionalProperties { get; } = new Dictionary<string, string>();

        /// <summary>The API's JSON for this model: the properties that are set, under their JSON names.</summary>
        public string ToJson()
        {
            var json = new StringBuilder();
            Write(json);
            return json.ToString();
        }

        internal abstract void Write(StringBuilder json);

        /// <summary>Ends an object <see cref="Write"/> began: the unknown fields, then <c>}</c>.</summary>
        internal void EndObject(StringBuilder json, string separator)
        {
            foreach (var member in AdditionalProperties)
            {
                json.Append(separator);
                Json.WriteString(json, member.Key);
                json.Append(':').Append(member.Value);
                separator = ",";
            }
            json.Append('}');
        }

        /// <summary>The same model with the same JSON.</summary>
        public bool Equals(ModelBase other)
        {
            return other != null && other.GetType() == GetType() && other.ToJson() == ToJson();
        }

        /// <summary>The same model with the same JSON.</summary>
        public override bool Equals(object obj)
        {
            return Equals(obj as ModelBase);
        }

        /// <summary>A hash of the JSON (models are mutable: do not change one used as a key).</summary>
        public override int GetHashCode()
        {
            return ToJson().GetHashCode();
        }

        /// <summary>The class name and the JSON, e.g. <c>UserPresence {"message":"hi"}</c>.</summary>
        public override string ToString()
        {
            return GetType().Name + " " + ToJson();
        }
    }

    /// <summary>The conversions the generated models call, between JSON trees (<see cref="Json.Parse"/>) and properties.</summary>
    internal static class ModelJson
    {
        private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        /// <summary>The tree of JSON text given to a model's <c>FromJson</c>.</summary>
        internal static object Parse(string json, string model)
        {
            if (json == null)
            {
                throw new ArgumentNullException("json");
            }
            try
            {
                return Json.Parse(json);
            }
            catch (FormatException error)
            {
                throw new PresenceException(PresenceErrorKind.Decode, model + ": not JSON: " + error.Message);
            }
        }

        /// <summary>An answer of the API as one <typeparamref name="T"/>.</summary>
        internal static T One<T>(string json, Func<object, string, T> read, string model)
        {
            return read(Parse(json, model), model);
        }

        /// <summary>An answer of the API as a list of <typeparamref name="T"/>.</summary>
        internal static List<T> Many<T>(string json, Func<object, string, T> read, string model)
        {
            return ReadList(Parse(json, model), model, read) ?? new List<T>();
        }

        /// <summary>A request body: the model's JSON.</summary>
        internal static string Body(ModelBase body, string name)
        {
            if (body == null)
            {
                throw new ArgumentNullException(name);
            }
            return body.ToJson();
        }

        /// <summary>A request body: a JSON array of the models' JSON.</summary>
        internal static string Body<T>(IEnumerable<T> body, string name) where T : ModelBase
        {
            if (body == null)
            {
                throw new ArgumentNullException(name);
            }
            var json = new StringBuilder("[");
            int index = 0;
            foreach (T item in body)
            {
                if (item == null)
                {
                    throw new ArgumentException(name + "[" + index + "] is null", name);
                }
                json.Append(index++ > 0 ? "," : "");
                item.Write(json);
            }
            return json.Append(']').ToString();
        }

        internal static Exception Garbled(string where, string expected, object value)
        {
            string text = value == null ? "null" : Json.Serialize(value);
            if (text.Length > 80)
            {
                text = text.Substring(0, 80) + "...";
            }
            return new PresenceException(
                PresenceErrorKind.Decode, where + ": expected " + expected + ", got " + text);
        }

        internal static Dictionary<string, object> ReadObject(object tree, string where)
        {
            var members = tree as Dictionary<string, object>;
            if (members == null)
            {
                throw Garbled(where, "a JSON object", tree);
            }
            return members;
        }

        internal static string ReadString(object value, string where)
        {
            if (value == null || value is string)
            {
                return (string)value;
            }
            throw Garbled(where, "a string", value);
        }

        internal static bool? ReadBool(object value, string where)
        {
            if (value == null || value is bool)
            {
                return (bool?)value;
            }
            throw Garbled(where, "true or false", value);
        }

        internal static int? ReadInt(object value, string where)
        {
            if (value == null)
            {
                return null;
            }
            if (value is double && (double)value == Math.Floor((double)value)
                && (double)value >= int.MinValue && (double)value <= int.MaxValue)
            {
                return (int)(double)value;
            }
            throw Garbled(where, "an integer", value);
        }

        internal static double? ReadDouble(object value, string where)
        {
            if (value == null || value is double)
            {
                return (double?)value;
            }
            throw Garbled(where, "a number", value);
        }

        internal static DateTime? ReadDateTime(object value, string where)
        {
            if (value == null)
            {
                return null;
            }
            var text = value as string;
            DateTime parsed;
            if (text != null && DateTime.TryParse(
                    text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out parsed))
            {
                return parsed;
            }
            throw Garbled(where, "an ISO-8601 date-time", value);
        }

        internal static List<T> ReadList<T>(object value, string where, Func<object, string, T> item)
        {
            if (value == null)
            {
                return null;
            }
            var items = value as List<object>;
            if (items == null)
            {
                throw Garbled(where, "a JSON array", value);
            }
            var list = new List<T>(items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                list.Add(item(items[i], where + "[" + i + "]"));
            }
            return list;
        }

        internal static Dictionary<string, T> ReadMap<T>(object value, string where, Func<object, string, T> item)
        {
            if (value == null)
            {
                return null;
            }
            var members = value as Dictionary<string, object>;
            if (members == null)
            {
                throw Garbled(where, "a JSON object", value);
            }
            var map = new Dictionary<string, T>(members.Count);
            foreach (var member in members)
            {
                map[member.Key] = item(member.Value, where + "[\"" + member.Key + "\"]");
            }
            return map;
        }

        /// <summary>Starts a member of an object being written: the separator, then the name.</summary>
        internal static void Member(StringBuilder json, ref string separator, string name)
        {
            json.Append(separator);
            Json.WriteString(json, name);
            json.Append(':');
            separator = ",";
        }

        internal static void Write(StringBuilder json, string value)
        {
            if (value == null)
            {
                json.Append("null");
            }
            else
            {
                Json.WriteString(json, value);
            }
        }

        internal static void Write(StringBuilder json, bool? value)
        {
            json.Append(value == null ? "null" : value.Value ? "true" : "false");
        }

        internal static void Write(StringBuilder json, int? value)
        {
            json.Append(value == null ? "null" : value.Value.ToString(CultureInfo.InvariantCulture));
        }

        internal static void Write(StringBuilder json, double? value)
        {
            if (value == null)
            {
                json.Append("null");
                return;
            }
            if (double.IsNaN(value.Value) || double.IsInfinity(value.Value))
            {
                throw new ArgumentException("JSON has no " + value.Value.ToString(CultureInfo.InvariantCulture));
            }
            json.Append(value.Value.ToString("R", CultureInfo.InvariantCulture));
        }

        /// <summary>The API's form: UTC, milliseconds, <c>Z</c>. A <see cref="DateTimeKind.Unspecified"/> value is taken as UTC.</summary>
        internal static void Write(StringBuilder json, DateTime? value)
        {
            if (value == null)
            {
                json.Append("null");
                return;
            }
            var utc = value.Value.Kind == DateTimeKind.Local ? value.Value.ToUniversalTime() : value.Value;
            json.Append('"').Append(utc.ToString(DateTimeFormat, CultureInfo.InvariantCulture)).Append('"');
        }

        internal static void Write(StringBuilder json, ModelBase value)
        {
            if (value == null)
            {
                json.Append("null");
            }
            else
            {
                value.Write(json);
            }
        }

        internal static void Write<T>(StringBuilder json, List<T> items, Action<StringBuilder, T> item)
        {
            if (items == null)
            {
                json.Append("null");
                return;
            }
            json.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                json.Append(i > 0 ? "," : "");
                item(json, items[i]);
            }
            json.Append(']');
        }

        internal static void Write<T>(StringBuilder json, Dictionary<string, T> map, Action<StringBuilder, T> item)
        {
            if (map == null)
            {
                json.Append("null");
                return;
            }
            json.Append('{');
            string separator = "";
            foreach (var member in map)
            {
                Member(json, ref separator, member.Key);
                item(json, member.Value);
            }
            json.Append('}');
        }
    }
}
