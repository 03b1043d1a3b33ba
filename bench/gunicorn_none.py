"""An empty gunicorn configuration file, named with --config so that gunicorn reads no
gunicorn.conf.py from the folder it starts in: the benchmarks' settings are all on the command
line (bench/servers.py), the same for every app measured."""
