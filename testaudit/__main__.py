"""The ``testaudit`` command and ``python -m testaudit``: the CLI, imported under a guard so a
Ctrl-C while its modules load ends the run the way one during the run does (a line on stderr,
status 130), not with Python's traceback. Only ``os`` and ``sys`` are imported before the guard."""
import os
import sys


def main() -> None:
    try:
        from testaudit.cli import main as cli
    except KeyboardInterrupt:
        sys.stderr.write("testaudit: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # as cli._guard: sys.exit could still end the process with SIGINT
    cli()


if __name__ == "__main__":
    main()
