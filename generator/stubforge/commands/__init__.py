"""One module per ``stubforge`` command.

A command module defines ``register(commands)``, which adds its parser to the ``commands``
sub-parser set and sets ``handler`` (``Callable[[argparse.Namespace], int]``, returning the exit
code) as a default; ``ORDER`` places it in ``stubforge --help``. The command line finds every
module here, so adding a command is adding a module. Names starting with ``_`` are shared code.
"""
