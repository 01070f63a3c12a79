"""Expression indexes for the console's search box (accounts.selectors.subscriber_search).

Case-insensitive lookups (`iexact`, `istartswith`) compare UPPER(column) on
PostgreSQL, which the plain column indexes cannot answer. These indexes exist
only in the database, not in the models' state, because Django's model indexes
cannot say `text_pattern_ops` portably; SQLite (`make run`, a few thousand rows)
does without them. Built CONCURRENTLY so a live million-row table keeps taking
writes while they build.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INDEXES = (
    ("subscriber_account_id_upper_idx", "accounts_subscriber", "UPPER(account_id::text)"),
    ("subscriber_email_upper_idx", "accounts_subscriber", "UPPER(email::text)"),
    # text_pattern_ops lets LIKE 'PREFIX%' use the index whatever the collation.
    (
        "subscriber_name_upper_prefix_idx",
        "accounts_subscriber",
        "UPPER(name::text) text_pattern_ops",
    ),
    ("line_line_id_upper_idx", "accounts_line", "UPPER(line_id::text)"),
    ("mailbox_address_upper_idx", "accounts_mailbox", "UPPER(address::text)"),
    ("mailbox_login_upper_idx", "accounts_mailbox", "UPPER(login::text)"),
)


def create_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({expression})"
        )


def drop_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0002_api_keys"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
