"""Starts a real vaardig server on the embedded ontology for the tests, on a free port."""
import os
import pathlib
import socket
import subprocess
import tempfile

import grpc
import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("VAARDIG_BIN", str(REPO / "target" / "debug" / "vaardig"))
    port = _free_port()
    with tempfile.TemporaryDirectory() as index:
        process = subprocess.Popen(
            [binary, "serve", "--ontology", "embedded", "--listen", f"127.0.0.1:{port}", "--index-dir", index],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=120)
            channel.close()
            yield f"127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)
