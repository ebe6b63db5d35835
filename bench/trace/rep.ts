/**
 * bench/trace/rep.ts — host-only reader of the CS:APP malloc-lab trace format
 * (.rep, bench/traces/malloclab/FORMAT.txt), strict about every rule.
 *
 * Format: a 4-line header — suggested heap size (unused), number of ids,
 * number of ops, weight (unused) — then exactly that many op lines:
 *     a <id> <bytes>   allocate <bytes> as block <id>
 *     r <id> <bytes>   reallocate block <id> to <bytes>
 *     f <id>           free block <id>
 * Trailing empty lines after the last op are allowed; nothing else is.
 *
 * Every violation is a TraceError naming the 1-based line and quoting it:
 * a malformed header or op line, an id outside 0..ids−1, a size that is not a
 * whole number ≥ 0, an op count that differs from the header, alloc of a live
 * id, free/realloc of an id never allocated, double free, realloc of a freed
 * id. An id may be allocated again after its free (the id names the block,
 * not the slot).
 *
 * Invariants of a returned Trace: every op is valid against the state before
 * it, so replaying it never names a dead or unknown block; peakPayload is
 * mdriver's "peak live payload" (sum of live requested sizes, a realloc
 * counting its new size); maxLive is the most blocks live at once.
 * Cost: one pass over the text, O(ops + ids) memory in typed arrays.
 *
 * ```ts
 * const t = parseTrace("short1-bal", fs.readFileSync(path, "utf8"))
 * t.count === 12 && t.peakPayload === 8192
 * ```
 */
import { quote } from "../../sim/escape"
import { OP_ALLOC, OP_FREE, OP_REALLOC } from "../replay"

/** A .rep file broke a rule; `line` is 1-based. */
export class TraceError extends Error {
    constructor(public line: number, message: string) {
        super("line " + line + ": " + message)
        this.name = "TraceError"
    }
}

/** A parsed, validated trace. Op i is (kinds[i], idOf[i], sizes[i]); a free's size is 0. */
export class Trace {
    constructor(
        public name: string,
        /** number of ids in the header (ids are 0..ids−1) */
        public ids: number,
        public kinds: Uint8Array,
        public idOf: Uint32Array,
        public sizes: Uint32Array,
        /** peak of the sum of live requested sizes */
        public peakPayload: number,
        /** most blocks live at once */
        public maxLive: number,
        /** header line 1 (unused by mdriver) */
        public suggestedHeap: number,
        /** header line 4 (unused by mdriver) */
        public weight: number,
    ) {}

    /** Number of ops. */
    get count(): number {
        return this.kinds.length
    }
}

/** Largest request accepted: fits a u32 op field and a Layout of align 8. */
const MAX_REQUEST = 0x7fffffff - 7

const WHOLE = /^[0-9]+$/

/** Never allocated / live / freed: an id's state while reading. */
const UNSEEN = 0
const LIVE = 1
const FREED = 2

/**
 * Parses and validates the text of a .rep file. `name` is kept for reports.
 * Throws TraceError (see the file header).
 */
export function parseTrace(name: string, text: string): Trace {
    const lines = text.split("\n")
    // A final "\n" (or several) leaves empty strings at the end: not lines of the trace.
    let n = lines.length
    while (n > 0 && lines[n - 1].replace(/\r$/, "").trim() === "") n--
    const lineText = (k: number) => lines[k].replace(/\r$/, "")
    const header = (k: number, what: string, min: number): number => {
        if (k >= n) throw new TraceError(k + 1, "missing header line: " + what)
        const s = lineText(k).trim()
        if (!WHOLE.test(s)) throw new TraceError(k + 1, "malformed header: " + what + " must be a whole number ≥ " + min + ", got " + quote(lineText(k)))
        const v = parseInt(s, 10)
        if (v < min || v > 0x7fffffff) throw new TraceError(k + 1, "malformed header: " + what + " " + v + " must be " + min + ".." + 0x7fffffff)
        return v
    }
    const suggestedHeap = header(0, "suggested heap size", 0)
    const ids = header(1, "number of ids", 0)
    const count = header(2, "number of ops", 0)
    const weight = header(3, "weight", 0)
    const found = n - 4
    if (found !== count) {
        const line = found > count ? 4 + count + 1 : n + 1
        throw new TraceError(line, "the header says " + count + " ops, the file has " + found + (found > count ? " (first extra line " + quote(lineText(4 + count)) + ")" : " (ends early)"))
    }

    const kinds = new Uint8Array(count)
    const idOf = new Uint32Array(count)
    const sizes = new Uint32Array(count)
    const state = new Uint8Array(ids)
    const liveSize = new Float64Array(ids)
    let live = 0
    let liveBlocks = 0
    let peak = 0
    let maxLive = 0
    for (let i = 0; i < count; i++) {
        const line = 4 + i + 1
        const t = lineText(4 + i)
        const f = t.trim().split(/\s+/)
        const bad = (why: string): TraceError => new TraceError(line, why + ": " + quote(t)) // file content: escaped, ≤ 120 characters
        const op = f[0]
        if (op !== "a" && op !== "r" && op !== "f") throw bad("malformed op line: expected a <id> <bytes>, r <id> <bytes> or f <id>")
        const want = op === "f" ? 2 : 3
        if (f.length !== want) throw bad("malformed op line: " + op + " takes " + (want - 1) + (want === 3 ? " numbers (id, bytes)" : " number (id)") + ", got " + (f.length - 1))
        if (!WHOLE.test(f[1])) throw bad("malformed op line: id must be a whole number")
        const id = parseInt(f[1], 10)
        if (id >= ids) throw bad("id " + id + " is outside 0.." + (ids - 1) + " (the header says " + ids + " ids)")
        let size = 0
        if (want === 3) {
            if (!WHOLE.test(f[2])) throw bad("size must be a whole number of bytes ≥ 0")
            size = parseInt(f[2], 10)
            if (size > MAX_REQUEST) throw bad("size " + size + " is larger than " + MAX_REQUEST)
        }
        const s = state[id]
        if (op === "a") {
            if (s === LIVE) throw bad("alloc of id " + id + ", which is still live")
            state[id] = LIVE
            liveSize[id] = size
            live += size
            liveBlocks++
            kinds[i] = OP_ALLOC
        } else {
            const verb = op === "f" ? "free" : "realloc"
            if (s === UNSEEN) throw bad(verb + " of unknown id " + id + " (never allocated)")
            if (s === FREED) throw bad(op === "f" ? "double free of id " + id : "realloc of freed id " + id)
            if (op === "f") {
                state[id] = FREED
                live -= liveSize[id]
                liveBlocks--
                kinds[i] = OP_FREE
            } else {
                live += size - liveSize[id]
                liveSize[id] = size
                kinds[i] = OP_REALLOC
            }
        }
        idOf[i] = id
        sizes[i] = size
        if (live > peak) peak = live
        if (liveBlocks > maxLive) maxLive = liveBlocks
    }
    return new Trace(name, ids, kinds, idOf, sizes, peak, maxLive, suggestedHeap, weight)
}
