"""Fill deploy/nginx/gongqing.conf.template (as envsubst does) and write an nginx main file that keeps every
path (pid, logs, temp files) inside one folder, so Debian's nginx runs it without touching /var or /run.

Used by `make smoke` and by the test that has `nginx -t` check the site. Standard library only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "gongqing.conf.template"
PLACEHOLDER = re.compile(r"\$\{(GONGQING_\w+)\}")
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def placeholders() -> set[str]:
    return set(PLACEHOLDER.findall(TEMPLATE.read_text()))


def render_site(values: dict[str, str]) -> str:
    """The site with every ${GONGQING_...} filled in; a missing value is an error, never left empty."""
    missing = placeholders() - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], TEMPLATE.read_text())


def write_local_nginx(folder: Path, values: dict[str, str], *, workers: int = 2) -> Path:
    """Write folder/gongqing.conf and folder/nginx.conf; returns the main file for `nginx -p folder -c ...`."""
    for name in TEMP_PATHS:
        (folder / "tmp" / name).mkdir(parents=True, exist_ok=True)
    (folder / "gongqing.conf").write_text(render_site(values))
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would otherwise be nobody
    temp = "".join(f"    {name}_temp_path {folder / 'tmp' / name};\n" for name in TEMP_PATHS)
    main = (
        f"{user}worker_processes {workers};\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n"
        f"{temp}"
        "    sendfile on;\n"
        "    keepalive_timeout 65;\n"
        f"    include {folder / 'gongqing.conf'};\n"
        "}\n"
    )
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"
