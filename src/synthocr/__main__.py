from synthocr.cli import run

run()
