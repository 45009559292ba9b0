"""Watching the data files of the editors on screen.

One daemon thread per kernel looks at the file of every displayed editor about once a
second: a `stat` first, and only when the file's size, time or inode moved, a read and
a hash (`DataEditor.check_disk`). So a change made elsewhere (another tab or kernel,
the shell, `git pull`) shows in the editor at once, with Reload, rather than at its
next save. Editors are held weakly: an editor whose cell was run again is forgotten.
"""
from __future__ import annotations

import os
import threading
import weakref
from typing import Any

__all__ = ["watch", "INTERVAL"]

INTERVAL = 1.0  # seconds between two looks at the files

_editors: "weakref.WeakSet[Any]" = weakref.WeakSet()
_stamps: "weakref.WeakKeyDictionary[Any, tuple]" = weakref.WeakKeyDictionary()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _stamp(path: Any) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def watch(editor: Any) -> None:
    """Start watching `editor`'s data file (and the watcher thread, once)."""
    global _thread
    with _lock:
        _editors.add(editor)
        _stamps[editor] = _stamp(editor.path)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="adrkit-watch", daemon=True)
            _thread.start()


def _run() -> None:
    stop = threading.Event()
    while not stop.wait(INTERVAL):
        with _lock:
            editors = list(_editors)
        for editor in editors:
            stamp = _stamp(editor.path)
            if stamp == _stamps.get(editor):
                continue
            _stamps[editor] = stamp
            try:
                editor.check_disk()
            except Exception:  # a watcher must never die; the next save says what is wrong
                pass
