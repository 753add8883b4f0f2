"""Where evidence files live: a small interface, a local folder now, object storage later.

Files are written under random names outside any static folder. A file written in a request is
removed again if that request's transaction rolls back, and files whose rows are deleted are
removed only once the deletion is committed, so the disk and the database never disagree.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_NAME = re.compile(r"^[0-9a-f]{32}$")
_WRITTEN = "evidence_files_written"
_DOOMED = "evidence_files_doomed"


class EvidenceStorage(Protocol):
    """What the evidence services need from a file store."""

    def save(self, data: bytes) -> str:
        """Store ``data`` under a new random name and return the name."""

    def open(self, name: str) -> BinaryIO:
        """Open a stored file for reading."""

    def delete(self, name: str) -> None:
        """Remove a stored file; a missing file is not an error."""

    def names(self) -> Iterator[str]:
        """Yield the names of every stored file."""


class LocalStorage:
    """Files in one folder (config UPLOAD_DIR), readable by the service account only."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        # Names are ours (random hex); anything else could walk out of the folder.
        if not _NAME.match(name):
            raise ValueError("not a stored evidence name")
        return self.root / name

    def save(self, data: bytes) -> str:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(16)
        # Write to a temporary file first: a half-written file never carries a real name.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self._path(name))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return name

    def open(self, name: str) -> BinaryIO:
        return self._path(name).open("rb")

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(name).unlink()

    def names(self) -> Iterator[str]:
        if self.root.is_dir():
            yield from sorted(p.name for p in self.root.iterdir() if _NAME.match(p.name))


def storage() -> EvidenceStorage:
    """Return the app's evidence storage, made on first use (the factory does no I/O)."""
    ext = current_app.extensions
    if "evidence_storage" not in ext:
        ext["evidence_storage"] = LocalStorage(current_app.config["UPLOAD_DIR"])
    store: EvidenceStorage = ext["evidence_storage"]
    return store


def written_in(session: Session, store: EvidenceStorage, name: str) -> None:
    """Remember a new file so a rollback of this session's transaction removes it."""
    session.info.setdefault(_WRITTEN, []).append((store, name))


def delete_after_commit(session: Session, store: EvidenceStorage, names: Iterable[str]) -> None:
    """Remove files once the deletion of their rows is committed (not before: it may roll back)."""
    session.info.setdefault(_DOOMED, []).extend((store, n) for n in names)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for store, name in session.info.pop(_DOOMED, []):
        store.delete(name)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Reached after after_commit on success; whatever is still listed was not committed.
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED, None)
    for store, name in session.info.pop(_WRITTEN, []):
        store.delete(name)
