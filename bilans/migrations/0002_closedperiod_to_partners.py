"""ClosedPeriod moves to partners (partners 0006): only the models' state moves; the table
`bilans_closedperiod` and its rows stay. The model's content type follows it, so the admin
permissions on closed periods granted to IOM officers keep working."""

from django.db import migrations


def _content_type(apps, app_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.filter(app_label=app_label, model="closedperiod").first()


def move_content_type(apps, schema_editor):
    old = _content_type(apps, "bilans")
    if old is None:
        return  # a new database: content types are created after the migrations
    new = _content_type(apps, "partners")
    if new is None:
        old.app_label = "partners"
        old.save(update_fields=["app_label"])
        return
    # Both exist (a `migrate partners` ran in between): whoever held a permission on the old
    # content type gets the same one on the new; the old one is left for
    # `remove_stale_contenttypes`.
    Permission = apps.get_model("auth", "Permission")
    for held in Permission.objects.filter(content_type=old):
        same = Permission.objects.filter(content_type=new, codename=held.codename).first()
        if same is not None:
            same.user_set.add(*held.user_set.all())
            same.group_set.add(*held.group_set.all())


def move_content_type_back(apps, schema_editor):
    new = _content_type(apps, "partners")
    if new is not None and _content_type(apps, "bilans") is None:
        new.app_label = "bilans"
        new.save(update_fields=["app_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("bilans", "0001_initial"),
        ("partners", "0006_closedperiod_from_bilans"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ClosedPeriod")],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
