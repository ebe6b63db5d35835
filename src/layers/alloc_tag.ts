/**
 * alloc_tag.ts — allocation tags: which container kind is allocating right
 * now ("raw", "box", "vec", "string", or a kind the program registers), so a
 * TrackingAllocator (tracking.ts) can say which container made each leaked
 * block.
 *
 * Why one global "current tag": Rust needs no such thing (a leak checker there
 * reads the allocation's backtrace or a type in the allocator's generic
 * parameters), and DeviceScript's VM has no cheap call-site information (no
 * Error().stack, no caller). The GlobalAlloc calls carry only a pointer and a
 * Layout, and adding a tag parameter would change every allocator's contract.
 * A container instead names itself for the duration of its allocator call;
 * the tracker reads the name when the block is made. One firmware runs one
 * fiber at a time between awaits, and an allocator call never awaits, so the
 * tag cannot leak into another fiber's call.
 *
 * Invariants:
 *   - the current tag is RAW (0) outside any container's allocator call;
 *   - whoever changes it restores the previous value when its call ends, also
 *     when the call throws (try/finally), so the tag never outlives the call;
 *   - the outermost kind wins: claimAllocTag only sets a tag while none is
 *     set, so a HeapString's bytes (a Vec inside) are "string", and a Vec
 *     inside a user's kind is that kind;
 *   - tags are small whole numbers 0..MAX_ALLOC_TAGS − 1; the same name
 *     always gives the same tag; names are 1..24 characters of [a-z0-9_-].
 * Costs: setAllocTag/claimAllocTag/currentAllocTag are one call, a few
 * comparisons and a module-variable write; no allocation. registerAllocTag
 * scans the (≤ 32-entry) name table once per call: call it at start-up.
 *
 * ```ts
 * const SENSOR_LOG = registerAllocTag("sensor-log")
 * const prev = setAllocTag(SENSOR_LOG)
 * try {
 *     log = Vec.withCapacityIn(a, ElemKind.U16, 64) // tracked as "sensor-log"
 * } finally {
 *     setAllocTag(prev)
 * }
 * ```
 */
import { HeapError, HeapErrorCode } from "../core/errors"

/** The built-in tags (values are stable: trackers store them). */
export const enum AllocTag {
    /** A block asked for directly through GlobalAlloc / the Allocator API. */
    Raw = 0,
    /** A Box (boxed.ts). */
    Box = 1,
    /** A Vec (vec.ts). */
    Vec = 2,
    /** A HeapString's bytes (heap_string.ts). */
    String = 3,
}

/** How many tags can exist, built-in ones included (a tracker stores a tag in 8 bits). */
export const MAX_ALLOC_TAGS = 32

/** Longest tag name. */
export const MAX_TAG_NAME = 24

/** Names by tag; index = tag. Grows only through registerAllocTag, up to MAX_ALLOC_TAGS. */
const names: string[] = ["raw", "box", "vec", "string"]

/** The tag of the allocator call in progress (RAW outside containers). */
let current = 0

/** HeapError(BadArgument) unless tag is a registered tag. */
function checkTag(tag: number): void {
    if (!((tag | 0) === tag && tag >= 0 && tag < names.length))
        throw new HeapError(HeapErrorCode.BadArgument, 0, "allocation tag " + tag + " is not registered (0.." + (names.length - 1) + ")")
}

/**
 * The tag of a user container kind, registered on first use: the same name
 * always gives the same tag (the built-in names give the built-in tags).
 * HeapError(BadArgument) for a name that is not 1..24 characters of
 * [a-z0-9_-], or when MAX_ALLOC_TAGS tags exist already.
 *
 * ```ts
 * const RING = registerAllocTag("ring") // 4 in a program that registers nothing else
 * allocTagName(RING) === "ring"
 * ```
 */
export function registerAllocTag(name: string): number {
    let ok = typeof name === "string" && name.length >= 1 && name.length <= MAX_TAG_NAME
    for (let i = 0; ok && i < name.length; i++) {
        const c = name.charCodeAt(i)
        ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95
    }
    if (!ok) throw new HeapError(HeapErrorCode.BadArgument, 0, "allocation tag name '" + name + "' must be 1.." + MAX_TAG_NAME + " characters of a-z 0-9 _ -")
    for (let t = 0; t < names.length; t++) if (names[t] === name) return t
    if (names.length >= MAX_ALLOC_TAGS)
        throw new HeapError(HeapErrorCode.BadArgument, 0, "allocation tag '" + name + "': all " + MAX_ALLOC_TAGS + " tags are registered")
    names.push(name)
    return names.length - 1
}

/**
 * Makes `tag` the current tag and returns the previous one, which the caller
 * must restore (in a finally block) when its allocator call ends.
 * HeapError(BadArgument) for an unregistered tag; nothing changes then.
 *
 * ```ts
 * const prev = setAllocTag(AllocTag.Raw) // even inside a container: count this block as raw
 * try { p = heap.alloc(l) } finally { setAllocTag(prev) }
 * ```
 */
export function setAllocTag(tag: number): number {
    checkTag(tag)
    const prev = current
    current = tag
    return prev
}

/**
 * What containers call around their allocator calls: sets `tag` only while
 * the current tag is RAW (the outermost container names the block), and
 * returns the previous tag to restore with setAllocTag in a finally block.
 * The tag is not checked (containers pass built-in tags): one comparison.
 *
 * ```ts
 * const prev = claimAllocTag(AllocTag.Box)
 * try { b = a.allocateZeroed(layout) } finally { setAllocTag(prev) }
 * ```
 */
export function claimAllocTag(tag: number): number {
    const prev = current
    if (prev === 0) current = tag
    return prev
}

/** The tag of the allocator call in progress (AllocTag.Raw outside any container). */
export function currentAllocTag(): number {
    return current
}

/**
 * The name of a tag ("raw", "box", "vec", "string" or a registered name);
 * HeapError(BadArgument) for an unregistered tag.
 *
 * ```ts
 * allocTagName(AllocTag.Vec) === "vec"
 * ```
 */
export function allocTagName(tag: number): string {
    checkTag(tag)
    return names[tag]
}

/** How many tags are registered (built-in ones included); tags are 0..allocTagCount() − 1. */
export function allocTagCount(): number {
    return names.length
}
