"""The production files in deploy/ pass their own validators: systemd's (``systemd-analyze verify``) for the
two units and nginx's (``nginx -t``) for the site, with the paths of this checkout and a throwaway certificate
in place of the host's."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI, PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
INSTALLED_AT = "/opt/kopkraft"


def _needs(program: str) -> str:
    path = shutil.which(program) or next(
        (str(p) for p in (Path("/usr/sbin") / program, Path("/usr/bin") / program) if p.exists()), None
    )
    if path is None:
        if IN_CI:
            pytest.fail(f"CI must have {program}: .ci/run installs it")
        pytest.skip(
            f"{program} is not installed (apt-get install {'nginx-light' if program == 'nginx' else 'systemd'})"
        )
    return path


@pytest.mark.parametrize("unit", ["kopkraft-web.service", "kopkraft-worker.service"])
def test_the_systemd_units_pass_systemd_analyze_verify(unit, tmp_path):
    verify = _needs("systemd-analyze")
    text = (DEPLOY / unit).read_text(encoding="utf-8").replace(INSTALLED_AT, str(PROJECT_ROOT))
    (tmp_path / unit).write_text(text, encoding="utf-8")
    result = subprocess.run([verify, "verify", str(tmp_path / unit)], capture_output=True, text=True)
    problems = [line for line in result.stderr.splitlines() if unit in line]
    assert result.returncode == 0 and problems == [], result.stderr
    assert "ExecStart=" in text and "Restart=always" in text and "EnvironmentFile=/etc/kopkraft/kopkraft.env" in text


def test_the_nginx_site_passes_nginx_t_and_allows_the_largest_upload(tmp_path):
    nginx = _needs("nginx")
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kopkraft.example.se",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8").replace("/etc/ssl/kopkraft/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "main.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "client_max_body_size 60m;" in site  # above the app's 52 MiB limit
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header}" in site


def test_the_example_environment_names_only_settings_the_app_reads():
    from blueprints.core import config

    source = Path(config.__file__).read_text(encoding="utf-8") + (PROJECT_ROOT / "gunicorn.conf.py").read_text()
    names = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "kopkraft.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert "KOPKRAFT_ENV" in names and "SECRET_KEY" in names
    assert [name for name in names if f'"{name}"' not in source] == []
