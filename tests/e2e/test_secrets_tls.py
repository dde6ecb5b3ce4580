"""Issue 7, transport security: TLS is always verified, a `ca_bundle` adds trust (it never
turns verification off), and plain `http://` is for loopback addresses only.

The sandbox is served over TLS on 127.0.0.1 with a certificate signed by a throwaway CA made
here (with `cryptography`, or the `openssl` CLI when that package is missing).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from syncer.sandbox.admin_client import SandboxAdmin
from syncer.sandbox.app import build_app
from syncer.sandbox.options import SandboxOptions
from tests.support.project import REPO, Project


def _with_cryptography(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("campaign-syncer test CA"))
        .issuer_name(name("campaign-syncer test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(server.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _with_openssl(folder: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=campaign-syncer test CA",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "1",
        "-extfile",
        "san.ext",
    )


def make_certificates(folder: Path) -> None:
    try:
        _with_cryptography(folder)
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl CLI is available")
        _with_openssl(folder)


class TlsSandbox:
    """The sandbox app served over HTTPS on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, folder: Path, certs: Path) -> None:
        self.app = build_app(SandboxOptions(db_path=folder / "sandbox.db", latency_ms=0.0))
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self.app.asgi,
            ssl_certfile=str(certs / "server.pem"),
            ssl_keyfile=str(certs / "server.key"),
            lifespan="off",
            log_level="critical",
            log_config=None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the TLS sandbox did not start"
            time.sleep(0.01)
        port = self.socket.getsockname()[1]
        self.base_url = f"https://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
        self.app.close()


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[TlsSandbox, Path]]:
    certs = tmp_path / "certs"
    certs.mkdir()
    make_certificates(certs)
    served = TlsSandbox(tmp_path, certs)
    yield served, certs
    served.close()


def requests_seen(served: TlsSandbox, certs: Path) -> list[dict[str, Any]]:
    import ssl

    import httpx

    trusted = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    client = httpx.Client(verify=trusted, timeout=10.0)
    with SandboxAdmin(served.base_url, client) as admin:
        seen = admin.requests()
    client.close()
    return seen


def tls_project(tmp_path: Path, base_url: str, extra: str = "") -> Project:
    project = Project(tmp_path / "project", base_url)
    shutil.copy(REPO / "campaigns" / "onboarding" / "welcome.yaml", project.campaigns)
    shutil.copytree(REPO / "templates", project.root / "templates")
    (project.root / "syncer.toml").write_text(
        f'default_target = "tls"\n\n[targets.tls]\nprovider = "moengage"\n'
        f'base_url = "{base_url}"\nmax_retries = 3\nupdated_by = "crm-bot@example.com"\n'
        f'{extra}\n[targets.tls.vars]\nbrand = "Acme"\n',
        encoding="utf-8",
    )
    return project


ENV = {"MOENGAGE_WORKSPACE_ID": "sandbox", "MOENGAGE_API_KEY": "tls-test-key"}


def test_an_untrusted_certificate_fails_at_once_and_sends_nothing(
    tmp_path: Path, tls: tuple[TlsSandbox, Path]
) -> None:
    served, certs = tls
    project = tls_project(tmp_path, served.base_url)
    started = time.monotonic()
    result = project.run("plan", env=ENV)
    assert result.code == 1, result.all
    assert "the TLS certificate of 127.0.0.1 is not trusted" in result.err
    assert "ca_bundle" in result.err
    # A certificate problem is not retried: no backoff, no second attempt.
    assert time.monotonic() - started < 5
    assert requests_seen(served, certs) == []


def test_a_ca_bundle_adds_the_ca_and_the_call_goes_through(
    tmp_path: Path, tls: tuple[TlsSandbox, Path]
) -> None:
    served, certs = tls
    project = tls_project(tmp_path, served.base_url, 'ca_bundle = "certs/ca.pem"\n')
    shutil.copytree(certs, project.root / "certs")
    result = project.run("plan", env=ENV)
    assert result.code == 0, result.all
    assert "update welcome.yaml" in result.out
    seen = requests_seen(served, certs)
    assert seen and all(r["status"] == 200 for r in seen)


def test_a_bundle_of_another_ca_does_not_help(tmp_path: Path, tls: tuple[TlsSandbox, Path]) -> None:
    served, certs = tls
    other = tmp_path / "other"
    other.mkdir()
    make_certificates(other)
    project = tls_project(tmp_path, served.base_url, 'ca_bundle = "other.pem"\n')
    shutil.copy(other / "ca.pem", project.root / "other.pem")
    result = project.run("plan", env=ENV)
    assert result.code == 1, result.all
    assert "is not trusted" in result.err
    assert requests_seen(served, certs) == []


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://localhost:8080", True),
        ("http://[::1]:8080", True),
        ("http://127.5.6.7:8080", True),
        ("https://api-01.moengage.com", True),
        ("http://api-01.moengage.com", False),
        ("http://10.0.0.7:8080", False),
        ("http://127.0.0.1.nip.io:8080", False),
        ("http://localhost.evil.example", False),
        ("http://0.0.0.0:8080", False),
    ],
)
def test_plain_http_only_for_loopback(tmp_path: Path, url: str, allowed: bool) -> None:
    project = tls_project(tmp_path, url)
    result = project.run("validate", env=ENV)
    if allowed:
        assert result.code == 0, result.all
    else:
        assert result.code == 1
        assert "plain http:// is allowed only for loopback addresses" in result.err
