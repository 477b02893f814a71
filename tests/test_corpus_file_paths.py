"""corpus_file as an absolute path, a path under ~ or an absolute glob: read where it lies, with no corpus_dir,
named in the plan by its absolute path, its sha1 in the plan's provenance; relative patterns stay under the
corpus dir."""

from __future__ import annotations

import hashlib
import json

import pyarrow.parquet as pq
import yaml

LINES = "Zahlung erhalten am Montag\nRechnung bitte bis Freitag\nWir danken Ihnen herzlich\n"


def _config(tmp_path, corpus_file: str, **extra) -> str:
    path = tmp_path / "c.yaml"
    specs = [
        {"name": "mine", "corpus_file": corpus_file, "text_source": "lines", "proportion": 2.0},
        {"name": "builtin", "corpus_file": "latin.txt"},
    ]
    path.write_text(yaml.safe_dump({"total_images": 6, "seed": 3, "specifications": specs, **extra}))
    return str(path)


def _plan(tmp_path):
    table = pq.read_table(tmp_path / "p.parquet")
    return table, json.loads(table.schema.metadata[b"synthocr.corpus_files"])


def test_absolute_corpus_file_is_read_where_it_lies(cli, tmp_path):
    data = tmp_path / "data" / "mytext.txt"
    data.parent.mkdir()
    data.write_text(LINES, encoding="utf-8")
    code, _, err = cli("plan", _config(tmp_path, str(data)), "-o", tmp_path / "p.parquet")
    assert code == 0, err
    table, files = _plan(tmp_path)
    names = table.column("corpus_file").to_pylist()
    texts = table.column("text").to_pylist()
    mine = [t for n, t in zip(names, texts) if n == data.as_posix()]
    assert len(mine) == 4 and set(mine) <= set(LINES.splitlines())
    assert "latin.txt" in names  # the relative pattern still reads the built-in corpus dir
    assert files[data.as_posix()] == {"sha1": hashlib.sha1(data.read_bytes()).hexdigest(), "bytes": len(LINES)}
    assert files["latin.txt"]["sha1"]
    code, _, err = cli("render", tmp_path / "p.parquet", "-o", tmp_path / "out", "--quiet")
    assert code == 0, err


def test_home_and_glob_corpus_files(cli, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "texts").mkdir(parents=True)
    (home / "texts" / "a.txt").write_text(LINES, encoding="utf-8")
    (home / "texts" / "b.txt").write_text("Noch eine Zeile hier\n", encoding="utf-8")
    (home / "texts" / ".hidden.txt").write_text("never read\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    code, _, err = cli("plan", _config(tmp_path, "~/texts/a.txt"), "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert (home / "texts" / "a.txt").as_posix() in _plan(tmp_path)[1]
    code, _, err = cli("plan", _config(tmp_path, "~/texts/*.txt"), "-o", tmp_path / "p.parquet")
    assert code == 0, err
    files = _plan(tmp_path)[1]
    assert {(home / "texts" / n).as_posix() for n in ("a.txt", "b.txt")} <= set(files)
    assert not any(".hidden" in name for name in files)


def test_missing_absolute_corpus_file_names_the_field(cli, tmp_path):
    missing = tmp_path / "nope.txt"
    code, _, err = cli("plan", _config(tmp_path, str(missing)), "-o", tmp_path / "p.parquet")
    assert code == 2
    assert "specification 'mine'" in err and "corpus_file" in err and f"no file found at {missing}" in err
    assert "Traceback" not in err and not (tmp_path / "p.parquet").exists()


def test_absolute_file_inside_the_corpus_dir_keeps_its_relative_name(cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "latin.txt").write_text(LINES, encoding="utf-8")
    (corpus / "mytext.txt").write_text(LINES, encoding="utf-8")
    config = _config(tmp_path, str(corpus / "mytext.txt"), corpus_dir=str(corpus))
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert set(_plan(tmp_path)[1]) == {"mytext.txt", "latin.txt"}


def test_files_a_glob_leaves_out_only_for_letter_case_are_named(cli, tmp_path, caplog):
    """Globs are case-sensitive: `*.txt` left a Windows user's NOTES.TXT out of the corpus without a word. A
    warning names it and a pattern that takes both; with that pattern it is read."""
    import logging

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(LINES, encoding="utf-8")
    (corpus / "sub" / "NOTES.TXT").write_text("Eine Zeile aus Windows\n", encoding="utf-8")
    path = tmp_path / "c.yaml"
    spec = {"name": "s", "corpus_file": "*.txt", "text_source": "lines"}
    path.write_text(yaml.safe_dump({"total_images": 8, "corpus_dir": str(corpus), "specifications": [spec]}))
    with caplog.at_level(logging.WARNING):
        assert cli("plan", path, "-o", tmp_path / "p.parquet")[0] == 0
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "leaves out sub/NOTES.TXT, which it matches but for letter case" in said and "'*.[tT][xX][tT]'" in said
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert cli("plan", path, "-o", tmp_path / "q.parquet", "specifications.0.corpus_file='*.[tT][xX][tT]'")[0] == 0
    assert "letter case" not in " ".join(r.getMessage() for r in caplog.records)
    assert "sub/NOTES.TXT" in set(pq.read_table(tmp_path / "q.parquet").column("corpus_file").to_pylist())
