"""A real JupyterLab server for browser tests: started with the command line `adrkit lab`
runs, on loopback only, with a random token, isolated settings (no news or update
checks, so nothing leaves the machine; a theme to choose), bounded start-up, and always
stopped (terminate, then kill) whatever the test does."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@dataclass
class Lab:
    port: int
    token: str
    root: Path
    log_path: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET", body: dict | None = None) -> dict:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path.lstrip('/')}",
                                     method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path) -> None:
    quiet = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"disclaimed": False,
                                                                              "enabled": False},
        # render every cell (no virtual scrolling), so a test finds every output in the DOM
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in quiet.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@contextlib.contextmanager
def running_lab(root: Path, work: Path, start_timeout: float = 90):
    """Start JupyterLab serving `root`; state files go under `work`."""
    port, token = _free_port(), secrets.token_hex(16)
    settings = work / "lab-settings"
    _settings(settings)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(work / "jupyter-runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"))
    log_path = work / "jupyterlab.log"
    from adrkit.cli.lab import lab_command

    # the command line `adrkit lab` runs (its pre-save hook included), made quiet and local
    cmd = lab_command(str(root), "", ["--no-browser", "--ip=127.0.0.1", f"--port={port}",
                                      f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
                                      "--LabApp.news_url=", "--ServerApp.port_retries=0"])
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    lab = Lab(port, token, root, log_path)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
            try:
                lab.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start in {start_timeout}s:\n"
                                       f"{log_path.read_text()[-2000:]}")
                time.sleep(0.3)
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
