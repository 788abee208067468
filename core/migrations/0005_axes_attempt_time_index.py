"""An index on django-axes' attempt times.

Every sign-in, successful or not, first deletes the attempts older than the cool-down
(axes' `clean_expired_user_attempts`: `DELETE … WHERE attempt_time <= …`). axes indexes
usernames and addresses but not that column, so during an attack that leaves many attempts
the delete scans the whole table on every normal sign-in (12 ms at 20,000 rows, growing with
the table). The model is axes', so the index is created here, in SQL.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_action_unlock"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS core_axes_accessattempt_time "
            "ON axes_accessattempt (attempt_time)",
            reverse_sql="DROP INDEX IF EXISTS core_axes_accessattempt_time",
        ),
    ]
