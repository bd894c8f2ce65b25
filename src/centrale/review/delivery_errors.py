"""Errors of subscribers and delivery, under the project's tree (see `centrale.errors`)::

NotFound
├── UnknownSubscriber
├── UnknownList
├── UnknownSegment
└── UnknownSend
InvalidInput
├── InvalidLink           a confirmation, preference or unsubscribe link, forged or expired
├── InvalidAddress        an e-mail address that is not one
└── ConsentMissing        a sign-up without the consent box ticked, or an unknown wording
CentraleError
└── MailServerUnavailable 502: the SMTP server cannot be reached or refuses us
"""

from __future__ import annotations

from centrale.errors import CentraleError, InvalidInput, NotFound


class UnknownSubscriber(NotFound):
    code = "unknown_subscriber"


class UnknownList(NotFound):
    code = "unknown_list"


class UnknownSegment(NotFound):
    code = "unknown_segment"


class UnknownSend(NotFound):
    code = "unknown_send"


class InvalidLink(InvalidInput):
    code = "invalid_link"


class InvalidAddress(InvalidInput):
    code = "invalid_address"


class ConsentMissing(InvalidInput):
    code = "consent_missing"


class MailServerUnavailable(CentraleError):
    code = "mail_server_unavailable"
    status = 502
