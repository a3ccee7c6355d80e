"""Translations: .po catalogs in the source, compiled to .mo in the instance folder at start
(no compiled binaries in the repository)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).parent / "translations"


def translation_dirs(app, plugins: dict[str, str] | None = None) -> list[str]:
    """Compile every stale catalog (the kernel's, and each plugin's ``translations`` folder
    from its manifest) and return the folders Flask-Babel should search; it merges them."""
    sources = {"translations": SOURCE} | {f"translations-{name}": Path(path)
                                          for name, path in sorted((plugins or {}).items())}
    found = []
    for folder, source in sources.items():
        target = Path(app.instance_path) / folder
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            mo = target / po.parent.parent.name / "LC_MESSAGES" / "messages.mo"
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                mo.parent.mkdir(parents=True, exist_ok=True)
                with po.open("rb") as fh:
                    catalog = read_po(fh)
                with mo.open("wb") as fh:
                    write_mo(fh, catalog)
        found.append(str(target))
    return found
