"""`cadence db upgrade` reaches the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import store.models  # noqa: F401
from store.db import to_sync_url, upgrade


def schema_differences(url: str) -> list:
    upgrade(url)
    engine = create_engine(to_sync_url(url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()


def test_migrations_on_an_empty_sqlite_file_reach_the_models_schema(db_url: str) -> None:
    assert schema_differences(db_url) == []


@pytest.mark.postgres
def test_migrations_on_an_empty_postgresql_database_reach_the_models_schema(pg_url: str) -> None:
    assert schema_differences(pg_url) == []


def test_upgrading_twice_changes_nothing(db_url: str) -> None:
    upgrade(db_url)
    assert schema_differences(db_url) == []
