"""The review's editors: their accounts and how they sign in to the editor's pages.

A password is kept only as an Argon2id hash (argon2-cffi's defaults: RFC 9106's second
recommended profile, 64 MiB and three passes), so a copy of the database gives no password
away. Signing in with an unknown login verifies a hash all the same: a wrong login takes as
long as a wrong password, and the timing does not tell which logins exist.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from centrale.errors import InvalidInput, NotFound, SignInsBusy, TooManyAttempts
from centrale.review.moments import as_utc, utc_now
from centrale.store import editors as store

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: A login: lower-case letters, digits, dots, hyphens and underscores (matched whole).
LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD = 12

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Editor:
    id: int
    login: str
    name: str
    #: A digest of the password's hash and of the sessions' generation, carried by the
    #: editor's sessions: a new password, or signing out, closes every session opened before.
    stamp: str


def _editor(row: store.EditorRow) -> Editor:
    seed = f"{row.password_hash}:{row.session_generation}"
    return Editor(row.id, row.login, row.name, hashlib.sha256(seed.encode()).hexdigest()[:16])


def check_login(login: str) -> str:
    """A login as stored, or an `InvalidInput` that says how to write one.

    >>> check_login("f.benali")
    'f.benali'
    >>> check_login("Fatima Benali")
    Traceback (most recent call last):
    ...
    centrale.errors.InvalidInput: identifiant « Fatima Benali » invalide : ...
    """
    if not LOGIN.fullmatch(login):
        raise InvalidInput(
            f"identifiant « {login} » invalide : 2 à 64 caractères parmi les lettres minuscules "
            "sans accent, les chiffres, le point, le tiret et le tiret bas, en commençant par "
            "une lettre ou un chiffre (ex. f.benali)"
        )
    return login


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"mot de passe trop court ({len(password)} caractères) : il en faut au moins "
            f"{MIN_PASSWORD} ; une phrase de quelques mots se retient mieux qu'un mot compliqué"
        )
    return password


def add_editor(engine: Engine, login: str, name: str, password: str) -> Editor:
    check_login(login)
    if not name.strip():
        raise InvalidInput("donnez le nom de l'éditeur (--name), tel qu'il s'affichera")
    hashed = _HASHER.hash(check_password(password))
    with engine.begin() as conn:
        return _editor(store.add_editor(conn, login, name.strip(), hashed))


def change_password(engine: Engine, login: str, password: str) -> None:
    hashed = _HASHER.hash(check_password(password))
    with engine.begin() as conn:
        if not store.set_password_hash(conn, login, hashed):
            raise _unknown(login)


def remove_editor(engine: Engine, login: str) -> None:
    with engine.begin() as conn:
        if not store.remove_editor(conn, login):
            raise _unknown(login)


def list_editors(engine: Engine) -> list[Editor]:
    with engine.connect() as conn:
        return [_editor(row) for row in store.list_editors(conn)]


def authenticate(
    engine: Engine, login: str, password: str, now: datetime | None = None
) -> Editor | None:
    """The editor whose login and password these are, else None (whichever was wrong).

    After `FREE_ATTEMPTS` wrong passwords in a row, the account takes no password for a
    while (`retry_wait`), right or wrong, and says so with `TooManyAttempts`: guessing
    slows down to a handful of tries an hour, and a right password resets the count. Each
    sign-in is counted before its password is checked, one at a time (`claim_sign_in`), so
    sign-ins sent at once cannot all slip in before the count. A login that no account has
    is made to wait the same way (`_unknown_logins`), so the wait does not tell which
    logins exist.
    """
    now = now or utc_now()
    # Each check takes 64 MiB for a tenth of a second: a flood of sign-ins must take neither
    # the server's memory nor, queued, all its worker threads. The slot is taken before the
    # sign-in is counted, so a sign-in turned away for want of one costs the account nothing.
    if not _CHECKING.acquire(timeout=_SLOT_WAIT):
        raise SignInsBusy(
            "le serveur est trop occupé pour vérifier votre mot de passe maintenant : "
            "réessayez dans quelques secondes"
        )
    try:
        return _authenticate(engine, login, password, now)
    finally:
        _CHECKING.release()


#: Password checks at once, and how long a sign-in waits for one of them (seconds).
_CHECKING = threading.BoundedSemaphore(2)
_SLOT_WAIT = 2.0


def _authenticate(engine: Engine, login: str, password: str, now: datetime) -> Editor | None:
    if not LOGIN.fullmatch(login):  # no account has it; nor does it reach the database
        # Nor the counts: locking what cannot be a login tells nothing, and a megabyte of
        # made-up login would be held in memory.
        _verify(_unknown_login_hash(), password)
        return None
    row = _claimed(engine, login, now)
    if row is None:
        _unknown_logins.claim(login, now)
        _verify(_unknown_login_hash(), password)
        return None
    if not _verify(row.password_hash, password):
        return None  # already counted
    with engine.begin() as conn:
        store.clear_failed_sign_ins(conn, row.id)
        if _HASHER.check_needs_rehash(row.password_hash):
            # Hashed with weaker parameters than today's: hashed again while it is here.
            store.set_password_hash(conn, login, _HASHER.hash(password))
        row = store.editor_by_login(conn, login) or row
    return _editor(row)


class _UnknownLogins:
    """Wrong sign-ins counted on logins that no account has, in this process: they wait as
    an account would, so a 429 does not tell an existing login from another. The oldest
    are forgotten past `limit` logins (64 characters each at most), so a flood of made-up
    ones cannot fill the memory. Best effort: a restart, or a flood that pushes a login out,
    forgets its wait, where an account's is kept in the database."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()

    def claim(self, login: str, now: datetime) -> None:
        """Count one more wrong sign-in on `login`, or raise `TooManyAttempts` while it waits."""
        with self._lock:
            failures, locked = self._failures.pop(login, (0, None))
            if locked is not None and now < locked:
                self._failures[login] = (failures, locked)
                raise TooManyAttempts(_wait_message(login, locked - now))
            failures += 1
            until = now + retry_wait(failures) if failures >= FREE_ATTEMPTS else None
            self._failures[login] = (failures, until)
            while len(self._failures) > self._limit:
                self._failures.popitem(last=False)


_unknown_logins = _UnknownLogins()


def _claimed(engine: Engine, login: str, now: datetime) -> store.EditorRow | None:
    """The account, once this sign-in is counted on it; None when there is no such login."""
    for _ in range(_CLAIM_TRIES):
        with engine.begin() as conn:
            row = store.editor_by_login(conn, login)
            if row is None:
                return None
            locked = as_utc(row.locked_until)
            if locked is not None and now < locked:
                raise TooManyAttempts(_wait_message(login, locked - now))
            failures = row.failed_sign_ins + 1
            until = now + retry_wait(failures) if failures >= FREE_ATTEMPTS else None
            if store.claim_sign_in(conn, row.id, row.failed_sign_ins, failures, until):
                return row
    raise TooManyAttempts(_wait_message(login, timedelta(seconds=1)))


#: Times a sign-in reads the account again when concurrent ones counted first.
_CLAIM_TRIES = 20


#: Wrong passwords in a row that cost nothing but the answer.
FREE_ATTEMPTS = 5
_FIRST_WAIT = timedelta(seconds=30)
_LONGEST_WAIT = timedelta(minutes=15)


def retry_wait(failures: int) -> timedelta:
    """How long an account takes no password after `failures` wrong ones in a row: 30 s
    after the fifth, doubling with each one after, at most 15 minutes.

    >>> [retry_wait(n).total_seconds() for n in (5, 6, 7, 20)]
    [30.0, 60.0, 120.0, 900.0]
    """
    doublings = min(max(failures - FREE_ATTEMPTS, 0), 10)
    return min(_FIRST_WAIT * 2**doublings, _LONGEST_WAIT)


def _wait_message(login: str, left: timedelta) -> str:
    seconds = max(int(left.total_seconds()) + 1, 1)
    wait = f"{seconds} s" if seconds < 120 else f"{round(seconds / 60)} min"
    return (
        f"trop de mots de passe erronés de suite pour « {login} » : réessayez dans {wait}. "
        "Si vous l'avez oublié, l'administrateur peut le changer "
        f"(centrale review editors password {login})"
    )


def sign_out(engine: Engine, editor: Editor) -> None:
    """Close the editor's sessions: a copy of the session's cookie opens nothing after."""
    with engine.begin() as conn:
        store.close_sessions(conn, editor.id)


def signed_in_editor(engine: Engine, editor_id: int, stamp: str) -> Editor | None:
    """The editor of a session, if the account still exists with the same password and the
    session was not closed."""
    if not 0 < editor_id < 2**31:
        return None
    with engine.connect() as conn:
        row = store.editor_by_id(conn, editor_id)
    if row is None:
        return None
    editor = _editor(row)
    return editor if editor.stamp == stamp else None


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _unknown_login_hash() -> str:
    return _HASHER.hash("centrale: aucun éditeur de ce nom")


def _unknown(login: str) -> NotFound:
    return NotFound(
        f"aucun éditeur « {login} » ; la liste : centrale review editors list, ou créez-le : "
        f"centrale review editors add {login} --name ..."
    )
