// sim/escape.ts and every message that quotes stream content (issue 9 defect 4).
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { ProtocolError, StreamDecoder } from "../../sim/decoder"
import { escapeText, QUOTE_CHARS } from "../../sim/escape"
import { stripConsoleLine } from "../../sim/console_line"
import { parseTrace } from "../../bench/trace/rep"

/** Characters that must never reach a terminal raw: C0, DEL, C1, lone surrogates, bidi overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe("escapeText", () => {
    test("shows terminal attacks as escapes: ESC c, OSC 0 / 52, C1 CSI, BEL, NUL, DEL, bidi override", () => {
        expect(escapeText("\x1bc")).toBe("\\x1bc")
        expect(escapeText("\x1b]0;pwned\x07")).toBe("\\x1b]0;pwned\\x07")
        expect(escapeText("\x1b]52;c;ZXZpbA==\x07")).toBe("\\x1b]52;c;ZXZpbA==\\x07")
        expect(escapeText("\u009b2J\u0090")).toBe("\\u009b2J\\u0090")
        expect(escapeText("a\x00b\x7fc\td\n")).toBe("a\\0b\\x7fc\\td\\n")
        expect(escapeText("abc\u202edef")).toBe("abc\\u202edef")
        expect(escapeText("back\\slash")).toBe("back\\\\slash")
    })

    test("keeps printable text and whole surrogate pairs; escapes lone surrogates", () => {
        expect(escapeText("~A 1 0 c 4 — café ✓ 😀")).toBe("~A 1 0 c 4 — café ✓ 😀")
        expect(escapeText("x\ud800y\udc00")).toBe("x\\ud800y\\udc00")
    })

    test("bounds the length, says how much was cut, and never splits a surrogate pair", () => {
        expect(escapeText("x".repeat(1000), 5)).toBe("xxxxx…(+995 more of 1000 chars)")
        expect(escapeText("ab😀", 3)).toBe("ab…(+2 more of 4 chars)")
        const big = "\x1b".repeat(1 << 20)
        const t0 = performance.now()
        const s = escapeText(big, QUOTE_CHARS)
        expect(performance.now() - t0).toBeLessThan(1000) // reads 120 characters, not a megabyte
        expect(s.length).toBeLessThan(6 * QUOTE_CHARS + 40)
    })

    test("no output ever holds an unsafe character, and is bounded (fast-check)", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.integer({ min: 0, max: 200 }), (s, max) => {
                const e = escapeText(s, max)
                expect(UNSAFE.test(e)).toBe(false)
                expect(e.length).toBeLessThanOrEqual(6 * max + 40)
                if (s.length <= max && !UNSAFE.test(s) && !s.includes("\\")) expect(e).toBe(s)
            }),
            { numRuns: 300 },
        )
    })
})

describe("messages that quote the stream", () => {
    test("a ProtocolError quotes at most ~120 escaped characters of a 1 MB bad line", () => {
        const d = new StreamDecoder()
        d.push("~H 0 2 pico bump 20020000 8000 1000 7ff 0")
        const line = "~A 1 " + "\x1bc\x1b]0;t\x07".repeat(1 << 17)
        let e: ProtocolError | null = null
        try {
            d.pushStripped(line) // as if the transport stripper had let it through: the message is the last defence
        } catch (x) {
            e = x as ProtocolError
        }
        expect(e).toBeInstanceOf(ProtocolError)
        const m = (e as ProtocolError).message
        expect(m.length).toBeLessThan(1200)
        expect(UNSAFE.test(m)).toBe(false)
        expect(m).toContain("\\x1bc")
        expect(m).toMatch(/more of \d+ chars/)
    })

    test("a bad field is quoted escaped too", () => {
        const d = new StreamDecoder()
        d.push("~H 0 2 pico bump 20020000 8000 1000 7ff 0")
        expect(() => d.pushStripped("~P 1 \u009b31m")).toThrow(/got "\\u009b31m"/)
        // What the stripper leaves (BEL, DCS) is escaped in a pushed line too.
        expect(() => d.push("~P 1 a\x07\u0090")).toThrow(/got "a\\x07\\u0090"/)
    })

    test("a malformed trace file line is quoted escaped and cut too (bench/trace/rep.ts)", () => {
        let m = ""
        try {
            parseTrace("evil", "0\n1\n1\n1\n\x1bc\x1b]52;c;eA==\x07 a 0 1" + "9".repeat(100_000) + "\n")
        } catch (e) {
            m = (e as Error).message
        }
        expect(m).toContain('"\\x1bc\\x1b]52;c;eA==\\x07 a 0 1')
        expect(UNSAFE.test(m)).toBe(false)
        expect(m.length).toBeLessThan(500)
    })

    test("the console stripper takes ANSI/OSC sequences and dmesg level prefixes off", () => {
        expect(stripConsoleLine("\x1b[36mWASM> \x1b[0m~A 2 40 c 4")).toEqual({ text: "~A 2 40 c 4", level: "" })
        expect(stripConsoleLine("> ~P 1 boxes\r")).toEqual({ text: "~P 1 boxes", level: ">" })
        expect(stripConsoleLine("! panic\x1b]0;title\x07 here")).toEqual({ text: "panic here", level: "!" })
        expect(stripConsoleLine("* warn \u009b31mred")).toEqual({ text: "warn red", level: "*" })
    })
})
