"""Errors of centrale, translated only at the edges (CLI, API, web).

The tree::

    CentraleError                 status 500
    ├── NotFound                  404
    │   ├── UnknownInstitution
    │   ├── UnknownSubmission
    │   └── UnknownPerson
    ├── Conflict                  409
    │   └── InstitutionExists
    ├── InvalidInput              400
    │   ├── InvalidSubmission     a file rejected whole (header, institution, period, encoding)
    │   └── ConsentRequired       an inquiry without purpose or consent reference
    ├── Forbidden                 403
    ├── DatabaseUnavailable       503
    └── TooManyAttempts           429   sign-ins refused for a while after repeated failures
        └── SignInsBusy           503   every password check is taken: try again shortly

Each message names the value at fault and the fix, in French: it is shown to users as is.
"""

from __future__ import annotations

import errno
import re

#: How a NUL character of a file is shown and stored: the Unicode symbol for it.
NUL_SHOWN = "\u2400"


class CentraleError(Exception):
    code = "centrale_error"
    status = 500

    def __init__(self, message: str) -> None:
        # A NUL quoted from a broken file would be refused by PostgreSQL and unseen on screen.
        message = message.replace("\x00", NUL_SHOWN)
        super().__init__(message)
        self.message = message


class NotFound(CentraleError):
    code = "not_found"
    status = 404


class UnknownInstitution(NotFound):
    code = "unknown_institution"


class UnknownSubmission(NotFound):
    code = "unknown_submission"


class UnknownPerson(NotFound):
    code = "unknown_person"


class Conflict(CentraleError):
    code = "conflict"
    status = 409


class InstitutionExists(Conflict):
    code = "institution_exists"


class InvalidInput(CentraleError):
    code = "invalid_input"
    status = 400


class DatabaseUnavailable(CentraleError):
    """The registry's database cannot be opened: a wrong URL, a server down, a folder missing."""

    code = "database_unavailable"
    status = 503


class InvalidSubmission(InvalidInput):
    """A submission file rejected whole; `reason` is what the data officer reads.

    `file_sha256` is the file's digest when it was taken before the rejection (a file that
    was read), so that the rejection is recorded against the file.
    """

    code = "invalid_submission"
    file_sha256 = ""


class ConsentRequired(InvalidInput):
    code = "consent_required"


class Forbidden(CentraleError):
    code = "forbidden"
    status = 403


class TooManyAttempts(CentraleError):
    code = "too_many_attempts"
    status = 429


class SignInsBusy(TooManyAttempts):
    """Every slot for checking a password stayed taken: a flood of sign-ins is under way."""

    code = "sign_ins_busy"
    status = 503


#: The system's reasons (its words are English), in French.
_REASONS = {
    errno.ENOENT: "introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "support en lecture seule",
    errno.EEXIST: "existe déjà",
}


def system_reason(error: OSError) -> str:
    """The system's reason for refusing a file, in French.

    >>> system_reason(FileNotFoundError(errno.ENOENT, "No such file or directory"))
    'introuvable'
    >>> system_reason(OSError("No such file or directory (os error 2): /proc/p.csv"))
    'introuvable'
    """
    code = error.errno
    if code is None:  # Polars' errors carry the system's number in their English text only
        found = _OS_ERROR.search(str(error))
        code = int(found[1]) if found else None
    if code is None:
        return "le système l'a refusé"
    return _REASONS.get(code, f"erreur système {code}")


_OS_ERROR = re.compile(r"os error (\d+)")
