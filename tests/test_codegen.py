"""The static BatchSpecification declaration matches what schemas/codegen.py makes from schemas/params.py."""

from __future__ import annotations

import dataclasses

from synthocr.schemas import codegen
from synthocr.schemas.config import BatchSpecification
from synthocr.schemas.params import EFFECTS_BY_NAME, RANGE_PARAMS


def test_checked_in_declaration_is_what_the_generator_makes() -> None:
    current = codegen.CONFIG_MODULE.read_text(encoding="utf-8")
    assert codegen.render(current) == current, (
        "src/synthocr/schemas/config.py is out of date with schemas/params.py: "
        "run `python -m synthocr.schemas.codegen` and commit the result"
    )


def test_every_range_param_is_a_field_with_its_default() -> None:
    spec = BatchSpecification()
    types = {f.name: f.type for f in dataclasses.fields(BatchSpecification)}
    for p in RANGE_PARAMS:
        typ = "int" if p.is_int else "float"
        for end, value in zip(("min", "max"), p.default):
            got = getattr(spec, f"{p.name}_{end}")
            assert got == value and type(got).__name__ == typ == types[f"{p.name}_{end}"], (p.name, end)
        if p.name in EFFECTS_BY_NAME:
            assert spec.__dict__[f"{p.name}_probability"] == EFFECTS_BY_NAME[p.name].probability
        else:
            assert f"{p.name}_probability" not in types


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys) -> None:
    stale = tmp_path / "config.py"
    stale.write_text(codegen.CONFIG_MODULE.read_text(encoding="utf-8").replace(" = 28\n", " = 29\n", 1))
    monkeypatch.setattr(codegen, "CONFIG_MODULE", stale)
    assert codegen.main(["--check"]) == 1
    assert "run python -m synthocr.schemas.codegen" in capsys.readouterr().err
    assert codegen.main([]) == 0 and codegen.main(["--check"]) == 0
    assert " = 29\n" not in stale.read_text()
