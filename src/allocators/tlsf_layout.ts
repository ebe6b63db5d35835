/**
 * tlsf_layout.ts — the constants and size-class arithmetic of the TLSF
 * allocator's layout (version 1, drawn in tlsf.ts's header comment), in one
 * place for the allocator (tlsf.ts), its verifier (tlsf_check.ts) and tests.
 * MSB is the byte table behind msb(); tlsf.ts's fast paths index it inline
 * (three lookups written out) rather than call tlsfMsb, to save a VM call.
 */
import * as ds from "@devicescript/core"

/** "TLSF" as a little-endian u32 at offset 0 of a tlsf region. */
export const TLSF_MAGIC = 0x46534c54
/** Version of the metadata layout described in the header comment. */
export const TLSF_VERSION = 1
/** Tag in the top byte of every header word (positive, so words stay int32). */
export const TLSF_TAG = 0x54000000
/** Flag: the block is free. */
export const TLSF_FREE = 1
/** Header word of a header absorbed by coalescing (size 0). */
export const TLSF_DEAD = 0x54000002
/** Flag: the live block is 8 bytes larger than its layout needs. */
export const TLSF_SLACK = 4
/** Size bits of a header word. */
export const TLSF_SIZE_MASK = 0x00fffff8
/** Second-level lists per first-level row. */
export const TLSF_SL_COUNT = 16
/** Smallest block (header + two free-list links). */
export const TLSF_MIN_BLOCK = 16
/** Bytes of header before every payload. */
export const TLSF_HEADER = 8

/** msb of each byte value (index of the highest set bit; MSB[0] = 0). */
export const MSB = msbTable()

function msbTable(): ds.Buffer {
    const t = ds.Buffer.alloc(256)
    for (let i = 2; i < 256; i++) t.setAt(i, "u8", t.getAt(i >> 1, "u8") + 1)
    return t
}

/**
 * Index of the highest set bit of 1 ≤ x < 2^31 (three table lookups at most).
 *
 * ```ts
 * tlsfMsb(1) === 0; tlsfMsb(4096) === 12; tlsfMsb(4097) === 12
 * ```
 */
export function tlsfMsb(x: number): number {
    if (x < 256) return MSB.getAt(x, "u8")
    if (x < 65536) return 8 + MSB.getAt(x >> 8, "u8")
    if (x < 16777216) return 16 + MSB.getAt(x >> 16, "u8")
    return 24 + MSB.getAt(x >> 24, "u8")
}

/**
 * The (fl, sl) class a free block of `size` bytes (a multiple of 8, ≥ 16) is
 * filed under, as fl * 16 + sl (mapping_insert of the paper).
 *
 * ```ts
 * tlsfClass(16) === 2     // fl 0, sl 2: sizes below 128 go by 8
 * tlsfClass(128) === 16   // fl 1, sl 0: 128..135
 * tlsfClass(1000) === 63  // fl 3 (512..1023, steps of 32), sl 15: 992..1023
 * ```
 */
export function tlsfClass(size: number): number {
    if (size < 128) return size >> 3
    const m = tlsfMsb(size)
    return ((m - 6) << 4) + ((size >> (m - 4)) - 16)
}

/**
 * The smallest block size of class c = fl * 16 + sl.
 *
 * ```ts
 * tlsfClassSize(63) === 992
 * ```
 */
export function tlsfClassSize(c: number): number {
    const fl = c >> 4
    const sl = c & 15
    if (fl === 0) return sl << 3
    return (16 + sl) << (fl + 2)
}

/**
 * The block size a layout of `size` bytes needs: header + payload rounded up to 8, at least 16.
 *
 * ```ts
 * tlsfNeed(0) === 16; tlsfNeed(8) === 16; tlsfNeed(100) === 112
 * ```
 */
export function tlsfNeed(size: number): number {
    return size > 8 ? (size + 15) & ~7 : 16
}
