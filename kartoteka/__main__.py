"""``python -m kartoteka``: the same command line as the ``kartoteka`` entry point."""

from kartoteka.cli.main import main

if __name__ == "__main__":
    main()
