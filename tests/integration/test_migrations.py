"""Migrations and ``open_database`` on SQLite and on a real PostgreSQL server.

The metadata-compare test is the guard for schema edits: change ``core/db/tables.py``
without adding a revision and ``test_head_schema_matches_orm`` fails on both backends.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.db import migrate
from core.db.engine import make_engine, open_database
from core.db.migrate import SchemaState, schema_diffs, schema_status
from core.db.reference_load import load_reference_data
from core.db.tables import Client, Contract, Member, Position, Product
from core.errors import ConfigError
from core.reference.products import default_products
from tests.conftest import PgServer

ORM_TABLES = set(migrate.orm_metadata().tables)
HEAD = migrate.head_revision()
REPO_ROOT = Path(__file__).resolve().parents[2]

# A revision after this version's head, for upgrade-on-open tests. Batch mode on SQLite
# rebuilds ``member``, which ``client`` references: migrate's foreign-key handling must
# cope. {head} is filled in by the ``later_revision`` fixture.
REV_9001_ADD_PHONE = """
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("phone", sa.String(20), nullable=True))


def downgrade():
    with op.batch_alter_table("member") as batch:
        batch.drop_column("phone")
"""

REV_9001_FAILS = """
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("DELETE FROM product")
    raise RuntimeError("boom in the middle of a migration")


def downgrade():
    pass
"""


@pytest.fixture
def engine_of() -> Iterator[Callable[[str], Engine]]:
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engine = make_engine(url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def later_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Switch the app to a copy of the migrations with one more revision (9001)."""

    def install(body: str) -> None:
        copy = tmp_path / "migrations"
        shutil.copytree(migrate.SCRIPT_LOCATION, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy / "versions" / "9001_test_only.py").write_text(
            body.replace("{head}", HEAD), encoding="utf-8"
        )
        monkeypatch.setattr(migrate, "SCRIPT_LOCATION", copy)

    return install


def _seed_parties(session: Session) -> None:
    session.add(Member(code="0001", name="Member", kind="brokerage", min_reserve_fen=0))
    session.flush()
    session.add(Client(code="C1", member_code="0001", name="Client One"))
    session.add(
        Contract(
            code="m2409",
            product_code="m",
            delivery_month=date(2024, 9, 1),
            tick_fen=100,
            price_limit_ppm=40_000,
            general_margin_ppm=50_000,
            hedge_margin_ppm=50_000,
        )
    )
    session.flush()


def _position(**overrides: object) -> Position:
    values: dict[str, object] = {
        "trading_day": date(2024, 6, 3),
        "client_code": "C1",
        "contract_code": "m2409",
        "side": "long",
        "lots": 5,
        "today_lots": 0,
        "open_price_fen": 350_000,
    }
    values.update(overrides)
    return Position(**values)


# --------------------------------------------------------------------- schema
def test_head_schema_matches_orm(empty_db_url: str, engine_of: Callable[[str], Engine]) -> None:
    engine = engine_of(empty_db_url)
    status = migrate.upgrade(engine)
    assert status.state is SchemaState.CURRENT
    with engine.connect() as conn:
        assert schema_diffs(conn) == []
        assert set(inspect(conn).get_table_names()) >= ORM_TABLES


def test_downgrade_to_base_and_up_again(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    engine = engine_of(empty_db_url)
    migrate.upgrade(engine)
    assert migrate.downgrade(engine, "base").state is SchemaState.EMPTY
    with engine.connect() as conn:
        assert not ORM_TABLES & set(inspect(conn).get_table_names())
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert schema_diffs(conn) == []


def test_compare_detects_a_table_edit_without_migration(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    # Proves the guard works: a column the migrations do not create is reported.
    engine = engine_of(empty_db_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE member ADD COLUMN phone VARCHAR(20)"))
    with engine.connect() as conn:
        diffs = schema_diffs(conn)
    assert any(d[0] == "remove_column" and d[2] == "member" for d in diffs), diffs
    if engine.dialect.name == "postgresql":  # SQLite cannot drop a constraint in place
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE trade DROP CONSTRAINT ck_trade_lots_positive"))
        with engine.connect() as conn:
            diffs = schema_diffs(conn)
        assert any(
            d[0] == "add_constraint" and d[1].name == "ck_trade_lots_positive" for d in diffs
        ), diffs


# --------------------------------------------------------------------- open_database
def test_open_creates_schema_and_products(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            assert schema_status(conn).state is SchemaState.CURRENT
            assert schema_diffs(conn) == []
        with db.sessions() as session:
            rows = {p.code: p for p in session.scalars(select(Product))}
        toml = default_products()
        assert set(rows) == set(toml)
        assert rows["i"].tick_fen == 50  # 0.5 yuan
        assert rows["m"].tick_fen == 100
        assert rows["m"].price_limit_ppm == 40_000
        assert rows["m"].min_margin_ppm == int(toml["m"].min_margin * Decimal(1_000_000))
        assert (rows["jd"].multiplier, rows["jd"].unit_tons) == (10, 5)
    finally:
        db.engine.dispose()


def test_reopen_keeps_data_and_restores_edited_products(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    with db.sessions.begin() as session:
        _seed_parties(session)
        session.get_one(Product, "m").tick_fen = 999
    db.engine.dispose()

    db = open_database(empty_db_url)
    try:
        with db.sessions() as session:
            assert session.get_one(Product, "m").tick_fen == 100
            assert session.get_one(Client, "C1").name == "Client One"
    finally:
        db.engine.dispose()


def test_open_upgrades_an_older_database(
    empty_db_url: str,
    engine_of: Callable[[str], Engine],
    later_revision: Callable[[str], None],
) -> None:
    engine = engine_of(empty_db_url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        load_reference_data(session)
        _seed_parties(session)
    engine.dispose()

    later_revision(REV_9001_ADD_PHONE)
    with pytest.raises(ConfigError, match=r"older than this RiskDesk.*riskdesk db upgrade"):
        open_database(empty_db_url, create=False)
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            assert schema_status(conn).current == ("9001",)
            columns = {c["name"] for c in inspect(conn).get_columns("member")}
            assert "phone" in columns
            assert conn.execute(text("SELECT name FROM client")).scalar_one() == "Client One"
        # The rebuilt member table still guards its kinds (batch mode kept the CHECK).
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO member (code, name, kind, min_reserve_fen) "
                    "VALUES ('0002', 'x', 'bogus', 0)"
                )
            )
    finally:
        db.engine.dispose()


def test_open_upgrades_the_first_release_schema(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    # The real path of a user's file from the first release: 0001 with data -> head.
    engine = engine_of(empty_db_url)
    migrate.upgrade(engine, "0001")
    with Session(engine) as session, session.begin():
        load_reference_data(session)
        _seed_parties(session)
        session.add(_position())
    engine.dispose()
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            assert schema_status(conn).current == (HEAD,)
            assert schema_diffs(conn) == []
        with db.sessions() as session:
            assert session.scalars(select(Position.lots)).one() == 5
    finally:
        db.engine.dispose()


def test_alert_kinds_become_risk_levels_and_back(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    # Rows the monitor stored before revision 0005 (two kinds for one setting).
    engine = engine_of(empty_db_url)
    migrate.upgrade(engine, "0004")
    insert = text(
        "INSERT INTO alert (trading_day, alert_id, raised_at, kind, severity, account, "
        "threshold_ppm, message) VALUES (:day, :id, :at, :kind, :sev, 'C1', :ppm, :msg)"
    )
    old = [
        (1, "risk_ratio", "warning", 800_000, "risk ratio 81.00 % crossed 80.00 %"),
        (2, "risk_ratio", "critical", 1_000_000, "risk ratio 124.70 % crossed 100.00 %"),
        (3, "negative_available", "critical", None, "available funds -1.00 below zero"),
        (4, "limit_lock", "warning", None, "m2409 locked at its lower limit 3,072.00"),
    ]
    at = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        for alert_id, kind, severity, ppm, message in old:
            conn.execute(
                insert,
                {
                    "day": date(2024, 6, 3),
                    "id": alert_id,
                    "at": at,
                    "kind": kind,
                    "sev": severity,
                    "ppm": ppm,
                    "msg": message,
                },
            )
    read = text(
        "SELECT kind, risk_level, severity, threshold_ppm, message FROM alert ORDER BY alert_id"
    )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(read)]
    # warning, forced close (the shipped 100 % threshold), margin call; others untouched;
    # severities, thresholds and messages as stored
    assert rows == [
        ("risk_level", 1, "warning", 800_000, old[0][4]),
        ("risk_level", 3, "critical", 1_000_000, old[1][4]),
        ("risk_level", 2, "critical", None, old[2][4]),
        ("limit_lock", None, "warning", None, old[3][4]),
    ]
    migrate.downgrade(engine, "0004")
    with engine.connect() as conn:
        kinds = conn.execute(text("SELECT kind FROM alert ORDER BY alert_id")).scalars().all()
    assert kinds == [k for _, k, _, _, _ in old]


def test_table_modules_list_every_table() -> None:
    # A module declaring tables on Base but missing from migrate.TABLE_MODULES would let
    # the compare test pass while the migrations lack that table.
    probe = """
import importlib, pkgutil
import core
from core.db import migrate
listed = set(migrate.orm_metadata().tables)
for mod in pkgutil.walk_packages(core.__path__, "core."):
    if ".migrations" not in mod.name:
        importlib.import_module(mod.name)
extra = set(migrate.Base.metadata.tables) - listed
print(",".join(sorted(extra)))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "", f"tables outside TABLE_MODULES: {out.stdout}"


def test_failed_migration_leaves_database_unchanged(
    empty_db_url: str,
    engine_of: Callable[[str], Engine],
    later_revision: Callable[[str], None],
) -> None:
    open_database(empty_db_url).engine.dispose()
    later_revision(REV_9001_FAILS)
    with pytest.raises(RuntimeError, match="boom"):
        open_database(empty_db_url)
    engine = engine_of(empty_db_url)
    with engine.connect() as conn:
        assert schema_status(conn).current == (HEAD,)
        assert "half_done" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM product")).scalar_one() == 12


def test_newer_database_is_refused(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.engine.dispose()
    for create in (True, False):
        with pytest.raises(ConfigError, match=r"revision 9999.*newer RiskDesk"):
            open_database(empty_db_url, create=create)


def test_create_false_needs_a_current_schema(empty_db_url: str) -> None:
    make_engine(empty_db_url).dispose()  # an empty database (SQLite: an empty file)
    with pytest.raises(ConfigError, match="no RiskDesk schema"):
        open_database(empty_db_url, create=False)
    open_database(empty_db_url).engine.dispose()
    db = open_database(empty_db_url, create=False)
    db.engine.dispose()


def test_unversioned_database_matching_head_is_adopted(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    engine = engine_of(empty_db_url)
    migrate.orm_metadata().create_all(engine)  # what early builds did
    with engine.connect() as conn:
        assert schema_status(conn).state is SchemaState.UNVERSIONED
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            assert schema_status(conn).state is SchemaState.CURRENT
    finally:
        db.engine.dispose()


def test_unversioned_foreign_tables_are_refused(
    empty_db_url: str, engine_of: Callable[[str], Engine]
) -> None:
    engine = engine_of(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE product (code VARCHAR(4) PRIMARY KEY)"))
    with pytest.raises(ConfigError, match="no schema revision, and they differ"):
        open_database(empty_db_url)


# --------------------------------------------------------------------- constraints
def test_check_constraint_rejects_negative_lots(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        with db.sessions.begin() as session:
            _seed_parties(session)
        with (
            pytest.raises(IntegrityError, match="lots_valid"),
            db.sessions.begin() as session,
        ):
            session.add(_position(lots=-1))
        with db.sessions.begin() as session:
            session.add(_position())  # the valid row goes in
    finally:
        db.engine.dispose()


def test_foreign_key_rejects_unknown_contract(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        with db.sessions.begin() as session:
            _seed_parties(session)
        with (
            pytest.raises(IntegrityError, match=r"(?i)foreign key"),
            db.sessions.begin() as session,
        ):
            session.add(_position(contract_code="zz9999"))
    finally:
        db.engine.dispose()


def test_savepoint_rolls_back_inside_a_transaction(empty_db_url: str) -> None:
    # STYLE B9's rollback-per-test pattern needs real SAVEPOINTs, on SQLite too.
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            outer = conn.begin()
            session = Session(bind=conn, join_transaction_mode="create_savepoint")
            _seed_parties(session)
            session.commit()  # releases the savepoint only
            session.close()
            outer.rollback()
        with db.sessions() as session:
            assert session.get(Member, "0001") is None
    finally:
        db.engine.dispose()


# --------------------------------------------------------------------- PostgreSQL only
@pytest.mark.postgres
def test_wrong_password_is_a_config_error(pg_server: PgServer) -> None:
    url = pg_server.url(password="not-the-Secret-42")
    with pytest.raises(ConfigError) as info:
        open_database(url)
    message = str(info.value)
    assert "password authentication failed" in message
    assert "not-the-Secret-42" not in message
    assert f"riskdesk:***@127.0.0.1:{pg_server.port}/postgres" in message


@pytest.mark.postgres
def test_missing_database_is_a_config_error(pg_server: PgServer) -> None:
    with pytest.raises(ConfigError, match='database "no_such_db" does not exist'):
        open_database(pg_server.url("no_such_db"))


@pytest.mark.postgres
def test_plain_postgresql_scheme_uses_psycopg(pg_fresh_url: str) -> None:
    db = open_database(pg_fresh_url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        assert db.engine.dialect.driver == "psycopg"
        assert "***" in db.masked_url
    finally:
        db.engine.dispose()


@pytest.mark.postgres
def test_audit_roundtrip_keeps_utc_on_postgres(pg_fresh_url: str) -> None:
    db = open_database(pg_fresh_url)
    try:
        name = db.engine.url.database
        with db.engine.begin() as conn:  # a non-UTC session zone must not leak through
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Shanghai'"))
        db.engine.dispose()  # new connections pick the zone up
        before = datetime.now(UTC)
        with db.sessions.begin() as session:
            written = audit.record(session, "settlement.run", {"day": date(2024, 6, 3)}, "ops")
        with db.sessions() as session:
            (read,) = audit.recent(session, 10)
        assert read == written
        assert read.at.tzinfo is UTC
        assert before <= read.at <= datetime.now(UTC)
        assert read.detail_data() == {"day": "2024-06-03"}
    finally:
        db.engine.dispose()
