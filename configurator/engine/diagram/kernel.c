/* Valid domains over a diagram's flat arrays: the same markings as flat.py, compiled.
 *
 * Nodes are sorted by level, every child after its parents, the true terminal last;
 * hi/lo hold a child's index or -1 for false. `value` holds, per variable, 0 (open),
 * 1 (true) or 2 (false). `out` receives, per variable, bit 1 when true is possible and
 * bit 2 when false is possible. See flat.py for what each marking means.
 */

#include <string.h>

static int first_at(const int *level, int n, int wanted)
{
    int low = 0, high = n;
    while (low < high) {
        int middle = low + (high - low) / 2;
        if (level[middle] < wanted)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

int dd_domains(int n, const int *var, const int *level, const int *hi, const int *lo, int levels,
               const int *var_at, const signed char *value, unsigned char *down, unsigned char *up,
               unsigned char *out, int *jump, int *skipped)
{
    int terminal = n - 1;
    memset(down, 0, (size_t)n);
    memset(up, 0, (size_t)n);
    down[terminal] = 1;
    for (int node = terminal - 1; node >= 0; node--) {
        signed char v = value[var[node]];
        int h = hi[node], l = lo[node];
        down[node] = (v != 2 && h >= 0 && down[h]) || (v != 1 && l >= 0 && down[l]);
    }
    if (!down[0])
        return 0;
    up[0] = 1;
    for (int node = 0; node < terminal; node++) {
        if (!up[node])
            continue;
        signed char v = value[var[node]];
        if (v != 2 && hi[node] >= 0)
            up[hi[node]] = 1;
        if (v != 1 && lo[node] >= 0)
            up[lo[node]] = 1;
    }
    for (int at = 0; at <= levels; at++) {
        skipped[at] = 0;
        jump[at] = -1;
    }
    jump[0] = level[0];
    skipped[0] += 1;
    skipped[level[0]] -= 1;
    for (int node = 0; node < terminal; node++) {
        if (!up[node])
            continue;
        signed char v = value[var[node]];
        int at = level[node];
        for (int edge = 0; edge < 2; edge++) {
            int target = edge == 0 ? hi[node] : lo[node];
            int allowed = edge == 0 ? v != 2 : v != 1;
            if (!allowed || target < 0 || !down[target])
                continue;
            out[var[node]] |= (unsigned char)(edge == 0 ? 1 : 2);
            int deeper = level[target];
            if (deeper > at + 1) {
                skipped[at + 1] += 1;
                skipped[deeper] -= 1;
            }
            if (deeper > jump[at + 1])
                jump[at + 1] = deeper;
        }
    }
    int running = 0;
    for (int at = 0; at < levels; at++) {
        running += skipped[at];
        int w = var_at[at];
        if (running && w) {
            if (value[w] != 2)
                out[w] |= 1;
            if (value[w] != 1)
                out[w] |= 2;
        }
    }
    for (int at = 1; at <= levels; at++)
        if (jump[at - 1] > jump[at])
            jump[at] = jump[at - 1];
    return 1;
}

struct span {
    const int *var, *level, *hi, *lo, *var_at, *pstart, *pnode;
    const unsigned char *phi, *up, *down;
    const signed char *value;
    const int *owner;
    int decision, first, last, start, end;
    unsigned char *reach, *sat, *out;
};

static int own(const struct span *s, int w)
{
    return w && s->owner[w] == s->decision;
}

static int allows(const struct span *s, int node, int polarity)
{
    int w = s->var[node];
    return own(s, w) || (polarity ? s->value[w] != 2 : s->value[w] != 1);
}

static int leads(const struct span *s, int node, int target, int polarity)
{
    if (target < 0 || !allows(s, node, polarity))
        return 0;
    return target < s->end ? s->sat[target - s->start] : s->down[target];
}

static void set_free(struct span *s, int low, int high)
{
    for (int at = low; at < high; at++) {
        int w = s->var_at[at];
        if (own(s, w))
            s->out[w] = 3;
    }
}

/* The literals of one decision's variables possible with its own assumption dropped
 * (flat.py's _Span); `owner` maps each variable to its decision's number. */
static void switched(int n, const int *var, const int *level, const int *hi, const int *lo, const int *var_at,
                 const int *pstart, const int *pnode, const unsigned char *phi, const signed char *value,
                 const int *owner, int decision, int first, int last, const int *jump, const unsigned char *up,
                 const unsigned char *down, unsigned char *reach, unsigned char *sat, unsigned char *out)
{
    struct span s = {var, level, hi, lo, var_at, pstart, pnode, phi, up, down, value, owner,
                     decision, first, last, 0, 0, reach, sat, out};
    for (int at = first; at <= last; at++)
        if (own(&s, var_at[at]))
            out[var_at[at]] = 0;
    if (jump[first] > last) { /* a solution skips every level of the decision: all of it is free */
        set_free(&s, first, last + 1);
        return;
    }
    s.start = first_at(level, n, first);
    s.end = first_at(level, n, last + 1);
    int start = s.start, end = s.end;
    memset(reach, 0, (size_t)(end - start));
    for (int node = end - 1; node >= start; node--)
        sat[node - start] = (unsigned char)(leads(&s, node, hi[node], 1) || leads(&s, node, lo[node], 0));
    if (start == 0 && end > 0) {
        reach[0] = 1;
        set_free(&s, first, level[0]);
    }
    for (int node = start; node < end; node++) {
        int entered = level[node];
        for (int k = pstart[node]; k < pstart[node + 1]; k++) {
            int parent = pnode[k], polarity = phi[k];
            if (parent < start) {
                if (up[parent] && allows(&s, parent, polarity)) {
                    reach[node - start] = 1;
                    int from = level[parent] + 1 > first ? level[parent] + 1 : first;
                    if (from < entered)
                        entered = from;
                }
            } else if (reach[parent - start] && allows(&s, parent, polarity)) {
                reach[node - start] = 1;
            }
        }
        if (!reach[node - start])
            continue;
        if (sat[node - start])
            set_free(&s, entered, level[node]);
        for (int edge = 0; edge < 2; edge++) {
            int target = edge == 0 ? hi[node] : lo[node];
            if (!leads(&s, node, target, edge == 0))
                continue;
            out[var[node]] |= (unsigned char)(edge == 0 ? 1 : 2);
            int below = level[target] < last + 1 ? level[target] : last + 1;
            set_free(&s, level[node] + 1, below);
        }
    }
}

/* `switched` for `count` decisions: their numbers and first and last levels. */
void dd_switched(int n, const int *var, const int *level, const int *hi, const int *lo, const int *var_at,
                 const int *pstart, const int *pnode, const unsigned char *phi, const signed char *value,
                 const int *owner, int count, const int *decisions, const int *firsts, const int *lasts,
                 const int *jump, const unsigned char *up, const unsigned char *down, unsigned char *reach,
                 unsigned char *sat, unsigned char *out)
{
    for (int k = 0; k < count; k++)
        switched(n, var, level, hi, lo, var_at, pstart, pnode, phi, value, owner, decisions[k], firsts[k],
                 lasts[k], jump, up, down, reach, sat, out);
}
