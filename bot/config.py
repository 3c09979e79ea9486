"""Settings from MITREDEN_* environment variables and an optional mitreden.toml."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///./data/mitreden.db"


class Settings(BaseSettings):
    """Everything an operator can set. Environment variables win over mitreden.toml."""

    model_config = SettingsConfigDict(env_prefix="MITREDEN_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(
        10, ge=1, description="PostgreSQL connections each process keeps open (SQLite uses one)"
    )
    town: str = "Musterstadt"
    default_language: Literal["de", "en"] = "de"
    formal: bool = Field(True, description="German 'Sie'; false switches to 'du'")
    privacy_contact: str = "datenschutz@musterstadt.example"
    privacy_version: str = "2026-11"
    contact_name: str = Field(
        "", description="who helps with what the chat cannot, e.g. 'das Bürgerbüro'"
    )
    contact_phone: str = Field("", description="their phone number, e.g. 115")
    contact_url: str = Field("", description="their web page")
    demo_data: Literal["auto", "true", "false"] = Field(
        "auto", description="auto: load the demo town into a new SQLite database"
    )
    ideas_need_approval: bool = Field(
        default=True, description="staff publish a citizen's idea before others see it"
    )
    flows_dir: Path | None = Field(
        None, description="flow definitions to use instead of the shipped ones"
    )
    flow_tests_dir: Path | None = Field(
        None, description="conversation tests the flow editor runs, instead of the shipped ones"
    )
    content_check_seconds: float = Field(
        10.0,
        description="how often a process looks for newly published flows and intent data, and"
        " how long topics and consultations changed by another process may show as before",
    )

    nlu_backend: Literal["embedded", "rasa", "embeddings"] = "embedded"
    nlu_data: Path | None = Field(None, description="training data instead of the shipped data")
    nlu_cache_dir: Path | None = Path("./data/nlu-cache")
    nlu_threshold: float | None = None
    nlu_evaluation_folds: int = Field(
        5,
        ge=2,
        le=10,
        description="parts of the cross-validation that scores intent data trained in the "
        "web app; fewer parts train faster, more score more closely",
    )
    nlu_act_confidence: float = Field(
        0.5, ge=0, le=1, description="act on a recognised wish from this confidence on"
    )
    nlu_act_margin: float = Field(
        0.6,
        ge=0,
        le=1,
        description="and when it leads the second-best wish by this much; else ask which was meant",
    )
    nlu_ask_confidence: float = Field(
        0.4, ge=0, le=1, description="below this, say 'not understood' instead of asking"
    )
    rasa_url: str | None = None
    rasa_timeout: float = 2.0

    web_host: str = Field("127.0.0.1", description="where the staff app and web chat listen")
    web_port: int = 8080
    web_session_idle_minutes: int = Field(
        60, ge=1, description="a staff session ends after this long without a click"
    )
    web_session_max_hours: int = Field(
        12, ge=1, description="a staff session ends this long after the login, used or not"
    )
    web_secure_cookies: Literal["auto", "always", "never"] = Field(
        "auto", description="auto: Secure cookies when the staff app is reached over https"
    )
    web_login_max_failures: int = Field(
        5, ge=1, description="wrong passwords for one account before it is locked for a while"
    )
    web_login_max_failures_per_address: int = Field(
        20, ge=1, description="wrong passwords from one address before it is locked for a while"
    )
    web_login_lock_minutes: int = Field(15, ge=1, description="how long a login lock lasts")
    web_timezone: str = Field("Europe/Berlin", description="times in the staff app are shown here")
    web_header_timeout: float = Field(
        10.0, gt=0, description="seconds a client may take to send a request's headers"
    )
    web_body_timeout: float = Field(
        30.0, gt=0, description="seconds a client may take to send a request's body"
    )
    web_stop_delay: float = Field(
        0.0,
        ge=0,
        description="on SIGTERM, seconds to keep serving while /readyz answers 503, so a load"
        " balancer that checks readiness (Kubernetes) stops sending first",
    )
    web_shutdown_timeout: int = Field(
        30, ge=1, description="on SIGTERM, seconds requests under way may take to finish"
    )
    trusted_proxies: str = Field(
        "127.0.0.1,::1",
        description="comma-separated addresses or networks (e.g. 10.0.0.0/8) of reverse proxies"
        " whose X-Forwarded-For / X-Real-IP name the client; empty: trust none",
    )
    metrics_enabled: bool = Field(
        False, description="serve Prometheus metrics at /metrics (needs metrics_token)"
    )
    metrics_token: SecretStr | None = Field(
        None, description="bearer token a scraper must send for /metrics"
    )
    open_data_licence: str = Field(
        "CC BY 4.0", description="licence named in open-data exports (or dl-de/by-2-0)"
    )
    open_data_licence_url: str = "https://creativecommons.org/licenses/by/4.0/"

    oparl_system_url: str | None = Field(
        None, description="the council's OParl System address; unset: no council data"
    )
    oparl_poll_minutes: int = Field(
        60, ge=1, description="how often mitreden reads new council data"
    )
    oparl_auto_publish: bool = Field(
        False, description="publish council results at once instead of keeping them as drafts"
    )
    oparl_timeout: float = Field(
        30.0, gt=0, description="seconds to wait for one answer of the OParl server"
    )
    oparl_connect_timeout: float = Field(
        10.0, gt=0, description="seconds to wait for a connection to the OParl server"
    )
    oparl_max_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="largest answer of the OParl server read"
    )
    oparl_allowed_hosts: str = Field(
        "",
        description="comma-separated further hosts (host or host:port) the council data may "
        "lead to; the system address's own host is always allowed",
    )
    oparl_allowed_networks: str = Field(
        "",
        description="comma-separated addresses or networks (e.g. 10.20.0.0/16) the OParl "
        "server may be reached at although they are private, loopback or link-local",
    )
    oparl_results_days: int = Field(
        90, ge=1, description="only results of meetings in the last N days become drafts"
    )
    web_chat_origins: str = Field(
        "",
        description="comma-separated origins of the sites that embed the web chat, "
        "e.g. https://www.musterstadt.de; the server's own origin is always allowed",
    )
    web_chat_secret: SecretStr | None = Field(
        None, description="signs web chat session tokens; unset: generated once and stored"
    )
    web_chat_rate_per_session: int = Field(
        30, description="messages one web chat session may send per minute"
    )
    web_chat_rate_per_address: int = Field(
        300, description="messages one network address may send per minute, all sessions"
    )
    web_chat_max_chars: int = Field(2000, description="longest web chat message accepted")
    web_chat_frontend_secret: SecretStr | None = Field(
        None,
        description="lets a trusted front end (a server that signs its users in) chat as any"
        " sender by sending this instead of the sender's token; unset: every sender needs its"
        " own token",
    )
    web_chat_sessions_per_address: int = Field(
        20, ge=1, description="new web chat sessions one network address may start per minute"
    )
    web_chat_streams_per_address: int = Field(
        100, ge=1, description="web chat pages one network address may keep listening at once"
    )
    web_chat_delivery_days: float = Field(
        14.0,
        gt=0,
        description="a message for a web chat whose page stays closed this long is given up"
        " (counted as not reachable)",
    )
    callback_url: str | None = Field(
        None,
        description="where Rasa's callback channel (POST /webhooks/callback/webhook) sends the"
        " bot's replies; unset: the channel is off",
    )

    delivery_batch: int = Field(50, description="chats a delivery worker claims at once")
    delivery_parallel: int = Field(32, description="chats a delivery worker serves at once")
    telegram_rate: float = Field(
        30.0, description="messages per second over all Telegram chats; 0: no limit"
    )
    telegram_burst: int = Field(
        3, description="Telegram messages sent at once before the pace holds (evens out hiccups)"
    )
    telegram_rate_per_chat: float = Field(
        1.0, description="messages per second into one Telegram chat; 0: no limit"
    )
    telegram_burst_per_chat: int = Field(
        3, description="messages one Telegram chat may get at once (a reply in parts)"
    )
    matrix_rate: float = Field(
        0.2,
        description="messages per second on Matrix (Synapse's default for an account;"
        " raise it when the homeserver exempts the bot); 0: no limit",
    )
    matrix_burst: int = Field(10, description="Matrix messages sent at once before the pace holds")

    public_url: str = Field(
        "http://127.0.0.1:8080",
        description="the address citizens reach the web app at; links in messages start with it",
    )
    reminder_before_hours: float = Field(
        24.0,
        ge=0,
        description="remind those who started a consultation but did not submit this many "
        "hours before it closes; 0: no reminders",
    )
    retention_conversation_days: float = Field(
        30.0, gt=0, description="forget a chat's conversation state after this many idle days"
    )
    retention_outbox_days: float = Field(
        30.0, gt=0, description="delete sent, failed and cancelled messages after this many days"
    )
    retention_inbound_days: float = Field(
        7.0, gt=0, description="keep platform message ids (to drop redeliveries) this many days"
    )
    retention_anonymous_citizen_days: float = Field(
        30.0,
        gt=0,
        description="forget a chat partner who never consented and left nothing after this"
        " many idle days",
    )
    retention_unclear_message_days: float = Field(
        90.0,
        gt=0,
        description="keep messages the bot asked about or did not understand this many days",
    )
    retention_inactive_citizen_days: float | None = Field(
        None,
        gt=0,
        description="erase citizens not heard from for this many days; unset: keep them",
    )
    retention_report_details_days: float = Field(
        365.0,
        gt=0,
        description="remove description, place, position and photos of a report this many "
        "days after it was closed (category, status and dates stay)",
    )
    report_duplicate_radius_m: float = Field(
        50.0,
        gt=0,
        description="open reports of the same category this close (metres) are offered as the"
        " same problem, until an administrator sets a radius in the web app",
    )
    report_photo_dir: Path = Field(
        Path("./data/report-photos"),
        description="where report photos are kept (metadata removed, random names)",
    )
    report_photo_store: Literal["disk", "database"] = Field(
        "disk",
        description="where report photos are kept: `disk` (files in report_photo_dir) or "
        "`database` (rows, for several processes on machines that share no folder)",
    )
    report_photo_max_bytes: int = Field(
        10_000_000, gt=0, description="the largest photo a citizen may send, in bytes"
    )
    report_photo_max_pixels: int = Field(
        40_000_000, gt=0, description="the most pixels (width × height) a photo may have"
    )
    map_tiles: str = Field(
        "",
        description="the town's tile server for the staff map of reports and the web chat's"
        " pin map, e.g. https://tile.example.org/{z}/{x}/{y}.png; unset: markers on a blank"
        " background, and the web chat sends positions without a map",
    )
    map_attribution: str = Field(
        "", description="the credit the tile server asks for, shown in the map's corner"
    )
    open311_api_key: SecretStr | None = Field(
        default=None,
        description="the key apps must send to create reports through Open311; unset: the "
        "Open311 interface only reads",
    )
    open311_town_url: str | None = Field(
        None,
        description="the town's own Open311 GeoReport v2 address; reports are forwarded"
        " there and its news brought back; unset: off (docs/reports.md)",
    )
    open311_town_api_key: SecretStr | None = Field(None, description="the key it gave mitreden")
    open311_town_jurisdiction: str = Field("", description="its jurisdiction_id, if it asks one")
    open311_town_service_codes: str = Field(
        "", description="category=service_code, comma-separated (road_damage=001,other=099)"
    )
    open311_town_poll_minutes: int = Field(10, ge=1, description="how often news is asked for")
    open311_town_timeout: float = Field(20.0, gt=0, description="seconds to wait for an answer")

    log_level: str = "INFO"

    telegram_token: SecretStr | None = None
    telegram_api_url: str | None = Field(
        default=None, description="a self-hosted Bot API server instead of https://api.telegram.org"
    )
    telegram_webhook_url: str | None = Field(
        default=None,
        description="public HTTPS address Telegram posts updates to; unset: long polling",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="checked on every webhook call; unset: derived from the token"
    )
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_password: SecretStr | None = None
    matrix_access_token: SecretStr | None = None
    matrix_store_dir: Path = Path("./data/matrix")
    matrix_device_name: str = Field(
        "mitreden", description="how the bot's session is named in Matrix clients"
    )
    matrix_trust: Literal["tofu", "verified"] = Field(
        "tofu",
        description="which devices get the keys to the bot's encrypted answers: tofu trusts "
        "a device the first time it is seen (a later new device with a warning in the log); "
        "verified only those listed in matrix_verified_keys",
    )
    matrix_verified_keys: str = Field(
        "",
        description="comma-separated Ed25519 session keys of the devices trusted when "
        "matrix_trust is verified (Element shows them under Settings → Sessions)",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("MITREDEN_CONFIG", "mitreden.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    def variables(self) -> dict[str, str]:
        """Values flow texts may use as placeholders."""
        return {
            "town": self.town,
            "privacy_contact": self.privacy_contact,
            "privacy_version": self.privacy_version,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "contact_url": self.contact_url,
        }

    def public_view(self) -> dict[str, Any]:
        """The effective configuration with secrets hidden, for `mitreden config`."""
        shown: dict[str, Any] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                shown[name] = "***" if value.get_secret_value() else None
            elif name == "database_url":
                shown[name] = _hide_password(str(value))
            elif isinstance(value, Path):
                shown[name] = str(value)
            else:
                shown[name] = value
        return shown


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "***"
