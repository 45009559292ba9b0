"""How adrkit starts a Jupyter kernel to run a notebook: over IPC (Unix domain
sockets in a private temporary folder) where the platform has it.

A kernel started over TCP without CurveZMQ keys warns on every start that its traffic
is unencrypted. adrkit's kernels serve one local process, so they need no port at all:
IPC sockets live in a folder only the user can open, the warning has nothing to warn
about, and the sockets go away with the folder. Windows has no IPC transport in
Jupyter, so there the kernel keeps the default (TCP on localhost).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

__all__ = ["kernel_config", "quiet_kernel"]


def kernel_config(socket_dir: str | None) -> Any:
    """Traitlets configuration for a kernel manager whose sockets live in `socket_dir`
    (None: leave the default transport)."""
    from traitlets.config import Config

    config = Config()
    if socket_dir is not None:
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(socket_dir, "kernel")
    return config


@contextmanager
def quiet_kernel() -> Iterator[Any]:
    """The configuration to hand to `nbclient.NotebookClient(config=...)` (or to a
    kernel manager) while the kernel runs; the socket folder is removed afterwards."""
    if os.name == "nt":
        yield kernel_config(None)
        return
    with tempfile.TemporaryDirectory(prefix="adrkit-kernel-") as folder:
        yield kernel_config(folder)
