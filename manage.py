#!/usr/bin/env python
"""Django's command-line utility; `tonghu` (tonghu.cli) is the installed equivalent."""
import sys

from tonghu.cli import main

if __name__ == "__main__":
    sys.exit(main())
