#!/usr/bin/env bash
# Extract and compile translations app by app: server/<app>/locale/zh_Hans/LC_MESSAGES/django.po.
# msgids are English; every one must have a Chinese translation (scripts/check_messages.py).
# Usage: scripts/messages.sh          extract + compile
#        scripts/messages.sh --check  fail if a string is missing, untranslated or not compiled
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ "${1:-}" = "--check" ]; then
  exec "$root/.venv/bin/python" scripts/check_messages.py
fi
for app in server/*/; do
  app=${app%/}
  [ -f "$app/apps.py" ] || continue
  mkdir -p "$app/locale/zh_Hans/LC_MESSAGES"
  (cd "$app" && "$root/.venv/bin/django-admin" makemessages -l zh_Hans --no-obsolete \
     --add-location file --ignore 'static/*' --ignore 'migrations/*' -v 0)
  for domain in django djangojs; do
    po="$app/locale/zh_Hans/LC_MESSAGES/$domain.po"
    [ -f "$po" ] && msgfmt --check-format -o "${po%.po}.mo" "$po"
  done
done
echo "Translations extracted and compiled. Untranslated strings: scripts/check_messages.py"
