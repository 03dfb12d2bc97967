"""Defaults shared by the report and the command line, kept free of imports so both load fast."""

#: Monte Carlo runs behind a report's bands (``accord analyze --runs``): enough for stable 10th/90th
#: percentiles, few enough that the report takes seconds.
REPORT_RUNS = 500
#: The fixed seed of a report's runs (``accord analyze --seed``), printed beside every band.
REPORT_SEED = 2019
