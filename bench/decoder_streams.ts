/**
 * bench/decoder_streams.ts — synthetic event streams for the decoder's
 * benchmark (bench/decoder.ts) and its bound tests (tests/sim/stream_bounds.test.ts).
 *
 *   validStream      a clean protocol-v2 stream of n lines: 64-byte slots of a
 *                    32 KiB pico region, alloc/free at random, ~S every 16
 *                    events (consistent with the model), ~P every 5,000 lines.
 *                    Decodes with 0 anomalies.
 *   phasesAfterBlocks, allocsAfterPhase, smallAfterLarge
 *                    the three shapes issue 11 measured (3 GB, 48 s, 21 s before).
 *   hostileStream    n lines of everything a broken link or a hostile sender
 *                    can produce: random bytes, FE escapes, control and C1
 *                    characters, ANSI/OSC sequences, 10 KB lines, protocol
 *                    lines with random fields, overlapping / double-freed /
 *                    outside-region blocks, gaps, restarts with huge regions.
 *
 * All deterministic for a seed (mulberry32 from sim/usb_wrap.ts). Lines are
 * returned as arrays of strings; `toBytes` joins them as a board's serial
 * text ("\r\n" line ends).
 */
import { seededRandom } from "../sim/usb_wrap"

const HDR = "~H 0 2 pico bench 20020000 8000 1000 7ff 0"
const hx = (n: number) => n.toString(16)

/** A clean stream of `n` lines (header included). */
export function validStream(n: number, seed = 1): string[] {
    const out: string[] = []
    for (const batch of validBatches(n, seed, n)) out.push(...batch)
    return out
}

/** validStream's lines in batches of `batch` lines, generated as they are taken (a 10^6-line stream never held whole). */
export function* validBatches(n: number, seed = 1, batch = 10_000): Generator<string[]> {
    const rnd = seededRandom(seed)
    let out = [HDR]
    let made = 1
    const SLOTS = 512
    const free: number[] = []
    for (let i = SLOTS - 1; i >= 0; i--) free.push(i)
    const live: { slot: number; size: number }[] = []
    let seq = 1
    let events = 0
    let maxReq = 0
    let allocs = 0
    let frees = 0
    for (; made < n; made++) {
        if (out.length >= batch) {
            yield out
            out = []
        }
        if (made % 5000 === 0) {
            out.push(`~P ${hx(seq++)} p${made}`)
            continue
        }
        if (events > 0 && events % 16 === 0) {
            const used = live.reduce((s, b) => s + b.size, 0)
            out.push(`~S ${hx(seq++)} ${hx(used)} ${hx(0x8000 - used)} ${hx(used)} 40 ${hx(live.length)} ${hx(allocs)} ${hx(frees)} 0 ${hx(maxReq)}`)
            events++
            continue
        }
        events++
        if (free.length > 0 && (live.length < 64 || rnd() < 0.5)) {
            const slot = free.pop() as number
            const size = 1 + Math.floor(rnd() * 64)
            if (size > maxReq) maxReq = size
            live.push({ slot, size })
            allocs++
            out.push(`~A ${hx(seq++)} ${hx(slot * 64)} ${hx(size)} 4`)
        } else {
            const i = Math.floor(rnd() * live.length)
            const b = live[i]
            live[i] = live[live.length - 1]
            live.pop()
            free.push(b.slot)
            frees++
            out.push(`~F ${hx(seq++)} ${hx(b.slot * 64)} ${hx(b.size)} 4`)
        }
    }
    if (out.length > 0) yield out
}

const BIG = "~H 0 2 pico bench 20000000 1000000 1000 7ff 0" // a 16 MiB region: room for every shape below

/** `blocks` allocations, then `phases` phase lines (issue 11: 3,000 and 20,000 took 3 GB). */
export function phasesAfterBlocks(blocks: number, phases: number): string[] {
    const out = [BIG]
    let seq = 1
    for (let i = 0; i < blocks; i++) out.push(`~A ${hx(seq++)} ${hx(i * 16)} 10 4`)
    for (let i = 0; i < phases; i++) out.push(`~P ${hx(seq++)} p${i}`)
    return out
}

/** One phase line, then `n` allocations (issue 11: 30,000 took 48 s). */
export function allocsAfterPhase(n: number): string[] {
    const out = [BIG, "~P 1 grow"]
    for (let i = 0; i < n; i++) out.push(`~A ${hx(i + 2)} ${hx(i * 16)} 10 4`)
    return out
}

/** One large block, then `n` small blocks above it (issue 11: 40,000 took 21 s). */
export function smallAfterLarge(n: number): string[] {
    const out = [BIG, "~A 1 0 80000 4"]
    for (let i = 0; i < n; i++) out.push(`~A ${hx(i + 2)} ${hx(0x80000 + i * 16)} 10 4`)
    return out
}

const NASTY = ["\x1bc", "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\u009b2J", "\u0090", "\x07", "\x00", "\x7f", "\ud800", "\u202e", "\r", "\x1b[31m", "\x1b["]
const LETTERS = "HAZFRXESPOCLQ"

/** `n` hostile lines (see the header). Feed with allowGaps and onError "continue". */
export function hostileStream(n: number, seed = 7): string[] {
    const rnd = seededRandom(seed)
    const pick = <T>(xs: T[] | string): T | string => xs[Math.floor(rnd() * xs.length)]
    const num = () => hx(Math.floor(rnd() * (rnd() < 0.5 ? 0x100 : 0x100000000)))
    const out: string[] = []
    let seq = 0
    for (let i = 0; i < n; i++) {
        const r = rnd()
        if (r < 0.01) {
            seq = 0 // a restart with a region of up to 4 GiB
            out.push(`~H 0 2 pico evil 0 ${hx(1 + Math.floor(rnd() * 0xffffffff))} 1000 7ff ${rnd() < 0.5 ? 0 : 3}`)
        } else if (r < 0.6) {
            // A protocol line with plausible or random fields: overlaps, double frees, outside the region, gaps, bad fields.
            seq += rnd() < 0.97 ? 1 : 1 + Math.floor(rnd() * 100)
            const letter = pick(LETTERS)
            const fields = [hx(seq)]
            const count = 2 + Math.floor(rnd() * 9)
            for (let f = 0; f < count; f++) fields.push(rnd() < 0.9 ? (rnd() < 0.5 ? hx(Math.floor(rnd() * 64) * 16) : num()) : (pick(NASTY) as string))
            if (letter === "A" || letter === "F" || letter === "Z") out.push(`~${letter} ${hx(seq)} ${hx(Math.floor(rnd() * 4096) * 16)} ${hx(1 + Math.floor(rnd() * 64))} ${rnd() < 0.9 ? "4" : "3"}`)
            else out.push(`~${letter} ${fields.join(" ")}`)
        } else if (r < 0.8) {
            let s = ""
            const parts = 1 + Math.floor(rnd() * 6)
            for (let p = 0; p < parts; p++) s += rnd() < 0.5 ? (pick(NASTY) as string) : "text " + num()
            out.push((rnd() < 0.5 ? "> " : "") + s)
        } else if (r < 0.8005) {
            out.push((rnd() < 0.5 ? "~A " : "x").padEnd(10000 + Math.floor(rnd() * 10000), "9")) // far over any line cap
        } else {
            let s = ""
            const len = Math.floor(rnd() * 40)
            for (let c = 0; c < len; c++) s += String.fromCharCode(Math.floor(rnd() * 0x100))
            out.push(s) // includes 0xfe: as text it is "þ", as bytes it is the escape
        }
    }
    return out
}

/** Lines as a board's serial text ("\r\n" line ends), UTF-8. */
export function toBytes(lines: string[]): Uint8Array {
    return new TextEncoder().encode(lines.join("\r\n") + "\r\n")
}
