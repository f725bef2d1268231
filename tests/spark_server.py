"""Start real Spark Thrift Servers (HiveThriftServer2) from the pyspark package.

Each server runs ``org.apache.spark.deploy.SparkSubmit`` with plain ``java``
(classpath ``pyspark/jars/*``), on 127.0.0.1 only as far as Spark allows, with
a private directory for Derby, warehouse and scratch space. A server is ready
when its log says ``HiveThriftServer2 started``; a port that merely accepts is
not enough (see shared/spark-thrift-server-facts.md).

Usage outside pytest (for poking at a server by hand)::

    python -m tests.spark_server binary-sasl-custom
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_secrets import SPARK_SERVER_PASSWORD
from tests.pki import KEYSTORE_PASSWORD, TestPki

READY_MARKER = "HiveThriftServer2 started"
START_TIMEOUT_S = 180.0
CUSTOM_USER = "linkwright"
CUSTOM_PASSWORD = SPARK_SERVER_PASSWORD
AUTH_CLASS = "linkwright.tests.FixedPasswordAuthenticator"
HTTP_PATH = "cliservice"

# What Spark's launcher (org.apache.spark.launcher.JavaModuleOptions) adds on Java 17.
JAVA_MODULE_OPTIONS = [
    f"--add-opens=java.base/{pkg}=ALL-UNNAMED"
    for pkg in (
        "java.lang",
        "java.lang.invoke",
        "java.lang.reflect",
        "java.io",
        "java.net",
        "java.nio",
        "java.util",
        "java.util.concurrent",
        "java.util.concurrent.atomic",
        "jdk.internal.ref",
        "sun.nio.ch",
        "sun.nio.cs",
        "sun.security.action",
        "sun.util.calendar",
    )
] + [
    "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false",
]

_AUTHENTICATOR_SOURCE = f"""\
package linkwright.tests;

import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/** Accepts exactly one user and password; used by Linkwright's tests. */
public class FixedPasswordAuthenticator implements PasswdAuthenticationProvider {{
  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {{
    if (!"{CUSTOM_USER}".equals(user) || !"{CUSTOM_PASSWORD}".equals(password)) {{
      throw new AuthenticationException("Linkwright test authenticator rejected user " + user);
    }}
  }}
}}
"""


@dataclass(frozen=True)
class ServerMode:
    """One server configuration: transport, authentication, TLS certificate."""

    name: str
    http: bool = False
    authentication: str = "NONE"  # NOSASL | NONE | CUSTOM
    certificate: str | None = None  # attribute of TestPki: "server" | "self_signed"

    @property
    def tls(self) -> bool:
        return self.certificate is not None


MODES: dict[str, ServerMode] = {
    m.name: m
    for m in (
        ServerMode("binary-nosasl", authentication="NOSASL"),
        ServerMode("binary-sasl-none", authentication="NONE"),
        ServerMode("binary-sasl-custom", authentication="CUSTOM"),
        ServerMode("http-custom", http=True, authentication="CUSTOM"),
        ServerMode("https-ca-custom", http=True, authentication="CUSTOM", certificate="server"),
        ServerMode(
            "https-selfsigned-none",
            http=True,
            authentication="NONE",
            certificate="self_signed",
        ),
        ServerMode("binary-tls-custom", authentication="CUSTOM", certificate="server"),
    )
}


def pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def java_executable() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise RuntimeError("java not found: run scripts/install_spark.sh")
    return found


def free_port(*, also_wildcard: bool = False, attempts: int = 50) -> int:
    """A port free on 127.0.0.1 right now (and on the wildcard address, for the
    HTTP mode, which Spark binds to all interfaces whatever bind.host says)."""
    for _ in range(attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if not also_wildcard:
            return port
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("", port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port found")


def compile_authenticator(directory: Path) -> Path:
    """Compile the CUSTOM PasswdAuthenticationProvider; returns the class dir."""
    src = directory / "src" / "linkwright" / "tests" / "FixedPasswordAuthenticator.java"
    classes = directory / "classes"
    if (classes / "linkwright" / "tests" / "FixedPasswordAuthenticator.class").exists():
        return classes
    src.parent.mkdir(parents=True, exist_ok=True)
    classes.mkdir(parents=True, exist_ok=True)
    src.write_text(_AUTHENTICATOR_SOURCE)
    javac = shutil.which("javac")
    if not javac:
        raise RuntimeError("javac not found: run scripts/install_spark.sh (JDK)")
    jars = pyspark_home() / "jars"
    hive_jar = next(jars.glob("spark-hive-thriftserver_*.jar"))
    subprocess.run(
        [javac, "-nowarn", "-cp", str(hive_jar), "-d", str(classes), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return classes


@dataclass
class SparkThriftServer:
    mode: ServerMode
    workdir: Path
    pki: TestPki | None = None
    auth_classes: Path | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    started_in_s: float = 0.0
    _log_handle: object = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    @property
    def certificate_pem(self) -> Path | None:
        if self.pki is None or self.mode.certificate is None:
            return None
        return getattr(self.pki, self.mode.certificate).cert_pem

    def command(self) -> list[str]:
        d = self.workdir
        jars = pyspark_home() / "jars"
        classpath = f"{jars}/*"
        if self.auth_classes is not None:
            classpath = f"{self.auth_classes}{os.pathsep}{classpath}"
        conf = {
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.warehouse.dir": str(d / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": (
                f"jdbc:derby:;databaseName={d / 'metastore_db'};create=true"
            ),
            "spark.sql.shuffle.partitions": "1",
        }
        hiveconf = {
            "hive.server2.authentication": self.mode.authentication,
            "hive.server2.thrift.bind.host": "127.0.0.1",
            "hive.exec.scratchdir": str(d / "scratch"),
            "hive.exec.local.scratchdir": str(d / "local-scratch"),
            "hive.server2.logging.operation.enabled": "false",
        }
        if self.mode.http:
            hiveconf["hive.server2.transport.mode"] = "http"
            hiveconf["hive.server2.thrift.http.port"] = str(self.port)
            hiveconf["hive.server2.thrift.http.path"] = HTTP_PATH
        else:
            hiveconf["hive.server2.transport.mode"] = "binary"
            hiveconf["hive.server2.thrift.port"] = str(self.port)
        if self.mode.authentication == "CUSTOM":
            hiveconf["hive.server2.custom.authentication.class"] = AUTH_CLASS
        if self.mode.tls:
            assert self.pki is not None and self.mode.certificate is not None
            keystore = getattr(self.pki, self.mode.certificate).pkcs12
            hiveconf["hive.server2.use.SSL"] = "true"
            hiveconf["hive.server2.keystore.path"] = str(keystore)
            hiveconf["hive.server2.keystore.password"] = KEYSTORE_PASSWORD
        cmd = [
            java_executable(),
            "-Xmx512m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            *JAVA_MODULE_OPTIONS,
            f"-Dderby.system.home={d}",
            f"-Djava.io.tmpdir={d / 'tmp'}",
            "-cp",
            classpath,
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[1]",
            "--class",
            "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            "--name",
            f"linkwright-test-{self.mode.name}",
        ]
        for key, value in conf.items():
            cmd += ["--conf", f"{key}={value}"]
        cmd.append("spark-internal")
        for key, value in hiveconf.items():
            cmd += ["--hiveconf", f"{key}={value}"]
        return cmd

    def start(self) -> None:
        for sub in ("tmp", "scratch", "local-scratch", "warehouse"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.port = free_port(also_wildcard=self.mode.http)
        env = dict(os.environ)
        env.update(
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_HOME=str(pyspark_home()),
            HADOOP_USER_NAME="linkwright",
        )
        env.pop("SPARK_CONF_DIR", None)
        started = time.monotonic()
        log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the process lifetime
        self._log_handle = log
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
            env=env,
            start_new_session=True,
        )
        self._wait_ready(started)
        self.started_in_s = time.monotonic() - started

    def _wait_ready(self, started: float) -> None:
        assert self.process is not None
        while time.monotonic() - started < START_TIMEOUT_S:
            log = self.log_path.read_text(errors="replace")
            if READY_MARKER in log:
                return
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Spark Thrift Server ({self.mode.name}) exited with "
                    f"{self.process.returncode}:\n{self.log_tail()}"
                )
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"Spark Thrift Server ({self.mode.name}) not ready after {START_TIMEOUT_S:g} s:\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self.process = None
        if self._log_handle is not None:
            self._log_handle.close()  # type: ignore[attr-defined]
            self._log_handle = None


class ServerPool:
    """Starts servers lazily, at most ``max_starting`` at a time, stops them all."""

    def __init__(self, root: Path, *, max_starting: int = 2) -> None:
        self.root = root
        self._starting = threading.Semaphore(max_starting)
        self._lock = threading.Lock()
        self._events: dict[str, threading.Event] = {}
        self._servers: dict[str, SparkThriftServer] = {}
        self._errors: dict[str, BaseException] = {}
        self._pki: TestPki | None = None
        self._auth_classes: Path | None = None
        self._setup_lock = threading.Lock()

    @property
    def pki(self) -> TestPki:
        with self._setup_lock:
            if self._pki is None:
                self._pki = TestPki(self.root / "pki")
            return self._pki

    def _auth(self) -> Path:
        with self._setup_lock:
            if self._auth_classes is None:
                self._auth_classes = compile_authenticator(self.root / "authenticator")
            return self._auth_classes

    def prefetch(self, names: list[str]) -> None:
        """Start these servers in the background (still at most 2 starting)."""
        for name in names:
            self._ensure(name, wait=False)

    def get(self, name: str) -> SparkThriftServer:
        return self._ensure(name, wait=True)  # type: ignore[return-value]

    def _ensure(self, name: str, *, wait: bool) -> SparkThriftServer | None:
        with self._lock:
            event = self._events.get(name)
            if event is None:
                event = threading.Event()
                self._events[name] = event
                threading.Thread(
                    target=self._start,
                    args=(name, event),
                    name=f"start-{name}",
                    daemon=True,
                ).start()
        if not wait:
            return None
        event.wait()
        if name in self._errors:
            raise RuntimeError(f"server {name} failed to start") from self._errors[name]
        return self._servers[name]

    def _start(self, name: str, event: threading.Event) -> None:
        mode = MODES[name]
        try:
            server = SparkThriftServer(
                mode=mode,
                workdir=self.root / name,
                pki=self.pki if mode.tls else None,
                auth_classes=self._auth() if mode.authentication == "CUSTOM" else None,
            )
            with self._starting:
                server.start()
            with self._lock:
                self._servers[name] = server
        except BaseException as exc:  # noqa: BLE001 - reported to the waiting test
            self._errors[name] = exc
        finally:
            event.set()

    def stop_all(self) -> None:
        # Wait for servers still starting, so no JVM outlives the test run.
        for event in list(self._events.values()):
            event.wait(timeout=START_TIMEOUT_S)
        for server in list(self._servers.values()):
            server.stop()

    def startup_times(self) -> dict[str, float]:
        return {n: round(s.started_in_s, 1) for n, s in self._servers.items()}


@contextlib.contextmanager
def server_pool() -> Iterator[ServerPool]:
    root = Path(tempfile.mkdtemp(prefix="linkwright-spark-"))
    pool = ServerPool(root)
    try:
        yield pool
    finally:
        pool.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def _main(argv: list[str]) -> int:
    names = argv or ["binary-nosasl"]
    with server_pool() as pool:
        for name in names:
            server = pool.get(name)
            print(f"{name}: 127.0.0.1:{server.port} (started in {server.started_in_s:.1f} s)")
        print("Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
