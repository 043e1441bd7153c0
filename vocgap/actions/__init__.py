"""Action plans: actions agreed per account, linked to a finding and judged in later waves.

``plans`` creates and lists them, ``tracking`` loads both waves' results and asks
``vocgap.analysis.verdicts`` whether it worked, ``wording`` says it in words, ``export`` writes
them out with the data and ``demo`` adds the demo study's three.
"""
