"""Paper slips for residents who cannot use a phone: a printable A5 slip per station, large
print, tick boxes for the categories, and a QR code carrying the station and the slip's
serial. Scanned by a clerk's phone, the QR opens the entry page filled in."""
from __future__ import annotations

from flask import render_template, url_for
from yinghuo.api import get_unit, html_to_pdf, local_today, qr_data_uri

from ..settings import settings


def serials(station_id: int, count: int) -> list[str]:
    """Serials of a batch printed today: station, date, number."""
    day = local_today().strftime("%y%m%d")
    return [f"{station_id}-{day}-{n:03d}" for n in range(1, count + 1)]


def entry_link(station_id: int, serial: str, channel: str = "letterbox") -> str:
    return url_for("stations_pages.intake", station=station_id, serial=serial, channel=channel, _external=True)


def slips_pdf(station_id: int, count: int, channel: str = "letterbox") -> bytes:
    station = get_unit(station_id)
    slips = [{"serial": s, "qr": qr_data_uri(entry_link(station.id, s, channel))} for s in serials(station.id, count)]
    html = render_template("stations/slip.html", station=station, slips=slips, conf=settings())
    return html_to_pdf(html)
