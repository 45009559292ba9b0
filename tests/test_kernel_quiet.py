"""Kernels that run notebooks (`build --execute`) start over IPC in a private folder:
no unencrypted-TCP warning, no port opened, no socket file left anywhere."""
from __future__ import annotations

import os
from pathlib import Path

from adrkit.services.kernel import kernel_config, quiet_kernel
from conftest import snapshot


def test_the_configuration_uses_ipc_inside_the_folder_it_removes():
    with quiet_kernel() as config:
        if os.name == "nt":
            assert "transport" not in config.KernelManager
            return
        assert config.KernelManager.transport == "ipc"
        folder = Path(config.KernelManager.ip).parent
        assert folder.is_dir() and folder.name.startswith("adrkit-kernel-")
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not folder.exists()
    assert kernel_config(None).KernelManager.get("transport") is None


def test_build_execute_runs_the_kernel_quietly_and_leaves_nothing(cli, log_dir, tmp_path):
    assert cli("new", "Use PostgreSQL").code == 0
    before = snapshot(log_dir)
    private_tmp = tmp_path / "tmp"  # the kernel's socket folder goes here, and must go away
    private_tmp.mkdir()
    r = cli("build", "--execute", "--out", tmp_path / "site", env={"TMPDIR": str(private_tmp)})
    assert r.code == 0, r.err
    assert "without encryption" not in r.err and "WARNING" not in r.err
    assert snapshot(log_dir) == before
    assert list(private_tmp.glob("adrkit-kernel-*")) == []
