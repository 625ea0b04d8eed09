"""PostgreSQL: the search index's narrow columns in item order, for index-only scans.

Search reads names and codes in item order where a word is common (catalog.search.index explains when):
from the table itself that is a 1.3 kB row each (the grams and their tsvector ride along); from this
covering B-tree, about 90 bytes. SQLite searches through FTS5, which already yields item order.
"""

from django.db import migrations

CREATE = ("CREATE INDEX catalog_powersearch_in_order ON catalog_powersearchentry (item_id) "
          "INCLUDE (unit_id, category, name, code)")
DROP = "DROP INDEX catalog_powersearch_in_order"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
