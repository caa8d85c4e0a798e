using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Genesys.Presence.Model;

namespace Genesys.Presence.Tests
{
    internal static class Support
    {
        public const string Token = "test-token";

        /// <summary>A config for a client of <paramref name="baseUrl"/>, retries off so failures are quick.</summary>
        public static string Config(string baseUrl, string extra = "")
        {
            return "{\"basePath\": \"" + baseUrl + "\", \"accessToken\": \"" + Token + "\", "
                + "\"retry\": {\"maxRetries\": 0}, \"timeoutMs\": 10000, \"connectTimeoutMs\": 2000" + extra + "}";
        }

        /// <summary>The operation table of the library under test, by operationId.</summary>
        public static Dictionary<string, Dictionary<string, object>> Operations()
        {
            return ((List<object>)Json.Parse(PresenceClient.OperationsJson))
                .Cast<Dictionary<string, object>>()
                .ToDictionary(op => (string)op["operationId"]);
        }

        public static string MethodName(string operationId)
        {
            return char.ToUpperInvariant(operationId[0]) + operationId.Substring(1);
        }

        /// <summary>Calls a generated method by reflection, unwrapping its exception.</summary>
        public static object Invoke(PresenceClient client, MethodInfo method, object[] arguments)
        {
            try
            {
                return method.Invoke(client, arguments);
            }
            catch (TargetInvocationException e)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        /// <summary>A method's result as JSON text: a model's, a list of them, or <c>null</c>.</summary>
        public static string ToJson(object result)
        {
            var model = result as ModelBase;
            if (model != null)
            {
                return model.ToJson();
            }
            var models = result as IEnumerable<ModelBase>;
            return models != null ? "[" + string.Join(",", models.Select(m => m.ToJson())) + "]" : "null";
        }

        /// <summary>A JSON tree as a value of a body parameter's type: a model, or a list of them.</summary>
        public static object Model(Type type, object tree)
        {
            bool many = type.IsGenericType;
            Type model = many ? type.GetGenericArguments()[0] : type;
            MethodInfo fromJson = model.GetMethod("FromJson", BindingFlags.Public | BindingFlags.Static);
            Func<object, object> read = item => fromJson.Invoke(null, new object[] { Json.Serialize(item) });
            if (!many)
            {
                return read(tree);
            }
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(model));
            foreach (object item in (List<object>)tree)
            {
                list.Add(read(item));
            }
            return list;
        }

        /// <summary>The fixture of what the official SDK sends: <c>$GENESYS_PRESENCE_FIXTURES</c>, else found above the test assembly.</summary>
        public static List<Dictionary<string, object>> Fixture()
        {
            string path = Environment.GetEnvironmentVariable("GENESYS_PRESENCE_FIXTURES");
            if (string.IsNullOrEmpty(path))
            {
                path = RepositoryFile("tests/fixtures/official_sdk_requests.json");
            }
            return ((List<object>)Json.Parse(File.ReadAllText(path, Encoding.UTF8)))
                .Cast<Dictionary<string, object>>()
                .ToList();
        }

        /// <summary>A file of the repository, found above the test assembly.</summary>
        public static string RepositoryFile(string relative)
        {
            var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(Support).Assembly.Location));
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, relative)))
            {
                dir = dir.Parent;
            }
            if (dir == null)
            {
                throw new FileNotFoundException("not found above the test assembly: " + relative);
            }
            return Path.Combine(dir.FullName, relative);
        }

        /// <summary>Percent-decodes as UTF-8 (<c>+</c> stays <c>+</c>).</summary>
        public static string PercentDecode(string text)
        {
            var bytes = new List<byte>();
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
                {
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                }
            }
            return new UTF8Encoding(false, true).GetString(bytes.ToArray());
        }

        /// <summary>A query string form-decoded into its pairs, in order, leaving out empty values.</summary>
        public static List<string> DecodedQuery(string query)
        {
            return query.Split('&')
                .Where(pair => pair.Length > 0)
                .Select(pair => pair.Split(new[] { '=' }, 2))
                .Select(kv => new[] { FormDecode(kv[0]), kv.Length > 1 ? FormDecode(kv[1]) : "" })
                .Where(kv => kv[1].Length > 0)
                .Select(kv => kv[0] + "=" + kv[1])
                .ToList();
        }

        private static string FormDecode(string text)
        {
            return PercentDecode(text.Replace('+', ' '));
        }

        private static bool IsHex(char c)
        {
            return Uri.IsHexDigit(c);
        }
    }
}
