"""A small receiver of Accord's webhooks that checks every message with the Standard Webhooks reference library.

    pip install standardwebhooks==1.1.0
    ACCORD_WEBHOOK_SECRET=whsec_... python3 webhook_receiver.py 8099

Answers 204 to a genuine message (Accord then counts it delivered), 400 to one whose signature or timestamp does
not verify (Accord retries: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h), and prints each event. Answer 410 instead to make
Accord disable the endpoint."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

webhook = Webhook(os.environ["ACCORD_WEBHOOK_SECRET"])  # the endpoint's secret, as Accord showed it (whsec_…)
seen = set()  # message ids already handled: a retry of a delivered message repeats its webhook-id


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            # Checks webhook-signature against webhook-id, webhook-timestamp and the raw body, and that the
            # timestamp is within five minutes (replayed old messages are refused).
            event = webhook.verify(body, {name.lower(): value for name, value in self.headers.items()})
        except WebhookVerificationError as error:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(f"not verified: {error}\n".encode())
            return
        message = self.headers["webhook-id"]
        if message not in seen:
            seen.add(message)
            print(json.dumps({"id": message, "type": event["type"], "data": event["data"]}), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *arguments):  # quiet: the events are the output
        pass


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8099), Receiver).serve_forever()
