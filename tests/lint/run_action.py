#!/usr/bin/env python3
"""Runs a composite action.yml's steps locally, as a GitHub runner would run them.

Usage: run_action.py ACTION_DIR WORK_DIR [INPUT=VALUE...]

Each `run:` step runs in bash in WORK_DIR with its `env:`, `${{ ... }}` expressions replaced
(inputs with their defaults, github.action_path, github.action_repository, runner.temp, step
outputs), GITHUB_PATH and GITHUB_OUTPUT files, and the directories added to GITHUB_PATH put on
PATH for the later steps. `if:` conditions are evaluated (always(), ==, !=, &&, ||). A `uses:`
step (a remote action, not runnable offline) is listed with its `with:` values. Prints one line
per step ("STEP <name>: ran, exit N" / "skipped" / "uses X with k=v") and the outputs, and exits
1 when a step failed, as the job would.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def main():
    action_dir, work = sys.argv[1], sys.argv[2]
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    given = dict(arg.split("=", 1) for arg in sys.argv[3:])
    # runner.temp: a new directory under RUNNER_TEMP_PARENT (the caller's, to clean up).
    temp = tempfile.mkdtemp(prefix="runner-temp-", dir=os.environ.get("RUNNER_TEMP_PARENT"))
    context = {
        "github.action_path": action_dir,
        "github.action_repository": "example/policysim",
        "runner.temp": temp,
    }
    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        default = str(spec.get("default", ""))
        inputs[name] = given.get(name, EXPR.sub(lambda m: context[m.group(1)], default))
    outputs = {}

    def value(expr):
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr.startswith("steps."):
            _, step, _, key = expr.split(".", 3)
            return outputs.get(step, {}).get(key, "")
        return context[expr]

    def substitute(text):
        return EXPR.sub(lambda m: value(m.group(1)), str(text))

    def condition(text, failed):
        expr = EXPR.sub(lambda m: m.group(1), str(text))
        # As on GitHub: without a status function, success() && is implied.
        if not re.search(r"\b(always|success|failure|cancelled)\(\)", expr):
            expr = f"success() && ({expr})"
        expr = re.sub(r"\b(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+)",
                      lambda m: repr(value(m.group(1))), expr)
        expr = expr.replace("&&", " and ").replace("||", " or ")
        expr = expr.replace("always()", "True").replace("success()", repr(not failed))
        expr = expr.replace("failure()", repr(failed)).replace("cancelled()", "False")
        return bool(eval(expr, {"__builtins__": {}}, {}))  # noqa: S307 - our own action.yml

    github_path = os.path.join(temp, "github_path")
    open(github_path, "w").close()
    base_path = os.environ.get("PATH", "")
    failed = False
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("id", "step"))
        cond = step.get("if")
        if cond is not None:
            run = condition(cond, failed)
        else:
            run = not failed
        if not run:
            print(f"STEP {name}: skipped")
            continue
        if "uses" in step:
            withs = " ".join(f"{k}={substitute(v)}" for k, v in (step.get("with") or {}).items())
            print(f"STEP {name}: uses {step['uses']} with {withs}")
            continue
        output_file = os.path.join(temp, "github_output")
        open(output_file, "w").close()
        env = dict(os.environ)
        added = [line.strip() for line in open(github_path, encoding="utf-8") if line.strip()]
        env["PATH"] = os.pathsep.join(list(reversed(added)) + [base_path])
        env.update({k: substitute(v) for k, v in (step.get("env") or {}).items()})
        env.update({"GITHUB_PATH": github_path, "GITHUB_OUTPUT": output_file,
                    "GITHUB_ACTION_PATH": action_dir, "RUNNER_TEMP": temp})
        status = subprocess.call(["bash", "-e", "-c", substitute(step["run"])], cwd=work, env=env)
        print(f"STEP {name}: ran, exit {status}", flush=True)
        if "id" in step:
            values = {}
            for line in open(output_file, encoding="utf-8"):
                if "=" in line:
                    key, val = line.rstrip("\n").split("=", 1)
                    values[key] = val
            outputs[step["id"]] = values
        failed = failed or status != 0
    for step, values in outputs.items():
        for key, val in values.items():
            print(f"OUTPUT {step}.{key}={val}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
