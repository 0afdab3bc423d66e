# SPDX-License-Identifier: Apache-2.0
"""The peers bench/run measures side by side, each a server answering GET /api/v1/dummy/ with
{"message":"Hello, OpenTelemetry!"}. A peer says what it needs (the h2otel binary, the Python venv, the
Node modules, nginx, the collector); bench/run skips a peer whose needs are not met, with the reason.

Roles follow issue 9: 1 = h2otel telemetry off, 2 = h2otel full telemetry, 3 = the seed's FastAPI stack
(3 as the seed runs it, 3b its fastest configuration), 4 = Node.js + OpenTelemetry (4p plain Node),
5 = nginx, the plain C ceiling."""

import os
from dataclasses import dataclass, field

from . import procs

ROUTE = "/api/v1/dummy/"
EXPECT = {"message": "Hello, OpenTelemetry!"}


@dataclass
class Context:
    """What the peers' commands are built from; filled by bench/run."""

    repo: str
    workdir: str  # per-run scratch directory (logs, nginx prefix)
    server_threads: int = 2
    h2otel: str = ""  # path of the h2otel binary, "" when it could not be built
    venv: str = ""  # Python venv with bench/peers/requirements.txt, "" when unavailable
    node_modules: str = ""  # node_modules with bench/peers/package-lock.json, "" when unavailable
    nginx: str = ""  # nginx binary, "" when not installed
    otlp_endpoint: str = ""  # http://127.0.0.1:PORT of the running collector, "" when none
    missing: dict = field(default_factory=dict)  # need -> why it is unavailable


@dataclass
class Peer:
    key: str
    role: str
    label: str
    needs: tuple
    command: object  # (ctx, port) -> (argv, env)
    exports: bool = False  # sends OTLP to the collector (its receipt is checked after each run)
    probe: str = ""  # if set: prove export with a short probe first; skip with this text if none arrives
    default: bool = True  # part of the default set
    callgrind: bool = False  # native server: `bench/run --callgrind` counts its instructions per request
    outage: bool = False  # exports to a collector of its own that is stopped after the warm-up
    quiet: bool = False  # telemetry off: pointed at the collector, a run fails if anything arrives there
    single_core: bool = False  # one thread does the work (1 uvicorn worker, Node's loop): bounded by one core


def _otel_env(ctx, service):
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": ctx.otlp_endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        "OTEL_EXPORTER_OTLP_INSECURE": "true",
        "OTEL_SERVICE_NAME": service,
    }


def _h2otel_argv(ctx, port):
    # Delay 0 on the benchmarked route; the stdout access log is off in both h2otel peers (the full-telemetry
    # peer's logs are its OTLP log records).
    flags = "--dummy-delay-min-ms 0 --dummy-delay-max-ms 0 --access-log false --log-level warn"
    return [ctx.h2otel, "--listen", f"127.0.0.1:{port}", "--threads", str(ctx.server_threads)] + flags.split()


def h2otel_off(ctx, port):
    # Telemetry off by the standard switches (whichever otelc honours once issue 6 wires it in). The endpoint
    # still names the collector, so that bench/run can prove nothing is exported (Peer.quiet).
    env = {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
    env.update({"OTEL_LOGS_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": ctx.otlp_endpoint})
    if not ctx.otlp_endpoint:
        del env["OTEL_EXPORTER_OTLP_ENDPOINT"]
    return _h2otel_argv(ctx, port), env


def h2otel_full(ctx, port):
    # Everything on, per issue 6: every request traced (always_on), all metrics, OTLP logs, export over gRPC
    # to the collector. OTEL_* variables are the interface otelc reads (src/otel/config).
    env = _otel_env(ctx, "h2otel-bench")
    env.update(
        {
            "OTEL_SDK_DISABLED": "false",
            "OTEL_TRACES_SAMPLER": "always_on",
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_METRICS_EXPORTER": "otlp",
            "OTEL_LOGS_EXPORTER": "otlp",
        }
    )
    return _h2otel_argv(ctx, port), env


def _uvicorn(ctx, port, extra):
    uvicorn = os.path.join(ctx.venv, "bin", "uvicorn")
    app_dir = os.path.join(ctx.repo, "bench", "peers")
    return [uvicorn, "--app-dir", app_dir, "fastapi_app:app", "--host", "127.0.0.1", "--port", str(port)] + extra


def fastapi_seed(ctx, port):
    # As the seed runs it: `uvicorn app:app`, one worker, asyncio loop and h11 (a plain `pip install uvicorn`
    # has neither uvloop nor httptools), uvicorn's default access log (to a file here, not a terminal).
    argv = _uvicorn(ctx, port, "--workers 1 --loop asyncio --http h11".split())
    return argv, _otel_env(ctx, "fastapi-seed")


def _uvicorn_fast(ctx, port):
    # The fastest configuration on this box: one worker per core with uvloop + httptools (the asyncio loop
    # with several workers suffers a Nagle delay, uvicorn issue #3149), no access log.
    extra = f"--workers {ctx.server_threads} --loop uvloop --http httptools --no-access-log --log-level warning"
    return _uvicorn(ctx, port, extra.split())


def fastapi_fast(ctx, port):
    return _uvicorn_fast(ctx, port), _otel_env(ctx, "fastapi-fast")


def fastapi_plain(ctx, port):
    # The same without OpenTelemetry: what the seed's stack costs before its telemetry.
    return _uvicorn_fast(ctx, port), {"BENCH_TELEMETRY": "0"}


def _node(ctx, port, telemetry):
    env = {
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "NODE_PATH": ctx.node_modules,
        "BENCH_TELEMETRY": "1" if telemetry else "0",
        "NODE_ENV": "production",
    }
    if telemetry:
        env.update(_otel_env(ctx, "node-otel"))
        env["OTEL_LOGS_EXPORTER"] = "none"  # the app writes no logs; keeps the SDK from setting up a logs pipeline
    return ["node", os.path.join(ctx.repo, "bench", "peers", "node_app.js")], env


def node_otel(ctx, port):
    return _node(ctx, port, True)


def node_plain(ctx, port):
    return _node(ctx, port, False)


def nginx(ctx, port):
    prefix = os.path.join(ctx.workdir, f"nginx-{port}")
    os.makedirs(prefix, exist_ok=True)
    with open(os.path.join(ctx.repo, "bench", "peers", "nginx.conf.in")) as f:
        conf = f.read().replace("@PREFIX@", prefix).replace("@PORT@", str(port))
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return [ctx.nginx, "-p", prefix, "-c", path, "-e", os.path.join(prefix, "error.log")], {}


def start_peer(ctx, peer, cpus=""):
    """Starts the peer (pinned to `cpus`, a taskset -c list, when given); (server, url, None) or (None, url, why)."""
    port = procs.free_port()
    argv, env = peer.command(ctx, port)
    if cpus:
        argv = ["taskset", "-c", cpus] + argv
    srv = procs.Server(argv, env=env, log_path=os.path.join(ctx.workdir, f"{peer.key}.log"))
    url = f"http://127.0.0.1:{port}{ROUTE}"
    why = procs.wait_http_json(srv, url, EXPECT)
    if why:
        srv.stop()
        return None, url, why
    return srv, url, None


PEERS = [
    Peer("h2otel-off", "1", "h2otel, telemetry off", ("h2otel",), h2otel_off, callgrind=True, quiet=True),
    Peer(
        "h2otel-full",
        "2",
        "h2otel, full telemetry -> collector",
        ("h2otel", "collector"),
        h2otel_full,
        exports=True,
        probe="h2otel sent no spans to the collector in a 1 s probe: no telemetry in this build?",
        callgrind=True,
    ),
    Peer(
        "h2otel-full-outage",
        "2o",
        "h2otel, full telemetry, collector stopped",
        ("h2otel", "collector"),
        h2otel_full,
        exports=True,
        outage=True,
        probe="h2otel sent no spans to the collector in a 1 s probe: no telemetry in this build?",
    ),
    Peer(
        "fastapi-seed",
        "3",
        "FastAPI+OTel, uvicorn 1 worker (seed)",
        ("venv", "collector"),
        fastapi_seed,
        exports=True,
        single_core=True,
    ),
    Peer(
        "fastapi-fast",
        "3b",
        "FastAPI+OTel, 2 workers uvloop+httptools",
        ("venv", "collector"),
        fastapi_fast,
        exports=True,
    ),
    Peer("fastapi-plain", "3p", "FastAPI plain, 2 workers uvloop+httptools", ("venv",), fastapi_plain),
    Peer(
        "fastapi-seed-outage",
        "3o",
        "FastAPI+OTel seed, collector stopped",
        ("venv", "collector"),
        fastapi_seed,
        exports=True,
        outage=True,
        default=False,
        single_core=True,
    ),
    Peer(
        "node-otel",
        "4",
        "Node.js http + OpenTelemetry JS",
        ("node", "collector"),
        node_otel,
        exports=True,
        single_core=True,
    ),
    Peer("node-plain", "4p", "Node.js http, plain", ("node",), node_plain, single_core=True),
    Peer(
        "node-otel-outage",
        "4o",
        "Node.js + OpenTelemetry, collector stopped",
        ("node", "collector"),
        node_otel,
        exports=True,
        outage=True,
        default=False,
        single_core=True,
    ),
    Peer("nginx", "5", "nginx, 2 workers, return 200", ("nginx",), nginx, callgrind=True),
]


def by_key(key):
    for p in PEERS:
        if p.key == key:
            return p
    return None
