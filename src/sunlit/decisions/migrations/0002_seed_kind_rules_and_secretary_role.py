# The procedure's defaults (decisions.rules, as they stand now: later changes are the administrators') and
# the secretary's role.

from django.db import migrations

RULE_SOURCE = "《重大行政决策程序暂行条例》（2019）第九条、第十四条至第三十二条；本地三重一大决策制度"
ALL = ["research", "draft", "participation", "expert", "risk", "legality", "discussion"]
RULES = {
    "decision": (ALL, False),
    "project": (ALL, False),
    "appointment": (["research", "discussion"], True),
    "funds": (["research", "risk", "legality", "discussion"], True),
}
SECRETARY = ("secretary", "会议秘书", "组织三重一大会议：议程、出席、表态与票决记录、纪要签字，维护旁听人员库并组织抽取。")


def seed(apps, schema_editor):
    KindRule = apps.get_model("decisions", "KindRule")
    for kind, (stages, vote) in RULES.items():
        KindRule.objects.get_or_create(kind=kind, defaults={"stages": stages, "vote": vote, "source": RULE_SOURCE})
    Role = apps.get_model("org", "Role")
    code, name, description = SECRETARY
    Role.objects.update_or_create(code=code, defaults={"name": name, "description": description})


def unseed(apps, schema_editor):
    apps.get_model("decisions", "KindRule").objects.all().delete()
    apps.get_model("org", "Role").objects.filter(code=SECRETARY[0]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0001_major_decisions"),
        ("org", "0002_roles_as_data"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
