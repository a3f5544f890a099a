"""A local Sphinx/Manticore cluster for a laptop or a test: N shard nodes, one folder.

``init`` writes one ``searchd`` configuration per node: node ``i`` answers SphinxQL on
port ``P + 2i`` and the agent protocol on ``P + 2i + 1``, and holds three tables:

- ``shard``: this node's share of the articles (a real-time table);
- ``shard_names``: the entity names its articles use (facets are counted on 64-bit
  ids; names are looked up here);
- ``kv``: what the indexing runs learned (the aliases), the same row on every node;
- ``articles`` and ``names``: distributed tables whose agents are every node's
  ``shard`` and ``shard_names``, so any node can answer a query over the whole archive.

The backend URL of such a cluster is ``sphinx://127.0.0.1:P,127.0.0.1:P+2,...``
(``cluster.json`` in the folder says it). Sphinx's own morphology, stopwords and
charset folding stay off: searcher's analyzer runs in Python and the cluster indexes
its terms, so a query means the same thing on both backends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from searcher.errors import SearcherError

CLUSTER_FILE = "cluster.json"
#: Text fields, in the order the backend writes them; ``every`` holds one token that
#: every article has, so a query of exclusions alone can still be computed.
FIELDS = ("headline", "kicker", "body", "entities", "every")
#: Attributes (SphinxQL types): filters, facets, sorting and the stored article. Each
#: field's length in terms (``body_len``...) is added by ``index_field_lengths``.
ATTRIBUTES = (
    ("rt_attr_bigint", "date"),
    ("rt_attr_uint", "day"),
    ("rt_attr_bigint", "grp"),
    ("rt_attr_multi_64", "person"),
    ("rt_attr_multi_64", "place"),
    ("rt_attr_multi_64", "org"),
    ("rt_attr_multi_64", "entity"),
    ("rt_attr_multi_64", "source"),
    ("rt_attr_multi_64", "facet_per"),
    ("rt_attr_multi_64", "facet_loc"),
    ("rt_attr_multi_64", "facet_org"),
    ("rt_attr_string", "article_id"),
    ("rt_attr_string", "checksum"),
    ("rt_attr_string", "group_id"),
    ("rt_attr_string", "minhash"),
    ("rt_attr_string", "stored"),
)


class ClusterError(SearcherError):
    """The cluster folder or its processes are not as expected."""


@dataclass(frozen=True)
class Node:
    """One shard node: its SphinxQL port and its agent port."""

    number: int
    sql_port: int
    agent_port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.sql_port}"


def nodes_of(shards: int, port: int) -> list[Node]:
    return [Node(i, port + 2 * i, port + 2 * i + 1) for i in range(shards)]


def _searchd() -> str:
    found = shutil.which("searchd")
    if found is None:
        raise ClusterError(
            "searchd is not installed: `apt-get install sphinxsearch` (Debian) or install "
            "Manticore Search"
        )
    return found


def _config(folder: Path, node: Node, nodes: list[Node]) -> str:
    data = folder / f"node{node.number}"
    fields = "\n".join(f"    rt_field = {name}" for name in FIELDS)
    attributes = "\n".join(f"    {kind} = {name}" for kind, name in ATTRIBUTES)
    # persistent agent connections: a query does not pay a TCP handshake per shard
    agents = "\n".join(f"    agent_persistent = 127.0.0.1:{n.agent_port}:shard" for n in nodes)
    name_agents = "\n".join(
        f"    agent_persistent = 127.0.0.1:{n.agent_port}:shard_names" for n in nodes
    )
    common = (
        "    charset_table = 0..9, a..z, _\n    min_word_len = 1\n"
        "    index_field_lengths = 1\n    rt_mem_limit = 256M"
    )
    return f"""# searcher cluster node {node.number} of {len(nodes)} (`search cluster init`)
index shard
{{
    type = rt
    path = {data}/shard
{fields}
{attributes}
{common}
}}

index shard_names
{{
    type = rt
    path = {data}/shard_names
    rt_field = line
    rt_attr_string = name
{common}
}}

index kv
{{
    type = rt
    path = {data}/kv
    rt_field = key
    rt_attr_string = value
{common}
}}

index articles
{{
    type = distributed
{agents}
    agent_connect_timeout = 500
    agent_query_timeout = 10000
}}

index names
{{
    type = distributed
{name_agents}
    agent_connect_timeout = 500
    agent_query_timeout = 10000
}}

searchd
{{
    listen = 127.0.0.1:{node.sql_port}:mysql41
    listen = 127.0.0.1:{node.agent_port}
    log = {data}/searchd.log
    query_log = {data}/query.log
    pid_file = {data}/searchd.pid
    binlog_path = {data}
    workers = threads
    max_packet_size = 32M
    persistent_connections_limit = 8
    seamless_rotate = 0
}}
"""


def init(folder: Path, shards: int, port: int) -> str:
    """Write the configuration of ``shards`` nodes into ``folder``; the backend URL."""
    if shards < 1:
        raise ClusterError("a cluster needs at least one shard")
    folder = folder.resolve()
    if (folder / CLUSTER_FILE).exists():
        raise ClusterError(f"{folder} already holds a cluster (see {CLUSTER_FILE})")
    nodes = nodes_of(shards, port)
    for node in nodes:
        (folder / f"node{node.number}").mkdir(parents=True, exist_ok=True)
        (folder / f"node{node.number}" / "sphinx.conf").write_text(
            _config(folder, node, nodes), "utf-8"
        )
    url = "sphinx://" + ",".join(node.address for node in nodes)
    described = {"shards": shards, "port": port, "backend": url}
    (folder / CLUSTER_FILE).write_text(json.dumps(described, indent=2) + "\n", "utf-8")
    return url


def describe(folder: Path) -> dict:
    try:
        return json.loads((folder / CLUSTER_FILE).read_text("utf-8"))
    except FileNotFoundError:
        raise ClusterError(
            f"no cluster in {folder}: write one with `search cluster init {folder}`"
        ) from None
    except ValueError as err:
        raise ClusterError(f"{folder / CLUSTER_FILE} is unreadable: {err}") from None


def _nodes(folder: Path) -> list[Node]:
    described = describe(folder)
    return nodes_of(int(described["shards"]), int(described["port"]))


def _pid(folder: Path, node: Node) -> int | None:
    try:
        pid = int((folder / f"node{node.number}" / "searchd.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def free_port_base(count: int) -> int:
    """A port with ``count`` free loopback ports from it on (for tests and benchmarks)."""
    import random

    for _ in range(200):
        base = random.randrange(20_000, 60_000, 2)
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise ClusterError("no free ports for a local cluster")


def answers(node: Node, timeout: float = 0.5) -> bool:
    """True when the node accepts SphinxQL connections."""
    try:
        with socket.create_connection(("127.0.0.1", node.sql_port), timeout=timeout):
            return True
    except OSError:
        return False


def start(folder: Path, only: int | None = None, timeout: float = 20.0) -> list[str]:
    """Start every node (or node ``only``) that is not running; what was started."""
    folder = folder.resolve()
    started = []
    for node in _nodes(folder):
        if only is not None and node.number != only:
            continue
        if _pid(folder, node) is not None and answers(node):
            continue
        config = folder / f"node{node.number}" / "sphinx.conf"
        result = subprocess.run(
            [_searchd(), "--config", str(config)], capture_output=True, text=True, timeout=60
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise ClusterError(f"node {node.number} did not start: {' / '.join(tail)}")
        deadline = time.monotonic() + timeout
        while not answers(node):
            if time.monotonic() > deadline:
                raise ClusterError(f"node {node.number} did not answer on port {node.sql_port}")
            time.sleep(0.05)
        started.append(f"node {node.number} on {node.address}")
    return started


def stop(folder: Path, only: int | None = None, timeout: float = 20.0) -> list[str]:
    """Stop every running node (or node ``only``); what was stopped."""
    folder = folder.resolve()
    stopped = []
    for node in _nodes(folder):
        if only is not None and node.number != only:
            continue
        pid = _pid(folder, node)
        if pid is None:
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid(folder, node) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid(folder, node) is not None:
            os.kill(pid, signal.SIGKILL)
        stopped.append(f"node {node.number}")
    return stopped


def status(folder: Path) -> list[tuple[Node, bool]]:
    """Each node and whether it answers."""
    return [(node, answers(node)) for node in _nodes(folder.resolve())]
