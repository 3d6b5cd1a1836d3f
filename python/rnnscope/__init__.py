"""rnnscope's Python side: export a trained PyTorch model for rnnscope, and check a saved one.

    import sys; sys.path.insert(0, "/path/to/rnnscope/python")   # or PYTHONPATH=.../python
    import rnnscope
    rnnscope.export(model, "names.pt", task="classification", vocab=letters, labels=languages)

docs/your-model.md has the whole path; rnnscope.check.check(path) is examples/check_model.py.
"""

from rnnscope.export import ExportError, export

__all__ = ["export", "ExportError"]
