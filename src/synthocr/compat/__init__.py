"""The seed system's interface, kept working on top of the planner and the renderer (there is no second pipeline).

`synthocr generate` (compat.cli, compat.generate), the classes of `synthocr.compat.api`
(OCRDataGenerator, GenerationOrchestrator, the `*Manager` names) and the seed's
validation block live here. The core never imports this package (tests/test_imports.py
checks it); only the command table in synthocr.cli registers `generate`.
"""
