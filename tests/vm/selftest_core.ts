/**
 * In-VM self-tests of the shared mechanics: Layout, hex, StaticRegion,
 * boards and the event-line encoder — the places where the DeviceScript VM
 * differs from Node (int32 `%`, saturating setAt, missing built-ins).
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_core.ts --test --test-self-exit`.
 */
import { describe, expect, test } from "@devicescript/test"
import { BOARDS, boardForArch, boardById } from "../../boards/index"
import { validateBoard } from "../../boards/validate"
import { BuddyAllocator } from "../../src/allocators/buddy"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { AllocFailedError, alloc, dealloc, handleAllocError, setGlobalAllocator } from "../../src/api/global_alloc"
import { hex, parseHex } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"

function layoutErrorFor(size: number, align: number): boolean {
    try {
        Layout.fromSizeAlign(size, align)
    } catch (e) {
        return e instanceof LayoutError
    }
    return false
}

describe("layout", () => {
    test("valid layouts keep size and align", () => {
        const l = Layout.fromSizeAlign(12, 8)
        expect(l.size).toBe(12)
        expect(l.align).toBe(8)
        expect(l.padToAlign().size).toBe(16)
    })
    test("invalid layouts are LayoutErrors", () => {
        expect(layoutErrorFor(-1, 4)).toBe(true)
        expect(layoutErrorFor(1.5, 4)).toBe(true)
        expect(layoutErrorFor(8, 3)).toBe(true)
        expect(layoutErrorFor(8, 0)).toBe(true)
        expect(layoutErrorFor(8, 8192)).toBe(true)
        expect(layoutErrorFor(0x7fffffff, 8)).toBe(true)
        expect(layoutErrorFor(0, 1)).toBe(false)
    })
    test("extend lays out a repr(C) struct", () => {
        const s = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
        expect(s.offset).toBe(4)
        expect(s.layout.size).toBe(8)
        const t = s.layout.extend(Layout.scalar(8))
        expect(t.offset).toBe(8)
        expect(t.layout.align).toBe(8)
        expect(Layout.array(Layout.fromSizeAlign(3, 1), 4).size).toBe(12)
    })
})

describe("hex", () => {
    test("values at and above 2^31 (the VM's % is int32)", () => {
        expect(hex(0)).toBe("0")
        expect(hex(0x20020010)).toBe("20020010")
        expect(hex(0xdeadbeef)).toBe("deadbeef")
        expect(hex(0xffffffff)).toBe("ffffffff")
        expect(parseHex("deadbeef")).toBe(0xdeadbeef)
        expect(parseHex("xyz")).toBe(-1)
    })
})

describe("region", () => {
    test("pointers map to offsets and typed access round-trips", () => {
        const r = new StaticRegion(0x20020000, 256)
        r.writeU32(0x20020008, 0xffffffff)
        expect(r.readU32(0x20020008)).toBe(0xffffffff)
        r.writeI32(0x20020010, -5)
        expect(r.readI32(0x20020010)).toBe(-5)
        r.writeF64(0x20020018, 2.5)
        expect(r.readF64(0x20020018)).toBe(2.5)
        expect(r.offsetOf(0x20020040)).toBe(0x40)
    })
    test("overlapping copy moves bytes like memmove", () => {
        const r = new StaticRegion(0x20020000, 64)
        for (let i = 0; i < 8; i++) r.writeU8(r.base + i, i + 1)
        r.copy(r.base + 2, r.base, 8)
        expect(r.readU8(r.base + 2)).toBe(1)
        expect(r.readU8(r.base + 9)).toBe(8)
    })
    test("access outside the region is a HeapError", () => {
        const r = new StaticRegion(0x20020000, 64)
        let code = 0
        try {
            r.writeU32(r.base + 62, 1)
        } catch (e) {
            if (e instanceof HeapError) code = e.code
        }
        expect(code).toBe(HeapErrorCode.OutOfRegion)
    })
})

describe("boards", () => {
    test("every board validates and its region can be allocated", () => {
        for (const b of BOARDS) {
            expect(validateBoard(b)).toBe(b)
        }
        const pico = boardById("pico")
        const r = StaticRegion.forBoard(pico)
        expect(r.base).toBe(pico.heap.base)
        expect(r.size).toBe(pico.heap.size)
    })
    test("the simulator's arch runs the default board", () => {
        expect(boardForArch("wasm").id).toBe("pico")
        expect(boardForArch("esp32s2").id).toBe("esp32s2")
    })
})

describe("global allocator", () => {
    test("alloc goes to the registered allocator; handleAllocError throws AllocFailedError", () => {
        const heap = new BuddyAllocator(new StaticRegion(0x20020000, 1024))
        setGlobalAllocator(heap)
        const l = Layout.fromSizeAlign(40, 8)
        const p = alloc(l)
        expect(heap.region.contains(p, 40)).toBe(true)
        dealloc(p, l)
        const big = Layout.fromSizeAlign(4096, 8)
        expect(alloc(big)).toBe(0)
        let message = ""
        try {
            handleAllocError(big)
        } catch (e) {
            if (e instanceof AllocFailedError) message = e.message
        }
        expect(message).toBe("memory allocation of 4096 bytes (align 8) failed")
        expect(heap.stats().failures).toBe(1)
        setGlobalAllocator(null)
    })
})
