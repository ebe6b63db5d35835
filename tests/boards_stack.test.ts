/**
 * The boards' C stack (boards/board.ts `stack`, lab 1): every real board
 * states one with a source, validateBoard rejects a stack outside data RAM,
 * and the memory map draws it inside its region.
 */
import { expect, test } from "vitest"
import { BOARDS } from "../boards/index"
import { PICO } from "../boards/pico"
import { ESP32 } from "../boards/esp32"
import { BoardError, validateBoard } from "../boards/validate"
import { renderMemoryMap } from "../sim/heapmap"

test("every real board states its main C stack, in a data-RAM region, with a source", () => {
    for (const b of BOARDS.filter(b => !b.hostOnly)) {
        expect(b.stack, b.id).toBeDefined()
        const home = b.memory.find(m => m.name === b.stack!.region)
        expect(home?.kind, b.id).toBe("sram")
        expect(b.stack!.source.length, b.id).toBeGreaterThan(20)
    }
    expect(PICO.stack).toEqual(expect.objectContaining({ region: "SRAM5", base: 0x20041800, size: 2048 }))
    expect(ESP32.stack?.base).toBeNull()
})

test("validateBoard rejects a stack outside data RAM or outside its region", () => {
    expect(() => validateBoard({ ...PICO, stack: { ...PICO.stack!, region: "XIP flash" } })).toThrow(BoardError)
    expect(() => validateBoard({ ...PICO, stack: { ...PICO.stack!, region: "XIP flash" } })).toThrow(/stack.region "XIP flash" names no data-RAM/)
    expect(() => validateBoard({ ...PICO, stack: { ...PICO.stack!, base: 0x20041c00, size: 2048 } })).toThrow(/stack.base\/stack.size: 0x20041c00\+2048 is not inside region "SRAM5"/)
    expect(() => validateBoard({ ...PICO, stack: { ...PICO.stack!, source: "" } })).toThrow(/stack.source must cite/)
})

test("the memory map draws the C stack inside its region", () => {
    const pico = renderMemoryMap(PICO).split("\n")
    const sram5 = pico.findIndex(l => / SRAM5$/.test(l))
    expect(pico[sram5 + 1]).toBe("    └ C stack 0x20041800–0x20041fff  2 KiB")
    expect(renderMemoryMap(ESP32)).toMatch(/SRAM2 \(DRAM\)\n(?:.*\n)?    └ C stack \(placed at run time\)  3584 B/)
})
