from django.db import migrations

from shared.catalogues.seed import DEPARTMENTS, TOPICS


def seed(apps, schema_editor):
    for model_name, names in (("Topic", TOPICS), ("Department", DEPARTMENTS)):
        model = apps.get_model("catalogues", model_name)
        for order, name in enumerate(names, start=1):
            model.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("catalogues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
