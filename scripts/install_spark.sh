#!/usr/bin/env bash
# Install what the Spark Thrift Server tests need on a fresh Debian/Ubuntu machine.
# Idempotent: installs only what is missing.
#
#   scripts/install_spark.sh [VENV_PYTHON]     # default: .venv/bin/python
#
# - Java 17 runtime (openjdk-17-jre-headless) to run the server, and the JDK
#   (openjdk-17-jdk-headless) for javac/javap: the tests compile a tiny
#   PasswdAuthenticationProvider and read Hive's compiled TCLIService classes.
# - pyspark==3.5.3 in the given virtualenv (its jars/ hold the Thrift Server).
set -euo pipefail

python_bin="${1:-.venv/bin/python}"
pyspark_version="3.5.3"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in openjdk-17-jre-headless openjdk-17-jdk-headless; do
    installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "installing: ${missing[*]}"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "Java 17 runtime and JDK already installed"
fi

if [ ! -x "$python_bin" ]; then
    echo "no Python at $python_bin (create the venv first: python3 -m venv .venv)" >&2
    exit 1
fi

if "$python_bin" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" \
    2>/dev/null; then
    echo "pyspark $pyspark_version already installed in $python_bin"
else
    "$python_bin" -m pip install "pyspark==$pyspark_version"
fi

java -version 2>&1 | head -n 1
"$python_bin" -c "import pyspark; print('pyspark', pyspark.__version__)"
