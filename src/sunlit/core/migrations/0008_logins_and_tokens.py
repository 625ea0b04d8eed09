"""Login lockout (core.lockout) and API tokens that expire: the audit kinds of a lock, indexes for counting
failures by name and by address, and each token's expiry and last use. A token issued before this lives
the default 90 days from its issue, as a new one does."""

import datetime as dt

from django.db import migrations, models

import sunlit.core.clock

TOKEN_DAYS = 90


def expire_existing(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=models.F("created_at") + dt.timedelta(days=TOKEN_DAYS))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_fewer_indexes_on_writes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='kind',
            field=models.CharField(choices=[('login_failed', '登录失败'), ('login_locked', '登录锁定'), ('login_refused', '锁定期间拒绝登录'), ('token_refused', '令牌已过期或已吊销'), ('refused', '拒绝操作'), ('case_lookup_failed', '办件查询失败')], max_length=32, verbose_name='类型'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['kind', 'username', 'at'], name='audit_kind_username_at'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['kind', 'address', 'at'], name='audit_kind_address_at'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='created_at',
            field=models.DateTimeField(default=sunlit.core.clock.now, verbose_name='签发时间'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='last_used_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='最近使用'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(null=True, verbose_name='到期时间'),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(verbose_name='到期时间'),
        ),
    ]
