"""Writes the generated benchmark workloads next to this file (run once; outputs are committed).

Kept as code so a reader can see exactly what each workload does and regenerate it.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
ROUNDS = 50


def working_chain(length: int = 200) -> dict:
    """200 Pass states that each write a Result: no state can be skipped as an identity."""
    states = {}
    for i in range(length):
        state = {"Type": "Pass", "Result": i, "ResultPath": "$.n"}
        state.update({"Next": f"P{i + 1}"} if i + 1 < length else {"End": True})
        states[f"P{i}"] = state
    return {"Comment": f"{length} Pass states, each writing $.n", "StartAt": "P0",
            "States": states}


def intrinsic_loop() -> dict:
    """A loop whose body calls most States.* functions (deterministic ones only)."""
    work = {
        "i.$": "States.MathAdd($.i, 1)",
        "items.$": "$.items",
        "extra.$": "$.extra",
        "label.$": f"States.Format('round {{}} of {{}}', $.i, {ROUNDS})",
        "hash.$": "States.Hash(States.Format('key-{}', $.i), 'SHA-256')",
        "b64.$": "States.Base64Encode(States.JsonToString($.items))",
        "back.$": "States.StringToJson(States.Base64Decode(States.Base64Encode('[1,2,3]')))",
        "parts.$": "States.ArrayPartition($.items, 4)",
        "has.$": "States.ArrayContains($.items, $.i)",
        "len.$": "States.ArrayLength($.items)",
        "uniq.$": "States.ArrayUnique(States.Array($.i, $.i, 1, 2, 2))",
        "merged.$": "States.JsonMerge($.extra, $.extra, false)",
        "split.$": "States.StringSplit('a,b,c,d,e', ',')",
        "third.$": "States.ArrayGetItem($.items, 3)",
        "range.$": "States.ArrayRange(1, 9, 2)",
    }
    return {
        "Comment": f"{ROUNDS} rounds of a Pass state calling 15 intrinsic functions",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Parameters": {
                "i": 0, "items.$": "States.ArrayRange(1, 20, 1)",
                "extra": {"a": 1, "b": {"c": [1, 2]}}}, "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [
                {"Variable": "$.i", "NumericLessThan": ROUNDS, "Next": "Work"}],
                "Default": "Done"},
            "Work": {"Type": "Pass", "Parameters": work, "Next": "Check"},
            "Done": {"Type": "Pass", "Parameters": {
                "i.$": "$.i", "label.$": "$.label", "hash.$": "$.hash"}, "End": True},
        },
    }


def jsonata_loop() -> dict:
    """A JSONata loop: aggregates, filters, sorting, string functions and variables per round."""
    work = ("{% {'i': $states.input.i + 1, 'orders': $states.input.orders,"
            " 'total': $sum($states.input.orders.(price * qty)),"
            " 'big': $count($states.input.orders[price > 50]),"
            " 'names': $join($states.input.orders.name, ','),"
            " 'top': $sort($states.input.orders, function($l, $r) { $l.price < $r.price })[0].name,"
            " 'upper': $uppercase($states.input.orders[0].name),"
            " 'avg': $round($average($states.input.orders.price), 2),"
            " 'byName': $merge($states.input.orders.{name: qty})} %}")
    orders = [{"name": f"item{k}", "price": (k * 37) % 100, "qty": k % 5 + 1} for k in range(20)]
    return {
        "Comment": f"{ROUNDS} rounds of a JSONata Pass state over 20 orders",
        "QueryLanguage": "JSONata",
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Choice", "Choices": [
                {"Condition": f"{{% $states.input.i < {ROUNDS} %}}", "Next": "Work"}],
                "Default": "Done"},
            "Work": {"Type": "Pass", "Output": work,
                     "Assign": {"last": "{% $states.input.i %}"}, "Next": "Check"},
            "Done": {"Type": "Pass", "Output": "{% {'i': $states.input.i, 'last': $last,"
                     " 'total': $states.input.total, 'top': $states.input.top} %}",
                     "End": True},
        },
    }, {"i": 0, "orders": orders}


def main() -> None:
    def write(name: str, value: object) -> None:
        (HERE / name).write_text(json.dumps(value, indent=1) + "\n")

    write("working_chain.asl.json", working_chain())
    write("intrinsic_loop.asl.json", intrinsic_loop())
    write("intrinsic_loop.input.json", {})
    definition, data = jsonata_loop()
    write("jsonata_loop.asl.json", definition)
    write("jsonata_loop.input.json", data)


if __name__ == "__main__":
    main()
