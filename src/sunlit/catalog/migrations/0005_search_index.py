"""The search index (catalog.search.index explains the choice) and the residents' synonyms, seeded.

The database's own index differs by vendor: an FTS5 table kept by triggers on SQLite, a generated
tsvector with a GIN index on PostgreSQL; `ForVendor` runs the SQL of the database migrated.
"""

import django.db.models.deletion
from django.db import migrations, models

import sunlit.core.clock
from sunlit.catalog.search.text import basis_text, indexed

SQLITE = [
    """CREATE VIRTUAL TABLE catalog_powersearch_fts USING fts5(
        grams, content='catalog_powersearchentry', content_rowid='item_id',
        tokenize='unicode61', detail='none', columnsize=0)""",
    """CREATE TRIGGER catalog_powersearch_added AFTER INSERT ON catalog_powersearchentry BEGIN
        INSERT INTO catalog_powersearch_fts(rowid, grams) VALUES (new.item_id, new.grams); END""",
    """CREATE TRIGGER catalog_powersearch_removed AFTER DELETE ON catalog_powersearchentry BEGIN
        INSERT INTO catalog_powersearch_fts(catalog_powersearch_fts, rowid, grams)
        VALUES ('delete', old.item_id, old.grams); END""",
    """CREATE TRIGGER catalog_powersearch_changed AFTER UPDATE ON catalog_powersearchentry BEGIN
        INSERT INTO catalog_powersearch_fts(catalog_powersearch_fts, rowid, grams)
        VALUES ('delete', old.item_id, old.grams);
        INSERT INTO catalog_powersearch_fts(rowid, grams) VALUES (new.item_id, new.grams); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER catalog_powersearch_changed", "DROP TRIGGER catalog_powersearch_removed",
    "DROP TRIGGER catalog_powersearch_added", "DROP TABLE catalog_powersearch_fts",
]
POSTGRESQL = [
    # The grams as lexemes, untouched by any parser or dictionary.
    """ALTER TABLE catalog_powersearchentry ADD COLUMN grams_tsv tsvector
        GENERATED ALWAYS AS (array_to_tsvector(string_to_array(grams, ' '))) STORED""",
    "CREATE INDEX catalog_powersearch_grams ON catalog_powersearchentry USING gin (grams_tsv)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX catalog_powersearch_grams",
    "ALTER TABLE catalog_powersearchentry DROP COLUMN grams_tsv",
]


class ForVendor(migrations.RunSQL):
    """RunSQL with one list of statements per database vendor."""

    def __init__(self, forward, reverse):
        super().__init__(sql=[], reverse_sql=[])
        self.by_vendor, self.reverse_by_vendor = forward, reverse

    def deconstruct(self):
        return self.__class__.__name__, [], {"forward": self.by_vendor, "reverse": self.reverse_by_vendor}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run_sql(schema_editor, self.by_vendor.get(schema_editor.connection.vendor, []))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run_sql(schema_editor, self.reverse_by_vendor.get(schema_editor.connection.vendor, []))

    def describe(self):
        return "Search index of the database's own kind"


# What residents type → the list's words (staff edit these in the admin).
SYNONYMS = {
    "盖房子": "建房、宅基地、住宅、农房", "盖房": "建房、宅基地、住宅、农房", "建房子": "建房、宅基地、住宅",
    "修房子": "建房、农房、危房改造", "翻修房子": "建房、危房改造", "拆房子": "拆除",
    "罚款": "处罚", "罚钱": "处罚", "被罚": "处罚", "扣车": "扣押", "查封": "查封、扣押",
    "办证": "许可、证、登记", "领证": "许可、证、登记", "执照": "许可、营业执照、登记",
    "开店": "营业、经营、营业执照", "开饭店": "餐饮、食品经营", "开餐馆": "餐饮、食品经营",
    "开药店": "药品零售", "开公司": "企业登记、营业执照", "做生意": "经营、营业",
    "砍树": "林木采伐", "伐木": "林木采伐", "挖沙": "采砂", "打井": "取水", "用水": "取水",
    "排污水": "排污", "放鞭炮": "烟花爆竹", "卖鞭炮": "烟花爆竹经营", "挂广告": "户外广告",
    "挖马路": "城市道路占用挖掘", "占道": "道路占用", "低保": "最低生活保障", "救济": "救助",
    "补贴": "补助、补贴", "补助": "补助、补贴", "困难户": "救助、最低生活保障", "结婚": "婚姻登记",
    "离婚": "婚姻登记", "上户口": "户口、户籍", "落户": "户口、户籍", "生孩子": "生育",
    "养老金": "养老保险", "看病报销": "医疗保障、医疗保险", "工伤": "工伤认定", "讨薪": "劳动保障、工资",
    "土地纠纷": "土地权属争议", "山林纠纷": "林木林地权属争议", "举报": "投诉举报、奖励",
}


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    SearchSynonym.objects.bulk_create(SearchSynonym(phrase=p, words=w) for p, w in SYNONYMS.items())


def index_public_items(apps, schema_editor):
    """Index the items already public. The public rule as it stands at this migration (published, not
    cancelled, its version public and unexempted); later the services keep the index."""
    PowerItem = apps.get_model("catalog", "PowerItem")
    LegalBasis = apps.get_model("catalog", "LegalBasis")
    PowerSearchEntry = apps.get_model("catalog", "PowerSearchEntry")
    public = PowerItem.objects.filter(published_version__isnull=False, is_cancelled=False,
                                      published_version__audience="public", published_version__exemption="none")
    entries = []
    for item in public.select_related("published_version").iterator(chunk_size=2000):
        v = item.published_version
        basis = basis_text(LegalBasis.objects.filter(version=v).order_by("position").values_list("law", "article"))
        entries.append(PowerSearchEntry(item_id=item.pk, unit_id=item.unit_id, category=v.category,
                                        **indexed(name=v.name, code=item.code, basis=basis)))
    PowerSearchEntry.objects.bulk_create(entries, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_cancelled_items_keep_their_record'),
        ('org', '0004_staffcontact'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phrase', models.CharField(max_length=40, unique=True, verbose_name='群众说法')),
                ('words', models.CharField(help_text='清单中的用语，用顿号、逗号或空格分隔，如：建房、宅基地', max_length=200, verbose_name='也查找')),
                ('updated_at', models.DateTimeField(default=sunlit.core.clock.now, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '群众常用说法',
                'verbose_name_plural': '群众常用说法',
                'ordering': ['phrase'],
            },
        ),
        migrations.CreateModel(
            name='PowerSearchEntry',
            fields=[
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='catalog.poweritem')),
                ('category', models.CharField(choices=[('licensing', '行政许可'), ('penalty', '行政处罚'), ('coercion', '行政强制'), ('levy', '行政征收'), ('benefit', '行政给付'), ('inspection', '行政检查'), ('confirmation', '行政确认'), ('reward', '行政奖励'), ('adjudication', '行政裁决'), ('other', '其他行政权力'), ('major_decision', '重大决策'), ('personnel', '人事'), ('finance', '财务'), ('procurement', '物资采购')], max_length=20)),
                ('name', models.TextField()),
                ('code', models.TextField()),
                ('basis', models.TextField()),
                ('grams', models.TextField()),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
            ],
            options={
                'verbose_name': '检索索引',
                'verbose_name_plural': '检索索引',
            },
        ),
        ForVendor({"sqlite": SQLITE, "postgresql": POSTGRESQL},
                  {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(index_public_items, migrations.RunPython.noop),
    ]
