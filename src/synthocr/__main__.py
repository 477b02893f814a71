import sys

from synthocr.cli import main

sys.exit(main())
