"""Public evaluation form under load: ≥ 200 submissions per second with 0 errors (quality.md).

A throwaway SQLite database gets one session with N completed registrations and their personal
links; gunicorn (2 sync workers) serves the app on loopback; 16 client threads each open a link
(GET, for the CSRF token) and submit it (POST). A submission is the GET + POST pair.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import tempfile
import threading
import time
from datetime import date
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode

from bench import server
from bench.__main__ import Result

TARGET_PER_SECOND = 200
THREADS = 16


def _prepare(folder: Path, count: int) -> tuple[dict, list[str]]:
    env = server.bench_environment(folder, 'EVALUATION_RATE_LIMIT = "1000000 per minute"\n')
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TRAINER_INSTANCE_PATH", "SECRET_KEY")})
    from trainer.app import create_app
    from trainer.evaluations.models import EvaluationInvitation, Phase
    from trainer.extensions import db
    from trainer.people.models import Person
    from trainer.security import hash_token, new_token
    from trainer.sessions.models import Registration, SessionSlot, SessionStatus, TrainingSession

    tokens = []
    app = create_app()
    with app.app_context():
        training_session = TrainingSession(
            reference="BENCH-EVAL",
            title="Banc évaluation",
            session_type_code="direct_training",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 1, 5),
            department_code="62",
            status=SessionStatus.closed,
        )
        training_session.slots = [SessionSlot(on=date(2026, 1, 5), starts_at=clock(9), ends_at=clock(12))]
        db.session.add(training_session)
        for n in range(count):
            person = Person(
                first_name="P",
                last_name=f"N{n}",
                normalised_first_name="p",
                normalised_last_name=f"n{n}",
                email=f"p{n}@bench.example",
                profession_code="nurse",
            )
            registration = Registration(
                training_session=training_session, person=person, profession_code="nurse", completed=True
            )
            token = new_token()
            tokens.append(token)
            db.session.add(
                EvaluationInvitation(
                    registration=registration,
                    phase=Phase.hot,
                    token_hash=hash_token(token),
                    due_on=date(2026, 1, 5),
                )
            )
        db.session.commit()
    return env, tokens


def _open_form(port: int, token: str) -> tuple[str, str]:
    """GET the personal link as a phone would: the answers to send and the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/evaluation/{token}")
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    fields = {"csrf_token": csrf.group(1) if csrf else ""}
    for tag in re.findall(r"<input[^>]*>", body):
        if 'type="radio"' in tag:  # the last option of each question: "4 – Tout à fait"
            name = re.search(r'name="([^"]+)"', tag).group(1)
            fields[name] = html.unescape(re.search(r'value="([^"]*)"', tag).group(1))
    return urlencode(fields), cookie


def _submit_all(port: int, tokens: list[str]) -> tuple[int, int, float]:
    """Open every form first (not timed), then time the submissions alone."""
    forms: dict[str, tuple[str, str]] = {}
    server.in_threads(tokens, lambda token: forms.__setitem__(token, _open_form(port, token)), THREADS)
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def submit(token: str) -> None:
        body, cookie = forms[token]
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST",
                f"/evaluation/{token}",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            )
            answer = connection.getresponse()
            answer.read()
            connection.close()
            good, error = answer.status == 303, f"POST {answer.status}"
        except OSError as exc:
            good, error = False, repr(exc)
        with lock:
            counts["ok" if good else "errors"] += 1
            if not good:
                counts.setdefault("first_error", error)

    started = time.perf_counter()
    server.in_threads(tokens, submit, THREADS)
    elapsed = time.perf_counter() - started
    if "first_error" in counts:
        print(f"première erreur : {counts['first_error']}")
    return counts["ok"], counts["errors"], elapsed


WRK_SCRIPT = """
local requests, count, thread_index = {}, 0, 0
function setup(thread)
  thread:set("index", thread_index)
  thread_index = thread_index + 1
end
function init(args)
  for line in io.lines(args[1]) do
    local n, path, cookie, body = line:match("^(%d+)\\t([^\\t]+)\\t([^\\t]*)\\t(.*)$")
    if tonumber(n) % tonumber(args[2]) == index then
      table.insert(requests, wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = cookie}, body))
    end
  end
end
function request()
  count = count + 1
  return requests[count] or requests[#requests]
end
"""


def _submit_with_wrk(port: int, tokens: list[str], seconds: int) -> tuple[int, int, float]:
    """wrk (a C load generator) posts pre-opened forms: the server, not the client, is measured."""
    forms: dict[str, tuple[str, str]] = {}
    server.in_threads(tokens, lambda token: forms.__setitem__(token, _open_form(port, token)), THREADS)
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp) / "post.lua", Path(tmp) / "forms.tsv"
        script.write_text(WRK_SCRIPT)
        data.write_text(
            "".join(
                f"{n}\t/evaluation/{token}\t{forms[token][1]}\t{forms[token][0]}\n"
                for n, token in enumerate(tokens)
            )
        )
        output = server.wrk(
            f"http://127.0.0.1:{port}",
            seconds=seconds,
            connections=THREADS,
            script=script,
            script_args=(str(data), "2"),
        )
    total, errors = server.request_counts(output)
    elapsed = server.elapsed(output)
    if total > len(tokens):
        raise RuntimeError(f"wrk sent {total} requests for {len(tokens)} links: raise the number of links")
    return total - errors, errors, elapsed


def run(smoke: bool) -> list[Result]:
    count = 300 if smoke else 6000
    with tempfile.TemporaryDirectory() as tmp:
        env, tokens = _prepare(Path(tmp), count)
        with server.gunicorn(env) as port:
            if server.has_wrk() and not smoke:
                ok, errors, elapsed = _submit_with_wrk(port, tokens, seconds=5)
            else:
                ok, errors, elapsed = _submit_all(port, tokens)
    rate = ok / elapsed if elapsed else 0.0
    print(f"évaluations : {ok} soumissions en {elapsed:.2f} s ({rate:.0f}/s), {errors} erreur(s)")
    seconds_per_submission = (1 / rate) if rate and not errors else float("inf")
    return [
        Result("evaluation form: seconds per submission", seconds_per_submission, 1 / TARGET_PER_SECOND, 1.0)
    ]
