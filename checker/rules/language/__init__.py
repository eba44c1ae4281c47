"""The YAML rule language of ``claims/``: ``schema`` (the kinds and their fields, also the
reference in docs/rules.md), ``source`` (reading YAML with positions), ``validate`` (one
file to rule specs, or errors with line and column), ``spec`` (the frozen rule specs),
``patterns`` (safe regex and template helpers), ``engine`` (a spec run as a rule),
``terms`` (the term-family matching of ``kind: terms``) and ``examples`` (a rule's own
flag / pass examples, run as tests).
"""
