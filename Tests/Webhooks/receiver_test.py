"""The example receiver (docs/examples/webhook_receiver.py) with the Standard Webhooks reference library: the
documented vector signs to the signature Accord's own test expects (WebhookTests.referenceVector), a genuine
message is accepted, a tampered or stale one refused. Prints "N passed, N failed"."""
import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from standardwebhooks.webhooks import Webhook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
VECTOR_BODY = ('{"data":{"leadId":"0F1E2D3C-0000-4000-8000-000000000001","stage":"mql"},'
               '"timestamp":"2026-01-01T00:00:00.000Z","type":"lead.assigned"}')
VECTOR_SIGNATURE = "v1,Z4sKWwgUVyD6JEMEIMFxWTn6ynMdCacYG8ezF+d79po="


def post(port, body, msg_id, when, signature=None):
    webhook = Webhook(SECRET)
    headers = {"content-type": "application/json", "webhook-id": msg_id,
               "webhook-timestamp": str(int(when.timestamp())),
               "webhook-signature": signature or webhook.sign(msg_id, when, body)}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body.encode(), headers=headers, method="POST")
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    results = []
    when = datetime.datetime.fromtimestamp(1767225600, tz=datetime.timezone.utc)
    results.append(("the vector signs as Accord signs it", Webhook(SECRET).sign("msg_0001", when, VECTOR_BODY) == VECTOR_SIGNATURE))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    receiver = subprocess.Popen([sys.executable, os.path.join(ROOT, "docs", "examples", "webhook_receiver.py"), str(port)],
                                env=dict(os.environ, ACCORD_WEBHOOK_SECRET=SECRET), stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        now = datetime.datetime.now(tz=datetime.timezone.utc)
        body = VECTOR_BODY.replace("2026-01-01T00:00:00.000Z", now.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        results.append(("a genuine message is accepted", post(port, body, "msg_live1", now) == 204))
        tampered = Webhook(SECRET).sign("msg_live2", now, body)
        results.append(("a tampered body is refused", post(port, body.replace("mql", "won"), "msg_live2", now, tampered) == 400))
        results.append(("a message five minutes old is refused", post(port, body, "msg_old", now - datetime.timedelta(minutes=6)) == 400))
    finally:
        receiver.terminate()
        output = receiver.communicate(timeout=10)[0]
    results.append(("the receiver printed the genuine event once", output.count('"lead.assigned"') == 1))
    for name, ok in results:
        print(("ok   " if ok else "FAIL ") + name)
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
