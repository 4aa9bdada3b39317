"""Compatibility suite: runs the tutorial snippets in compat/cases/ with real torch and with
myautograd (`import torch` aliased) and compares their output. Entry point: python -m compat.
Modules: discover (cases), _launch (one side of one case), runner, compare, report.
"""
