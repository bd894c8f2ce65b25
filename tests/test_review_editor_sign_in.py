"""The editor's pages behind a sign-in: accounts, the session cookie, the forms' token, and
the command line that manages editors; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from centrale.bootstrap import App
from centrale.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from centrale.review.editors import add_editor, authenticate, change_password, list_editors
from centrale.web.app import create_app
from centrale.web.editor_session import COOKIE, FORM_FIELD
from test_review_support import EDITOR_LOGIN, EDITOR_PASSWORD, an_editor, fetched, served

__all__ = ["fetched", "served"]

QUEUE = "/revue/editeur"


def sign_in(
    client: TestClient, login: str = EDITOR_LOGIN, password: str = EDITOR_PASSWORD
) -> httpx.Response:
    form = {"identifiant": login, "mot_de_passe": password, "suite": QUEUE}
    return client.post(f"{QUEUE}/connexion", data=form, follow_redirects=False)


def form_token(client: TestClient) -> str:
    page = client.get(QUEUE)
    assert page.status_code == 200
    marker = f'name="{FORM_FIELD}" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


def test_accounts_keep_a_hash_and_refuse_bad_logins_and_short_passwords(app: App) -> None:
    editor = add_editor(app.engine, "f.benali", "Fatima Benali", EDITOR_PASSWORD)
    assert [e.login for e in list_editors(app.engine)] == ["f.benali"]
    with app.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM review_editors").scalar_one()
    assert stored.startswith("$argon2id$") and EDITOR_PASSWORD not in stored
    assert authenticate(app.engine, "f.benali", EDITOR_PASSWORD) == editor
    assert authenticate(app.engine, "f.benali", EDITOR_PASSWORD + "x") is None
    assert authenticate(app.engine, "personne", EDITOR_PASSWORD) is None
    with pytest.raises(Conflict, match="existe déjà"):
        add_editor(app.engine, "f.benali", "Autre", EDITOR_PASSWORD)
    with pytest.raises(InvalidInput, match="identifiant « Fatima Benali » invalide"):
        add_editor(app.engine, "Fatima Benali", "Fatima", EDITOR_PASSWORD)
    with pytest.raises(InvalidInput, match=r"trop court \(6 caractères\)"):
        add_editor(app.engine, "k.alaoui", "Karim Alaoui", "secret")
    with pytest.raises(NotFound, match="aucun éditeur « personne »"):
        change_password(app.engine, "personne", EDITOR_PASSWORD)


def test_the_queue_asks_for_the_sign_in_and_opens_after_it(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    asked = client.get(f"{QUEUE}?tout=1", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"{QUEUE}/connexion?suite=/revue/editeur%3Ftout%3D1"
    form = client.get(asked.headers["location"])
    assert form.status_code == 200 and "Connexion de l’éditeur" in form.text
    assert 'value="/revue/editeur?tout=1"' in form.text  # back where the editor was going

    wrong = sign_in(client, password="pas le bon mot de passe")
    assert wrong.status_code == 401 and "Identifiant ou mot de passe incorrect" in wrong.text
    assert COOKIE not in wrong.cookies
    unknown = sign_in(client, login="personne")
    assert unknown.status_code == 401 and "Identifiant ou mot de passe incorrect" in unknown.text

    done = sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == QUEUE
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/revue/editeur" in cookie
    page = client.get(QUEUE)
    assert page.status_code == 200 and "File de l’éditeur" in page.text
    assert "Fatima Benali (f.benali)" in page.text
    # Signed in, the sign-in page sends the editor on.
    assert client.get(f"{QUEUE}/connexion", follow_redirects=False).status_code == 303


def test_a_form_without_its_token_is_refused_and_nothing_changes(fetched: App) -> None:
    from centrale.review.queue import get_item, queue

    an_editor(fetched)
    client = TestClient(create_app(fetched))
    assert sign_in(client).status_code == 303
    item = queue(fetched.engine)[0]
    forged = client.post(f"{QUEUE}/{item.id}/rejeter", data={}, follow_redirects=False)
    assert forged.status_code == 403
    assert "rechargez la page de l'éditeur" in unescape(forged.text)
    assert "Traceback" not in forged.text
    wrong = client.post(f"{QUEUE}/{item.id}/rejeter", data={FORM_FIELD: "0" * 64})
    assert wrong.status_code == 403
    assert get_item(fetched.engine, item.id).state == "pending"

    token = form_token(client)
    done = client.post(f"{QUEUE}/{item.id}/rejeter", data={FORM_FIELD: token})
    assert done.status_code == 200  # the redirect back to the queue, followed
    assert get_item(fetched.engine, item.id).state == "rejected"


def test_without_a_session_no_form_is_taken(fetched: App) -> None:
    from centrale.review.queue import get_item, queue

    item = queue(fetched.engine)[0]
    client = TestClient(create_app(fetched))
    posted = client.post(f"{QUEUE}/{item.id}/rejeter", data={FORM_FIELD: "x"})
    assert posted.status_code == 200 and "Connexion de l’éditeur" in posted.text
    assert get_item(fetched.engine, item.id).state == "pending"
    client.cookies.set(COOKIE, "forged.cookie.value", path=QUEUE)
    assert client.get(QUEUE, follow_redirects=False).status_code == 303


def test_signing_out_and_a_new_password_close_the_session(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    assert sign_in(client).status_code == 303
    copied = client.cookies[COOKIE]
    out = client.post(
        f"{QUEUE}/deconnexion", data={FORM_FIELD: form_token(client)}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == f"{QUEUE}/connexion"
    assert client.get(QUEUE, follow_redirects=False).status_code == 303
    # A copy of the cookie kept from before opens nothing: the session is closed server-side.
    client.cookies.set(COOKIE, copied, path=QUEUE)
    assert client.get(QUEUE, follow_redirects=False).status_code == 303
    client.cookies.clear()

    assert sign_in(client).status_code == 303
    assert client.get(QUEUE, follow_redirects=False).status_code == 200
    change_password(fetched.engine, EDITOR_LOGIN, "une autre phrase assez longue")
    assert client.get(QUEUE, follow_redirects=False).status_code == 303
    assert sign_in(client).status_code == 401
    assert sign_in(client, password="une autre phrase assez longue").status_code == 303


def test_after_the_sign_in_only_the_editor_s_own_pages(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    form = {"identifiant": EDITOR_LOGIN, "mot_de_passe": EDITOR_PASSWORD}
    for elsewhere in ("https://ailleurs.example/", "//ailleurs.example", "/revue/editeurs"):
        client.cookies.clear()
        done = client.post(
            f"{QUEUE}/connexion", data={**form, "suite": elsewhere}, follow_redirects=False
        )
        assert done.headers["location"] == QUEUE


def test_editors_commands(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from centrale.cli import app as cli

    monkeypatch.setenv("CENTRALE_DATABASE_URL", str(app.engine.url.render_as_string(False)))
    runner = CliRunner()
    add = ["review", "editors", "add", "f.benali", "--name", "Fatima Benali"]
    asked = runner.invoke(cli, add, input=f"{EDITOR_PASSWORD}\n{EDITOR_PASSWORD}\n")
    assert asked.exit_code == 0, asked.output
    assert "Éditeur « f.benali » créé (Fatima Benali)" in asked.output
    assert EDITOR_PASSWORD not in asked.output  # never echoed
    piped = runner.invoke(
        cli,
        ["review", "editors", "add", "k.alaoui", "--name", "Karim", "--password-stdin"],
        input="court\n",
    )
    assert piped.exit_code == 2 and "trop court" in piped.output
    listed = runner.invoke(cli, ["review", "editors", "list"])
    assert "f.benali" in listed.output and "k.alaoui" not in listed.output
    changed = runner.invoke(
        cli,
        ["review", "editors", "password", "f.benali", "--password-stdin"],
        input="une autre phrase assez longue\n",
    )
    assert changed.exit_code == 0 and "sessions ouvertes sont fermées" in changed.output
    assert authenticate(app.engine, "f.benali", "une autre phrase assez longue") is not None
    gone = runner.invoke(cli, ["review", "editors", "remove", "f.benali"])
    assert gone.exit_code == 0 and list_editors(app.engine) == []
    again = runner.invoke(cli, ["review", "editors", "remove", "f.benali"])
    assert again.exit_code == 2 and "aucun éditeur « f.benali »" in again.output


def test_odd_input_is_refused_without_a_server_error(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    nul = sign_in(client, login=EDITOR_LOGIN + "\x00")
    assert nul.status_code == 400  # not a 500 from the database (PostgreSQL refuses NUL)
    assert "champ « identifiant » du formulaire contient un caractère nul" in unescape(nul.text)
    assert sign_in(client).status_code == 303
    odd = client.post(f"{QUEUE}/1/rejeter", data={FORM_FIELD: "é"}, follow_redirects=False)
    assert odd.status_code == 403
    huge = "9" * 30
    assert client.get(f"{QUEUE}/apercu/{huge}").status_code == 404
    assert client.post(f"{QUEUE}/{huge}/rejeter", data={}).status_code == 404
    assert client.get(f"/revue/{huge}").status_code == 404


def test_the_editor_s_pages_are_kept_out_of_caches_and_frames(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    for answer in (client.get(QUEUE, follow_redirects=False), sign_in(client), client.get(QUEUE)):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert answer.headers["x-frame-options"] == "DENY"
    assert "no-store" not in client.get("/revue").headers.get("cache-control", "")


def test_repeated_wrong_passwords_make_the_account_wait(app: App) -> None:
    from datetime import timedelta

    from centrale.errors import TooManyAttempts
    from centrale.review.editors import FREE_ATTEMPTS
    from centrale.review.moments import utc_now

    editor = add_editor(app.engine, "f.benali", "Fatima Benali", EDITOR_PASSWORD)
    start = utc_now()
    for _ in range(FREE_ATTEMPTS):
        assert authenticate(app.engine, "f.benali", "pas le bon", now=start) is None
    # Now even the right password waits: a guess per 30 s, then per minute, ...
    with pytest.raises(TooManyAttempts, match=r"réessayez dans 31 s"):
        authenticate(app.engine, "f.benali", EDITOR_PASSWORD, now=start)
    later = start + timedelta(seconds=31)
    assert authenticate(app.engine, "f.benali", "pas le bon", now=later) is None
    with pytest.raises(TooManyAttempts, match=r"réessayez dans 61 s"):
        authenticate(app.engine, "f.benali", EDITOR_PASSWORD, now=later)
    # After the wait, the right password opens, and the count starts again.
    assert authenticate(app.engine, "f.benali", EDITOR_PASSWORD, now=later + timedelta(minutes=2))
    assert authenticate(app.engine, "f.benali", "pas le bon", now=later) is None
    assert authenticate(app.engine, "f.benali", EDITOR_PASSWORD, now=later) == editor


@pytest.fixture(autouse=True)
def forgotten_unknown_logins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no wrong sign-in counted on logins without an account."""
    from centrale.review import editors

    monkeypatch.setattr(editors, "_unknown_logins", editors._UnknownLogins())


def test_a_login_without_an_account_waits_like_one_with_an_account(fetched: App) -> None:
    """The 429 does not tell which logins exist: an unknown one is made to wait the same."""
    from centrale.review.editors import FREE_ATTEMPTS

    an_editor(fetched)
    client = TestClient(create_app(fetched))
    answers: dict[str, list[int]] = {}
    for login in ("f.benali", "k.personne"):
        answers[login] = [
            sign_in(client, login, "pas le bon mot de passe").status_code
            for _ in range(FREE_ATTEMPTS + 1)
        ]
        refused = sign_in(client, login)
        assert f"Trop de mots de passe erronés de suite pour « {login} » : réessayez dans 3" in (
            unescape(refused.text)
        )
    assert answers["f.benali"] == answers["k.personne"] == [401] * FREE_ATTEMPTS + [429]


def test_unknown_logins_are_forgotten_oldest_first_past_the_limit() -> None:
    from centrale.review.editors import FREE_ATTEMPTS, _UnknownLogins

    now = datetime(2026, 12, 1, tzinfo=UTC)
    counted = _UnknownLogins(limit=3)
    for _ in range(FREE_ATTEMPTS):
        counted.claim("first", now)
    with pytest.raises(TooManyAttempts):
        counted.claim("first", now)
    for login in ("b", "c", "d"):  # three more logins push the first one out
        counted.claim(login, now)
    counted.claim("first", now)  # forgotten: no wait


def test_the_sign_in_page_says_how_long_to_wait(fetched: App) -> None:
    from centrale.review.editors import FREE_ATTEMPTS

    an_editor(fetched)
    client = TestClient(create_app(fetched))
    for _ in range(FREE_ATTEMPTS):
        assert sign_in(client, password="pas le bon mot de passe").status_code == 401
    refused = sign_in(client)
    assert refused.status_code == 429
    assert "Trop de mots de passe erronés de suite pour « f.benali »" in unescape(refused.text)
    assert COOKIE not in refused.cookies


def test_sign_ins_sent_at_once_cannot_all_slip_in_before_the_count(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from centrale.errors import TooManyAttempts
    from centrale.review import editors
    from centrale.review.editors import FREE_ATTEMPTS

    monkeypatch.setattr(editors, "_SLOT_WAIT", 60.0)  # every attempt gets its turn here
    add_editor(app.engine, "f.benali", "Fatima Benali", EDITOR_PASSWORD)

    def attempt(_: int) -> str:
        try:
            authenticate(app.engine, "f.benali", "pas le bon")
            return "checked"
        except TooManyAttempts:
            return "refused"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("checked") == FREE_ATTEMPTS
    assert outcomes.count("refused") == 16 - FREE_ATTEMPTS


def test_a_sign_in_finding_every_check_taken_is_turned_away_at_no_cost(
    fetched: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from centrale.review import editors
    from centrale.store.editors import editor_by_login

    an_editor(fetched)
    taken = threading.BoundedSemaphore(1)
    taken.acquire()  # as if a flood of sign-ins held every slot
    monkeypatch.setattr(editors, "_CHECKING", taken)
    monkeypatch.setattr(editors, "_SLOT_WAIT", 0.05)
    client = TestClient(create_app(fetched))
    busy = sign_in(client)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    assert "Le serveur est trop occupé pour vérifier votre mot de passe" in unescape(busy.text)
    assert COOKIE not in busy.cookies
    with fetched.engine.connect() as conn:
        account = editor_by_login(conn, "f.benali")
    assert account is not None and account.failed_sign_ins == 0  # the account paid nothing
    taken.release()
    assert sign_in(client).status_code == 303


def test_a_new_password_lifts_the_wait(app: App) -> None:
    from centrale.review.editors import FREE_ATTEMPTS

    add_editor(app.engine, "f.benali", "Fatima Benali", EDITOR_PASSWORD)
    for _ in range(FREE_ATTEMPTS):
        authenticate(app.engine, "f.benali", "pas le bon")
    change_password(app.engine, "f.benali", "une autre phrase assez longue")
    assert authenticate(app.engine, "f.benali", "une autre phrase assez longue") is not None


def test_a_login_with_a_line_break_is_no_login() -> None:
    from centrale.review.editors import check_login

    with pytest.raises(InvalidInput, match="invalide"):
        check_login("f.benali\n")


def test_a_sign_in_posted_from_another_site_is_refused(fetched: App) -> None:
    an_editor(fetched)
    client = TestClient(create_app(fetched))
    form = {"identifiant": EDITOR_LOGIN, "mot_de_passe": EDITOR_PASSWORD, "suite": QUEUE}
    elsewhere = client.post(
        f"{QUEUE}/connexion",
        data=form,
        headers={"origin": "https://ailleurs.example"},
        follow_redirects=False,
    )
    assert elsewhere.status_code == 403 and COOKIE not in elsewhere.cookies
    assert "vient d'une autre page que celles du site" in unescape(elsewhere.text)
    ours = client.post(
        f"{QUEUE}/connexion",
        data=form,
        headers={"origin": "http://testserver"},
        follow_redirects=False,
    )
    assert ours.status_code == 303
