"""Running states through their fused closures (fastpath.py): a mixin of the Stepper in step.py.

A run of states that each have a closure - Pass and Choice states that read only their own
input - goes through a loop that keeps the frame's state, data and size bound in locals, instead
of the general path's execute/finish_state per state. Without history, compile-time jumps over
identity Pass states apply too. With history, each state writes the same Entered and Exited
events as the general path, and each payload is serialised once (a state's output text is the
next state's input text). Anything a closure cannot decide (Fallback) and anything near the
history quota is left to the general path, which produces AWS's exact errors.
"""

from __future__ import annotations

from typing import Any

from . import history
from .fastpath import Fallback
from .frames import Frame
from .host import StepHost
from .limits import MAX_HISTORY_EVENTS
from .model import Machine


class FastRuns(StepHost):
    """`self` is a step.Stepper (see host.py)."""

    last_text: tuple[str, Any, str] | None  # see Stepper.payload_text

    def run_fast(self, frame: Frame, machine: Machine) -> bool:
        """No history kept: run the frame's states through their fused closures (fastpath.py) and
        compile-time jumps while they apply, in a loop that keeps its data in locals. Stops at a
        state that needs the general path (the frame is left on it, in phase "enter"); True when
        the frame ended here."""
        fast, jumps, ex = machine.fast, machine.jumps, self.ex
        name, data, bound, budget = frame["state"], frame["input"], frame["bound"], self.budget
        transitions = 0
        target: str | None = name
        try:
            while budget > 0:
                jump = jumps.get(name)
                if jump is not None:
                    target, hops = jump
                    budget -= 1
                    transitions += hops
                else:
                    closure = fast.get(name)
                    if closure is None:
                        break
                    try:
                        data, target, bound = closure(data, bound)
                    except Fallback:
                        break  # the general path decides, with AWS's errors
                    budget -= 1
                    transitions += 1
                if target is None:
                    break
                name = target
        finally:
            self.budget = budget
            ex.transitions += transitions
            ex.last_event_id += 2 * transitions  # each state's Entered and Exited events
            if transitions:  # what the frame's next event follows (execution logs keep some events)
                frame["prev"] = ex.last_event_id
        if target is None:
            self.frame_succeeded(frame, data)
            return True
        frame["state"], frame["input"], frame["bound"] = name, data, bound
        return False

    def run_fast_recorded(self, frame: Frame, machine: Machine) -> bool:
        """History kept: run states through their fused closures while they apply, writing the
        events the general path writes (its Entered and Exited, built here without `emit`'s
        generality; compile-time jumps are not used: every state's events are needed). Each
        payload is serialised once: a state's output text is the next state's input text.
        True when the frame ended here."""
        fast, states, ex = machine.fast, machine.states, self.ex
        if frame.get("quiet"):
            return False  # a frame that writes no events: rare, left to the general path
        events, now, frame_id = self.result.events, self.now, frame["id"]
        raw, bound = frame["input"], frame["bound"]
        text_in = self.payload_text(frame, raw)
        name = frame["state"]
        while self.budget > 0:
            closure = fast.get(name)
            if closure is None:
                break
            try:
                output, target, bound_out = closure(raw, bound)
            except Fallback:
                break  # the general path decides, with AWS's errors
            last_id = ex.last_event_id
            if last_id >= MAX_HISTORY_EVENTS - 2:
                break  # the general path ends the execution at the quota, event by event
            self.budget -= 1
            state_type = states[name].type
            events.append({"id": last_id + 1, "previousEventId": frame["prev"], "timestamp": now,
                           "type": history.ENTERED[state_type], "stateEnteredEventDetails": {
                               "name": name, "input": text_in, "inputDetails": {"truncated": False}}})
            ex.last_event_id = frame["prev"] = last_id + 1
            # After the Entered event, as in the general path, should the output fail to encode.
            text_out = text_in if output is raw else history.dumps(output)
            events.append({"id": last_id + 2, "previousEventId": last_id + 1, "timestamp": now,
                           "type": history.EXITED[state_type], "stateExitedEventDetails": {
                               "name": name, "output": text_out, "outputDetails": {"truncated": False}}})
            ex.last_event_id = frame["prev"] = last_id + 2
            ex.transitions += 1
            if target is None:
                self.frame_succeeded(frame, output)
                return True
            name, raw, bound, text_in = target, output, bound_out, text_out
            # (attempts and token need no reset: a state is entered with none, see finish_state)
            frame["state"], frame["input"], frame["bound"] = name, raw, bound
        self.last_text = (frame_id, raw, text_in)
        return False
