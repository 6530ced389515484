"""``make bench``: stubforge side by side with the tools people use today, as ratios.

Every figure comes from one run on one machine, so the ratios compare like with like; absolute
times only mean something next to the machine description that ``results.md`` carries.
"""
