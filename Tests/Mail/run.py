"""Email against a real SMTP sink (aiosmtpd): the demo as of a past day has overdue leads; one
`accord sla sweep` takes the escalation steps and sends their emails through Accord's SMTP client.
Prints "N passed, N failed" and exits non-zero on any failure."""
import base64
import email
import socket
import email.header
import os
import subprocess
import sys
import tempfile

from aiosmtpd.controller import Controller

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build", "debug", "accord")


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def main():
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    failed = 0
    try:
        workdir = tempfile.mkdtemp(prefix="accord-mail-")
        env = dict(os.environ, ACCORD_DB=os.path.join(workdir, "accord.sqlite"), ACCORD_LOG_LEVEL="warning")
        env.pop("DATABASE_URL", None)
        subprocess.run([BINARY, "demo", "--scale", "0.1", "--as-of", "2026-11-20"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        env.update(ACCORD_SMTP_HOST="127.0.0.1", ACCORD_SMTP_PORT=str(port),
                   ACCORD_SMTP_FROM="accord@accord.example")
        sweep = subprocess.run([BINARY, "sla", "sweep"], env=env, check=True, capture_output=True, text=True)
        print(sweep.stdout.strip())
        subjects = []
        for sender, recipients, content in sink.messages:
            message = email.message_from_bytes(content)
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            body = base64.b64decode(message.get_payload()).decode("utf-8")
            subjects.append(subject)
            assert sender == "accord@accord.example", sender
            assert all(r.endswith("@accord.example") for r in recipients), recipients
            assert message["Content-Type"].startswith("text/plain"), message["Content-Type"]
            assert body, "an empty body"
        breaches = [s for s in subjects if s.startswith("SLA missed")]
        assert breaches, f"no breach email among {len(subjects)} messages: {subjects[:5]}"
        print(f"ok   test_breach_emails_reach_the_sink ({len(sink.messages)} messages, {len(breaches)} breaches)")
        again = subprocess.run([BINARY, "sla", "sweep"], env=env, check=True, capture_output=True, text=True)
        before = len(sink.messages)
        assert "ran 0 due escalation step(s)" in again.stdout, again.stdout
        assert len(sink.messages) == before, "a second sweep sent mail again"
        print("ok   test_a_second_sweep_sends_nothing_again")
    except Exception as error:  # noqa: BLE001 - report and count
        failed += 1
        print(f"FAIL {error!r}")
    finally:
        controller.stop()
    print(f"{2 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
