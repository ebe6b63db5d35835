// The transport stripper (sim/usb_framing.ts) against its encoder (sim/usb_wrap.ts):
// every split point of frames, escapes, UTF-8 and line ends; exact loss counts; bounds.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { MAX_FRAME, RawLine, UsbDeframer, UsbItem } from "../../sim/usb_framing"
import { randomChunks, wrapUsb } from "../../sim/usb_wrap"

const bytes = (...xs: (number | string)[]) => {
    const out: number[] = []
    for (const x of xs) {
        if (typeof x === "number") out.push(x)
        else out.push(...new TextEncoder().encode(x))
    }
    return new Uint8Array(out)
}

/** Feeds the chunks, returns the lines' texts (drop marks as "<drop logs>" / "<drop frames>") and the deframer. */
function deframe(chunks: (Uint8Array | string)[], maxLine?: number): { out: string[]; d: UsbDeframer; items: UsbItem[] } {
    const d = new UsbDeframer(maxLine)
    const items: UsbItem[] = []
    for (const c of chunks) items.push(...d.push(c))
    items.push(...d.end())
    return { out: items.map(i => (i.kind === "line" ? i.text : `<drop ${i.what}>`)), d, items }
}

/** Every way of cutting `b` into two chunks, and into single bytes. */
function everySplit(b: Uint8Array): Uint8Array[][] {
    const out: Uint8Array[][] = [[b], Array.from(b, x => new Uint8Array([x]))]
    for (let i = 0; i <= b.length; i++) out.push([b.subarray(0, i), b.subarray(i)])
    return out
}

describe("UsbDeframer: DeviceScript USB serial framing", () => {
    // A frame glued before a line, one glued after, one inside a line, an escaped
    // FE in text and in a frame, both drop markers, UTF-8 of 2, 3 and 4 bytes, CRLF and CR.
    const sample = bytes(
        0xfe, 0xfc, 1, 2, 0xfe, 0xf8, 3, 0xfe, 0xfd,
        "> ~H 0 2 pico bump 20020000 8000 1000 7ff 0\r\n",
        "> ~A 1 0 4 4", 0xfe, 0xfc, 9, 9, 0xfe, 0xfd, "\r\n",
        "> caf", 0xfe, 0xfc, 0xfe, 0xfd, "é ✓ 😀\r\n",
        "lit:", 0xfe, 0xf8, "\n",
        0xfe, 0xfa,
        "> ~F 2 0 4 4\r",
        0xfe, 0xfb,
        "\n", "tail",
    )
    // 0xfe alone is not valid UTF-8: the literal FE byte decodes to U+FFFD.
    // The CR, FE FB, LF of the ~F line is one CRLF with a marker inside: one line end.
    const expected = ["> ~H 0 2 pico bump 20020000 8000 1000 7ff 0", "> ~A 1 0 4 4", "> café ✓ 😀", "lit:\ufffd", "<drop logs>", "> ~F 2 0 4 4", "<drop frames>", "tail"]

    test("strips frames glued before, after and inside lines; keeps escapes, markers, UTF-8 and line ends — at every split point", () => {
        for (const chunks of everySplit(sample)) {
            const { out, d } = deframe(chunks)
            expect(out).toEqual(expected)
            expect(d.counts).toMatchObject({ frames: 3, droppedLogs: 1, droppedFrames: 1, badEscapes: 0, brokenFrames: 0, overlongLines: 0, bytes: sample.length })
        }
    })

    test("any chunking of any wrapped stream gives back exactly its lines and its losses (fast-check)", () => {
        const line = fc.string({ unit: fc.constantFrom("a", "~", " ", "0", "é", "\u00fe", "😀", "\x1b"), maxLength: 40 })
        fc.assert(
            fc.property(fc.array(line, { maxLength: 30 }), fc.integer(), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (lines, seed, maxChunk, p) => {
                const w = wrapUsb(lines, { seed, frames: p, dropLogs: p / 4, dropFrames: p / 4 })
                const { out, d, items } = deframe(randomChunks(w.bytes, seed ^ 0x5555, maxChunk))
                const kept = lines.filter((_, i) => !w.droppedLines.includes(i)).map(l => "> " + l)
                expect(items.filter((i): i is RawLine => i.kind === "line").map(i => i.text)).toEqual(kept)
                expect(out.filter(l => l === "<drop logs>")).toHaveLength(w.droppedLogs)
                expect(d.counts.frames).toBe(w.frames)
                expect(d.counts.droppedLogs).toBe(w.droppedLogs)
                expect(d.counts.droppedFrames).toBe(w.droppedFrames)
                expect(d.counts.badEscapes + d.counts.brokenFrames).toBe(0)
            }),
            { numRuns: 300 },
        )
    })

    test("CR, LF and CRLF end a line once each, also when the CRLF is split across chunks", () => {
        expect(deframe(["a\r", "\nb\r\rc\n\nd"]).out).toEqual(["a", "b", "", "c", "", "d"])
        expect(deframe(["a\r\n"]).out).toEqual(["a"])
    })

    test("an unknown escape and a stray frame end are counted and dropped; the text goes on", () => {
        const { out, d } = deframe([bytes("a", 0xfe, 0x41, "b", 0xfe, 0xfd, "c\n")])
        expect(out).toEqual(["abc"])
        expect(d.counts.badEscapes).toBe(2)
    })

    test("a frame whose end is lost does not swallow the console: after MAX_FRAME bytes it is abandoned", () => {
        const body = new Uint8Array(MAX_FRAME + 10).fill(0x41)
        const { out, d } = deframe([bytes(0xfe, 0xfc), body, bytes("\n> ~A 1 0 4 4\n")])
        expect(out[out.length - 1]).toBe("> ~A 1 0 4 4")
        expect(d.counts.brokenFrames).toBe(1)
        // A new frame start inside a frame: the first one lost its end.
        const two = deframe([bytes(0xfe, 0xfc, 1, 0xfe, 0xfc, 2, 0xfe, 0xfd, "x\n")])
        expect(two.out).toEqual(["x"])
        expect(two.d.counts).toMatchObject({ frames: 1, brokenFrames: 1 })
        // The stream ends inside a frame.
        expect(deframe([bytes("y\n", 0xfe, 0xfc, 1)]).d.counts.brokenFrames).toBe(1)
    })

    test("a line of unbounded length keeps maxLine characters and reports its real length", () => {
        const d = new UsbDeframer(100)
        const chunk = new Uint8Array(65536).fill(0x78)
        let items: UsbItem[] = []
        for (let i = 0; i < 64; i++) items = items.concat(d.push(chunk)) // 4 MiB without a line end
        items = items.concat(d.push("\nnext\n"))
        const lines = items as RawLine[]
        expect(lines.map(l => [l.text.length, l.overlong])).toEqual([
            [100, 64 * 65536],
            [4, 0],
        ])
        expect(d.counts.overlongLines).toBe(1)
    })

    test("random bytes never throw and never produce a line over maxLine", () => {
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), (b, cut) => {
                const { items } = deframe([b.subarray(0, cut), b.subarray(cut)], 64)
                for (const i of items) if (i.kind === "line") expect(i.text.length).toBeLessThanOrEqual(64)
            }),
            { numRuns: 300 },
        )
    })
})
