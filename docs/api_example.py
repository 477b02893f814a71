"""The Python API example of docs/seed.md, run as a test: the seed system's classes on the built-in assets.

Usage: python docs/api_example.py OUT_DIR
"""

import json
import sys
from pathlib import Path

from synthocr.compat.api import (
    BackgroundImageManager,
    BatchConfig,
    BatchManager,
    GenerationOrchestrator,
    OCRDataGenerator,
    plan_rows_to_table,
)

out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/api_example")
out.mkdir(parents=True, exist_ok=True)

# A validated config (every problem is reported at once as a ConfigError).
config = BatchConfig.from_yaml("configs/default.yaml", ["total_images=12"])
print(config.total_images, [s.name for s in config.specifications])

# The interleaved specification of every image.
specs = BatchManager(config).task_list()
print([s.name for s in specs[:6]])

# Background images with weights per directory (here: one folder of generated images).
bg_dir = out / "backgrounds"
bg_dir.mkdir(exist_ok=True)
from PIL import Image  # noqa: E402

Image.new("RGB", (640, 200), (235, 228, 210)).save(bg_dir / "paper.png")
backgrounds = BackgroundImageManager(dir_weights={str(bg_dir): 1.0})

# Tasks: spec, text and a font that covers every character of it.
orchestrator = GenerationOrchestrator(batch_config=config, background_manager=backgrounds)
tasks = orchestrator.create_task_list(min_text_len=5, max_text_len=20)
print(tasks[0].source_spec.name, repr(tasks[0].text), Path(tasks[0].font_path).name)

# Plans (one JSON-serialisable dict per image, every parameter) and images from them.
generator = OCRDataGenerator(config)
plans = generator.plan_generation_batch([t.as_tuple() for t in tasks], backgrounds)
json.dumps(plans)  # plain data
for plan in plans[:3]:
    image, bboxes = generator.generate_from_plan(plan)
    image.save(out / f"image_{plan['image_id']:05d}.png")
    print(plan["image_id"], image.size, len(bboxes), "character boxes")

# The same plans as a Parquet-plan table, and back.
table = plan_rows_to_table(plans)
assert table.to_pylist() == plans
