"""One settings object, read from `CENTRALE_` environment variables.

Built once by `bootstrap` and passed down; never read as a module global.
Every field has a default and a description (a test holds this).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CENTRALE_", extra="ignore")

    database_url: str = Field(
        "sqlite:///centrale.db",
        description="SQLAlchemy URL of the registry database (SQLite file or PostgreSQL).",
    )
    ingest_chunk_rows: int = Field(
        250_000,
        description="Rows read and validated at a time when ingesting a file; bounds memory.",
    )
    synth_dir: Path = Field(
        Path("synth"),
        description="Directory where `centrale demo` writes the synthetic sector's files.",
    )
    demo_persons: int = Field(50_000, description="Number of borrowers `centrale demo` generates.")
    demo_months: int = Field(12, description="Number of monthly files `centrale demo` generates.")
    cross_indebtedness: float = Field(
        0.15,
        description="Share of synthetic borrowers who hold loans at several institutions.",
    )
    identity_resolver: Literal["model", "cin"] = Field(
        "model",
        description="How borrower records are linked to persons: `model` (the probabilistic "
        "model over CIN, names, birth date and phone) or `cin` (the normalised CIN alone).",
    )
    identity_threshold: float = Field(
        0.9,
        description="Match probability above which two borrower records are one person.",
    )
    identity_retrain_growth: float = Field(
        2.0,
        description="Retrain the identity model when the registry has grown by this factor "
        "since the last training (a new model is also trained when there is none).",
    )
    identity_min_training_matches: int = Field(
        1_000,
        description="A model that saw fewer likely matching pairs than this is retrained once "
        "the registry has grown by `identity_retrain_few_matches_growth` (the first files of a "
        "registry hold few repeated persons).",
    )
    identity_min_model_matches: int = Field(
        50,
        description="A model trained on data showing fewer likely matching pairs than this "
        "links at random: the reference model shipped with centrale (trained on a synthetic "
        "sector) is used instead, until the registry's own data shows enough.",
    )
    identity_retrain_few_matches_growth: float = Field(
        1.25,
        description="Growth of the registry since the last training after which a model that "
        "saw too few matching pairs is trained again (retraining on the same records would "
        "learn the same).",
    )
    identity_train_sample: int = Field(
        500_000,
        description="Most borrower records the identity model is trained on (a random sample "
        "of the registry beyond that).",
    )
    identity_full_read_share: float = Field(
        0.05,
        description="A submission with more new records than this share of the registry reads "
        "all identity features at once instead of looking candidates up by index.",
    )
    public_url: str = Field(
        "http://localhost:8000",
        description="Public base URL of the web app, used in links sent by e-mail.",
    )
    secret_key: str = Field(
        "change-me-in-production",
        description="Key that signs confirmation and unsubscribe links.",
    )
    smtp_host: str = Field("localhost", description="SMTP server that sends the review.")
    smtp_port: int = Field(25, description="Port of the SMTP server.")
    smtp_user: str = Field("", description="SMTP login, empty for none.")
    smtp_password: str = Field("", description="SMTP password, empty for none.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS with the SMTP server.")
    mail_from: str = Field(
        "Flash-back <flashback@centrale.example.ma>",
        description="Sender of the review's e-mails.",
    )
    send_rate_per_second: float = Field(
        10.0, description="Maximum messages sent per second (throttling)."
    )
    dkim_selector: str = Field("centrale", description="DKIM selector of the sending domain.")
    dkim_domain: str = Field("", description="DKIM signing domain; empty disables signing.")
    dkim_private_key_path: Path | None = Field(
        None, description="Path to the PEM private key that signs outgoing mail with DKIM."
    )
    bounce_address: str = Field(
        "",
        description="Envelope sender (Return-Path) of the review's e-mails, where delivery "
        "reports arrive; empty: the address of mail_from.",
    )
    unsubscribe_address: str = Field(
        "",
        description="Address of the mailto: List-Unsubscribe link; empty: the address of "
        "mail_from.",
    )
    confirm_link_hours: int = Field(
        72, description="Hours a subscription confirmation link stays valid."
    )
    preferences_link_days: int = Field(
        90, description="Days a link to a subscriber's preference page stays valid."
    )
    smtp_retries: int = Field(
        3,
        description="Attempts per message when the SMTP server answers a temporary error "
        "(4xx) or drops the connection.",
    )
    smtp_retry_delay_seconds: float = Field(
        2.0, description="Wait before the second attempt of a message; doubles at each retry."
    )
    soft_bounce_limit: int = Field(
        3, description="Soft bounces (full mailbox, 4.x.x) after which an address is suppressed."
    )
    send_timezone: str = Field(
        "Africa/Casablanca",
        description="Time zone of the times given to `centrale review send --at`.",
    )
    fetch_timeout_seconds: float = Field(
        20.0, description="Timeout of each request when fetching review sources."
    )
    retention_years: int = Field(
        5, description="Years after a contract closes before its data is purged."
    )
