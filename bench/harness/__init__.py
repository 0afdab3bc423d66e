# SPDX-License-Identifier: Apache-2.0
"""bench/run's modules: processes and their /proc figures, the peers, wrk, the collector, the report."""
