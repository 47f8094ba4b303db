"""The methods that are not measures (how search, ranking or routing work), collected from the
modules that define them for the Tentang page; measures document themselves in semantic.sql."""

from __future__ import annotations

import importlib

# (module, heading key) in the order the Tentang page shows them.
TOPICS: tuple[tuple[str, str], ...] = (
    ("lentera.warehouse.beranda", "pages.beranda"),
    ("lentera.warehouse.anggaran", "pages.anggaran"),
    ("lentera.warehouse.pengaduan", "pages.pengaduan"),
    ("lentera.warehouse.perizinan", "pages.perizinan"),
    ("lentera.warehouse.layanan", "pages.layanan"),
    ("lentera.warehouse.musrenbang", "pages.musrenbang"),
    ("lentera.services.warga", "pages.lapor"),
    ("lentera.services.lokasi", "lapor.methods_place_heading"),
    ("lentera.store.intake", "lapor.methods_store_heading"),
    ("lentera.services.umpan_balik", "pages.lacak"),
    ("lentera.services.ikm", "ikm.title"),
    ("lentera.warehouse.catalog", "pages.data"),
    ("lentera.services.api", "api.heading"),
    ("lentera.services.petugas", "pages.verifikasi"),
)


def method_topics() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(topic heading key, [(title key, body key), …]), …] for modules that define METHODS."""
    out = []
    for module_name, heading in TOPICS:
        module = importlib.import_module(module_name)
        pairs = list(getattr(module, "METHODS", []) or [])
        if pairs:
            out.append((heading, pairs))
    return out
