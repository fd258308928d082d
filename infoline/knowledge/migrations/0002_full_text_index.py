"""The full-text index over ``knowledge_searchentry`` (folded text).

SQLite: an external-content FTS5 table kept in step by triggers, so every
insert, update and delete of an entry (also a flush in tests) reaches it.
PostgreSQL: a GIN index over the weighted ``simple`` tsvector that
``services._ranked_ids`` queries with the same expression.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
    "title, keywords, body, content='knowledge_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_fts_ai AFTER INSERT ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(rowid, title, keywords, body) "
    "VALUES (new.id, new.title, new.keywords, new.body); END",
    "CREATE TRIGGER knowledge_fts_ad AFTER DELETE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); END",
    "CREATE TRIGGER knowledge_fts_au AFTER UPDATE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); "
    "INSERT INTO knowledge_fts(rowid, title, keywords, body) "
    "VALUES (new.id, new.title, new.keywords, new.body); END",
    "INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS knowledge_fts_au",
    "DROP TRIGGER IF EXISTS knowledge_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_fts_ai",
    "DROP TABLE IF EXISTS knowledge_fts",
]
POSTGRES_CREATE = [
    "CREATE INDEX knowledge_search_fts ON knowledge_searchentry USING gin ("
    "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, keywords), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'D')))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS knowledge_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_scripts_articles_announcements")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
