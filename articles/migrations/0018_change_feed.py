"""The API's change feed: when each article's row last changed, and the moments
public articles were taken down (articles/models/removal.py)."""

import django.db.models.functions.comparison
import django.utils.timezone
from django.db import migrations, models


def changed_when_updated(apps, schema_editor):
    """Existing rows last changed when they were last saved, as far as anyone knows."""
    Article = apps.get_model("articles", "Article")
    Article.objects.update(changed_at=models.F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_import_runs'),
    ]

    operations = [
        migrations.CreateModel(
            name='Removal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article_id', models.BigIntegerField()),
                ('slug', models.SlugField(allow_unicode=True, db_index=False, max_length=255)),
                ('reason', models.CharField(choices=[('unpublished', 'Unpublished'), ('trashed', 'Moved to the trash'), ('deleted', 'Deleted')], max_length=20)),
                ('removed_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['removed_at', 'pk'],
                'indexes': [models.Index(fields=['removed_at', 'id'], name='removal_order')],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(changed_when_updated, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(django.db.models.functions.comparison.Greatest('published_at', 'changed_at'), models.F('id'), condition=models.Q(('status', 'published')), name='article_published_changes'),
        ),
    ]
