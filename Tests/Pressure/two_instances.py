#!/usr/bin/env python3
"""Two Accord instances on one database cannot both pass a person with room for one message.

Starts two `accord serve` processes (the built debug binary) on the PostgreSQL of DATABASE_URL, or on one SQLite
file, sets the pressure policy to one marketing message per person per week, and fires overlapping checks of the
same audience at both instances at once. Every person must be allowed by exactly one check; the others find the
reservation and name the cap. The earlier policy is put back at the end.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ACCORD_BINARY", os.path.join(ROOT, ".build", "debug", "accord"))
CHECKS = 8
PERSONS = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workdir, env, name, *flags):
    port = free_port()
    log = open(os.path.join(workdir, name + ".log"), "w")
    process = subprocess.Popen([BINARY, "serve", "--port", str(port), *flags], cwd=workdir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return process, base
        except Exception:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: " + open(log.name).read()[-2000:])
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer /health within 60 s")


def token(env, user, scope):
    return subprocess.run([BINARY, "token", "create", "--user", user, "--name", "two-instances", "--scope", scope],
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


def call(base, method, path, secret, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + secret, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main():
    workdir = tempfile.mkdtemp(prefix="accord-two-")
    env = dict(os.environ, ACCORD_LOG_LEVEL="warning")
    if not env.get("DATABASE_URL"):
        env["ACCORD_DB"] = os.path.join(workdir, "accord.sqlite")
    first, a = start(workdir, env, "first", "--demo")
    second, b = start(workdir, env, "second", "--no-jobs", "--no-migrate")
    policy = None
    admin = None
    try:
        admin = token(env, "admin@accord.example", "admin")
        marketer = token(env, "marketingmanager1@accord.example", "write")
        status, policy = call(a, "GET", "/api/v1/pressure/policy", admin)
        assert status == 200, policy
        status, body = call(a, "PUT", "/api/v1/pressure/policy", admin,
                            {"personCaps": [{"side": "marketing", "maximum": 1, "windowDays": 7}], "accountCap": None})
        assert status == 200, body
        stamp = str(int(time.time() * 1000))
        status, campaign = call(a, "POST", "/api/v1/campaigns", marketer,
                                {"name": "Two instances " + stamp, "channel": "email"})
        assert status == 201, campaign
        emails = [f"two-{stamp}-{index}@instances.example" for index in range(PERSONS)]
        for email in emails:
            status, body = call(a if len(email) % 2 else b, "POST", "/api/v1/persons", marketer, {"email": email})
            assert status == 201, body

        answers = [None] * CHECKS
        barrier = threading.Barrier(CHECKS)

        def check(index):
            barrier.wait()
            answers[index] = call(a if index % 2 == 0 else b, "POST", "/api/v1/pressure/check", marketer,
                                  {"campaignId": campaign["id"], "persons": emails})

        threads = [threading.Thread(target=check, args=(index,)) for index in range(CHECKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        failures = []
        for index, (status, body) in enumerate(answers):
            if status != 200:
                failures.append(f"check {index} answered {status}: {body}")
        if not failures:
            allowed = {email: 0 for email in emails}
            for _, body in answers:
                for result in body["results"]:
                    if result["allowed"]:
                        allowed[result["person"]] += 1
                    elif result["rule"] != "person_cap:marketing:1/7d":
                        failures.append(f"{result['person']} blocked by {result['rule']}")
            twice = [email for email, count in allowed.items() if count != 1]
            if twice:
                failures.append(f"{len(twice)} persons allowed other than once, e.g. {twice[0]}: {allowed[twice[0]]}")
            by_instance = {"first": sum(body["allowed"] for i, (_, body) in enumerate(answers) if i % 2 == 0),
                           "second": sum(body["allowed"] for i, (_, body) in enumerate(answers) if i % 2 == 1)}
            print(f"{CHECKS} overlapping checks of {PERSONS} persons on two instances: "
                  f"messages allowed per instance {by_instance}")
        if failures:
            for failure in failures[:20]:
                print("FAIL:", failure)
            sys.exit(1)
        print("ok: two instances cannot both pass a cap of one")
    finally:
        if policy is not None and admin is not None:
            call(a, "PUT", "/api/v1/pressure/policy", admin, policy)
        for process in (first, second):
            process.terminate()
        for process in (first, second):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
