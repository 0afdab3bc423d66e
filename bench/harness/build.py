# SPDX-License-Identifier: Apache-2.0
"""Brings benchmark targets (h2otel, the micro-benchmarks) up to date in a Release build directory."""

import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _log(msg):
    print(msg, flush=True)


def release_build(build, targets):
    """Brings `targets` up to date in the build directory `build` (a Release build; configured when missing).
    None, or why it failed."""
    cache = os.path.join(build, "CMakeCache.txt")
    name = os.path.relpath(build, REPO) + "/"
    if not os.path.exists(cache):
        _log(f"prepare: configuring {name} (Release)")
        cfg = ["cmake", "-S", REPO, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"]
        if subprocess.run(cfg, stdout=subprocess.DEVNULL).returncode != 0:
            return f"configuring {name} failed"
    with open(cache) as f:
        kind = next((ln.split("=", 1)[1].strip() for ln in f if ln.startswith("CMAKE_BUILD_TYPE:")), "")
    if kind != "Release":
        return f"{name} is a {kind or 'default'} build: benchmark a Release one (reconfigure it, or --h2otel/--build)"
    if not targets:
        return None
    _log(f"prepare: building {', '.join(targets)} ({name}, Release; nothing to do when up to date)")
    if subprocess.run(["cmake", "--build", build, "--target", *targets], stdout=subprocess.DEVNULL).returncode:
        return f"the build of {', '.join(targets)} failed"
    return None

