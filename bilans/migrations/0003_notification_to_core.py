"""Notification moves to core (core 0010): only the models' state moves; the table
`bilans_notification` and its rows stay. The model's content type follows it, so the
permissions granted on notifications keep working (as bilans 0002 did for ClosedPeriod)."""

from django.db import migrations


def _content_type(apps, app_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.filter(app_label=app_label, model="notification").first()


def move_content_type(apps, schema_editor):
    old = _content_type(apps, "bilans")
    if old is None:
        return  # a new database: content types are created after the migrations
    new = _content_type(apps, "core")
    if new is None:
        old.app_label = "core"
        old.save(update_fields=["app_label"])
        return
    # Both exist (a `migrate core` ran in between): whoever held a permission on the old
    # content type gets the same one on the new; the old one is left for
    # `remove_stale_contenttypes`.
    Permission = apps.get_model("auth", "Permission")
    for held in Permission.objects.filter(content_type=old):
        same = Permission.objects.filter(content_type=new, codename=held.codename).first()
        if same is not None:
            same.user_set.add(*held.user_set.all())
            same.group_set.add(*held.group_set.all())


def move_content_type_back(apps, schema_editor):
    new = _content_type(apps, "core")
    if new is not None and _content_type(apps, "bilans") is None:
        new.app_label = "bilans"
        new.save(update_fields=["app_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("bilans", "0002_closedperiod_to_partners"),
        ("core", "0010_notification_from_bilans"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Notification")],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
