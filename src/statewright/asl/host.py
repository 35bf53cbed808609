"""What the state mixins (states.py, tasks.py, fanout.py) need of the Stepper that hosts them.

Each mixin subclasses `StepHost`, so its `self` is typed: mypy checks every attribute and
method a handler uses. The declarations exist for the type checker only (under TYPE_CHECKING),
so at run time `StepHost` is an empty class and costs nothing. The methods are declared
abstract: mypy refuses to build a Stepper that lacks one, and checks each implementation's
signature against the declaration here.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random
    from collections import deque
    from collections.abc import Callable
    from typing import ParamSpec

    from .dataflow import Scope
    from .errors import StatesError
    from .frames import Frame, FrameExtra, TimerKind, Wait
    from .model import Definition, Machine, MapState, State
    from .outcome import Done
    from .step import Execution
    from .types import StepResult, TaskFailed, TaskSucceeded

    # What a frame that waited runs to finish its state: the Done, or None to keep waiting.
    Produce = Callable[[Frame, State], Done | None]
    P = ParamSpec("P")  # a history builder's parameters (see emit)


class StepHost:
    """The Stepper as its mixins see it: step.py implements the plumbing, states.py `scope`
    and `conclude`, tasks.py `cancel_frame_task`, fanout.py and distributed.py what the Map
    handlers call of each other."""

    if TYPE_CHECKING:
        definition: Definition
        ex: Execution
        now: float
        record: bool
        result: StepResult
        queue: deque[str]  # frame ids (or RELAUNCH markers) to run in this step
        budget: int  # states this step may still run

        # --- step.py ---

        @abstractmethod
        def emit(self, frame: Frame | None, build: Callable[P, tuple[str, dict[str, Any]]],
                 *args: P.args, **kwargs: P.kwargs) -> int: ...

        @abstractmethod
        def next_id(self, prefix: str) -> str: ...

        @abstractmethod
        def rng(self) -> random.Random: ...

        @abstractmethod
        def machine(self, frame: Frame) -> Machine: ...

        @abstractmethod
        def variable_scopes(self, frame: Frame) -> list[dict[str, Any]]: ...

        @abstractmethod
        def context_for(self, frame: Frame, state: State) -> dict[str, Any]: ...

        @abstractmethod
        def start_timer(self, frame: Frame, kind: TimerKind, seconds: float) -> str: ...

        @abstractmethod
        def cancel_timer(self, timer_id: str | None) -> None: ...

        @abstractmethod
        def new_frame(self, parent: Frame | None, machine_key: str, state_input: Any,
                      extra: FrameExtra) -> Frame: ...

        @abstractmethod
        def resume(self, frame: Frame, produce: Produce | Done | None) -> None: ...

        @abstractmethod
        def finish_state(self, frame: Frame, state: State, done: Done) -> bool: ...

        @abstractmethod
        def frame_failed(self, frame: Frame, err: StatesError) -> None: ...

        @abstractmethod
        def state_failed(self, frame: Frame, state: State, err: StatesError) -> None: ...

        @abstractmethod
        def with_prefix(self, frame: Frame, state: State, err: StatesError) -> StatesError: ...

        @abstractmethod
        def frame_succeeded(self, frame: Frame, output: Any) -> None: ...

        @abstractmethod
        def payload_text(self, frame: Frame, value: Any) -> str: ...

        # --- states.py ---

        @abstractmethod
        def scope(self, frame: Frame, state: State, data: Any) -> Scope: ...

        @abstractmethod
        def conclude(self, frame: Frame, state: State, result: Any, has_result: bool,
                     next_name: str | None = None, sc: Scope | None = None) -> Done: ...

        # --- tasks.py ---

        @abstractmethod
        def cancel_frame_task(self, frame: Frame) -> None: ...

        # --- fanout.py ---

        @abstractmethod
        def enter_map(self, frame: Frame, state: MapState) -> None: ...

        @abstractmethod
        def _launch(self, frame: Frame, state: MapState, refill: bool = False) -> None: ...

        # --- distributed.py ---

        @abstractmethod
        def read_items(self, frame: Frame, state: MapState, sc: Any, data: Any,
                       bindings: dict[str, Any]) -> None: ...

        @abstractmethod
        def map_io_answered(self, event: TaskSucceeded | TaskFailed) -> None: ...

        @abstractmethod
        def begin_map_run(self, frame: Frame, state: MapState, wait: Wait) -> None: ...

        @abstractmethod
        def map_run_moved(self, wait: Wait, index: int, source: str, target: str) -> None: ...

        @abstractmethod
        def child_times(self, wait: Wait, index: int, child: Frame) -> None: ...

        @abstractmethod
        def close_map_run(self, wait: Wait | None, status: str) -> None: ...

        @abstractmethod
        def map_run_finished(self, frame: Frame, state: MapState, wait: Wait,
                             err: StatesError | None) -> bool: ...

        @abstractmethod
        def transform_results(self, state: MapState, wait: Wait, results: list[Any]) -> list[Any]: ...
