using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Genesys.Presence.Tests
{
    /// <summary>One request as it arrived, bytes and all.</summary>
    internal sealed class CapturedRequest
    {
        public string Method;
        /// <summary>The request target exactly as sent, e.g. <c>/api/v2/users/a%2Fb/presences/purecloud?x=1</c>.</summary>
        public string Target;
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[] Body = new byte[0];

        public string Path => Target.Split(new[] { '?' }, 2)[0];

        public string Query => Target.Contains("?") ? Target.Split(new[] { '?' }, 2)[1] : "";

        public string BodyText => Encoding.UTF8.GetString(Body);

        public string Header(string name)
        {
            string value;
            return Headers.TryGetValue(name, out value) ? value : null;
        }
    }

    /// <summary>What the server answers.</summary>
    internal sealed class Reply
    {
        public int Status = 200;
        public byte[] Body = new byte[0];
        public List<KeyValuePair<string, string>> Headers = new List<KeyValuePair<string, string>>();

        public static Reply Json(int status, string json, params string[] headerNamesAndValues)
        {
            var reply = new Reply { Status = status, Body = Encoding.UTF8.GetBytes(json) };
            reply.Headers.Add(new KeyValuePair<string, string>("Content-Type", "application/json"));
            for (int i = 0; i + 1 < headerNamesAndValues.Length; i += 2)
            {
                reply.Headers.Add(new KeyValuePair<string, string>(headerNamesAndValues[i], headerNamesAndValues[i + 1]));
            }
            return reply;
        }

        public static Reply Empty(int status)
        {
            return new Reply { Status = status };
        }
    }

    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 over a raw <see cref="TcpListener"/>: it
    /// records every request with its raw target (HttpListener would decode and normalise
    /// it) and answers with <see cref="Handler"/>, one request per connection.
    /// </summary>
    internal sealed class CaptureServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly Thread _acceptor;
        private volatile bool _stopping;

        public readonly ConcurrentQueue<CapturedRequest> Requests = new ConcurrentQueue<CapturedRequest>();
        public readonly ConcurrentQueue<string> Errors = new ConcurrentQueue<string>();
        public volatile Func<CapturedRequest, Reply> Handler = request => Reply.Json(200, "{}");

        public CaptureServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _acceptor = new Thread(Accept) { IsBackground = true, Name = "CaptureServer" };
            _acceptor.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string BaseUrl => "http://127.0.0.1:" + Port;

        public List<CapturedRequest> Taken()
        {
            var taken = new List<CapturedRequest>();
            CapturedRequest request;
            while (Requests.TryDequeue(out request))
            {
                taken.Add(request);
            }
            return taken;
        }

        public void Dispose()
        {
            _stopping = true;
            _listener.Stop();
            _acceptor.Join(5000);
        }

        private void Accept()
        {
            while (!_stopping)
            {
                TcpClient connection;
                try
                {
                    connection = _listener.AcceptTcpClient();
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                ThreadPool.QueueUserWorkItem(_ => Serve(connection));
            }
        }

        private void Serve(TcpClient connection)
        {
            using (connection)
            using (NetworkStream stream = connection.GetStream())
            {
                try
                {
                    stream.ReadTimeout = 10000;
                    CapturedRequest request = Read(stream);
                    Requests.Enqueue(request);
                    Write(stream, Handler(request));
                }
                catch (Exception e)
                {
                    Errors.Enqueue(e.ToString());
                }
            }
        }

        private static CapturedRequest Read(NetworkStream stream)
        {
            var received = new MemoryStream();
            var buffer = new byte[8192];
            int headEnd;
            while ((headEnd = IndexOf(received.GetBuffer(), (int)received.Length, "\r\n\r\n")) < 0)
            {
                int n = stream.Read(buffer, 0, buffer.Length);
                if (n == 0)
                {
                    throw new IOException("connection closed inside the request head");
                }
                received.Write(buffer, 0, n);
            }
            byte[] all = received.ToArray();
            string[] lines = Encoding.ASCII.GetString(all, 0, headEnd).Split(new[] { "\r\n" }, StringSplitOptions.None);
            string[] requestLine = lines[0].Split(' ');
            var request = new CapturedRequest { Method = requestLine[0], Target = requestLine[1] };
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                request.Headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            if (request.Header("Transfer-Encoding") != null)
            {
                throw new NotSupportedException("chunked request bodies are not expected");
            }
            int length = int.Parse(request.Header("Content-Length") ?? "0");
            var body = new MemoryStream();
            body.Write(all, headEnd + 4, all.Length - headEnd - 4);
            while (body.Length < length)
            {
                int n = stream.Read(buffer, 0, buffer.Length);
                if (n == 0)
                {
                    throw new IOException("connection closed inside the request body");
                }
                body.Write(buffer, 0, n);
            }
            request.Body = body.ToArray();
            return request;
        }

        private static void Write(NetworkStream stream, Reply reply)
        {
            var head = new StringBuilder();
            head.Append("HTTP/1.1 ").Append(reply.Status).Append(" Status\r\n");
            foreach (var header in reply.Headers)
            {
                head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }
            head.Append("Content-Length: ").Append(reply.Body.Length).Append("\r\n");
            head.Append("Connection: close\r\n\r\n");
            byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
            stream.Write(headBytes, 0, headBytes.Length);
            stream.Write(reply.Body, 0, reply.Body.Length);
            stream.Flush();
        }

        private static int IndexOf(byte[] haystack, int length, string needle)
        {
            for (int i = 0; i + needle.Length <= length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j])
                {
                    j++;
                }
                if (j == needle.Length)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
