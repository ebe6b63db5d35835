/**
 * sim/decoder.ts — host-side decoder of the bareheap event stream
 * (docs/protocol.md: versions 1, 2 and 3) and the shadow heap model it keeps.
 *
 * Each stream is read with the grammar of its header's version: in a
 * version-1 stream the version-2 letters (~O ~C ~L) and a 10-field ~S are
 * errors; in a version-2 stream ~S has 10 fields (the last is peakreq), and
 * every block pointer (~A ~Z ~F ~L ~C ptr, ~R old and new, ~X R's old) is an
 * offset from the header's base, < 2^32, which the decoder turns back into
 * the chip address (base + offset) mod 2^32 at once: every event, block,
 * anomaly and the viewer show addresses, in both versions. ~E's pointer is
 * the raw address in both versions.
 *
 * Version 3 (a heap of several regions) adds a 10th ~H field, N = regions,
 * and N ~M lines at seq 1..N right after the header: the region table.
 * `regions` holds it (addresses; in versions 1 and 2 one region made from the
 * header), `regionsComplete` says whether all of it arrived, `regionOf` finds
 * a pointer's region by binary search, and `regionCounts` keeps each region's
 * live blocks and bytes per event. Bounds: N ≤ MAX_REGIONS (64), ≤ 8 tags
 * per region counted before a field is split, so a hostile table costs
 * O(64) memory. A ~M anywhere else, any other line inside the table, or a
 * table that is unsorted, overlapping, misaligned or does not cover the
 * header's span from its first to its last byte is a ProtocolError.
 *
 * Two kinds of finding, kept apart on purpose:
 *   - ProtocolError (thrown): the *stream* is wrong — a malformed "~" line,
 *     an unknown letter or version, a sequence number that goes backwards or
 *     repeats, a gap (unless allowGaps), an event before the header, a kind
 *     the header did not announce. Decoding cannot be trusted past it, so it
 *     is never a silent skip. The message names the line number, the line and
 *     what was expected.
 *   - Anomaly (recorded in `anomalies`): the stream is fine but the *heap* it
 *     describes is not — a block outside the region (or, in version 3, in a
 *     hole between regions or straddling two), misaligned, overlapping a
 *     live block, a free of an unknown block, a layout mismatch, a ~S line that
 *     disagrees with the model or with the requests seen, a misuse the
 *     firmware reported (~E), a debug check that failed (~C), a leak report
 *     entry (~L) that is not a live block of the model.
 *
 * Beyond the model it keeps what the protocol reports about the heap's life:
 * realloc resize classes (grow / shrink, in place / moved, same size), OOM
 * hook calls and the requests they recovered, failed debug checks, and the
 * last leak report grouped by container kind.
 *
 * Shadow model invariants (while `synced`): `blocks()` is exactly the set of
 * blocks the firmware's allocator has live, sorted by address, each with the
 * size and align of its last alloc/realloc. The model is kept only when the
 * header's mask carries A, Z, F and R (MASK_MODEL); after a gap (allowGaps) or
 * when the header says blocks were already live, it is "unsynced": it still
 * tracks what it sees but no longer flags what lost lines could explain
 * (unknown frees, layout mismatches, overlaps with stale blocks, ~S live
 * counts). A new ~H line restarts the stream and the model.
 *
 * Model layout: `tree`, a B+ tree (sorted-btree) of pairwise disjoint live
 * blocks keyed by address, and `extra`, the live blocks that overlap a block
 * of the tree (each one an `overlap` anomaly; none in a correct heap), at
 * most MAX_OVERLAPPING. A pointer is in at most one of them.
 *
 * Cost: O(fields) per line to parse; O(log n) to find, insert or remove a
 * block (n = live blocks), plus O(|extra|) ≤ MAX_OVERLAPPING only while
 * overlapping blocks are live, plus O(k) for k blocks a new block overlaps:
 * time linear in the stream; O(log N) more per block for its region (N
 * regions). Memory: O(live blocks) for the model (at most
 * MAX_LIVE_BLOCKS; beyond, the model is dropped and goes on unsynced) and a
 * bounded history: at most HISTORY_LIMIT anomalies, gaps, phase marks, ~O, ~C
 * and leak entries kept (the counts go on: anomalyCount, gapCount, …), and
 * at most MAX_FREED remembered freed pointers for double-free detection.
 * Host-only: may use any Node/TypeScript feature.
 */
import * as btree from "sorted-btree"
import { heapErrorName } from "../src/core/errors"
import { EventKind, MASK_ALL, MASK_MODEL, MAX_ID_LENGTH, MAX_PHASE_LENGTH, MAX_REGION_TAGS, MAX_REGIONS, MAX_TAG_LENGTH, PROTOCOL_VERSION } from "../src/layers/logging"
import { stripConsoleLine } from "./console_line"
import { quote } from "./escape"

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader (tsx) wraps it once more than vitest does.
type BTree<K, V> = btree.default<K, V>
const BTree = ((btree as unknown as { default: { default?: typeof btree.default } }).default.default ?? btree.default) as typeof btree.default

/** How many anomalies, gaps, phase marks, ~O, ~C and ~L entries are kept (the counts go on past it). */
export const HISTORY_LIMIT = 1000
/** Live blocks the model holds at most (a board's region of ≤ 57,343 B has fewer); past it the model restarts unsynced. */
export const MAX_LIVE_BLOCKS = 1 << 18
/** Overlapping live blocks kept beside the disjoint tree; past it a new overlap drops the older block. */
export const MAX_OVERLAPPING = 256
/** Freed pointers remembered for double-free detection (oldest forgotten first). */
export const MAX_FREED = 1 << 16

/** A stream error: the line at `lineNo` is not what the protocol allows there. */
export class ProtocolError extends Error {
    constructor(
        readonly lineNo: number,
        readonly line: string,
        readonly expected: string,
    ) {
        // The line is stream content: escaped and cut to QUOTE_CHARS (issue 9: a 1 MB line made a 2 MB message).
        super(`line ${lineNo}: ${quote(line)}: ${expected}`)
        this.name = "ProtocolError"
    }
}

/** Options of StreamDecoder. */
export interface DecoderOptions {
    /**
     * Record a sequence gap (lost lines) in `gaps` and go on with the model
     * unsynced, instead of throwing ProtocolError. Default false.
     */
    allowGaps?: boolean
}

interface Base {
    seq: number
    lineNo: number
}
export interface HeaderEvent extends Base {
    type: "header"
    version: number
    /** Regions of the heap: a version-3 header's 10th field (2..64, its ~M table follows); 1 in versions 1 and 2. */
    regions: number
    board: string
    allocator: string
    base: number
    size: number
    maxAlign: number
    mask: number
    /** Blocks already live when the stream started (normally 0). */
    live: number
}
export interface AllocEvent extends Base {
    type: "alloc" | "zeroed"
    /** The block's chip address (a version-2 line carries its offset from the header's base). So are every event's block pointers. */
    ptr: number
    size: number
    align: number
}
export interface DeallocEvent extends Base {
    type: "dealloc"
    ptr: number
    size: number
    align: number
}
/** What a successful realloc did: the "grow/shrink in place or moved" events. */
export type ResizeClass = "grow-in-place" | "grow-moved" | "shrink-in-place" | "shrink-moved" | "same-size"
export interface ReallocEvent extends Base {
    type: "realloc"
    old: number
    ptr: number
    oldSize: number
    size: number
    align: number
    inPlace: boolean
    resize: ResizeClass
}
export interface FailEvent extends Base {
    type: "fail"
    op: "alloc" | "zeroed" | "realloc"
    size: number
    align: number
    /** The block realloc was asked to resize (still live); 0 for alloc/zeroed. */
    ptr: number
}
export interface ErrorEvent extends Base {
    type: "error"
    code: number
    /** heapErrorName(code): "double-free", … */
    name: string
    /** The pointer the caller passed, as the line gives it (an address, never an offset). */
    ptr: number
    op: "alloc" | "zeroed" | "dealloc" | "realloc"
}
export interface StatsEvent extends Base {
    type: "stats"
    inUse: number
    free: number
    peak: number
    largestFree: number
    live: number
    allocs: number
    frees: number
    failures: number
    /** The largest request ever asked of the allocator (version 2); null in a version-1 stream. */
    peakRequest: number | null
}
export interface PhaseEvent extends Base {
    type: "phase"
    name: string
}
/** ~O: an out-of-memory hook was called (version 2). */
export interface OomEvent extends Base {
    type: "oom"
    op: "alloc" | "zeroed" | "realloc"
    /** The request (for realloc the new size). */
    size: number
    align: number
    /** Counts from 1 for each request. */
    attempt: number
    /** The hook's answer: true = it asked for a retry. */
    retry: boolean
}
/** ~C: a debug check failed outside a call (version 2). */
export interface CheckEvent extends Base {
    type: "check"
    code: number
    /** heapErrorName(code): "canary-clobbered", "write-after-free", … */
    name: string
    ptr: number
}
/** ~L: one live block of a leak report (version 2). */
export interface LeakEvent extends Base {
    type: "leak"
    ptr: number
    size: number
    align: number
    /** The container kind that allocated it: "raw", "box", "vec", … */
    kind: string
}
/** ~M: one region of a version-3 heap's table (right after the header, seq 1..N). */
export interface RegionEvent extends Base {
    type: "region"
    index: number
    /** The region's chip address (the line carries its offset from the header's base). */
    base: number
    size: number
    /** The allocator managing the region ("tlsf"). */
    kind: string
    /** Its capability tags (the line's "-" is none). */
    tags: string[]
}
export type DecodedEvent =
    | HeaderEvent
    | RegionEvent
    | AllocEvent
    | DeallocEvent
    | ReallocEvent
    | FailEvent
    | ErrorEvent
    | StatsEvent
    | PhaseEvent
    | OomEvent
    | CheckEvent
    | LeakEvent

/**
 * One region of the heap: a version-3 stream's ~M line (addresses, not
 * offsets), or in versions 1 and 2 the header's whole region (index 0,
 * kind = the header's allocator, no tags).
 */
export interface DecodedRegion {
    index: number
    base: number
    size: number
    kind: string
    tags: string[]
}

/** Live blocks and bytes of one region (parallel to `regions`), and its peak of live bytes since the header. */
export interface RegionCount {
    liveBlocks: number
    liveBytes: number
    peakLiveBytes: number
}

/** A live block of the shadow model. */
export interface ShadowBlock {
    ptr: number
    size: number
    align: number
}

export type AnomalyKind =
    | "outside-region"
    | "misaligned"
    | "overlap"
    | "unknown-block"
    | "double-free"
    | "layout-mismatch"
    | "stats-mismatch"
    | "misuse"
    | "check-failed"
    | "leak-mismatch"
    | "model-limit"

/** Something wrong with the heap the stream describes (not with the stream). */
export interface Anomaly {
    kind: AnomalyKind
    lineNo: number
    seq: number
    ptr: number
    message: string
}

/** Lines lost between two received lines: seqs from..to inclusive. */
export interface Gap {
    from: number
    to: number
    /** Line number of the first line after the gap. */
    lineNo: number
}

/** Counters of the model since the last header. */
export interface ModelCounts {
    allocs: number
    zeroed: number
    deallocs: number
    reallocsInPlace: number
    reallocsMoved: number
    failures: number
    errors: number
    liveBlocks: number
    liveBytes: number
    peakLiveBytes: number
    /** ~O lines: hook calls; requests that called the hook (attempt 1); requests that then succeeded. */
    oomCalls: number
    oomRequests: number
    oomRecovered: number
    /** ~C lines. */
    checkFailures: number
    /** The largest request size (A, Z, X, R new size, O) seen: ~S peakreq may not be smaller. */
    maxRequest: number
}

/** Successful reallocs of the current stream by ResizeClass. */
export interface ResizeCounts {
    growInPlace: number
    growMoved: number
    shrinkInPlace: number
    shrinkMoved: number
    sameSize: number
}

/** One kind's share of a leak report. */
export interface LeakKind {
    kind: string
    blocks: number
    bytes: number
}

/** A leak report: a run of consecutive ~L lines. */
export interface LeakReport {
    /** seq and line of its first ~L. */
    seq: number
    lineNo: number
    entries: LeakEvent[]
    /** Per kind, sorted by kind name (over every entry). */
    byKind: LeakKind[]
    /** Entries and their bytes, including those past HISTORY_LIMIT that `entries` does not keep. */
    count: number
    bytes: number
}

/** One phase marker seen since the last header. */
export interface PhaseMark {
    name: string
    seq: number
    lineNo: number
}

/**
 * Removes what the transport adds around a console line: ANSI sequences
 * (devs run colours its output), a trailing "\r" (serial CRLF), the "WASM> "
 * prefix of `devs run` / the simulator and the "> " (or other level) prefix
 * the device's dmesg gives console lines (sim/console_line.ts).
 *
 * ```ts
 * stripTransport("\x1b[36mWASM> \x1b[0m~A 2 40 c 4") === "~A 2 40 c 4"
 * stripTransport("> ~P 1 boxes\r") === "~P 1 boxes"
 * ```
 */
export function stripTransport(line: string): string {
    return stripConsoleLine(line).text
}

/**
 * The value of canonical lowercase hex (docs/protocol.md §3: "0", or 1-13
 * digits without a leading zero), or -1 if `s` is not that. One pass over
 * the characters: the decoder's hottest function (a regex test and parseInt
 * cost twice as much).
 */
function canonicalHex(s: string): number {
    const n = s.length
    if (n === 0 || n > 13 || (n > 1 && s.charCodeAt(0) === 48)) return -1
    let v = 0
    for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i)
        if (c >= 48 && c <= 57) v = v * 16 + (c - 48)
        else if (c >= 97 && c <= 102) v = v * 16 + (c - 87)
        else return -1
    }
    return v
}
/** How many characters of one bad field a message quotes (the line itself is quoted too). */
const FIELD_CHARS = 40
const TWO_32 = 0x100000000
const ID = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_ID_LENGTH}}$`)
const PHASE = new RegExp(`^[a-z0-9_-]{1,${MAX_PHASE_LENGTH}}$`)
const TAG = new RegExp(`^[a-z0-9_-]{1,${MAX_TAG_LENGTH}}$`)

/** Fields after the letter and before the optional ones: [required, optional]. */
const ARITY_V1: Record<string, [number, number]> = {
    // 9 fields, or 10 in a version-3 header: its version field decides (checked after it is read).
    H: [9, 1],
    A: [4, 0],
    Z: [4, 0],
    F: [4, 0],
    R: [6, 0],
    X: [4, 1],
    E: [4, 0],
    S: [9, 0],
    P: [2, 0],
}
/** Version 2: ~S gains peakreq; ~O, ~C and ~L are new. */
const ARITY_V2: Record<string, [number, number]> = { ...ARITY_V1, S: [10, 0], O: [6, 0], C: [3, 0], L: [5, 0] }
/** Version 3: ~H gains the region count, and ~M (the region table) is new. */
const ARITY_V3: Record<string, [number, number]> = { ...ARITY_V2, M: [6, 0] }
/** Per protocol version this decoder reads: its line arities, the largest header mask and the ~H field count. */
const GRAMMAR: Record<number, { arity: Record<string, [number, number]>; maxMask: number; headerFields: number }> = {
    1: { arity: ARITY_V1, maxMask: 0xff, headerFields: 9 },
    2: { arity: ARITY_V2, maxMask: MASK_ALL, headerFields: 9 },
    3: { arity: ARITY_V3, maxMask: MASK_ALL, headerFields: 10 },
}

const KIND_BIT: Record<string, number> = {
    A: EventKind.Alloc,
    Z: EventKind.Zeroed,
    F: EventKind.Dealloc,
    R: EventKind.Realloc,
    X: EventKind.Fail,
    E: EventKind.Error,
    S: EventKind.Stats,
    P: EventKind.Phase,
    O: EventKind.Oom,
    C: EventKind.Check,
    L: EventKind.Leak,
}

const OPS: Record<string, "alloc" | "zeroed" | "dealloc" | "realloc"> = { A: "alloc", Z: "zeroed", F: "dealloc", R: "realloc" }
const REQUEST_OPS: Record<string, "alloc" | "zeroed" | "realloc"> = { A: "alloc", Z: "zeroed", R: "realloc" }

function resizeClass(inPlace: boolean, oldSize: number, size: number): ResizeClass {
    if (size === oldSize) return "same-size"
    if (size > oldSize) return inPlace ? "grow-in-place" : "grow-moved"
    return inPlace ? "shrink-in-place" : "shrink-moved"
}

function isPow2(x: number): boolean {
    return x >= 1 && x <= 0x40000000 && (x & (x - 1)) === 0
}

/** x mod m for 0 ≤ x < 2^53 without int32 truncation (no % on large values, as on the device). */
function modSafe(x: number, m: number): number {
    return x - Math.floor(x / m) * m
}

function hexText(n: number): string {
    return "0x" + n.toString(16)
}

/**
 * Strict, incremental decoder of one console stream (possibly several
 * firmware runs, each starting with ~H).
 *
 * ```ts
 * const d = new StreamDecoder()
 * for (const [i, raw] of text.split("\n").entries()) d.push(raw, i + 1) // throws ProtocolError on a bad line
 * d.blocks()     // live blocks, sorted by address
 * d.anomalies    // heap problems found
 * ```
 */
export class StreamDecoder {
    /** The current stream's header; null before the first ~H. */
    header: HeaderEvent | null = null
    /** The first HISTORY_LIMIT heap anomalies found (kept across restarts); `anomalyCount` counts all. */
    readonly anomalies: Anomaly[] = []
    /** Anomalies found, including those past HISTORY_LIMIT. */
    anomalyCount = 0
    /** The first HISTORY_LIMIT sequence gaps recorded with allowGaps (kept across restarts). */
    readonly gaps: Gap[] = []
    /** Gaps recorded, and lines they lost, including those past HISTORY_LIMIT. */
    gapCount = 0
    linesLost = 0
    /**
     * Called for every anomaly and gap as it is found (also past HISTORY_LIMIT),
     * and for every change of the model (a block added or removed, in order):
     * a streaming view follows the heap without copying it.
     */
    onAnomaly: ((a: Anomaly) => void) | null = null
    onGap: ((g: Gap) => void) | null = null
    onChange: ((added: boolean, b: ShadowBlock) => void) | null = null
    /** The last ~S line of the current stream; null if none yet. */
    stats: StatsEvent | null = null
    /** The first HISTORY_LIMIT phase markers of the current stream, in order; `phaseCount` counts all. */
    phases: PhaseMark[] = []
    phaseCount = 0
    /** Protocol lines decoded, over all streams. */
    events = 0
    /** Non-protocol lines passed through (other console output). */
    passed = 0
    /** Streams started (~H lines seen). */
    restarts = 0
    /** Counters of the current stream's model. */
    counts: ModelCounts = StreamDecoder.zeroCounts()
    /** False after a gap, or when the header says blocks were live before it. */
    synced = true
    /** Successful reallocs of the current stream by class. */
    resizes: ResizeCounts = StreamDecoder.zeroResizes()
    /** The first HISTORY_LIMIT ~O lines of the current stream (counts.oomCalls counts all). */
    ooms: OomEvent[] = []
    /** The first HISTORY_LIMIT ~C lines of the current stream (each is also an anomaly; counts.checkFailures counts all). */
    checks: CheckEvent[] = []
    /** The current stream's last leak report (a run of consecutive ~L lines); null if none. Its `entries` keep the first HISTORY_LIMIT. */
    leakReport: LeakReport | null = null
    /**
     * The heap's regions in address order (addresses, not offsets): a
     * version-3 stream's ~M table as far as it arrived; in versions 1 and 2
     * one region made from the header (index 0, kind = its allocator, no
     * tags), so a view can always iterate over regions. [] before any header.
     * At most MAX_REGIONS.
     */
    regions: DecodedRegion[] = []
    /** False while a version-3 table is still arriving, or when a gap lost part of it (then `regions` lacks those). */
    regionsComplete = false
    /** Per region, parallel to `regions`: live blocks and bytes of the model inside it, and its peak (kept per event, O(log N)). */
    regionCounts: RegionCount[] = []

    private readonly allowGaps: boolean
    private lastSeq = -1
    private lineCounter = 0
    /** Live blocks that overlap no other block of the tree, by address. */
    private tree: BTree<number, ShadowBlock> = new BTree<number, ShadowBlock>()
    /** Live blocks that overlap a block of the tree (each was an overlap anomaly); ≤ MAX_OVERLAPPING. */
    private extra: ShadowBlock[] = []
    /** Pointers freed and not handed out again since: a second free is a double free. Insertion order = age. */
    private freed = new Set<number>()
    /** The OOM request whose hook asked for a retry and whose outcome is not seen yet. */
    private pendingOom: OomEvent | null = null
    /** The type of the previous protocol line (a run of ~L lines is one leak report). */
    private lastType = ""

    constructor(options?: DecoderOptions) {
        this.allowGaps = options?.allowGaps ?? false
    }

    private static zeroCounts(): ModelCounts {
        return {
            allocs: 0,
            zeroed: 0,
            deallocs: 0,
            reallocsInPlace: 0,
            reallocsMoved: 0,
            failures: 0,
            errors: 0,
            liveBlocks: 0,
            liveBytes: 0,
            peakLiveBytes: 0,
            oomCalls: 0,
            oomRequests: 0,
            oomRecovered: 0,
            checkFailures: 0,
            maxRequest: 0,
        }
    }

    private static zeroResizes(): ResizeCounts {
        return { growInPlace: 0, growMoved: 0, shrinkInPlace: 0, shrinkMoved: 0, sameSize: 0 }
    }

    /** True when the current header announces every kind the block model needs. */
    get modelled(): boolean {
        return this.header !== null && (this.header.mask & MASK_MODEL) === MASK_MODEL
    }

    /** The model's live blocks, sorted by address (copies). O(n). */
    blocks(): ShadowBlock[] {
        const out: ShadowBlock[] = []
        this.forEachBlock(b => out.push({ ...b }))
        return out
    }

    /** Calls `f` for every live block in address order, without copying (do not keep or change them). O(n + |extra| log |extra|). */
    forEachBlock(f: (b: ShadowBlock) => void): void {
        if (this.extra.length === 0) {
            for (const b of this.tree.values()) f(b)
            return
        }
        const extra = [...this.extra].sort((x, y) => x.ptr - y.ptr)
        let i = 0
        for (const b of this.tree.values()) {
            while (i < extra.length && extra[i].ptr < b.ptr) f(extra[i++])
            f(b)
        }
        while (i < extra.length) f(extra[i++])
    }

    /** The live block starting at ptr, if any. */
    block(ptr: number): ShadowBlock | undefined {
        const b = this.find(ptr)
        return b === undefined ? undefined : { ...b }
    }

    /**
     * Decodes one console line. Transport prefixes are stripped first
     * (stripTransport). Returns null for a line that is not a protocol line
     * (does not start with "~": other console output, passed through), the
     * decoded event otherwise. Throws ProtocolError for a bad protocol line.
     * lineNo defaults to the count of lines pushed so far (1-based).
     */
    push(line: string, lineNo?: number): DecodedEvent | null {
        return this.pushStripped(stripTransport(line), lineNo)
    }

    /** `push` for a line whose transport is already off (sim/stream.ts strips it once). */
    pushStripped(text: string, lineNo?: number): DecodedEvent | null {
        this.lineCounter++
        const no = lineNo ?? this.lineCounter
        if (!text.startsWith("~")) {
            this.passed++
            return null
        }
        const ev = this.parse(text, no)
        this.sequence(ev, text, no)
        this.events++
        this.apply(ev)
        return ev
    }

    /** Decodes every line of a text (split on \n); returns the protocol events. */
    pushText(text: string): DecodedEvent[] {
        const out: DecodedEvent[] = []
        const lines = text.split("\n")
        if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop()
        for (const l of lines) {
            const ev = this.push(l)
            if (ev !== null) out.push(ev)
        }
        return out
    }

    // ---- syntax ---------------------------------------------------------

    // The line being parsed: fields as methods rather than per-line closures
    // (tsx's keepNames wraps every closure it creates: a third of the decode time).
    private curText = ""
    private curNo = 0
    private curFields: string[] = []
    private curVersion = PROTOCOL_VERSION

    private lineErr(expected: string): ProtocolError {
        // A ProtocolError describes the stream, not the code: its stack is noise, and
        // capturing it dominated the cost of a hostile stream (one error per bad line).
        const limit = Error.stackTraceLimit
        Error.stackTraceLimit = 0
        const e = new ProtocolError(this.curNo, this.curText, expected)
        Error.stackTraceLimit = limit
        return e
    }

    private num(i: number, name: string): number {
        const s = this.curFields[i]
        const n = canonicalHex(s)
        if (n < 0) throw this.lineErr(`field ${i + 1} (${name}) must be canonical lowercase hex (1-13 digits, no prefix, no leading zeros), got ${quote(s, FIELD_CHARS)}`)
        return n
    }

    private alignAt(i: number): number {
        const a = this.num(i, "align")
        if (!isPow2(a)) throw this.lineErr(`field ${i + 1} (align) must be a power of two, got ${hexText(a)}`)
        if (this.header !== null && a > this.header.maxAlign)
            throw this.lineErr(`field ${i + 1} (align) ${hexText(a)} exceeds the header's maxalign ${hexText(this.header.maxAlign)}`)
        return a
    }

    /** A block pointer: in version 2 an offset from the header's base (0 is the block at the base, not null), read back as the chip address. */
    private ptrAt(i: number, name: string): number {
        const n = this.num(i, name)
        if (this.curVersion < 2 || this.header === null) return n // no header: sequence() rejects the line
        if (n >= TWO_32) throw this.lineErr(`field ${i + 1} (${name}) is an offset from the region base and must be below 2^32 (at most 8 digits), got ${quote(this.curFields[i], FIELD_CHARS)}`)
        const a = this.header.base + n
        return a >= TWO_32 ? a - TWO_32 : a
    }

    /** A ~M tags field: "-" (none) or 1..MAX_REGION_TAGS tags joined by commas; counted before it is split (a hostile line may hold thousands). */
    private tagsAt(i: number): string[] {
        const s = this.curFields[i]
        if (s === "-") return []
        let commas = 0
        for (let at = s.indexOf(","); at >= 0 && commas < MAX_REGION_TAGS; at = s.indexOf(",", at + 1)) commas++
        if (commas >= MAX_REGION_TAGS) throw this.lineErr(`field ${i + 1} (tags) holds more than ${MAX_REGION_TAGS} tags, the most a region has`)
        const tags = s.split(",")
        for (const t of tags)
            if (!TAG.test(t))
                throw this.lineErr(`field ${i + 1} (tags) must be "-" or 1-${MAX_REGION_TAGS} tags of 1-${MAX_TAG_LENGTH} characters of [a-z0-9_-] joined by commas, got ${quote(s, FIELD_CHARS)}`)
        return tags
    }

    private parse(text: string, no: number): DecodedEvent {
        this.curText = text
        this.curNo = no
        const letter = text.length >= 2 ? text[1] : ""
        // The grammar of the current stream's version (the newest before any header).
        const version = this.header === null ? PROTOCOL_VERSION : this.header.version
        const arities = GRAMMAR[version].arity
        const arity = arities[letter]
        if (arity === undefined && letter === "M")
            throw this.lineErr(`a region line (~M) exists only in protocol version 3 streams (a heap of several regions); this stream is version ${version}`)
        if (arity === undefined)
            throw this.lineErr(`unknown line type ${quote("~" + letter)}: expected one of ${Object.keys(arities).map(k => "~" + k).join(" ")} (protocol version ${version})`)
        if (text.length > 2 && text[2] !== " ") throw this.lineErr(`expected a space after "~${letter}"`)
        const f = text.length > 3 ? text.slice(3).split(" ") : []
        this.curFields = f
        this.curVersion = version
        const [need, optional] = arity
        if (f.length < need || f.length > need + optional) {
            const want = letter === "H" ? `${need} (10 in version 3)` : optional === 0 ? `${need}` : `${need} or ${need + optional}`
            const why = f.includes("") ? " (fields are separated by exactly one space)" : letter === "S" ? ` (protocol version ${version})` : ""
            throw this.lineErr(`~${letter} needs ${want} fields after the letter, got ${f.length}${why}`)
        }
        const seq = this.num(0, "seq")
        switch (letter) {
            case "H": {
                const version = this.num(1, "version")
                const grammar = GRAMMAR[version]
                if (grammar === undefined) throw this.lineErr(`unknown protocol version ${version}: this decoder reads versions 1 to ${PROTOCOL_VERSION}`)
                if (f.length !== grammar.headerFields)
                    throw this.lineErr(`a version-${version} header (~H) has ${grammar.headerFields} fields after the letter, got ${f.length}${version >= 3 ? " (the 10th is the region count)" : ""}`)
                if (!ID.test(f[2])) throw this.lineErr(`field 3 (board) must be 1-${MAX_ID_LENGTH} characters of [A-Za-z0-9._-], got ${quote(f[2], FIELD_CHARS)}`)
                if (!ID.test(f[3])) throw this.lineErr(`field 4 (allocator) must be 1-${MAX_ID_LENGTH} characters of [A-Za-z0-9._-], got ${quote(f[3], FIELD_CHARS)}`)
                const base = this.num(4, "base")
                const size = this.num(5, "size")
                const maxAlign = this.num(6, "maxalign")
                const mask = this.num(7, "mask")
                const live = this.num(8, "live")
                if (!isPow2(maxAlign)) throw this.lineErr(`field 7 (maxalign) must be a power of two, got ${hexText(maxAlign)}`)
                if (modSafe(base, maxAlign) !== 0) throw this.lineErr(`field 5 (base) ${hexText(base)} must be aligned to maxalign ${hexText(maxAlign)}`)
                if (size === 0 || base + size > 0x100000000) throw this.lineErr(`region ${hexText(base)}+${hexText(size)} must be non-empty and end at or below 2^32`)
                if (mask > grammar.maxMask) throw this.lineErr(`field 8 (mask) must be 0..${grammar.maxMask.toString(16)} in protocol version ${version}, got ${f[7]}`)
                const regions = version >= 3 ? this.num(9, "regions") : 1
                if (version >= 3 && (regions < 2 || regions > MAX_REGIONS))
                    throw this.lineErr(`field 10 (regions) must be 2..${MAX_REGIONS.toString(16)} (a heap of one region streams version 2), got ${hexText(regions)}`)
                return { type: "header", seq, lineNo: no, version, regions, board: f[2], allocator: f[3], base, size, maxAlign, mask, live }
            }
            case "M": {
                // Syntax only: where the line may stand and how it fits the table is sequence()'s and regionLine()'s.
                const index = this.num(1, "index")
                const offset = this.num(2, "offset")
                const size = this.num(3, "size")
                if (!ID.test(f[4])) throw this.lineErr(`field 5 (kind) must be 1-${MAX_ID_LENGTH} characters of [A-Za-z0-9._-], got ${quote(f[4], FIELD_CHARS)}`)
                const tags = this.tagsAt(5)
                if (offset >= TWO_32) throw this.lineErr(`field 3 (offset) is an offset from the header's base and must be below 2^32 (at most 8 digits), got ${quote(f[2], FIELD_CHARS)}`)
                const base = this.header === null ? offset : this.header.base + offset
                return { type: "region", seq, lineNo: no, index, base, size, kind: f[4], tags }
            }
            case "A":
            case "Z":
            case "F": {
                const ptr = this.ptrAt(1, "ptr")
                const size = this.num(2, "size")
                const a = this.alignAt(3)
                if (letter === "F") return { type: "dealloc", seq, lineNo: no, ptr, size, align: a }
                return { type: letter === "A" ? "alloc" : "zeroed", seq, lineNo: no, ptr, size, align: a }
            }
            case "R": {
                const old = this.ptrAt(1, "old ptr")
                const ptr = this.ptrAt(2, "new ptr")
                const oldSize = this.num(3, "old size")
                const size = this.num(4, "new size")
                const a = this.alignAt(5)
                return { type: "realloc", seq, lineNo: no, old, ptr, oldSize, size, align: a, inPlace: old === ptr, resize: resizeClass(old === ptr, oldSize, size) }
            }
            case "X": {
                const op = f[1]
                if (op !== "A" && op !== "Z" && op !== "R") throw this.lineErr(`field 2 (op) must be A, Z or R, got ${quote(op, FIELD_CHARS)}`)
                const size = this.num(2, "size")
                const a = this.alignAt(3)
                if (op === "R" && f.length !== 5) throw this.lineErr(`~X R needs the old pointer as field 5`)
                if (op !== "R" && f.length !== 4) throw this.lineErr(`~X ${op} has exactly 4 fields (no pointer)`)
                const ptr = op === "R" ? this.ptrAt(4, "old ptr") : 0
                return { type: "fail", seq, lineNo: no, op: op === "A" ? "alloc" : op === "Z" ? "zeroed" : "realloc", size, align: a, ptr }
            }
            case "E": {
                const code = this.num(1, "code")
                const ptr = this.num(2, "ptr") // the caller's raw pointer, in every version
                const op = OPS[f[3]]
                if (op === undefined) throw this.lineErr(`field 4 (op) must be A, Z, F or R, got ${quote(f[3], FIELD_CHARS)}`)
                return { type: "error", seq, lineNo: no, code, name: heapErrorName(code), ptr, op }
            }
            case "S": {
                const names = ["seq", "inuse", "free", "peak", "largest", "live", "allocs", "frees", "fails", "peakreq"]
                const v = f.map((_, i) => this.num(i, names[i]))
                const peakRequest = v.length > 9 ? v[9] : null
                return { type: "stats", seq, lineNo: no, inUse: v[1], free: v[2], peak: v[3], largestFree: v[4], live: v[5], allocs: v[6], frees: v[7], failures: v[8], peakRequest }
            }
            case "O": {
                const op = REQUEST_OPS[f[1]]
                if (op === undefined) throw this.lineErr(`field 2 (op) must be A, Z or R, got ${quote(f[1], FIELD_CHARS)}`)
                const size = this.num(2, "size")
                const a = this.alignAt(3)
                const attempt = this.num(4, "attempt")
                if (attempt < 1) throw this.lineErr(`field 5 (attempt) counts from 1, got ${hexText(attempt)}`)
                if (f[5] !== "0" && f[5] !== "1") throw this.lineErr(`field 6 (retry) must be 0 or 1, got ${quote(f[5], FIELD_CHARS)}`)
                return { type: "oom", seq, lineNo: no, op, size, align: a, attempt, retry: f[5] === "1" }
            }
            case "C": {
                const code = this.num(1, "code")
                return { type: "check", seq, lineNo: no, code, name: heapErrorName(code), ptr: this.ptrAt(2, "ptr") }
            }
            case "L": {
                const ptr = this.ptrAt(1, "ptr")
                const size = this.num(2, "size")
                const a = this.alignAt(3)
                if (!PHASE.test(f[4])) throw this.lineErr(`field 5 (kind) must be 1-${MAX_PHASE_LENGTH} characters of [a-z0-9_-], got ${quote(f[4], FIELD_CHARS)}`)
                return { type: "leak", seq, lineNo: no, ptr, size, align: a, kind: f[4] }
            }
            default: {
                // "P"
                if (!PHASE.test(f[1])) throw this.lineErr(`field 2 (phase name) must be 1-${MAX_PHASE_LENGTH} characters of [a-z0-9_-], got ${quote(f[1], FIELD_CHARS)}`)
                return { type: "phase", seq, lineNo: no, name: f[1] }
            }
        }
    }

    // ---- sequence -------------------------------------------------------

    private sequence(ev: DecodedEvent, text: string, no: number): void {
        this.curText = text
        this.curNo = no
        if (ev.type === "header") {
            if (ev.seq !== 0) throw this.lineErr(`a header (~H) always has seq 0, got ${hexText(ev.seq)}`)
            return
        }
        if (this.header === null) throw this.lineErr(`expected the stream header (~H) before any event`)
        const h = this.header
        // ~M has no mask bit: like ~H it is always emitted.
        if (ev.type !== "region" && (h.mask & KIND_BIT[text[1]]) === 0) throw this.lineErr(`~${text[1]} lines are not in the header's event mask ${hexText(h.mask)}`)
        const expected = this.lastSeq + 1
        if (ev.seq === this.lastSeq) throw this.lineErr(`duplicate line: seq ${hexText(ev.seq)} was the previous line's; expected ${hexText(expected)}`)
        if (ev.seq < this.lastSeq) throw this.lineErr(`out of order: seq ${hexText(ev.seq)} after ${hexText(this.lastSeq)}; expected ${hexText(expected)}`)
        // A version-3 table takes seqs 1..regions: ~M there and only there (a gap may swallow part of it).
        const tableEnd = h.version >= 3 ? h.regions : 0
        if (ev.type === "region") {
            if (ev.seq > tableEnd) throw this.lineErr(`a region line (~M) belongs in the table right after the header (seq 1..${hexText(tableEnd)}), not at seq ${hexText(ev.seq)}`)
            this.regionLine(ev, h)
        } else if (ev.seq <= tableEnd) {
            // Region i is on seq i + 1 (after a gap too).
            throw this.lineErr(`the header announced ${h.regions} regions: expected ~M (region ${ev.seq - 1}) before ~${text[1]}`)
        }
        if (ev.seq > expected) {
            if (!this.allowGaps)
                throw this.lineErr(`gap: expected seq ${hexText(expected)}, got ${hexText(ev.seq)} (${ev.seq - expected} line(s) lost; decode with --allow-gaps (option allowGaps) to go on)`)
            const g: Gap = { from: expected, to: ev.seq - 1, lineNo: no }
            this.gapCount++
            this.linesLost += ev.seq - expected
            if (this.gaps.length < HISTORY_LIMIT) this.gaps.push(g)
            this.onGap?.(g)
            this.synced = false
        }
    }

    /** Checks a ~M line against the header and the regions before it (its seq is within the table). */
    private regionLine(ev: RegionEvent, h: HeaderEvent): void {
        const offset = ev.base - h.base
        const where = (r: { index: number; base: number; size: number }) => `region ${r.index} (${hexText(r.base)}..${hexText(r.base + r.size)})`
        if (ev.index !== ev.seq - 1)
            throw this.lineErr(`field 2 (index) must be ${hexText(ev.seq - 1)}: the table lists the regions in address order, region i on seq i + 1; got ${hexText(ev.index)}`)
        if (modSafe(offset, h.maxAlign) !== 0) throw this.lineErr(`field 3 (offset) ${hexText(offset)} must be a multiple of the header's maxalign ${hexText(h.maxAlign)} (every region's base is aligned)`)
        if (ev.size === 0) throw this.lineErr(`field 4 (size) must be above 0: region ${ev.index} is empty`)
        if (ev.index === 0 && offset !== 0) throw this.lineErr(`region 0 must start at the header's base (offset 0), got offset ${hexText(offset)}`)
        const prev = this.regions.length > 0 ? this.regions[this.regions.length - 1] : null
        if (prev !== null && ev.base < prev.base + prev.size)
            throw this.lineErr(`${where(ev)} overlaps or precedes ${where(prev)}: regions are sorted by address and disjoint`)
        if (offset + ev.size > h.size) throw this.lineErr(`${where(ev)} ends at offset ${hexText(offset + ev.size)}, past the header's span (size ${hexText(h.size)})`)
        if (ev.index === h.regions - 1 && offset + ev.size !== h.size)
            throw this.lineErr(`the last region (${ev.index}) must end where the header's span ends (offset ${hexText(h.size)}), it ends at offset ${hexText(offset + ev.size)}`)
    }

    // ---- regions ------------------------------------------------------------

    /** Position in `regions` of the last region starting at or below ptr, −1 if none. O(log N). */
    private regionBelow(ptr: number): number {
        const rs = this.regions
        let lo = 0
        let hi = rs.length - 1
        while (lo <= hi) {
            const mid = (lo + hi) >> 1
            if (rs[mid].base <= ptr) lo = mid + 1
            else hi = mid - 1
        }
        return hi
    }

    /** Position in `regions` of the region holding [ptr, ptr + extent) whole, −1 if none. */
    private regionSlot(ptr: number, extent: number): number {
        const i = this.regionBelow(ptr)
        if (i < 0) return -1
        const r = this.regions[i]
        return ptr + extent <= r.base + r.size ? i : -1
    }

    /**
     * Index of the region holding address ptr, −1 if none (below, above or
     * between the regions, or in a region a gap lost). O(log N).
     */
    regionOf(ptr: number): number {
        const i = this.regionSlot(ptr, 1)
        return i < 0 ? -1 : this.regions[i].index
    }

    /** Resets the region table at a header: version 3's arrives as ~M lines, versions 1 and 2 have one region, the header's. */
    private startRegions(h: HeaderEvent): void {
        this.regions = h.version >= 3 ? [] : [{ index: 0, base: h.base, size: h.size, kind: h.allocator, tags: [] }]
        this.regionsComplete = h.version < 3
        this.regionCounts = this.regions.map(() => ({ liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 }))
    }

    private addRegion(ev: RegionEvent): void {
        this.regions.push({ index: ev.index, base: ev.base, size: ev.size, kind: ev.kind, tags: ev.tags })
        this.regionCounts.push({ liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 })
        // Complete only when every line of the table arrived (a gap inside it leaves a region out).
        this.regionsComplete = this.regions.length === (this.header as HeaderEvent).regions
    }

    /** Adds (sign 1) or removes (−1) a live block in its region's counts; a block outside every region counts in none. */
    private countInRegion(b: ShadowBlock, sign: number): void {
        const i = this.regionSlot(b.ptr, Math.max(b.size, 1))
        if (i < 0) return
        const c = this.regionCounts[i]
        c.liveBlocks += sign
        c.liveBytes += sign * b.size
        if (c.liveBytes > c.peakLiveBytes) c.peakLiveBytes = c.liveBytes
    }

    /** The outside-region anomaly of a block inside the span of a multi-region heap: in a hole, or past its region's end. */
    private checkHoles(ev: DecodedEvent, ptr: number, size: number, extent: number): void {
        const rs = this.regions
        const where = (i: number) => `region ${rs[i].index} (${hexText(rs[i].base)}..${hexText(rs[i].base + rs[i].size)})`
        const i = this.regionBelow(ptr)
        if (i < 0) return // below the span: the span check reported it
        const end = rs[i].base + rs[i].size
        // The span check leaves only blocks below the last region's end: region i + 1 exists for both cases.
        const block = `block ${hexText(ptr)}+${hexText(size)}`
        if (ptr >= end) this.anomaly("outside-region", ev, ptr, `${block} lies between ${where(i)} and ${where(i + 1)}`)
        else if (ptr + extent > end) this.anomaly("outside-region", ev, ptr, `${block} straddles ${where(i)} and ${where(i + 1)}`)
    }

    // ---- model ------------------------------------------------------------

    private apply(ev: DecodedEvent): void {
        this.lastSeq = ev.seq
        const previous = this.lastType
        this.lastType = ev.type
        switch (ev.type) {
            case "header":
                this.header = ev
                this.startRegions(ev)
                this.restarts++
                this.stats = null
                this.phases = []
                this.phaseCount = 0
                this.counts = StreamDecoder.zeroCounts()
                this.clearModel()
                this.synced = ev.live === 0
                this.resizes = StreamDecoder.zeroResizes()
                this.ooms = []
                this.checks = []
                this.leakReport = null
                this.pendingOom = null
                return
            case "alloc":
            case "zeroed":
                if (ev.type === "alloc") this.counts.allocs++
                else this.counts.zeroed++
                this.request(ev.type, ev.size, true)
                if (this.modelled) this.add(ev, ev.ptr, ev.size, ev.align)
                return
            case "dealloc":
                this.counts.deallocs++
                if (this.modelled) this.remove(ev, ev.ptr, ev.size, ev.align, "dealloc")
                return
            case "realloc":
                if (ev.inPlace) this.counts.reallocsInPlace++
                else this.counts.reallocsMoved++
                this.countResize(ev.resize)
                this.request("realloc", ev.size, true)
                if (this.modelled) {
                    this.remove(ev, ev.old, ev.oldSize, ev.align, "realloc")
                    this.add(ev, ev.ptr, ev.size, ev.align)
                }
                return
            case "fail":
                this.counts.failures++
                this.request(ev.op, ev.size, false)
                if (this.modelled && ev.op === "realloc" && this.synced && this.find(ev.ptr) === undefined)
                    this.anomaly("unknown-block", ev, ev.ptr, `failed realloc of ${hexText(ev.ptr)}, which is not a live block`)
                return
            case "error":
                this.counts.errors++
                this.anomaly("misuse", ev, ev.ptr, `firmware reported ${ev.name} (code ${ev.code}) at ${hexText(ev.ptr)} during ${ev.op}`)
                return
            case "stats":
                this.stats = ev
                if (this.modelled && this.synced && ev.live !== this.counts.liveBlocks)
                    this.anomaly("stats-mismatch", ev, 0, `~S says ${ev.live} live block(s), the model has ${this.counts.liveBlocks}`)
                // peakRequest only grows and counts every request, so no lost line can explain a smaller one.
                if (ev.peakRequest !== null && ev.peakRequest < this.counts.maxRequest)
                    this.anomaly("stats-mismatch", ev, 0, `~S says the peak request is ${ev.peakRequest} B, but a request of ${this.counts.maxRequest} B was seen`)
                return
            case "phase":
                if (this.phaseCount++ < HISTORY_LIMIT) this.phases.push({ name: ev.name, seq: ev.seq, lineNo: ev.lineNo })
                return
            case "oom":
                this.counts.oomCalls++
                if (ev.attempt === 1) this.counts.oomRequests++
                if (this.ooms.length < HISTORY_LIMIT) this.ooms.push(ev)
                if (ev.size > this.counts.maxRequest) this.counts.maxRequest = ev.size
                // After a retry the request's next ~A/~Z/~R (same op and size) means the hook recovered it.
                this.pendingOom = ev.retry ? ev : null
                return
            case "check":
                this.counts.checkFailures++
                if (this.checks.length < HISTORY_LIMIT) this.checks.push(ev)
                this.anomaly("check-failed", ev, ev.ptr, `debug check failed: ${ev.name} (code ${ev.code}) at ${hexText(ev.ptr)}`)
                return
            case "leak":
                this.leak(ev, previous !== "leak")
                return
            case "region":
                this.addRegion(ev)
                return
        }
    }

    /** Notes a request of `size` (peakreq bound) and settles a pending OOM retry of the same op. */
    private request(op: "alloc" | "zeroed" | "realloc", size: number, served: boolean): void {
        if (size > this.counts.maxRequest) this.counts.maxRequest = size
        const p = this.pendingOom
        if (p !== null && p.op === op && p.size === size) {
            if (served) this.counts.oomRecovered++
            this.pendingOom = null
        }
    }

    private countResize(c: ResizeClass): void {
        const r = this.resizes
        if (c === "grow-in-place") r.growInPlace++
        else if (c === "grow-moved") r.growMoved++
        else if (c === "shrink-in-place") r.shrinkInPlace++
        else if (c === "shrink-moved") r.shrinkMoved++
        else r.sameSize++
    }

    /** One ~L entry: starts a new report after any other line, and must name a live block of the model. */
    private leak(ev: LeakEvent, starts: boolean): void {
        if (starts || this.leakReport === null) this.leakReport = { seq: ev.seq, lineNo: ev.lineNo, entries: [], byKind: [], count: 0, bytes: 0 }
        const r = this.leakReport
        r.count++
        r.bytes += ev.size
        if (r.entries.length < HISTORY_LIMIT) r.entries.push(ev)
        let k = r.byKind.find(x => x.kind === ev.kind)
        if (k === undefined) {
            k = { kind: ev.kind, blocks: 0, bytes: 0 }
            r.byKind.push(k)
            r.byKind.sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0))
        }
        k.blocks++
        k.bytes += ev.size
        if (!this.modelled || !this.synced) return // an unseen ~A could explain any entry
        const b = this.find(ev.ptr)
        if (b === undefined) this.anomaly("leak-mismatch", ev, ev.ptr, `leak report names ${hexText(ev.ptr)}, which is not a live block`)
        else if (b.size !== ev.size || b.align !== ev.align)
            this.anomaly("leak-mismatch", ev, ev.ptr, `leak report names ${hexText(ev.ptr)} with size ${ev.size} align ${ev.align}, but the block has size ${b.size} align ${b.align}`)
    }

    private anomaly(kind: AnomalyKind, ev: DecodedEvent, ptr: number, message: string): void {
        const a: Anomaly = { kind, lineNo: ev.lineNo, seq: ev.seq, ptr, message: `line ${ev.lineNo} (seq ${hexText(ev.seq)}): ${message}` }
        this.anomalyCount++
        if (this.anomalies.length < HISTORY_LIMIT) this.anomalies.push(a)
        this.onAnomaly?.(a)
    }

    /** The live block starting at ptr (in the tree or among the overlapping ones). */
    private find(ptr: number): ShadowBlock | undefined {
        const b = this.tree.get(ptr)
        if (b !== undefined || this.extra.length === 0) return b
        return this.extra.find(x => x.ptr === ptr)
    }

    private clearModel(): void {
        if (this.onChange !== null) this.forEachBlock(b => this.onChange?.(false, b))
        this.tree.clear()
        this.extra = []
        this.freed.clear()
        this.counts.liveBlocks = 0
        this.counts.liveBytes = 0
        for (const c of this.regionCounts) {
            c.liveBlocks = 0
            c.liveBytes = 0
        }
    }

    /** Live blocks that share a byte with [ptr, ptr + extent). O(log n + k), plus |extra|. */
    private clashes(ptr: number, extent: number): ShadowBlock[] {
        const out: ShadowBlock[] = []
        // The tree is disjoint: only the nearest block starting below ptr can reach into it.
        const below = this.tree.nextLowerPair(ptr)
        if (below !== undefined && below[0] + Math.max(below[1].size, 1) > ptr) out.push(below[1])
        for (let e = this.tree.getPairOrNextHigher(ptr); e !== undefined && e[0] < ptr + extent; e = this.tree.nextHigherPair(e[0])) out.push(e[1])
        for (const b of this.extra) if (b.ptr < ptr + extent && b.ptr + Math.max(b.size, 1) > ptr) out.push(b)
        // Report order: blocks starting below ptr nearest first, then the others by address.
        if (out.length > 1) out.sort((x, y) => (x.ptr < ptr) !== (y.ptr < ptr) ? (x.ptr < ptr ? -1 : 1) : x.ptr < ptr ? y.ptr - x.ptr : x.ptr - y.ptr)
        return out
    }

    /** Records a new live block, checking region, alignment and overlap (a realloc's old block is already removed). */
    private add(ev: DecodedEvent, ptr: number, size: number, align: number): void {
        const h = this.header as HeaderEvent
        // A zero-size block is served as 1 byte (global_alloc.ts): it owns one address.
        const extent = Math.max(size, 1)
        if (ptr < h.base || ptr + extent > h.base + h.size)
            this.anomaly("outside-region", ev, ptr, `block ${hexText(ptr)}+${hexText(size)} is outside the region ${hexText(h.base)}..${hexText(h.base + h.size)}`)
        else if (this.regionsComplete && this.regions.length > 1) this.checkHoles(ev, ptr, size, extent)
        if (modSafe(ptr, align) !== 0) this.anomaly("misaligned", ev, ptr, `block ${hexText(ptr)} is not aligned to ${align}`)
        if (this.counts.liveBlocks >= MAX_LIVE_BLOCKS) {
            // Only a broken or hostile stream gets here: keep memory bounded and say so.
            this.anomaly("model-limit", ev, ptr, `the model holds ${MAX_LIVE_BLOCKS} live blocks, its limit: it starts again empty and unsynced`)
            this.clearModel()
            this.synced = false
        }
        let overlapsTree = false
        for (const c of this.clashes(ptr, extent)) {
            // Synced, both stay live (the program holds both), except a block at the very
            // same address, which the new one replaces. Unsynced, the clashing block's free
            // was most likely lost: forget it. So does a clash past MAX_OVERLAPPING.
            if (this.synced) this.anomaly("overlap", ev, ptr, `block ${hexText(ptr)}+${hexText(size)} overlaps live block ${hexText(c.ptr)}+${hexText(c.size)}`)
            if (!this.synced || c.ptr === ptr || this.extra.length >= MAX_OVERLAPPING) this.drop(c.ptr)
            else if (this.tree.get(c.ptr) === c) overlapsTree = true
        }
        const b: ShadowBlock = { ptr, size, align }
        if (overlapsTree) this.extra.push(b)
        else this.tree.set(ptr, b)
        this.freed.delete(ptr)
        this.counts.liveBlocks++
        this.counts.liveBytes += size
        if (this.counts.liveBytes > this.counts.peakLiveBytes) this.counts.peakLiveBytes = this.counts.liveBytes
        this.countInRegion(b, 1)
        this.onChange?.(true, b)
    }

    private drop(ptr: number): ShadowBlock | undefined {
        let b = this.tree.get(ptr)
        if (b !== undefined) this.tree.delete(ptr)
        else {
            const i = this.extra.findIndex(x => x.ptr === ptr)
            if (i < 0) return undefined
            b = this.extra[i]
            this.extra.splice(i, 1)
        }
        this.counts.liveBlocks--
        this.counts.liveBytes -= b.size
        this.countInRegion(b, -1)
        this.onChange?.(false, b)
        return b
    }

    /** Remembers a freed pointer, forgetting the oldest past MAX_FREED. */
    private rememberFreed(ptr: number): void {
        this.freed.delete(ptr)
        this.freed.add(ptr)
        if (this.freed.size > MAX_FREED) this.freed.delete(this.freed.values().next().value as number)
    }

    /** Removes a block on dealloc / realloc, checking it was live with that layout. */
    private remove(ev: DecodedEvent, ptr: number, size: number, align: number, what: string): void {
        const b = this.drop(ptr)
        if (b === undefined) {
            if (!this.synced) return // its alloc may have been lost
            if (this.freed.has(ptr)) this.anomaly("double-free", ev, ptr, `${what} of ${hexText(ptr)}, which was already freed`)
            else this.anomaly("unknown-block", ev, ptr, `${what} of ${hexText(ptr)}, which is not a live block`)
            return
        }
        this.rememberFreed(ptr)
        if (this.synced && (b.size !== size || b.align !== align))
            this.anomaly("layout-mismatch", ev, ptr, `${what} of ${hexText(ptr)} with size ${size} align ${align}, but the block has size ${b.size} align ${b.align}`)
    }
}
