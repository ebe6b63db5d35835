/**
 * tests/boards_heap_regions.test.ts — Board.heapRegions: what each shipped
 * board declares for a multi-region heap, and each rule of
 * boards/validate.ts's checkHeapRegions rejecting a mutated copy with a
 * BoardError that names the board and the field.
 */
import { describe, expect, test } from "vitest"
import { Board } from "../boards/board"
import { BOARDS } from "../boards/index"
import { BoardError, MAX_HEAP_REGIONS, validateBoard } from "../boards/validate"
import { PICO } from "../boards/pico"
import { ESP32 } from "../boards/esp32"
import { ESP32S2 } from "../boards/esp32s2"
import { MULTI_VM_MARGIN } from "../boards/heap_regions"
import { MAX_ALIGN } from "../src/core/layout"
import { copy, expectRejected } from "./board_rejects"

describe("shipped boards declare their heap regions", () => {
    test.each(BOARDS.map(b => [b.id, b] as const))("%s: ≥ 2 regions in data RAM, aligned, sorted, disjoint, summing to heap.size less the VM margin, one tagged main", (_id, b) => {
        expect(b.heapRegions.length).toBeGreaterThanOrEqual(2)
        let sum = 0
        b.heapRegions.forEach((r, i) => {
            const home = b.memory.find(m => m.name === r.region)!
            expect(["sram", "rtc"]).toContain(home.kind)
            expect(r.base % MAX_ALIGN).toBe(0)
            expect(r.base).toBeGreaterThanOrEqual(home.base)
            expect(r.base + r.size).toBeLessThanOrEqual(home.base + home.size)
            if (i > 0) expect(r.base).toBeGreaterThan(b.heapRegions[i - 1].base + b.heapRegions[i - 1].size) // a hole between
            sum += r.size
        })
        expect(sum).toBe(b.hostOnly ? b.heap.size : b.heap.size - MULTI_VM_MARGIN) // the VM margin: boards/heap_regions.ts
        expect(b.heapRegions.filter(r => r.tags.split(" ").includes("main"))).toHaveLength(1)
    })

    test("datasheet facts: RP2040 SRAM4 at 0x20040000; the ESP chips' RTC FAST upper 4 KiB", () => {
        expect(PICO.heapRegions.map(r => [r.region, r.base, r.size, r.tags])).toEqual([
            ["SRAM0-3 (striped)", 0x20020000, 24576, "main dma"],
            ["SRAM4", 0x20040000, 4096, "fast"],
        ])
        expect(ESP32.heapRegions.map(r => [r.region, r.base, r.size])).toEqual([
            ["RTC FAST (data)", 0x3ff81000, 4096],
            ["SRAM2 (DRAM)", 0x3ffb8000, 24576],
        ])
        expect(ESP32S2.heapRegions.map(r => r.size)).toEqual([4096, 8192])
        for (const id of ["esp32c3", "esp32s3"]) {
            const b = BOARDS.find(x => x.id === id)!
            expect(b.heapRegions.map(r => r.region)).toEqual(["SRAM1 (DRAM)", "RTC FAST"])
        }
    })
})

describe("validation rejects each broken heapRegions rule, naming the field", () => {
    test("missing, empty or too many", () => {
        const b = copy(PICO)
        ;(b as { heapRegions: unknown }).heapRegions = undefined
        expectRejected(b, "heapRegions must list 1..64 regions")
        b.heapRegions = []
        expectRejected(b, "heapRegions must list 1..64")
        b.heapRegions = Array.from({ length: MAX_HEAP_REGIONS + 1 }, (_, i) => ({ ...PICO.heapRegions[0], base: 0x20000000 + i * 4096, size: 16 }))
        expectRejected(b, "heapRegions must list")
    })

    test("region names no memory region", () => {
        const b = copy(PICO)
        b.heapRegions[1].region = "SRAM9"
        expectRejected(b, 'heapRegions[1].region "SRAM9" names no region in memory')
    })

    test("region not data RAM (rom, flash, periph, iram); sram and rtc are", () => {
        for (const name of ["ROM", "XIP flash", "USB DPRAM"]) {
            const b = copy(PICO)
            const m = b.memory.find(r => r.name === name)!
            b.heapRegions = [{ ...b.heapRegions[0], region: name, base: m.base === 0 ? 4096 : m.base, size: 16 }]
            expectRejected(b, `heapRegions[0].region "${name}" is of kind "${m.kind}"`)
        }
        const e = copy(ESP32)
        e.heapRegions[1] = { ...e.heapRegions[1], region: "SRAM0 (IRAM)", base: 0x40080000 }
        expectRejected(e, 'heapRegions[1].region "SRAM0 (IRAM)" is of kind "iram"')
        expect(() => validateBoard(copy(ESP32))).not.toThrow() // its RTC FAST ("rtc") region is accepted
    })

    test("base misaligned, null, fractional or NaN", () => {
        const b = copy(PICO)
        b.heapRegions[1].base = 0x20040010
        expectRejected(b, "heapRegions[1].base 0x20040010 is not aligned to 4096")
        for (const base of [0, -4096, 536870912.5, NaN]) {
            const c = copy(PICO)
            c.heapRegions[0].base = base
            expectRejected(c, "heapRegions[0].base", "must be a whole non-null address")
        }
    })

    test("size zero, negative or fractional", () => {
        for (const size of [0, -1, 4.5]) {
            const b = copy(PICO)
            b.heapRegions[1].size = size
            expectRejected(b, `heapRegions[1].size ${size} must be a whole number of bytes > 0`)
        }
    })

    test("outside its memory region", () => {
        const b = copy(PICO)
        b.heapRegions[1].size = 8192 // SRAM4 is 4 KiB
        b.heapRegions[0].size = 4096
        expectRejected(b, 'heapRegions[1].base/size: 0x20040000..0x20042000 is not inside region "SRAM4"')
    })

    test("out of address order, overlapping; touching is fine", () => {
        const b = copy(PICO)
        b.heapRegions.reverse()
        expectRejected(b, "heapRegions[1].base 0x20020000 overlaps or precedes heapRegions[0], which ends at 0x20041000")
        const o = copy(PICO)
        o.heapRegions[1] = { ...o.heapRegions[1], region: "SRAM0-3 (striped)", base: 0x20025000 }
        expectRejected(o, "heapRegions[1].base 0x20025000 overlaps or precedes heapRegions[0]")
        const t = copy(PICO)
        t.heapRegions[1] = { ...t.heapRegions[1], region: "SRAM0-3 (striped)", base: 0x20026000 }
        expect(() => validateBoard(t)).not.toThrow()
    })

    test("sizes sum to more than heap.size", () => {
        const b = copy(PICO)
        b.heapRegions[0].size = 28673
        expectRejected(b, "heapRegions: sizes sum to 32769 bytes, more than heap.size 32768")
    })

    test("tags: charset, length, count, separators; empty is none", () => {
        for (const bad of ["Fast", "dma!", "a".repeat(25), "main  dma", " main", "main ", "ü"]) {
            const b = copy(PICO)
            b.heapRegions[0].tags = bad
            expectRejected(b, `heapRegions[0].tags "${bad}": tag`, "a-z, 0-9, _ and -")
        }
        const many = copy(PICO)
        many.heapRegions[0].tags = "a b c d e f g h i"
        expectRejected(many, "heapRegions[0].tags has 9 tags; at most 8")
        const notText = copy(PICO)
        ;(notText.heapRegions[0] as { tags: unknown }).tags = 7
        expectRejected(notText, "heapRegions[0].tags must be a string")
        const ok = copy(PICO)
        ok.heapRegions[0].tags = "a b c d e f g h"
        ok.heapRegions[1].tags = ""
        expect(() => validateBoard(ok)).not.toThrow()
        ok.heapRegions[0].tags = "x".repeat(24) + " under_score-dash 0"
        expect(() => validateBoard(ok)).not.toThrow()
    })

    test("why must be stated", () => {
        const b = copy(PICO)
        b.heapRegions[1].why = ""
        expectRejected(b, "heapRegions[1].why must say")
    })
})
