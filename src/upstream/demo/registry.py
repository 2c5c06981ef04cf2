"""Finding the demo steps in the installed apps, and running them in order (see upstream.demo)."""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import transaction

# The demo package's own steps, which are not a ``demo`` module of an app.
BUILT_IN_STEPS = ("upstream.demo.organisations",)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo: a module with ``build(context)`` and an ``order``."""

    name: str  # the module's dotted path
    label: str
    order: int
    build: Callable[[DemoContext], Any]


@dataclass
class DemoContext:
    """What a demo step gets: the seed, what earlier steps made, and somewhere to report progress."""

    seed: int
    force: Any = None  # places.Area of the demo force, set by the places step
    organisations: dict[str, Any] = field(default_factory=dict)  # by key: "police", "city_council" …
    teams: dict[str, Any] = field(default_factory=dict)  # by key
    users: dict[str, Any] = field(default_factory=dict)  # by role value: "officer", "analyst" …
    data: dict[str, Any] = field(default_factory=dict)  # anything else a later step may want
    progress: Callable[[str, int, int], None] | None = None  # (label, done, total)
    # The records store (generate, import and link an extract) takes a minute or two on a small machine;
    # `upstream demo --without-records` leaves it, and the steps built on it, out.
    with_records: bool = True

    def random(self, name: str) -> random.Random:
        """Returns a random generator for one purpose, the same for the same seed and name.

        Each step draws from its own generator, so adding a step never changes what another step makes.
        """
        return random.Random(f"upstream-demo:{self.seed}:{name}")  # noqa: S311 - demo data, not secrets

    def progress_callback(self, label: str) -> ProgressCallback:
        """Returns a (done, total) callback that reports progress under a label."""

        def report(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress(label, done, total)

        return report


def _module_steps(module: ModuleType) -> DemoStep:
    build = getattr(module, "build", None)
    if not callable(build):
        raise TypeError(f"{module.__name__} has no build(context) function")
    return DemoStep(
        name=module.__name__,
        label=str(getattr(module, "label", module.__name__)),
        order=int(getattr(module, "order", 100)),
        build=build,
    )


def discover_steps() -> list[DemoStep]:
    """Returns every demo step: the built-in ones and each installed Upstream app's ``demo`` module, in order."""
    modules = [importlib.import_module(name) for name in BUILT_IN_STEPS]
    for config in apps.get_app_configs():
        if not config.name.startswith("upstream."):
            continue  # a third-party app's "demo" module is not one of ours
        dotted = f"{config.name}.demo"
        # find_spec first, so an app without a demo module is skipped but an error inside one is not hidden.
        if dotted not in BUILT_IN_STEPS and importlib.util.find_spec(dotted) is not None:
            modules.append(importlib.import_module(dotted))
    steps = [_module_steps(m) for m in modules]
    return sorted(steps, key=lambda s: (s.order, s.name))


@dataclass(frozen=True)
class StepResult:
    """What one step did and how long it took."""

    step: DemoStep
    counts: dict[str, int]
    seconds: float


def run_demo(
    context: DemoContext,
    *,
    steps: list[DemoStep] | None = None,
    on_step: Callable[[DemoStep], None] | None = None,
) -> list[StepResult]:
    """Runs the demo steps in order, each in its own transaction, and returns what each did."""
    results = []
    for step in steps if steps is not None else discover_steps():
        if on_step is not None:
            on_step(step)
        started = time.perf_counter()
        with transaction.atomic():
            counts = step.build(context) or {}
        results.append(StepResult(step=step, counts=dict(counts), seconds=time.perf_counter() - started))
    return results
