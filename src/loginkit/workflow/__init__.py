"""Run Arazzo 1.0 workflows against TikTok's APIs or the loginkit emulator."""

from loginkit.workflow.document import ArazzoDocument, Workflow, load_document
from loginkit.workflow.errors import (
    ControlApiError,
    DocumentError,
    ExpressionError,
    InputError,
    StepFailed,
    WorkflowError,
)
from loginkit.workflow.runner import WorkflowRunner
from loginkit.workflow.sources import SourceSet, load_sources

__all__ = [
    "ArazzoDocument",
    "ControlApiError",
    "DocumentError",
    "ExpressionError",
    "InputError",
    "SourceSet",
    "StepFailed",
    "Workflow",
    "WorkflowError",
    "WorkflowRunner",
    "load_document",
    "load_sources",
]
