/**
 * logging.ts — LoggingAllocator: wraps any HeapAllocator and streams every
 * allocation event as one text line of the bareheap event protocol
 * (specified in docs/protocol.md, decoded on the host by sim/decoder.ts). It
 * writes the lowest version that describes the heap: version 3 for a heap
 * whose region is a RegionSet of more than one part (a MultiAllocator), with
 * its region table; version 2, byte for byte as before, for every other. It
 * is also the HeapEvents (events.ts) that wrapper layers report to: an OOM
 * hook call (~O), a debug check that failed outside a call (~C), a leak
 * report's blocks (~L).
 *
 * Lines, one per event, fields separated by one space, numbers in canonical
 * lowercase hex (no prefix, no leading zeros), built with hex() from src/core/hex.ts because the VM has no toString(16).
 * Every pointer that names a block (<ptr>, <old>, <new>) is its OFFSET from
 * the header's <base>, taken modulo 2^32: 3–4 hex digits on a 32 KB region
 * instead of an 8-digit chip address. The host adds the base back. Only ~E
 * prints the pointer the caller passed as is (it may lie outside the region).
 *
 *   ~H <seq=0> <version> <board> <allocator> <base> <size> <maxalign> <mask> <live> [<regions>]
 *   ~M <seq> <index> <offset> <size> <kind> <tags>    version 3: one region (seq 1..N, right after ~H)
 *   ~A <seq> <ptr> <size> <align>                     alloc returned ptr
 *   ~Z <seq> <ptr> <size> <align>                     allocZeroed returned ptr
 *   ~F <seq> <ptr> <size> <align>                     dealloc
 *   ~R <seq> <old> <new> <oldsize> <newsize> <align>  realloc (new === old: in place)
 *   ~X <seq> <A|Z|R> <size> <align> [<old ptr>]       returned null (size = new size for R)
 *   ~E <seq> <code> <rawptr> <A|Z|F|R>                HeapError thrown by the allocator (address, not offset)
 *   ~S <seq> <inuse> <free> <peak> <largest> <live> <allocs> <frees> <fails> <peakreq>
 *   ~P <seq> <name>                                   phase marker, name [a-z0-9_-]{1,24}
 *   ~O <seq> <A|Z|R> <size> <align> <attempt> <0|1>   OOM hook called (1: it asked for a retry)
 *   ~C <seq> <code> <ptr>                             a debug check failed outside a call
 *   ~L <seq> <ptr> <size> <align> <kind>              one live block of a leak report
 *
 * Invariants:
 *   - the first line of a stream is ~H with seq 0; every later protocol line
 *     has seq one greater than the line before it, so the host detects a lost
 *     line (the device's 4 KB dmesg ring overwrites lines it could not send);
 *   - a kind masked out by `mask` is never emitted and takes no seq number, and
 *     the header's mask field says exactly which kinds the stream carries;
 *   - nothing is emitted before the header: with `header: false` the wrapper is
 *     silent until start();
 *   - every line is < 150 characters (the device's dmesg line buffer is 160
 *     including the "> " prefix); the longest event line is ~S with nine
 *     32-bit values and a 13-digit seq (each kind's largest: docs/protocol.md
 *     §8); a ~M line longer than MAX_LINE is refused in the constructor;
 *   - version 3: the header's base and size are the RegionSet's span (first
 *     base .. last end), its 10th field N = parts (2..MAX_REGIONS), and the N
 *     ~M lines (offset = part base − header base, tags comma-joined or "-")
 *     follow it at seq 1..N, with no mask bit; every other line is version 2's;
 *   - the wrapper changes no allocator behaviour: results, null returns and
 *     errors reach the caller exactly as the inner allocator produced them
 *     (a HeapError is reported as ~E and rethrown, a LayoutError just passes).
 *
 * Cost per event: the call into the inner allocator, one offsetOf() per
 * pointer (a subtraction and two comparisons), one string build (a
 * template literal of up to six hex() results) and one call of `emit`. No
 * arrays or objects are built per event. A masked-out event costs one bit test.
 * Version 3 changes nothing per event: the ~M lines are built once in the
 * constructor (O(regions)) and start() only emits them.
 * Bytes per line of each kind (typical and largest) and the lines per
 * second a UART carries are properties of this format: docs/protocol.md §8
 * states them once, computed by tests/layers/protocol_budget.test.ts.
 */
import { HeapEvents } from "../core/events"
import { ForwardingAllocator } from "./forwarding"
import { HeapAllocator } from "../api/global_alloc"
import { HeapError, HeapErrorCode } from "../core/errors"
import { hex } from "../core/hex"
import { Layout, MAX_ALIGN } from "../core/layout"
import { RegionSet } from "../core/region_set"

/**
 * The newest protocol version this encoder writes (the ~H line's third
 * field): a heap of several regions (a RegionSet of > 1 part) streams it;
 * every other heap streams SINGLE_REGION_VERSION, the lowest version that
 * describes it (docs/protocol.md §5).
 */
export const PROTOCOL_VERSION = 3
/** The version a heap of one region streams, byte for byte as before version 3 existed. */
export const SINGLE_REGION_VERSION = 2
/** Most regions a version-3 header may announce (its ~M table has one line each). */
export const MAX_REGIONS = 64
/** Most capability tags of one region in a ~M line, and the longest tag. */
export const MAX_REGION_TAGS = 8
export const MAX_TAG_LENGTH = 24

/**
 * Bits of the header's event mask: which line kinds a stream carries.
 * The header itself is always emitted and has no bit.
 *
 * ```ts
 * const quiet = EventKind.Fail | EventKind.Error | EventKind.Stats | EventKind.Phase
 * new LoggingAllocator(heap, "pico", { mask: quiet, statsEvery: 100 })
 * ```
 */
export const enum EventKind {
    /** ~A alloc returned a block. */
    Alloc = 0x01,
    /** ~Z allocZeroed returned a block. */
    Zeroed = 0x02,
    /** ~F dealloc. */
    Dealloc = 0x04,
    /** ~R realloc returned a block (in place or moved). */
    Realloc = 0x08,
    /** ~X alloc, allocZeroed or realloc returned null. */
    Fail = 0x10,
    /** ~E the allocator detected a misuse (HeapError). */
    Error = 0x20,
    /** ~S statistics. */
    Stats = 0x40,
    /** ~P phase marker. */
    Phase = 0x80,
    /** ~O an out-of-memory hook was called (version 2). */
    Oom = 0x100,
    /** ~C a debug check failed outside a call (version 2). */
    Check = 0x200,
    /** ~L one block of a leak report (version 2). */
    Leak = 0x400,
}

/** Every kind: a full event stream. */
export const MASK_ALL = 0x7ff
/**
 * The kinds the host's shadow heap model needs (A, Z, F, R). A stream whose
 * mask lacks any of them is decoded, but the decoder keeps no block model.
 */
export const MASK_MODEL = 0x0f
/**
 * Failures, misuse errors, stats, phases, OOM hook calls and debug check
 * failures: the cheap "summary" stream. O and C are failures too, rare and
 * worth their bytes; a leak report (L) is one line per live block, which can
 * overflow the 4 KB dmesg ring, so it is left out.
 */
export const MASK_QUIET = 0x3f0

/** Longest board id or allocator kind the header accepts. */
export const MAX_ID_LENGTH = 24
/** Longest phase name. */
export const MAX_PHASE_LENGTH = 24

/** Options of LoggingAllocator. Every field is optional. */
export interface LogOptions {
    /**
     * Where lines go. Default: console.log, which on a device prefixes "> "
     * and writes into the dmesg ring that USB serial / the UART log pin drain.
     * Host tests pass a collector: `emit: line => lines.push(line)`.
     */
    emit?: (line: string) => void
    /** Which kinds to emit: an OR of EventKind bits, 0..0x7ff. Default MASK_ALL. */
    mask?: number
    /**
     * Emit a ~S line after every N allocator calls (alloc, allocZeroed,
     * dealloc, realloc — counted whether or not their own lines are masked
     * out, and including calls that failed or threw). 0 = never (default).
     * Needs EventKind.Stats in the mask.
     */
    statsEvery?: number
    /**
     * Emit the ~H header in the constructor (default true). With false the
     * wrapper stays silent until start() is called, e.g. after the firmware
     * has printed its banner or once the host is known to listen.
     */
    header?: boolean
}

function consoleEmit(line: string): void {
    console.log(line)
}

/** n when hex() prints it canonically (a whole number 0 ≤ n < 2^52), else 0: values that come from callers. */
function printable(n: number): number {
    return typeof n === "number" && n >= 0 && n < 0x10000000000000 && n === Math.floor(n) ? n : 0
}

/**
 * p's offset from the region base as the protocol writes it: p − base, plus
 * 2^32 when p lies below the base (only a broken allocator returns such a
 * pointer), so the host recovers every 32-bit address as (base + offset) mod
 * 2^32 and flags it as outside the region. A p that is not a 32-bit address
 * (from a caller: negative, fractional, ≥ 2^32) is written as address 0.
 */
function offsetOf(p: number, base: number): number {
    // (p >>> 0) === p exactly when p is an integer in [0, 2^32), in the VM as in Node.
    const d = (p >>> 0 === p ? p : 0) - base
    return d >= 0 ? d : d + 0x100000000
}

/** True when s is 1..max characters of [A-Za-z0-9._-] (ids) or [a-z0-9_-] (phases, lower=true). */
function isToken(s: string, max: number, lower: boolean): boolean {
    if (typeof s !== "string" || s.length < 1 || s.length > max) return false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        const ok =
            (c >= 97 && c <= 122) || // a-z
            (c >= 48 && c <= 57) || // 0-9
            c === 45 || // -
            c === 95 || // _
            (!lower && ((c >= 65 && c <= 90) || c === 46)) // A-Z .
        if (!ok) return false
    }
    return true
}

/** Longest line the encoder writes: the device's dmesg line buffer is 160 characters including "> " and the end of line. */
const MAX_LINE = 149

/** One region's capability tags as a ~M line writes them: space-separated in the API, comma-joined on the wire, "-" for none. */
function tagsField(tags: string, index: number): string {
    if (tags === "") return "-"
    const list = tags.split(" ")
    if (list.length > MAX_REGION_TAGS)
        throw new HeapError(HeapErrorCode.BadArgument, 0, "region " + index + " has " + list.length + " tags; a stream carries at most " + MAX_REGION_TAGS)
    for (const t of list)
        if (!isToken(t, MAX_TAG_LENGTH, true))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "region " + index + "'s tag '" + t + "' must be 1.." + MAX_TAG_LENGTH + " characters of a-z 0-9 _ - (tags are separated by one space)")
    return list.join(",")
}

/**
 * The ~M lines (seq 1..N) of a heap over a RegionSet of N > 1 parts, built
 * once: start() only emits them. [] for any other heap, which streams
 * version 2. Throws HeapError(BadArgument) for what a stream cannot carry.
 */
function regionTable(inner: HeapAllocator): string[] {
    const set = inner.region
    if (!(set instanceof RegionSet) || set.parts.length < 2) return []
    const n = set.parts.length
    if (n > MAX_REGIONS) throw new HeapError(HeapErrorCode.BadArgument, 0, "a stream carries at most " + MAX_REGIONS + " regions, the heap has " + n)
    const lines: string[] = []
    for (let i = 0; i < n; i++) {
        const p = set.parts[i]
        const kind = set.kinds[i]
        if (!isToken(kind, MAX_ID_LENGTH, false))
            throw new HeapError(HeapErrorCode.BadArgument, p.base, "region " + i + "'s allocator kind '" + kind + "' must be 1.." + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ -")
        const line = `~M ${hex(i + 1)} ${hex(i)} ${hex(p.base - set.base)} ${hex(p.size)} ${kind} ${tagsField(set.tags[i], i)}`
        if (line.length > MAX_LINE)
            throw new HeapError(HeapErrorCode.BadArgument, p.base, "region " + i + "'s table line is " + line.length + " characters, longer than the " + MAX_LINE + " a device console line holds: shorten its tags")
        lines.push(line)
    }
    return lines
}

/**
 * A HeapAllocator that forwards every call to `inner` and streams it as an
 * event line. kind, region, stats(), check() and walk() are the inner
 * allocator's, so the wrapper can stand wherever the allocator stood
 * (including setGlobalAllocator).
 *
 * ```ts
 * const heap = new LoggingAllocator(new BuddyAllocator(StaticRegion.forBoard(PICO)), "pico", { statsEvery: 64 })
 * // console: > ~H 0 2 pico buddy 20020000 8000 1000 7ff 0
 * heap.phase("boxes")                                  // > ~P 1 boxes
 * const p = heap.alloc(Layout.fromSizeAlign(12, 4))    // > ~A 2 0 c 4   (p = 0x20020000, offset 0)
 * heap.dealloc(p, Layout.fromSizeAlign(12, 4))         // > ~F 3 0 c 4
 * ```
 */
export class LoggingAllocator extends ForwardingAllocator implements HeapEvents {
    /** Board id written in the header. */
    readonly boardId: string
    /** The requested mask (what the header announces). */
    readonly mask: number
    /** Stats period in allocator calls; 0 = never. */
    readonly statsEvery: number
    /** region.base: pointers are written as offsets from it. */
    private readonly base: number
    private out: (line: string) => void
    /** Mask in effect: 0 until the header has been emitted, then `mask`. */
    private on = 0
    /** seq of the next line. */
    private seq = 0
    /** Allocator calls since the last periodic ~S. */
    private calls = 0
    /** The ~M lines start() emits after a version-3 header; [] for a heap of one region (version 2). */
    private readonly table: string[]

    /**
     * Wraps `inner`. Throws HeapError(BadArgument) for a board id or
     * allocator kind that is not 1..24 characters of [A-Za-z0-9._-], a mask
     * outside 0..0x7ff, or a negative / fractional statsEvery.
     */
    constructor(inner: HeapAllocator, boardId: string, options?: LogOptions) {
        super(inner)
        const o: LogOptions = options === undefined || options === null ? {} : options
        if (!isToken(boardId, MAX_ID_LENGTH, false))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "board id '" + boardId + "' must be 1.." + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ -")
        if (!isToken(inner.kind, MAX_ID_LENGTH, false))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "allocator kind '" + inner.kind + "' must be 1.." + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ -")
        const mask = o.mask === undefined ? MASK_ALL : o.mask
        if (typeof mask !== "number" || !(mask >= 0 && mask <= MASK_ALL) || mask !== Math.floor(mask))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "event mask " + mask + " must be a whole number 0..0x7ff (EventKind bits)")
        const every = o.statsEvery === undefined ? 0 : o.statsEvery
        if (typeof every !== "number" || !(every >= 0) || every !== Math.floor(every))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "statsEvery " + every + " must be a whole number ≥ 0")
        this.base = inner.region.base
        this.table = regionTable(inner)
        this.boardId = boardId
        this.mask = mask
        this.statsEvery = every
        this.out = o.emit === undefined || o.emit === null ? consoleEmit : o.emit
        if (o.header === undefined || o.header) this.start()
    }

    /**
     * Starts (or restarts) the stream: emits the ~H header with seq 0 and
     * enables the masked kinds. The header's last field is the number of
     * blocks already live, so a decoder knows it cannot account for them.
     * Calling it again restarts the stream; the host resets its model.
     *
     * ```ts
     * const heap = new LoggingAllocator(inner, "pico", { header: false })
     * console.log("firmware 1.2 ready") // no protocol lines yet
     * heap.start()                      // > ~H 0 2 pico bump 20020000 8000 1000 7ff 0
     * ```
     */
    start(): void {
        const r = this.inner.region
        const live = this.inner.stats().liveBlocks
        const n = this.table.length
        this.seq = n + 1
        this.calls = 0
        this.on = this.mask
        this.out(
            "~H 0 " + hex(n > 0 ? PROTOCOL_VERSION : SINGLE_REGION_VERSION) + " " + this.boardId + " " + this.inner.kind + " " + hex(r.base) + " " + hex(r.size) + " " + hex(MAX_ALIGN) + " " + hex(this.mask) + " " + hex(live) + (n > 0 ? " " + hex(n) : "")
        )
        for (let i = 0; i < n; i++) this.out(this.table[i])
    }

    /** Counts one allocator call toward statsEvery. Only called when statsEvery > 0. */
    private tick(): void {
        this.calls++
        if (this.calls >= this.statsEvery) {
            this.calls = 0
            this.emitStats()
        }
    }

    /** Emits ~E for a HeapError (when enabled); any other error is left alone. */
    private misuse(e: unknown, op: string): void {
        if ((this.on & EventKind.Error) !== 0 && e instanceof HeapError) {
            // The pointer comes from the caller through the error: print 0 for
            // anything hex() cannot print canonically (negative, fractional, huge).
            this.out(`~E ${hex(this.seq++)} ${hex(printable(e.code))} ${hex(printable(e.ptr))} ${op}`)
        }
        if (this.statsEvery > 0) this.tick()
    }

    /**
     * GlobalAlloc.alloc, then `~A seq ptr size align` (ptr as its offset
     * from the region base, like every block pointer of the stream), or
     * `~X seq A size align` when it returned null.
     */
    override alloc(layout: Layout): number {
        let p = 0
        try {
            p = this.inner.alloc(layout)
        } catch (e) {
            this.misuse(e, "A")
            throw e
        }
        if (p !== 0) {
            if ((this.on & EventKind.Alloc) !== 0)
                this.out(`~A ${hex(this.seq++)} ${hex(offsetOf(p, this.base))} ${hex(layout.size)} ${hex(layout.align)}`)
        } else if ((this.on & EventKind.Fail) !== 0) {
            this.out(`~X ${hex(this.seq++)} A ${hex(layout.size)} ${hex(layout.align)}`)
        }
        if (this.statsEvery > 0) this.tick()
        return p
    }

    /** GlobalAlloc.allocZeroed, then `~Z seq ptr size align` or `~X seq Z size align`. */
    override allocZeroed(layout: Layout): number {
        let p = 0
        try {
            p = this.inner.allocZeroed(layout)
        } catch (e) {
            this.misuse(e, "Z")
            throw e
        }
        if (p !== 0) {
            if ((this.on & EventKind.Zeroed) !== 0)
                this.out(`~Z ${hex(this.seq++)} ${hex(offsetOf(p, this.base))} ${hex(layout.size)} ${hex(layout.align)}`)
        } else if ((this.on & EventKind.Fail) !== 0) {
            this.out(`~X ${hex(this.seq++)} Z ${hex(layout.size)} ${hex(layout.align)}`)
        }
        if (this.statsEvery > 0) this.tick()
        return p
    }

    /**
     * GlobalAlloc.dealloc, then `~F seq ptr size align`. A misuse the inner
     * allocator detects is emitted as `~E seq code ptr F` and rethrown.
     */
    override dealloc(ptr: number, layout: Layout): void {
        try {
            this.inner.dealloc(ptr, layout)
        } catch (e) {
            this.misuse(e, "F")
            throw e
        }
        if ((this.on & EventKind.Dealloc) !== 0)
            this.out(`~F ${hex(this.seq++)} ${hex(offsetOf(ptr, this.base))} ${hex(layout.size)} ${hex(layout.align)}`)
        if (this.statsEvery > 0) this.tick()
    }

    /**
     * GlobalAlloc.realloc, then `~R seq old new oldsize newsize align`
     * (new === old when it stayed in place), or `~X seq R newsize align old`
     * when it returned null (the old block is still live).
     */
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        let p = 0
        try {
            p = this.inner.realloc(ptr, layout, newSize)
        } catch (e) {
            this.misuse(e, "R")
            throw e
        }
        if (p !== 0) {
            if ((this.on & EventKind.Realloc) !== 0)
                this.out(`~R ${hex(this.seq++)} ${hex(offsetOf(ptr, this.base))} ${hex(offsetOf(p, this.base))} ${hex(layout.size)} ${hex(newSize)} ${hex(layout.align)}`)
        } else if ((this.on & EventKind.Fail) !== 0) {
            this.out(`~X ${hex(this.seq++)} R ${hex(newSize)} ${hex(layout.align)} ${hex(offsetOf(ptr, this.base))}`)
        }
        if (this.statsEvery > 0) this.tick()
        return p
    }

    /**
     * Emits a phase marker `~P seq name` (when EventKind.Phase is in the
     * mask) so the host can label workload phases. The name must be 1..24
     * characters of [a-z0-9_-], else HeapError(BadArgument) and nothing is emitted.
     *
     * ```ts
     * heap.phase("vec-grow") // > ~P 7 vec-grow
     * ```
     */
    phase(name: string): void {
        if (!isToken(name, MAX_PHASE_LENGTH, true))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "phase name '" + name + "' must be 1.." + MAX_PHASE_LENGTH + " characters of a-z 0-9 _ -")
        if ((this.on & EventKind.Phase) !== 0) this.out(`~P ${hex(this.seq++)} ${name}`)
    }

    /**
     * Emits `~S seq inuse free peak largest live allocs frees fails peakreq`
     * from the inner allocator's stats() (when EventKind.Stats is in the mask).
     *
     * ```ts
     * heap.emitStats() // > ~S 9 40 7fc0 80 7fc0 2 3 1 0 18
     * ```
     */
    emitStats(): void {
        if ((this.on & EventKind.Stats) === 0) return
        const s = this.inner.stats()
        this.out(
            // Ten values: more than a template literal may hold in devs (≤ 7), so two parts.
            `~S ${hex(this.seq++)} ${hex(s.inUse)} ${hex(s.free)} ${hex(s.peakInUse)} ${hex(s.largestFree)} ` +
                `${hex(s.liveBlocks)} ${hex(s.allocs)} ${hex(s.frees)} ${hex(s.failures)} ${hex(s.peakRequest)}`
        )
    }

    /**
     * HeapEvents: an out-of-memory hook was called for a request. Emits
     * `~O seq op size align attempt retry` (retry 1 or 0) when EventKind.Oom
     * is in the mask; an op other than A, Z or R is HeapError(BadArgument).
     * An OomHookAllocator reports it after its hook returned,
     * so frees the hook made through this wrapper come before the ~O line,
     * and the request's final ~A / ~Z / ~R (recovered) or ~X after it.
     *
     * ```ts
     * const hooked = new OomHookAllocator(new BuddyAllocator(region), () => cache.dropOne())
     * const heap = new LoggingAllocator(hooked, "pico")
     * hooked.setEvents(heap) // > ~O 9 A 40 8 1 1
     * ```
     */
    oomHook(op: string, size: number, align: number, attempt: number, retry: boolean): void {
        if (op !== "A" && op !== "Z" && op !== "R") throw new HeapError(HeapErrorCode.BadArgument, 0, "OOM hook op '" + op + "' must be A, Z or R")
        if ((this.on & EventKind.Oom) !== 0)
            this.out(`~O ${hex(this.seq++)} ${op} ${hex(size)} ${hex(align)} ${hex(attempt)} ${retry ? 1 : 0}`)
    }

    /**
     * HeapEvents: a debug check failed outside a call that could throw it.
     * Emits `~C seq code ptr` (code a HeapErrorCode, ptr as its offset from
     * the region base) when EventKind.Check is in the mask.
     *
     * ```ts
     * heap.checkFailed(HeapErrorCode.WriteAfterFree, p) // > ~C a 9 40   (p = base + 0x40)
     * ```
     */
    checkFailed(code: number, ptr: number): void {
        if ((this.on & EventKind.Check) !== 0) this.out(`~C ${hex(this.seq++)} ${hex(printable(code))} ${hex(offsetOf(ptr, this.base))}`)
    }

    /**
     * HeapEvents: one live block of a leak report. Emits
     * `~L seq ptr size align kind` when EventKind.Leak is in the mask. A
     * report is a run of consecutive ~L lines. `kind` must be 1..24
     * characters of [a-z0-9_-], else HeapError(BadArgument) and nothing is emitted.
     *
     * ```ts
     * heap.leak(p, 12, 4, "box") // > ~L b 0 c 4 box   (p = base)
     * ```
     */
    leak(ptr: number, size: number, align: number, kind: string): void {
        if (!isToken(kind, MAX_PHASE_LENGTH, true))
            throw new HeapError(HeapErrorCode.BadArgument, ptr, "leak kind '" + kind + "' must be 1.." + MAX_PHASE_LENGTH + " characters of a-z 0-9 _ -")
        if ((this.on & EventKind.Leak) !== 0)
            this.out(`~L ${hex(this.seq++)} ${hex(offsetOf(ptr, this.base))} ${hex(size)} ${hex(align)} ${kind}`)
    }

    /** The seq the next protocol line will carry (0 until the header is emitted). */
    nextSeq(): number {
        return this.seq
    }
}
