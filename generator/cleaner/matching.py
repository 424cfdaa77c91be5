"""Best one-to-one assignment of headlines to articles.

Taking the best-scoring pair first and so on (greedy) lets one headline that reads a
little like a neighbour's text take that neighbour, leaving the neighbour's own headline
with nowhere to go. The assignment that maximises the total score gives each headline
the article that makes the whole page read best.
"""
from __future__ import annotations

from typing import Optional, Sequence

FORBIDDEN = 1e9


def max_weight_assignment(scores: Sequence[Sequence[Optional[float]]]) -> dict[int, int]:
    """Rows (headlines) to columns (articles), each used at most once, maximising the
    sum of the chosen scores; `None` marks a pair that may not be chosen. A row may stay
    unassigned (it then adds nothing). Hungarian method on rows x (columns + one
    "unassigned" column per row), O(n^3) for the few dozen headlines of a file."""
    rows = len(scores)
    if rows == 0:
        return {}
    cols = len(scores[0])
    width = cols + rows                                  # one way to stay unassigned per row
    cost = [[(-s if s is not None else FORBIDDEN) for s in row] + [0.0] * rows for row in scores]
    # e-maxx's Hungarian algorithm, 1-based potentials, rows <= width
    u, v = [0.0] * (rows + 1), [0.0] * (width + 1)
    match, way = [0] * (width + 1), [0] * (width + 1)
    for i in range(1, rows + 1):
        match[0], j0 = i, 0
        minv, used = [float("inf")] * (width + 1), [False] * (width + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], float("inf"), 0
            for j in range(1, width + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(width + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while True:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
            if j0 == 0:
                break
    out = {}
    for j in range(1, cols + 1):
        i = match[j]
        if i and scores[i - 1][j - 1] is not None:
            out[i - 1] = j - 1
    return out


def in_order_assignment(scores: Sequence[Sequence[Optional[float]]]) -> dict[int, int]:
    """Rows to columns keeping their order (row i before row j => column of i before
    column of j), each column used at most once, maximising the sum of the chosen scores;
    `None` marks a pair that may not be chosen, and a row may stay unassigned. For the
    headlines of one printed run: they head their articles in the order they are printed.
    Dynamic programming: best[i][c] is the best total of rows i.. over columns c.."""
    rows = len(scores)
    if rows == 0:
        return {}
    cols = len(scores[0])
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for c in range(cols - 1, -1, -1):
            s = scores[i][c]
            best[i][c] = max(best[i + 1][c], best[i][c + 1],
                             s + best[i + 1][c + 1] if s is not None else float("-inf"))
    out, i, c = {}, 0, 0
    while i < rows and c < cols:
        s = scores[i][c]
        if s is not None and best[i][c] == s + best[i + 1][c + 1]:
            out[i] = c
            i, c = i + 1, c + 1
        elif best[i][c] == best[i][c + 1]:
            c += 1
        else:
            i += 1
    return out
