import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # makemigrations --check exits non-zero when a model change has no migration yet.
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:
        pytest.fail(
            f"A model change has no migration (makemigrations exited {exc.code}). "
            "Run `UPSTREAM_DATA_DIR=/tmp/mine .venv/bin/upstream makemigrations <app>` and commit the migration."
        )
