// The recorded traces of real programs (bench/traces/recorded) and the
// converter that made them (bench/record/to_rep.ts): every committed window
// parses, is balanced, and has a peak payload of 32–64 KiB; the converter's
// log rules hold on a hand-written log.
import { describe, expect, it } from "vitest"
import { chooseRecordedWindow, logToTrace, MAX_PEAK, MIN_PEAK, toRep } from "../../bench/record/to_rep"
import { OP_ALLOC, OP_FREE, OP_REALLOC } from "../../bench/replay"
import { RECORDED_TRACES, readTrace } from "../../bench/trace/encode"
import { parseTrace } from "../../bench/trace/rep"

describe("recorded traces", () => {
    it("at least six programs are committed", () => {
        expect(RECORDED_TRACES.length).toBeGreaterThanOrEqual(6)
    })
    for (const name of RECORDED_TRACES) {
        it(name + " parses, frees every block and peaks at 32–64 KiB", () => {
            const t = readTrace(name)
            const live = new Set<number>()
            for (let i = 0; i < t.count; i++) {
                if (t.kinds[i] === OP_ALLOC) live.add(t.idOf[i])
                else if (t.kinds[i] === OP_FREE) live.delete(t.idOf[i])
            }
            expect(live.size).toBe(0)
            expect(t.peakPayload).toBeGreaterThanOrEqual(MIN_PEAK)
            expect(t.peakPayload).toBeLessThanOrEqual(MAX_PEAK)
        })
    }
})

describe("to_rep: mtrace log → trace", () => {
    it("maps pointers to ids, follows reallocs, drops unknown frees, frees a reused live pointer", () => {
        const t = logToTrace("x", ["a 10 8", "f 99", "r 10 20 30", "a 20 4", "f 20", "r 77 30 5", "f 30", ""].join("\n"))
        expect(Array.from(t.kinds)).toEqual([OP_ALLOC, OP_REALLOC, OP_FREE, OP_ALLOC, OP_FREE, OP_ALLOC, OP_FREE])
        expect(Array.from(t.idOf)).toEqual([0, 0, 0, 1, 1, 2, 2])
        expect(Array.from(t.sizes)).toEqual([8, 0x30, 0, 4, 0, 5, 0])
    })
    it("rejects a malformed line, naming it", () => {
        expect(() => logToTrace("x", "a 10\n")).toThrow(/line 1: not an mtrace line/)
        expect(() => logToTrace("x", "a zz 8\n")).toThrow(/line 1: bad number/)
    })
    it("cuts the window at 64 KiB of live payload and writes it balanced, as parseTrace accepts", () => {
        const lines: string[] = []
        for (let i = 0; i < 40; i++) lines.push("a " + (0x1000 + i * 0x1000).toString(16) + " 800")
        for (let i = 0; i < 40; i++) lines.push("f " + (0x1000 + i * 0x1000).toString(16))
        const w = chooseRecordedWindow(logToTrace("y", lines.join("\n")), "y-w1")
        expect(w).not.toBeNull()
        const back = parseTrace("y-w1", toRep(w!))
        expect(back.peakPayload).toBe(MAX_PEAK) // 32 of the 40 blocks of 2 KiB
        expect(back.count).toBe(64) // their allocs, then the closing frees
    })
})
