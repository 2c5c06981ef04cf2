import subprocess
import sys

from upstream.core.commands import subcommand_files, subcommand_modules


def test_subcommands_are_listed_by_the_names_users_type():
    assert {"import-boundaries", "analyse", "import-policeuk"} <= set(subcommand_files("upstream.places.cli"))
    assert "import" in subcommand_files("upstream.records.cli")  # declared name differs from its file name
    assert set(subcommand_files("upstream.core.audit_cli")) == set(subcommand_modules("upstream.core.audit_cli"))


def test_the_command_line_imports_only_the_chosen_subcommand():
    # `upstream places import-boundaries` must not pay for the analytics libraries `analyse` needs.
    script = (
        "import os, sys\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'upstream.settings.test'\n"
        "import django; django.setup()\n"
        "from django.core.management import load_command_class\n"
        "command = load_command_class('upstream.places', 'places')\n"
        "try:\n"
        "    command.run_from_argv(['upstream', 'places', 'import-boundaries', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('ANALYSE-LOADED' if 'upstream.places.cli.analyse' in sys.modules else 'ANALYSE-NOT-LOADED')\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter running our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert "--level" in result.stdout
    assert "ANALYSE-NOT-LOADED" in result.stdout, result.stdout + result.stderr
