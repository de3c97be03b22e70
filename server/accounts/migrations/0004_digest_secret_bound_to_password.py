import hashlib

from django.db import migrations, models


def bind_existing_secrets(apps, schema_editor):
    """Existing secrets were made with the current passwords (the only path that set them
    was user_set_password): bind them, so no collector has to sign in again."""
    credential_model = apps.get_model("accounts", "DigestCredential")
    for credential in credential_model.objects.select_related("user").iterator():
        fingerprint = hashlib.sha256(credential.user.password.encode()).hexdigest()
        credential_model.objects.filter(pk=credential.pk).update(password_fingerprint=fingerprint)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_collector_tokens_devices_cache"),
    ]

    operations = [
        migrations.AddField(
            model_name="digestcredential",
            name="password_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(bind_existing_secrets, migrations.RunPython.noop),
    ]
