"""The embedded stack for tests: see ``devtools.launch``."""

from devtools.launch import READY_TIMEOUT, RunningStack, running_stack

__all__ = ["READY_TIMEOUT", "RunningStack", "running_stack"]
