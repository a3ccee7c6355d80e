"""Translations: .po catalogs in the source, compiled to .mo in the instance folder at start
(no compiled binaries in the repository)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).parent / "translations"


def translation_dirs(app) -> list[str]:
    """Compile every stale catalog and return the folder Flask-Babel should search."""
    target = Path(app.instance_path) / "translations"
    for po in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.parent.parent.name / "LC_MESSAGES" / "messages.mo"
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
    return [str(target)]
