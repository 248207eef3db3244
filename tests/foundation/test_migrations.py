"""The Alembic migrations build exactly the ORM's schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from models import migrate
from models.schema import Base


def test_migrated_schema_matches_the_orm(engine: Engine, db_url: str) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    head = ScriptDirectory.from_config(migrate.alembic_config(db_url)).get_current_head()
    assert migrate.current_revision(engine) == head


def test_upgrade_is_idempotent(engine: Engine, db_url: str) -> None:
    migrate.upgrade(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {
        "articles",
        "narrative_tags",
        "quarantine",
        "daily_rollups",
        "crawl_runs",
        "sources",
        "feed_state",
        "daily_totals",
        "narratives",
    } <= tables


def test_dashboard_indexes_exist(engine: Engine) -> None:
    insp = inspect(engine)
    tag_indexes = {i["name"] for i in insp.get_indexes("narrative_tags")}
    art_indexes = {i["name"] for i in insp.get_indexes("articles")}
    assert "ix_tags_narrative_day_article" in tag_indexes
    assert {"ix_articles_day_source", "ix_articles_story_id"} <= art_indexes
