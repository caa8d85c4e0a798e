"""A presence-sandbox process of a benchmark's own, on a free loopback port."""

import json
import subprocess
import urllib.request


class Sandbox:
    def __init__(self, binary, token, *flags):
        self.process = subprocess.Popen([binary, "--port", "0", "--token", token, *flags],
                                        stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().split()[-1]

    def stats(self):
        """`/_sandbox/stats`: requests served, by status; live channels and websockets."""
        with urllib.request.urlopen(self.url + "/_sandbox/stats") as answer:
            return json.load(answer)

    def requests(self):
        return self.stats()["requests"]

    def drop(self):
        request = urllib.request.Request(self.url + "/_sandbox/notifications/drop", data=b"", method="POST")
        urllib.request.urlopen(request).close()

    def close(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
