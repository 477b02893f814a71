"""The Python API with the seed system's names, and the example script of docs/seed.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from synthocr.assets import BUILTIN_DIRS
from synthocr.compat.api import (
    BackgroundImageManager,
    BatchConfig,
    BatchManager,
    GenerationOrchestrator,
    GenerationTask,
    OCRDataGenerator,
    plan_rows_to_table,
)
from synthocr.errors import ConfigError, UserError
from synthocr.renderer.io import encode_image

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def config(tiny_config_path):
    return BatchConfig.from_yaml(tiny_config_path)


def test_from_yaml_validates_and_overrides(tiny_config_path, tmp_path):
    config = BatchConfig.from_yaml(tiny_config_path, ["total_images=9"])
    assert config.total_images == 9 and [s.name for s in config.specifications] == ["latin", "arabic", "hebrew"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("total_images: 0\nspecifications: [{name: a, corpus_file: nope.txt}]\n")
    with pytest.raises(ConfigError) as info:
        BatchConfig.from_yaml(bad)
    assert len(info.value.problems) == 2


def test_batch_manager_task_list_is_specifications_in_plan_order(config, tiny_plan):
    specs = BatchManager(config).task_list()
    assert [s.name for s in specs] == tiny_plan.column("spec").to_pylist()
    assert BatchManager(config)._allocate_images() == {"latin": 12, "arabic": 6, "hebrew": 6}


def test_orchestrator_tasks_match_the_plan_and_fonts_cover_texts(config, tiny_plan):
    tasks = GenerationOrchestrator(batch_config=config).create_task_list()
    assert all(isinstance(t, GenerationTask) for t in tasks)
    assert [t.text for t in tasks] == tiny_plan.column("text").to_pylist()
    assert [Path(t.font_path).name for t in tasks] == tiny_plan.column("font").to_pylist()
    assert [t.source_spec.name for t in tasks] == tiny_plan.column("spec").to_pylist()
    short = GenerationOrchestrator(batch_config=config).create_task_list(min_text_len=3, max_text_len=8)
    assert all(1 <= len(t.text) <= 8 for t in short)


def test_orchestrator_with_explicit_assets(config, tmp_path):
    fonts = [BUILTIN_DIRS["font"] / "DejaVuSans.ttf"]
    corpus = {
        "latin.txt": BUILTIN_DIRS["corpus"] / "latin.txt",
        "arabic.txt": BUILTIN_DIRS["corpus"] / "arabic.txt",
        "hebrew.txt": BUILTIN_DIRS["corpus"] / "hebrew.txt",
    }
    bg = tmp_path / "bg"
    bg.mkdir()
    from PIL import Image

    Image.new("RGB", (300, 120), (200, 190, 170)).save(bg / "a.png")
    manager = BackgroundImageManager(dir_weights={str(bg): 2.0})
    orchestrator = GenerationOrchestrator(
        batch_config=config, corpus_map=corpus, all_fonts=fonts, background_manager=manager
    )
    plan = orchestrator.create_plan().to_pandas()
    assert set(plan.font) == {"DejaVuSans.ttf"}
    assert set(plan[plan.background_kind == "image"].background_file) <= {"a.png"}
    with pytest.raises(UserError, match="does not exist"):
        BackgroundImageManager(dir_weights={str(tmp_path / "missing"): 1.0})


def test_generator_plans_are_plan_rows_and_render_deterministically(config, tiny_plan):
    generator = OCRDataGenerator(config)
    tasks = GenerationOrchestrator(batch_config=config).create_task_list()
    plans = generator.plan_generation_batch([t.as_tuple() for t in tasks[:5]] + tasks[5:8])
    assert [p["text"] for p in plans] == [t.text for t in tasks[:8]]
    json.loads(json.dumps(plans))
    table = plan_rows_to_table(plans)
    assert table.to_pylist() == plans
    first, boxes = generator.generate_from_plan(plans[0])
    again, _ = generator.generate_from_plan(table.to_pylist()[0])
    assert encode_image(first, "png") == encode_image(again, "png")
    assert boxes and all(len(b["bbox"]) == 4 and b["text"].strip() for b in boxes)
    # A row of a Parquet plan is a plan dict too.
    row_image, _ = generator.generate_from_plan(tiny_plan.to_pylist()[0])
    assert row_image.size[0] > 0


def test_generator_rejects_bad_tasks(config):
    generator = OCRDataGenerator(config)
    with pytest.raises(UserError, match="not among the generator's fonts"):
        generator.plan_generation_batch([("latin", "hello", "/nowhere/Font.ttf")])
    serif = str(BUILTIN_DIRS["font"] / "DejaVuSerif.ttf")
    with pytest.raises(UserError, match="cannot be planned"):
        generator.plan_generation_batch([("hebrew", "שלום", serif)])
    with pytest.raises(UserError, match="needs a plan dict"):
        OCRDataGenerator(config).generate_from_plan({})


def test_plans_json_renders_the_same_bytes_in_a_new_process(config, tiny_config_path, tmp_path):
    """The seed guide's flow: plan in one process, save plans.json, render it in another."""
    generator = OCRDataGenerator(config)
    tasks = GenerationOrchestrator(batch_config=config).create_task_list()[:4]
    plans = generator.plan_generation_batch(tasks)
    assert all(p["output_name"] and p["background_file"] == "" for p in plans)  # fields a seed user saves as is
    (tmp_path / "plans.json").write_text(json.dumps(plans, ensure_ascii=False), encoding="utf-8")
    for i, plan in enumerate(plans):
        image, _ = generator.generate_from_plan(plan)
        (tmp_path / f"here-{i}.png").write_bytes(encode_image(image, "png"))
    script = (
        "import json, sys\n"
        "from synthocr.compat.api import BatchConfig, OCRDataGenerator\n"
        "from synthocr.renderer.io import encode_image\n"
        "generator = OCRDataGenerator(BatchConfig.from_yaml(sys.argv[1]))\n"
        "plans = json.load(open(sys.argv[2], encoding='utf-8'))\n"
        "for i, plan in enumerate(plans):\n"
        "    image, _ = generator.generate_from_plan(plan)\n"
        "    open(f'{sys.argv[3]}/there-{i}.png', 'wb').write(encode_image(image, 'png'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tiny_config_path), str(tmp_path / "plans.json"), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    for i in range(len(plans)):
        assert (tmp_path / f"here-{i}.png").read_bytes() == (tmp_path / f"there-{i}.png").read_bytes()
    bad = {**plans[0], "rotation_angle": 1e6}
    with pytest.raises(UserError, match="rotation_angle"):
        generator.generate_from_plan(bad)


def test_generator_without_arguments_uses_the_default_config():
    generator = OCRDataGenerator()
    tasks = GenerationOrchestrator(batch_config=generator.batch_config).create_task_list()[:2]
    image, boxes = generator.generate_from_plan(generator.plan_generation_batch(tasks)[0])
    assert image.size[0] > 0 and boxes


@pytest.mark.slow
def test_readme_example_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "docs/api_example.py", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list(tmp_path.glob("image_*.png"))) == 3
    assert "character boxes" in proc.stdout
