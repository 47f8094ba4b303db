"""A frame derived from a cached frame is computed once per filters and equals the direct one."""

from __future__ import annotations

from lentera.warehouse import musrenbang
from lentera.web import ui


def test_derived_equals_the_direct_computation_and_is_kept(warehouse_env, monkeypatch):
    calls = []
    real = musrenbang.funnel

    def counted(frame):
        calls.append(1)
        return real(frame)

    monkeypatch.setattr(musrenbang, "funnel", counted)
    counted.__module__, counted.__qualname__ = real.__module__, real.__qualname__
    ui._derived_call.clear()
    first = ui.derived(musrenbang.funnel, musrenbang.usulan_filtered, tahun=2026)
    again = ui.derived(musrenbang.funnel, musrenbang.usulan_filtered, tahun=2026)
    assert first.equals(real(musrenbang.usulan_filtered(tahun=2026)))
    assert again is first and len(calls) == 1
    other = ui.derived(musrenbang.funnel, musrenbang.usulan_filtered, tahun=2025)
    assert other.equals(real(musrenbang.usulan_filtered(tahun=2025))) and len(calls) == 2
    by = ui.derived(musrenbang.stage_mix_by, musrenbang.usulan_filtered, "nama_kecamatan",
                    tahun=2026)
    assert by.equals(musrenbang.stage_mix_by(musrenbang.usulan_filtered(tahun=2026),
                                             "nama_kecamatan"))
