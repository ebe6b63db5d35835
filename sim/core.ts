/**
 * sim/core.ts — the host's "@devicescript/core": exactly the subset that src/
 * uses, behaving as DeviceScript's VM does (2.16.4, see shared/devicescript.md §3).
 *
 * vitest, tsc and tsx resolve "@devicescript/core" here by alias (tsconfig
 * `paths`, vitest.config.ts), so firmware code never learns where it runs.
 * Faithfulness rules (each tested in tests/sim/shim.test.ts):
 *   - getAt beyond the end → undefined; setAt beyond the end → RangeError;
 *   - setAt saturates integers to the format's range (u32 −1 → 0) and rounds
 *     fractions as trunc(v + 0.5); it never wraps;
 *   - fillAt/blitAt clamp the length and are silent no-ops at a bad offset;
 *   - little-endian; a Buffer is below 0xE000 bytes (DEVS_MAX_ALLOC) unless a
 *     host-only tool calls _simAllowLargeBuffers (the "host" board's trace
 *     replays; the VM has no such call);
 *   - getAt/setAt formats: u8 u16 u32 i8 i16 i32 f32 f64.
 * One deliberate difference: a negative offset. The VM does not check it
 * (getAt(-1) reads before the buffer, setAt(-1) corrupts its GC heap); the
 * shim treats it as out of range, so a test fails loudly where a board would
 * silently corrupt memory. Firmware must never pass a negative offset.
 * Anything the VM lacks must not appear here: a shim that is kinder than the
 * VM hides bugs until the firmware runs on a board.
 */

/** DEVS_MAX_ALLOC: the VM refuses a single allocation this large or larger. */
const MAX_ALLOC = 0xe000

/**
 * The largest Buffer.alloc accepts (exclusive): the VM's MAX_ALLOC unless a
 * host-only tool raised it with _simAllowLargeBuffers.
 */
let allocLimit = MAX_ALLOC

type Fmt = "u8" | "u16" | "u32" | "i8" | "i16" | "i32" | "f32" | "f64"

function width(fmt: string): number {
    switch (fmt) {
        case "u8":
        case "i8":
            return 1
        case "u16":
        case "i16":
            return 2
        case "u32":
        case "i32":
        case "f32":
            return 4
        case "f64":
            return 8
    }
    throw new TypeError("unsupported buffer format in the host shim: " + fmt)
}

function saturate(v: number, lo: number, hi: number): number {
    // The VM stores NaN as the format's minimum (0 for unsigned, -2^31 for i32).
    if (Number.isNaN(v)) return lo
    // Whole numbers are exact; only fractions round, as trunc(v + 0.5).
    const r = v === Math.floor(v) ? v : Math.trunc(v + 0.5)
    return r < lo ? lo : r > hi ? hi : r
}

export class Buffer {
    private readonly bytes: Uint8Array
    private readonly view: DataView

    /** `over`: host-only, see _simBufferOver; otherwise n fresh zero bytes. */
    private constructor(n: number, over?: Uint8Array) {
        this.bytes = over === undefined ? new Uint8Array(n) : over
        this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
    }

    static alloc(n: number): Buffer {
        if (!(n >= 0)) throw new RangeError("invalid buffer size " + n)
        if (n >= allocLimit) throw new RangeError("buffer too big")
        return new Buffer(Math.floor(n))
    }

    get length(): number {
        return this.bytes.length
    }

    // getAt/setAt are every allocator's hot path on the host, so each format
    // is one switch case with its width inline (no width() call), and setAt
    // stores an integer already inside the format's range directly: saturate()
    // would return it unchanged, so only out-of-range, fractional or NaN values
    // take that path. Behaviour is exactly the general form's (tests/sim/shim.test.ts).
    getAt(offset: number, fmt: Fmt): number {
        const n = this.bytes.length
        const v = this.view
        switch (fmt) {
            case "u8":
                return !(offset >= 0) || offset + 1 > n ? (undefined as unknown as number) : v.getUint8(offset)
            case "i8":
                return !(offset >= 0) || offset + 1 > n ? (undefined as unknown as number) : v.getInt8(offset)
            case "u16":
                return !(offset >= 0) || offset + 2 > n ? (undefined as unknown as number) : v.getUint16(offset, true)
            case "i16":
                return !(offset >= 0) || offset + 2 > n ? (undefined as unknown as number) : v.getInt16(offset, true)
            case "u32":
                return !(offset >= 0) || offset + 4 > n ? (undefined as unknown as number) : v.getUint32(offset, true)
            case "i32":
                return !(offset >= 0) || offset + 4 > n ? (undefined as unknown as number) : v.getInt32(offset, true)
            case "f32":
                return !(offset >= 0) || offset + 4 > n ? (undefined as unknown as number) : v.getFloat32(offset, true)
            case "f64":
                return !(offset >= 0) || offset + 8 > n ? (undefined as unknown as number) : v.getFloat64(offset, true)
        }
        return width(fmt) // unknown format: throws TypeError
    }

    setAt(offset: number, fmt: Fmt, value: number): void {
        const n = this.bytes.length
        const v = this.view
        switch (fmt) {
            case "u8":
                if (!(offset >= 0) || offset + 1 > n) break
                return v.setUint8(offset, (value & 0xff) === value ? value : saturate(value, 0, 0xff))
            case "i8":
                if (!(offset >= 0) || offset + 1 > n) break
                return v.setInt8(offset, (value << 24) >> 24 === value ? value : saturate(value, -0x80, 0x7f))
            case "u16":
                if (!(offset >= 0) || offset + 2 > n) break
                return v.setUint16(offset, (value & 0xffff) === value ? value : saturate(value, 0, 0xffff), true)
            case "i16":
                if (!(offset >= 0) || offset + 2 > n) break
                return v.setInt16(offset, (value << 16) >> 16 === value ? value : saturate(value, -0x8000, 0x7fff), true)
            case "u32":
                if (!(offset >= 0) || offset + 4 > n) break
                return v.setUint32(offset, value >>> 0 === value ? value : saturate(value, 0, 0xffffffff), true)
            case "i32":
                if (!(offset >= 0) || offset + 4 > n) break
                return v.setInt32(offset, (value | 0) === value ? value : saturate(value, -0x80000000, 0x7fffffff), true)
            case "f32":
                if (!(offset >= 0) || offset + 4 > n) break
                return v.setFloat32(offset, value, true)
            case "f64":
                if (!(offset >= 0) || offset + 8 > n) break
                return v.setFloat64(offset, value, true)
            default:
                width(fmt) // unknown format: throws TypeError
        }
        throw new RangeError("buffer store out of range")
    }

    fillAt(offset: number, length: number, value: number): void {
        if (!(offset >= 0) || offset >= this.bytes.length || !(length > 0)) return
        const end = Math.min(this.bytes.length, offset + length)
        this.bytes.fill(value & 0xff, offset, end)
    }

    blitAt(dstOffset: number, src: Buffer, srcOffset: number, length: number): void {
        if (!(dstOffset >= 0) || !(srcOffset >= 0) || !(length > 0)) return
        if (dstOffset >= this.bytes.length || srcOffset >= src.bytes.length) return
        const n = Math.min(length, this.bytes.length - dstOffset, src.bytes.length - srcOffset)
        this.bytes.set(src.bytes.subarray(srcOffset, srcOffset + n), dstOffset)
    }
}

/**
 * Host-only (benchmarks): a Buffer whose bytes ARE `u8` (no copy, any length),
 * e.g. to see a peer allocator's ArrayBuffer as a region. The VM has nothing
 * like it; firmware must never call it.
 */
export function _simBufferOver(u8: Uint8Array): Buffer {
    return new (Buffer as unknown as new (n: number, over: Uint8Array) => Buffer)(0, u8)
}

const startedAt = Date.now()

/** Milliseconds since start-up. */
export function millis(): number {
    return Date.now() - startedAt
}

/** Suspends the calling fiber (here: the async function) for ms milliseconds. */
export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * Host-only (there is no such call in the VM): lets Buffer.alloc make Buffers
 * of up to `maxBytes` bytes instead of refusing 0xE000 (DEVS_MAX_ALLOC) and
 * more, so the "host" board (boards/host.ts, regions up to 16 MiB) can hold a
 * StaticRegion for trace replays: `_simAllowLargeBuffers(HOST.maxRegion)`,
 * then `StaticRegion.forBoard(HOST)`. A value ≤ 0xE000 restores the VM's limit
 * (the default). Real boards still refuse regions above their own limit: that
 * check is StaticRegion's (MAX_DEVICE_REGION), not the shim's.
 *
 * ```ts
 * _simAllowLargeBuffers(16 * 1024 * 1024)
 * const region = StaticRegion.forBoard(HOST) // 4 MiB
 * _simAllowLargeBuffers(0) // back to the VM's limit
 * ```
 */
export function _simAllowLargeBuffers(maxBytes: number): void {
    allocLimit = maxBytes > MAX_ALLOC ? Math.floor(maxBytes) + 1 : MAX_ALLOC
}

/** What `_dcfgString("archId")` answers; the sim runner sets it to the simulated board's arch. */
let simArch = "wasm"

/** Host-only: the architecture id the simulated firmware sees (e.g. "rp2040"). */
export function _simSetArch(arch: string): void {
    simArch = arch
}

/** Device configuration strings; the host knows only "archId". */
export function _dcfgString(key: string): string {
    return key === "archId" ? simArch : undefined
}
