"""The one typed configuration of wiredesk, read from ``WIREDESK_*`` variables.

Every field has a default that works on a developer's machine with the local
broker (``wiredesk broker start``). Nothing else in the code reads
``os.environ``: the CLI and the Faust app call :func:`get_settings`.
"""

from __future__ import annotations

import hashlib
import socket
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

#: The checkout the package runs from; local state (broker data, tables, jar
#: cache) lives below it unless a setting says otherwise.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """wiredesk settings; each field is set by the env var named in its description."""

    model_config = SettingsConfigDict(env_prefix="WIREDESK_", extra="ignore")

    broker_url: str = Field(
        "",
        description=(
            "WIREDESK_BROKER_URL: Kafka bootstrap servers, host:port[,host:port]; "
            "unset: the local broker, 127.0.0.1:<WIREDESK_BROKER_PORT>."
        ),
    )
    app_id: str = Field("wiredesk", description="WIREDESK_APP_ID: Faust app id and group.")
    pipeline_version: int = Field(
        1,
        ge=1,
        description=(
            "WIREDESK_PIPELINE_VERSION: Faust app version; a new version is a new consumer "
            "group and new changelogs, i.e. a full reprocess from the raw topic."
        ),
    )
    topic_prefix: str = Field(
        "wiredesk", pattern=r"^[a-z0-9][a-z0-9-]*$", description="WIREDESK_TOPIC_PREFIX."
    )
    topic_partitions: int = Field(
        4, ge=1, le=256, description="WIREDESK_TOPIC_PARTITIONS: partitions of every topic."
    )
    topic_replication: int | None = Field(
        None,
        ge=1,
        description=(
            "WIREDESK_TOPIC_REPLICATION: replicas of every topic, changelogs included; unset: "
            "decided when the topics are created, 3 on a cluster of 3 or more brokers (with "
            "min.insync.replicas=2), else the number of brokers."
        ),
    )
    derived_retention_days: float = Field(
        30.0,
        gt=0,
        description=(
            "WIREDESK_DERIVED_RETENTION_DAYS: retention of derived topics; the raw article "
            "topic and the dead letters keep everything (they are the source of truth)."
        ),
    )
    store: str = Field(
        "rocksdb://", description="WIREDESK_STORE: table store, rocksdb:// or memory://."
    )
    data_dir: Path = Field(
        PROJECT_ROOT / ".wiredesk" / "worker",
        description="WIREDESK_DATA_DIR: where the worker keeps its RocksDB tables.",
    )
    rocksdb_write_buffer_mb: int = Field(
        8, ge=1, le=1024,
        description="WIREDESK_ROCKSDB_WRITE_BUFFER_MB: memtable size of each table partition "
        "(RocksDB keeps up to 2 per partition; faust's default is 3 x 64 MB).")
    rocksdb_memory_mb: int = Field(
        128, ge=8, le=65536,
        description="WIREDESK_ROCKSDB_MEMORY_MB: one block cache for every table partition, "
        "which the memtables are charged to (they flush past half of it): the worker's "
        "RocksDB memory stays near this whatever has been ingested.")
    standby_replicas: int = Field(
        1, ge=0, description="WIREDESK_STANDBY_REPLICAS: standby copies of each table "
        "partition kept warm on other workers, for fast fail-over.")
    session_timeout_seconds: float = Field(
        15.0, ge=6.0, le=60.0,
        description="WIREDESK_SESSION_TIMEOUT_SECONDS: how long the group waits for a worker "
        "that stopped heart-beating before giving its partitions to another (faust's default "
        "is 60 s; Kafka's broker accepts 6 s and up). Heartbeats go every fifth of it, at most "
        "every 3 s. docs/reliability.md says why 15 s.")
    group_instance_id: str = Field(
        "",
        description="WIREDESK_GROUP_INSTANCE_ID: static group membership (KIP-345): a worker "
        "restarted with the same id gets its partitions back at once instead of waiting out "
        "its dead self. Empty (default): derived from the app id, pipeline version, host name "
        "and data folder, so it is stable across restarts and unique per worker; `off`: "
        "dynamic membership.")
    shutdown_grace_seconds: float = Field(
        8.0, gt=0, le=60.0,
        description="WIREDESK_SHUTDOWN_GRACE_SECONDS: after SIGTERM or SIGINT the worker stops "
        "cleanly or, past this, exits anyway (as after a crash: input not committed is read "
        "again on restart). A second signal exits at once.")
    web_host: str = Field("127.0.0.1", description="WIREDESK_WEB_HOST: HTTP bind address.")
    web_port: int = Field(6066, ge=1, le=65535, description="WIREDESK_WEB_PORT.")
    log_level: str = Field("INFO", description="WIREDESK_LOG_LEVEL.")
    max_article_bytes: int = Field(
        900_000,
        ge=1_000,
        description=(
            "WIREDESK_MAX_ARTICLE_BYTES: larger raw articles go to the dead letters (HTTP and "
            "ingest refuse them); kept under Kafka's default 1 MiB message size."
        ),
    )
    ner_backend: str = Field(
        "rules", description="WIREDESK_NER_BACKEND: rules (default) or spacy (if installed)."
    )
    stall_seconds: float = Field(
        120.0,
        description=(
            "WIREDESK_STALL_SECONDS: a partition with messages waiting that does not advance "
            "for this long makes GET /health answer 503 (status stalled), for a liveness "
            "probe to restart the worker (faust issue 629)."
        ),
    )
    gazetteer: Path | None = Field(
        None,
        description=(
            "WIREDESK_GAZETTEER: a TSV of your own names (name<TAB>TYPE<TAB>alias|alias, TYPE "
            "one of PERSON ORG GPE LOC NORP), read before the shipped gazetteer so its entries "
            "win; after changing it, replay with a new pipeline version (docs/replay.md)."
        ),
    )
    replay: bool = Field(
        False,
        description=(
            "WIREDESK_REPLAY: this worker reprocesses history (`wiredesk replay`): every "
            "output record it emits carries replay=true, so alerts skip old news."
        ),
    )
    replay_alerts: bool = Field(
        False,
        description=(
            "WIREDESK_REPLAY_ALERTS: deliver alerts for replayed records anyway "
            "(`wiredesk replay --alerts`); default false."
        ),
    )
    start_barrier: str | None = Field(
        None,
        description=(
            "WIREDESK_START_BARRIER: `FOLDER:N`, set by `wiredesk replay` on its workers: "
            "each marks itself ready in FOLDER and joins the group once N have (at most "
            "60 s later), so they share the partitions from the first assignment instead of "
            "a rebalance a few seconds into the replay."
        ),
    )
    api_token: SecretStr | None = Field(
        None, description="WIREDESK_API_TOKEN: bearer token for POST endpoints."
    )
    # The local broker started by `wiredesk broker start`.
    kafka_version: str = Field("4.4.0", description="WIREDESK_KAFKA_VERSION: local broker.")
    broker_port: int = Field(9092, description="WIREDESK_BROKER_PORT: local broker port.")
    controller_port: int = Field(9093, description="WIREDESK_CONTROLLER_PORT.")
    broker_data_dir: Path = Field(
        PROJECT_ROOT / ".wiredesk" / "kafka",
        description="WIREDESK_BROKER_DATA_DIR: local broker data, logs and pid file.",
    )
    cache_dir: Path = Field(
        PROJECT_ROOT / ".cache" / "kafka",
        description="WIREDESK_CACHE_DIR: Kafka jars resolved by Maven, reused across runs.",
    )
    broker_heap: str = Field("512m", description="WIREDESK_BROKER_HEAP: local broker JVM heap.")

    @field_validator("gazetteer", mode="before")
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return None if value == "" else value  # WIREDESK_GAZETTEER= unsets it

    @model_validator(mode="after")
    def _local_broker_by_default(self) -> Settings:
        if not self.broker_url:
            self.broker_url = f"127.0.0.1:{self.broker_port}"
        return self

    @property
    def kafka_url(self) -> str:
        """The broker list in Faust's URL form (``kafka://h1:p1;h2:p2``)."""
        hosts = [h.strip() for h in self.broker_url.split(",") if h.strip()]
        return ";".join(h if "://" in h else f"kafka://{h}" for h in hosts)

    @property
    def static_member_id(self) -> str | None:
        """The consumer's ``group_instance_id`` (None: dynamic membership).

        Derived by default from what makes a worker itself: its group (app id and
        version), its host, its data folder (two workers never share one: RocksDB
        locks it) and its web address, so a restarted worker presents the same id and
        nobody else does. The web address is in it because faust writes each member's
        URL into its assignment, and the broker hands a returning static member its
        previous assignment: a worker restarted on another port would get its old URL
        back and faust's assignor fails on it (seen in the SIGKILL test); with the
        address in the id, such a worker joins as a new member instead.
        """
        if self.group_instance_id.lower() == "off":
            return None
        if self.group_instance_id:
            return self.group_instance_id
        where = f"{self.data_dir.resolve()}|{self.web_host}:{self.web_port}"
        folder = hashlib.sha1(where.encode()).hexdigest()[:10]
        return f"{self.app_id}-v{self.pipeline_version}-{socket.gethostname()}-{folder}"

    @property
    def heartbeat_seconds(self) -> float:
        """Heartbeat interval: a fifth of the session timeout, at most faust's 3 s."""
        return min(3.0, self.session_timeout_seconds / 5)

    @property
    def bootstrap_servers(self) -> str:
        """The broker list in aiokafka's form (``h1:p1,h2:p2``)."""
        return ",".join(h.split("://", 1)[-1] for h in self.broker_url.split(",") if h.strip())


@cache
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()
