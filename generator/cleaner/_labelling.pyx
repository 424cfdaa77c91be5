# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""label_lines and close_calls of paragraphs.py over C arrays of doubles.

Why: the labelling is the inner loop of the cleaner (two fifths of a big build's
cleaning), and as Python it spends its time boxing floats in short lists. This is the
same computation, step for step: every sum is formed from the same two operands in the
same order, every minimum keeps the same (first) element, so costs, labels and close
calls are bit for bit those of the Python functions, which stay the reference (and run
when this module is not compiled: paragraphs.py imports it only if it can).
"""
from cython.view cimport array as cvarray

from . import paragraphs as P

cdef double BIG = P.BIG
cdef double COLUMN_CHANGE = P.COLUMN_CHANGE


cdef double[:, :, ::1] _cube(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c):
    return cvarray(shape=(max(a, 1), b, max(c, 1)), itemsize=sizeof(double), format="d")


cdef double _with_change(double[::1] same, double[::1] out, Py_ssize_t ncols):
    """out = per column, the cheapest way in (paragraphs._with_change); returns the cheapest."""
    cdef Py_ssize_t c
    cdef double low = same[0], cap, v
    for c in range(1, ncols):
        if same[c] < low:
            low = same[c]
    cap = low + COLUMN_CHANGE
    if BIG < cap:
        cap = BIG
    for c in range(ncols):
        v = same[c]
        out[c] = v if v < cap else cap
    return low


cdef class Run:
    """What close_calls needs of a labelling (the Python version keeps it in a dict)."""
    cdef public double total
    cdef public object path, kinds
    cdef double[:, :, ::1] fwd, own, last
    cdef double[:, ::1] lows
    cdef Py_ssize_t n, nk, ncols


def label_lines(lines, cols, flush_first, allow_headings, give_up=None):
    """paragraphs.label_lines over C arrays: the same cost, labels and close calls."""
    cdef bint heads = allow_headings
    kinds = P.KINDS if heads else P.KINDS[:len(P.KINDS) - 1]   # (no negative index: wraparound is off)
    cdef Py_ssize_t nk = len(kinds), n = len(lines), ncols = len(cols)
    cdef Py_ssize_t i, k, c, ci, bk
    cdef double x, y, z, low_end, low_run, cost, best_cost, best_col
    col_key = tuple(cols)
    own_memo = {}
    cdef double[:, :, ::1] own = _cube(n, nk + 1, ncols)
    cdef double[:, :, ::1] fwd = _cube(n, nk, ncols)
    cdef double[:, :, ::1] last = _cube(1, nk, ncols)
    cdef double[:, ::1] lows = cvarray(shape=(max(n, 1), 2), itemsize=sizeof(double), format="d")
    cdef double[::1] colw = cvarray(shape=(max(ncols, 1),), itemsize=sizeof(double), format="d")
    cdef double[::1] prev_end = cvarray(shape=(max(ncols, 1),), itemsize=sizeof(double), format="d")
    cdef double[::1] prev_run = cvarray(shape=(max(ncols, 1),), itemsize=sizeof(double), format="d")
    cdef double[::1] into_end, into_run
    cdef double endpen[5]
    for c in range(ncols):
        colw[c] = cols[c]
    for i, ln in enumerate(lines):
        key = (P._facts_key(ln), i == 0 and flush_first)
        costs = own_memo.get(key)
        if costs is None:
            costs = own_memo[key] = P._own_costs(key[0], heads, col_key, key[1])
        for k in range(nk + 1):
            row = costs[k]
            for c in range(ncols):
                own[i, k, c] = row[c]
    for k in range(nk):
        x = P._start_cost(kinds[k][0], flush_first)
        for c in range(ncols):
            fwd[0, k, c] = x
        endpen[k] = P._end_penalty((0,) + kinds[k])
    lows[0, 0] = BIG
    lows[0, 1] = BIG
    # line 0: its states, then the cheapest ended and running state per column
    for c in range(ncols):
        x = fwd[0, 1, c] + own[0, 1, c]
        y = fwd[0, 3, c] + own[0, 3, c]
        x = x if x < y else y
        if heads:
            z = fwd[0, 4, c] + own[0, 4, c]
            x = x if x < z else z
        prev_end[c] = x
        x = fwd[0, 0, c] + own[0, 0, c]
        y = fwd[0, 2, c] + own[0, 2, c]
        prev_run[c] = x if x < y else y
    for i in range(1, n):
        into_end = fwd[i, 0]
        into_run = fwd[i, 2]
        low_end = _with_change(prev_end, into_end, ncols)
        low_run = _with_change(prev_run, into_run, ncols)
        if give_up is not None and give_up(low_end if low_end < low_run else low_run):
            return None
        lows[i, 0] = low_end
        lows[i, 1] = low_run
        for c in range(ncols):
            fwd[i, 1, c] = into_end[c]
            fwd[i, 3, c] = into_run[c]
            if heads:
                fwd[i, 4, c] = into_end[c]
        if i + 1 < n:
            for c in range(ncols):
                x = into_end[c] + own[i, nk, c]
                y = into_run[c] + own[i, 3, c]
                prev_end[c] = x if x < y else y
                x = into_end[c] + own[i, 0, c]
                y = into_run[c] + own[i, 2, c]
                prev_run[c] = x if x < y else y
    for k in range(nk):
        for c in range(ncols):
            last[0, k, c] = fwd[n - 1, k, c] + own[n - 1, k, c]
    # first least (cost, -column) in state order
    ci = bk = -1
    best_cost = best_col = 0.0
    for c in range(ncols):
        for k in range(nk):
            cost = last[0, k, c] + endpen[k]
            if ci < 0 or cost < best_cost or (cost == best_cost and -colw[c] < -best_col):
                best_cost, best_col, ci, bk = cost, colw[c], c, k
    total = best_cost
    path = [bk]
    k = bk
    for i in range(n - 1, 0, -1):
        k = _predecessor(fwd, own, i - 1, lows[i, 0] if k != 2 and k != 3 else lows[i, 1], &ci, k, heads, ncols)
        if k < 0:
            raise AssertionError(f"labelling: line {i - 1} has no state to come from")
        path.append(k)
    labels = [kinds[k] for k in reversed(path)]
    run = Run()
    run.total, run.path, run.kinds = total, labels, kinds
    run.fwd, run.own, run.last, run.lows = fwd, own, last, lows
    run.n, run.nk, run.ncols = n, nk, ncols
    return total, labels, run


cdef Py_ssize_t _predecessor(double[:, :, ::1] fwd, double[:, :, ::1] own, Py_ssize_t i, double low,
                             Py_ssize_t *ci, Py_ssize_t k, bint heads, Py_ssize_t ncols):
    """paragraphs._predecessor: the state (column in ci, returned kind) line i was in."""
    cdef Py_ssize_t wanted[3]
    cdef Py_ssize_t nw, w, kk, c, best_k = -1, best_i = -1
    cdef double cost, best_c = BIG
    if k != 2 and k != 3:                       # F or H follow a state that ended its block
        wanted[0], wanted[1], wanted[2] = 1, 3, 4
        nw = 3 if heads else 2
    else:
        wanted[0], wanted[1] = 0, 2
        nw = 2
    for w in range(nw):
        kk = wanted[w]
        cost = fwd[i, kk, ci[0]] + own[i, kk, ci[0]]
        if cost < best_c:
            best_c, best_k = cost, kk
    if low + COLUMN_CHANGE < best_c:
        best_k = -1
        for w in range(nw):                     # min (index of low, kind) over the kinds holding it
            kk = wanted[w]
            for c in range(ncols):
                if fwd[i, kk, c] + own[i, kk, c] == low:
                    if best_k < 0 or c < best_i or (c == best_i and kk < best_k):
                        best_i, best_k = c, kk
                    break
        ci[0] = best_i
    return best_k


def close_calls(Run run, double margin):
    """paragraphs.close_calls of a labelling made by this module's label_lines."""
    cdef Py_ssize_t n = run.n, nk = run.nk, ncols = run.ncols
    if n < 2:
        return []
    cdef bint heads = nk > 4
    cdef double[:, :, ::1] fwd = run.fwd, own = run.own, last = run.last
    cdef double[:, ::1] lows = run.lows
    cdef double[:, :, ::1] bwd = _cube(n, 2, ncols)    # per line: after a running state, after an ended one
    cdef double[:, ::1] bwd_low = cvarray(shape=(n, 2), itemsize=sizeof(double), format="d")
    cdef double[::1] tmp = cvarray(shape=(ncols,), itemsize=sizeof(double), format="d")
    cdef double endpen[5]
    cdef Py_ssize_t i, k, c, j, d, g
    cdef double x, y, z, total = run.total, low, v, lfe, lfr, lbe, lbr
    cdef double low_of[3]
    cdef double best[3]
    cdef bint has[3]
    kinds = run.kinds
    for k in range(nk):
        endpen[k] = P._end_penalty((0,) + kinds[k])
    # the last line's states through to the end
    for c in range(ncols):
        x = own[n - 1, 2, c] + endpen[2]
        y = own[n - 1, 3, c] + endpen[3]
        tmp[c] = x if x < y else y
    bwd_low[n - 2, 0] = _with_change(tmp, bwd[n - 2, 0], ncols)
    for c in range(ncols):
        x = own[n - 1, 0, c] + endpen[0]
        y = own[n - 1, 1, c] + endpen[1]
        x = x if x < y else y
        if heads:
            z = own[n - 1, 4, c] + endpen[4]
            x = x if x < z else z
        tmp[c] = x
    bwd_low[n - 2, 1] = _with_change(tmp, bwd[n - 2, 1], ncols)
    for i in range(n - 3, -1, -1):
        j = i + 1
        for c in range(ncols):               # a state ending its block goes on into F or H, a running one into C
            x = own[j, 2, c] + bwd[j, 0, c]
            y = own[j, 3, c] + bwd[j, 1, c]
            tmp[c] = x if x < y else y
        bwd_low[i, 0] = _with_change(tmp, bwd[i, 0], ncols)
        for c in range(ncols):
            x = own[j, 0, c] + bwd[j, 0, c]
            y = own[j, nk, c] + bwd[j, 1, c]
            tmp[c] = x if x < y else y
        bwd_low[i, 1] = _with_change(tmp, bwd[i, 1], ncols)
    out = []
    order = P.DECISION_ORDER                   # run, break, heading
    for i in range(n):
        chosen = P.decision(*run.path[i])
        if i < n - 1:
            lfe, lfr = lows[i + 1, 0], lows[i + 1, 1]
            lbr, lbe = bwd_low[i, 0], bwd_low[i, 1]
            low_of[0] = lfr + lbr
            low_of[1] = lfe + lbe
            low_of[2] = lfe + lbe
        for d in range(3):
            has[d] = False
            if order[d] == chosen or (d == 2 and not heads):
                continue
            if i < n - 1 and (low_of[d] >= BIG or low_of[d] - total >= margin):
                continue                       # no reading through this decision comes within the margin
            low = BIG
            first = True
            for g in range(2 if d < 2 else 1):
                k = (0, 2)[g] if d == 0 else ((1, 3)[g] if d == 1 else 4)
                for c in range(ncols):
                    if i == n - 1:
                        v = last[0, k, c] + endpen[k]
                    else:
                        v = (fwd[i, k, c] + own[i, k, c]) + bwd[i, 0 if k == 0 or k == 2 else 1, c]
                    if first or v < low:
                        low, first = v, False
            if low < BIG:
                has[d], best[d] = True, low
        other = -1
        for d in range(3):
            if has[d] and (other < 0 or best[d] < best[other]):
                other = d
        if other >= 0 and best[other] - total < margin:
            out.append((i, chosen, order[other]))
    return out
