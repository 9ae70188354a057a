"""Production serves Simplified Chinese: every msgid is translated, the production start compiles the
catalogues, and a start with a missing or stale compiled catalogue is refused."""

import io
import os
import re
import shutil
import subprocess
import sys

import polib
from django.core.management import call_command

from tests.config.test_deploy_check import ROOT, production_env
from web.apps import translations_compiled

CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_msgid_has_a_chinese_translation_with_the_same_placeholders():
    entries = [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]
    assert len(entries) > 500
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert untranslated == []
    for entry in entries:
        translated = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(translated)), entry.msgid


def test_a_missing_or_stale_compiled_catalogue_is_refused_until_compiled(tmp_path, settings):
    folder = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    errors = translations_compiled()
    assert [e.id for e in errors] == ["web.E001"] and "compile_translations" in errors[0].hint
    call_command("compile_translations", stdout=io.StringIO())
    assert translations_compiled() == []
    (folder / "django.po").touch()  # a catalogue edited after compiling
    (folder / "django.mo").touch()
    os.utime(folder / "django.mo", (1, 1))
    assert [e.id for e in translations_compiled()] == ["web.E001"]


SERVE = """
import polib
from django.utils import translation
translation.activate("zh-hans")
entries = [e for e in polib.pofile("locale/zh_Hans/LC_MESSAGES/django.po") if e.translated() and not e.msgid_plural]
def served(e):
    return translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
english = [e.msgid for e in entries if served(e) != e.msgstr]
print(len(entries), len(english), english[:3])
"""


def test_the_production_start_serves_every_msgid_in_chinese():
    env = production_env()
    steps = [
        ["compile_translations"],
        ["check", "--deploy", "--fail-level", "ERROR"],
        ["shell", "--no-imports", "-c", SERVE],
    ]
    outputs = []
    for step in steps:
        result = subprocess.run(
            [sys.executable, "manage.py", *step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout)
    total, english, _sample = outputs[-1].split(" ", 2)
    assert int(total) > 500 and english == "0", outputs[-1]
