"""The cluster's shards as connections: one SphinxQL address per shard, one open
connection per thread and shard, statements batched into as few round trips as the
engine allows. What the backend reads and the writer writes goes through here."""

from __future__ import annotations

import contextlib
import threading

from searcher.errors import SearcherError

#: Statements per round trip: Sphinx takes at most 32 queries in one batch, and each
#: statement is followed by its ``SHOW META``.
BATCH_STATEMENTS = 16


class ClusterUnavailable(SearcherError):
    """No node of the cluster answers, or a shard needed for writing does not."""


class Shards:
    """Connections to the nodes of ``spec`` (``sphinx://HOST:PORT[,HOST:PORT...]``)."""

    def __init__(self, spec: str) -> None:
        addresses = spec.removeprefix("sphinx://").split(",")
        self.nodes: list[tuple[str, int]] = []
        for address in addresses:
            host, _, port = address.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"backend addresses are HOST:PORT, not {address!r}")
            self.nodes.append((host, int(port)))
        self.spec = spec
        self._local = threading.local()

    def _connect(self, node: int, timeout: float = 5.0):
        import pymysql

        host, port = self.nodes[node]
        try:
            return pymysql.connect(
                host=host, port=port, user="", password="", autocommit=True, charset="utf8",
                connect_timeout=timeout, read_timeout=60, write_timeout=60,
            )  # fmt: skip
        except pymysql.err.OperationalError as err:
            raise ClusterUnavailable(
                f"shard {node} of {self.spec} ({host}:{port}) does not answer ({err.args[-1]})"
            ) from None

    def _node(self, node: int):
        """This thread's open connection to ``node``."""
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        conn = conns.get(node)
        if conn is None or not conn.open:
            conn = conns[node] = self._connect(node)
        return conn

    def _sql(self, node: int, sql: str, sets: bool = False):
        """Run ``sql`` on ``node``; its rows (every result set's with ``sets``)."""
        import pymysql

        for attempt in (0, 1):
            conn = self._node(node)
            try:
                with conn.cursor() as cursor:
                    cursor.execute(sql)
                    if not sets:
                        return list(cursor.fetchall())
                    found = [list(cursor.fetchall())]
                    while cursor.nextset():
                        found.append(list(cursor.fetchall()))
                    return found
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError):
                self._local.conns.pop(node, None)
                if attempt:
                    raise ClusterUnavailable(
                        f"shard {node} of {self.spec} stopped answering"
                    ) from None
            except pymysql.err.ProgrammingError as err:
                raise SearcherError(f"the cluster refused a query ({err.args[-1]})") from None
        return []

    def _batch(self, statements: list[str]) -> list[tuple[list, dict]]:
        """Run ``statements`` in as few round trips as the engine allows (a batch holds
        at most 32 queries, each statement's ``SHOW META`` included); each one's rows and
        its ``SHOW META``."""
        if len(statements) > BATCH_STATEMENTS:
            return [
                answer
                for start in range(0, len(statements), BATCH_STATEMENTS)
                for answer in self._batch(statements[start : start + BATCH_STATEMENTS])
            ]
        sql = "; ".join(f"{statement}; SHOW META" for statement in statements)
        last: Exception | None = None
        for node in range(len(self.nodes)):
            try:
                sets = self._sql(node, sql, sets=True)
            except ClusterUnavailable as err:
                last = err
                continue
            return [
                (sets[2 * i], {row[0]: row[-1] for row in sets[2 * i + 1]})
                for i in range(len(statements))
            ]
        raise ClusterUnavailable(f"no node of {self.spec} answers ({last})")

    def _read(self, sql: str) -> tuple[list, dict]:
        """One query on the first node that answers: its rows and ``SHOW META``."""
        return self._batch([sql])[0]

    @staticmethod
    def _partial(meta: dict) -> bool:
        return "agent" in str(meta.get("warning", ""))

    def shard_of(self, doc: int) -> int:
        """The node that holds the article with this ``doc_id``."""
        return doc % len(self.nodes)

    def close(self) -> None:
        for conn in (getattr(self._local, "conns", None) or {}).values():
            with contextlib.suppress(Exception):  # already gone
                conn.close()
        self._local.conns = {}
