/**
 * heap_string.ts — HeapString: text as UTF-8 bytes in the heap, owned
 * through an Allocator (Rust's String<A>: a Vec<u8> that is always valid UTF-8).
 *
 * Invariants:
 *   - the bytes are always well-formed UTF-8: they only come from encoding JS
 *     text (push, fromIn) or a checked code point (pushCodePoint); a lone
 *     UTF-16 surrogate in host text is encoded as U+FFFD, as TextEncoder does;
 *   - length() counts bytes (Rust's String::len), not characters;
 *   - push is all or nothing: it counts the bytes, reserves them once, then
 *     writes, so an AllocError leaves the string unchanged;
 *   - block ownership, growth, use after drop and double drop are the inner
 *     Vec's rules (see vec.ts), with errors naming "HeapString".
 *
 * Why the codec is written by hand: the host shim has no ds.Buffer.from(string)
 * or toString("utf8"), and the two runtimes see strings differently —
 * Node's are UTF-16 (charCodeAt gives surrogate halves, fromCharCode takes
 * 16-bit units) while DeviceScript's are UTF-8 indexed by code point
 * (charCodeAt("😀", 0) is 0x1F600, fromCharCode(0x1F600) is "😀", and
 * fromCharCode of a lone surrogate is an uncatchable VM panic). Both are
 * handled: encoding joins surrogate pairs when it sees them; decoding builds
 * characters above U+FFFF as one code point or as a surrogate pair, whichever
 * this runtime's strings are made of (CODE_POINT_STRINGS).
 *
 * Costs: push is two passes over the text (count, write) with one Buffer
 * write per byte; toJsString is one pass over the bytes plus one string
 * concatenation per character (O(n²) bytes copied in the worst case: meant
 * for short texts such as names, messages and protocol lines).
 */
import * as ds from "@devicescript/core"
import { AllocTag } from "../layers/alloc_tag"
import { Allocator } from "../api/allocator_api"
import { HeapError, HeapErrorCode } from "../core/errors"
import { ptrText } from "../core/hex"
import { ElemKind, Vec } from "./vec"

/** True where strings are sequences of code points (DeviceScript), false for UTF-16 (Node). */
const CODE_POINT_STRINGS = "\u{1F600}".length === 1

/** UTF-8 bytes of code point cp (0 ≤ cp ≤ 0x10FFFF). */
function utf8Width(cp: number): number {
    if (cp < 0x80) return 1
    if (cp < 0x800) return 2
    if (cp < 0x10000) return 3
    return 4
}

/**
 * The code point of text at index i, and how many string indices it takes
 * (2 for a UTF-16 surrogate pair on the host), packed as cp * 4 + units.
 * Lone surrogates become U+FFFD.
 */
function codePointAt(text: string, i: number): number {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1)
        if (d >= 0xdc00 && d <= 0xdfff) return (0x10000 + (c - 0xd800) * 0x400 + (d - 0xdc00)) * 4 + 2
    }
    if (c >= 0xd800 && c <= 0xdfff) return 0xfffd * 4 + 1
    return c * 4 + 1
}

/**
 * The number of UTF-8 bytes text encodes to.
 *
 * ```ts
 * utf8Length("héllo €") === 10
 * ```
 */
export function utf8Length(text: string): number {
    let n = 0
    let i = 0
    while (i < text.length) {
        const packed = codePointAt(text, i)
        const cp = Math.floor(packed / 4)
        n += utf8Width(cp)
        i += packed - cp * 4
    }
    return n
}

/** The character of code point cp as a string of this runtime. */
function charOf(cp: number): string {
    if (cp < 0x10000 || CODE_POINT_STRINGS) return String.fromCharCode(cp)
    const v = cp - 0x10000
    return String.fromCharCode(0xd800 + (v >> 10)) + String.fromCharCode(0xdc00 + (v & 0x3ff))
}

/**
 * A growable UTF-8 string in the heap.
 *
 * ```ts
 * const s = HeapString.fromIn(new GlobalAllocAdapter(heap), "héllo")
 * s.push(" €")
 * s.length() === 10        // bytes
 * s.toJsString() === "héllo €"
 * s.drop()
 * ```
 */
export class HeapString {
    /** The bytes; its block is the string's block. */
    private bytes: Vec

    /** Use HeapString.newIn / fromIn / withCapacityIn. */
    constructor(allocator: Allocator) {
        this.bytes = new Vec(allocator, ElemKind.U8, "HeapString", AllocTag.String)
    }

    /**
     * Rust's String::new_in: an empty string, no allocation until the first push.
     */
    static newIn(allocator: Allocator): HeapString {
        return new HeapString(allocator)
    }

    /**
     * An empty string with room for `capacity` bytes. Throws AllocError when
     * the allocator cannot serve it, HeapError(BadArgument) for a capacity
     * that is not a whole number ≥ 0.
     */
    static withCapacityIn(allocator: Allocator, capacity: number): HeapString {
        const s = new HeapString(allocator)
        s.bytes.reserveExact(capacity)
        return s
    }

    /**
     * Rust's String::from_in: the UTF-8 bytes of text in a block of exactly
     * that size (no block for ""). Throws AllocError when the heap cannot hold it.
     *
     * ```ts
     * const s = HeapString.fromIn(new Global(), "temp=21.5°C")
     * ```
     */
    static fromIn(allocator: Allocator, text: string): HeapString {
        const s = new HeapString(allocator)
        s.bytes.reserveExact(utf8Length(text))
        s.push(text)
        return s
    }

    /** Length in bytes (Rust's String::len). */
    length(): number {
        return this.bytes.length()
    }

    /** Bytes the current block holds. */
    capacity(): number {
        return this.bytes.capacity()
    }

    /** Address of the first byte (the dangling pointer 1 while the capacity is 0). */
    asPtr(): number {
        return this.bytes.asPtr()
    }

    /** True once drop() has run. */
    isDropped(): boolean {
        return this.bytes.isDropped()
    }

    /** Byte i of the UTF-8 encoding (Rust's as_bytes()[i]); HeapError(BadArgument) outside [0, length). */
    byteAt(i: number): number {
        return this.bytes.get(i)
    }

    /**
     * Appends text's UTF-8 bytes: all of them, or (AllocError) none.
     *
     * ```ts
     * s.push("€") // 3 bytes: e2 82 ac
     * ```
     */
    push(text: string): void {
        const v = this.bytes
        const start = v.length()
        const n = utf8Length(text)
        if (n === 0) return
        v.reserve(n)
        const region = v.allocator.region()
        const buf = region.bufferOf(v.asPtr(), start + n) // a view routes to the block's Buffer (system.ts)
        let o = region.offsetOf(v.asPtr(), start + n) + start
        let i = 0
        while (i < text.length) {
            const packed = codePointAt(text, i)
            const cp = Math.floor(packed / 4)
            i += packed - cp * 4
            o = writeUtf8(buf, o, cp)
        }
        v.setLength(start + n)
    }

    /**
     * Appends one character by its code point (Rust's String::push(char)).
     * HeapError(BadArgument) for a surrogate (U+D800..U+DFFF) or a value that
     * is not a whole number in [0, 0x10FFFF]: those are not characters.
     *
     * ```ts
     * s.pushCodePoint(0x1f600) // 😀, 4 bytes
     * ```
     */
    pushCodePoint(cp: number): void {
        const v = this.bytes
        const start = v.length()
        if ((cp | 0) !== cp || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            throw new HeapError(HeapErrorCode.BadArgument, v.asPtr(), "pushCodePoint(" + cp + ") on HeapString at " + ptrText(v.asPtr()) + ": not a Unicode scalar value")
        const n = utf8Width(cp)
        v.reserve(n)
        const region = v.allocator.region()
        writeUtf8(region.bufferOf(v.asPtr(), start + n), region.offsetOf(v.asPtr(), start + n) + start, cp)
        v.setLength(start + n)
    }

    /** Removes every byte; the capacity stays. */
    clear(): void {
        this.bytes.clear()
    }

    /** Makes room for at least `additional` more bytes (see Vec.reserve). */
    reserve(additional: number): void {
        this.bytes.reserve(additional)
    }

    /** Shrinks the block to length() bytes (see Vec.shrinkToFit). */
    shrinkToFit(): void {
        this.bytes.shrinkToFit()
    }

    /**
     * The text back as a JS string, decoded from the bytes. Not named
     * toString: DeviceScript never calls toString implicitly (`"" + s` would
     * not use it) and its compiler warns about any method of that name.
     *
     * ```ts
     * HeapString.fromIn(a, "héllo €").toJsString() === "héllo €"
     * ```
     */
    toJsString(): string {
        const v = this.bytes
        const n = v.length()
        if (n === 0) return ""
        const region = v.allocator.region()
        const buf = region.bufferOf(v.asPtr(), n)
        const o = region.offsetOf(v.asPtr(), n)
        let out = ""
        let i = 0
        while (i < n) {
            const b = buf.getAt(o + i, "u8")
            let cp = b
            let w = 1
            // The bytes are well-formed (see the header), so the lead byte gives the width.
            if (b >= 0xf0) {
                cp = b & 0x07
                w = 4
            } else if (b >= 0xe0) {
                cp = b & 0x0f
                w = 3
            } else if (b >= 0xc0) {
                cp = b & 0x1f
                w = 2
            }
            for (let k = 1; k < w; k++) cp = cp * 64 + (buf.getAt(o + i + k, "u8") & 0x3f)
            out += charOf(cp)
            i += w
        }
        return out
    }

    /**
     * Gives the block back to its allocator; afterwards every call is
     * HeapError(NotAllocated) and a second drop HeapError(DoubleFree).
     */
    drop(): void {
        this.bytes.drop()
    }
}

/** Writes cp's UTF-8 bytes at buf offset o; returns the offset after them. */
function writeUtf8(buf: ds.Buffer, o: number, cp: number): number {
    if (cp < 0x80) {
        buf.setAt(o, "u8", cp)
        return o + 1
    }
    if (cp < 0x800) {
        buf.setAt(o, "u8", 0xc0 | (cp >> 6))
        buf.setAt(o + 1, "u8", 0x80 | (cp & 0x3f))
        return o + 2
    }
    if (cp < 0x10000) {
        buf.setAt(o, "u8", 0xe0 | (cp >> 12))
        buf.setAt(o + 1, "u8", 0x80 | ((cp >> 6) & 0x3f))
        buf.setAt(o + 2, "u8", 0x80 | (cp & 0x3f))
        return o + 3
    }
    buf.setAt(o, "u8", 0xf0 | (cp >> 18))
    buf.setAt(o + 1, "u8", 0x80 | ((cp >> 12) & 0x3f))
    buf.setAt(o + 2, "u8", 0x80 | ((cp >> 6) & 0x3f))
    buf.setAt(o + 3, "u8", 0x80 | (cp & 0x3f))
    return o + 4
}
