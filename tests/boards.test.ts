/**
 * tests/boards.test.ts — the board table and its validation.
 *
 * Every shipped board validates; every rule of boards/validate.ts rejects a
 * mutated copy of a valid board with a BoardError naming the board and the
 * field; the lookups find boards by id and arch and refuse unknown ones by
 * name; StaticRegion.forBoard places the region where the board says.
 */
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import { Board } from "../boards/board"
import { BOARDS, DEFAULT_BOARD_ID, WASM_ARCH_ID, boardById, boardForArch, validateBoardTable } from "../boards/index"
import { BoardError, RUNTIME_RESERVE, validateBoard } from "../boards/validate"
import { PICO } from "../boards/pico"
import { PICO_W } from "../boards/pico_w"
import { ESP32 } from "../boards/esp32"
import { ESP32C3 } from "../boards/esp32c3"
import { ESP32S2 } from "../boards/esp32s2"
import { ESP32S3 } from "../boards/esp32s3"
import { HOST } from "../boards/host"
import { MAX_ALIGN } from "../src/core/layout"
import { MAX_DEVICE_REGION, StaticRegion } from "../src/core/region"
import { HeapError } from "../src/core/errors"
import { copy, expectRejected } from "./board_rejects"

const REAL = [PICO, PICO_W, ESP32, ESP32C3, ESP32S2, ESP32S3]

describe("shipped boards", () => {
    test("the table holds every board module, each validated", () => {
        expect(BOARDS.map(b => b.id)).toEqual(["pico", "pico_w", "esp32", "esp32c3", "esp32s2", "esp32s3", "host"])
        for (const b of BOARDS) expect(validateBoard(b)).toBe(b)
    })

    test("ids and archIds are unique", () => {
        expect(new Set(BOARDS.map(b => b.id)).size).toBe(BOARDS.length)
        expect(new Set(BOARDS.map(b => b.archId)).size).toBe(BOARDS.length)
    })

    test.each(REAL.map(b => [b.id, b] as const))("%s: the heap fits one Buffer and the program heap beside the reserve", (_id, b) => {
        expect(b.hostOnly).toBeUndefined()
        expect(b.maxRegion).toBeUndefined()
        expect(b.heap.size).toBeLessThanOrEqual(MAX_DEVICE_REGION)
        expect(b.heap.size + RUNTIME_RESERVE).toBeLessThanOrEqual(b.programHeap)
        expect(b.heap.base % MAX_ALIGN).toBe(0)
        const home = b.memory.find(m => m.name === b.heap.region)!
        expect(home.kind).toBe("sram")
        expect(b.heap.base).toBeGreaterThanOrEqual(home.base)
        expect(b.heap.base + b.heap.size).toBeLessThanOrEqual(home.base + home.size)
        expect(b.devsBoards.length).toBeGreaterThan(0)
    })

    test("program heaps and region sizes: 64 KiB → 32 KiB, ESP32-S2's 40 KiB → 16 KiB", () => {
        for (const b of [PICO, PICO_W, ESP32, ESP32C3, ESP32S3]) {
            expect(b.programHeap).toBe(65536)
            expect(b.heap.size).toBe(32768)
        }
        expect(ESP32S2.programHeap).toBe(40960)
        expect(ESP32S2.heap.size).toBe(16384)
        expect(RUNTIME_RESERVE).toBe(24576)
    })

    test("datasheet facts a typo would break", () => {
        const sramTotal = (b: Board) => b.memory.filter(m => m.kind === "sram").reduce((s, m) => s + m.size, 0)
        expect(sramTotal(PICO)).toBe(264 * 1024) // RP2040: 264 kB SRAM
        expect(sramTotal(ESP32S2)).toBe(320 * 1024) // ESP32-S2: 320 KB SRAM, all on the data bus
        expect(sramTotal(ESP32S3)).toBe((416 + 64) * 1024) // SRAM1 + SRAM2 on the data bus
        expect(sramTotal(ESP32)).toBe((200 + 128) * 1024) // SRAM2 + SRAM1 on the data bus
        expect(ESP32C3.memory.find(m => m.name === "SRAM1 (DRAM)")).toMatchObject({ base: 0x3fc80000, size: 0x60000 })
        expect(ESP32.memory.find(m => m.name === "SRAM2 (DRAM)")).toMatchObject({ base: 0x3ffae000, size: 200 * 1024 })
    })

    test("the DeviceScript board ids of each arch (shared/devicescript.md §6)", () => {
        expect(PICO.devsBoards).toEqual(["pico", "kittenbot_nanoscript", "msr124", "msr59"])
        expect(PICO_W.devsBoards).toEqual(["pico_w"])
        expect(ESP32.devsBoards).toEqual(["esp32_bare", "esp32_devkit_c"])
        expect(ESP32C3.devsBoards).toHaveLength(8)
        expect(ESP32S2.devsBoards).toEqual(["esp32s2_bare", "feather_s2", "adafruit_feather_esp32_s2", "msr207_v42", "msr207_v43", "msr48"])
        expect(ESP32S3.devsBoards).toEqual(["esp32s3_bare", "esp32s3_devkit_m"])
    })

    test("host is host-only, states maxRegion and names no DeviceScript board", () => {
        expect(HOST.hostOnly).toBe(true)
        expect(HOST.maxRegion).toBe(16 * 1024 * 1024)
        expect(HOST.devsBoards).toEqual([])
        expect(HOST.heap.size).toBeGreaterThan(MAX_DEVICE_REGION)
        expect(validateBoard(HOST)).toBe(HOST)
    })
})

describe("validation rejects each broken rule, naming the field", () => {
    test("id: empty, upper case, punctuation", () => {
        for (const id of ["", "Pico", "pico-w", "pico w", "pïco"]) {
            const b = copy(PICO)
            b.id = id
            expectRejected(b, "id must be")
        }
    })

    test("name, chip and archId must be non-empty", () => {
        for (const f of ["name", "chip", "archId"] as const) {
            const b = copy(PICO)
            b[f] = ""
            expectRejected(b, `${f} must be a non-empty string`)
        }
    })

    test("devsBoards: empty on a real board, bad or duplicated entries", () => {
        let b = copy(PICO)
        b.devsBoards = []
        expectRejected(b, "devsBoards must list at least one")
        b = copy(PICO)
        b.devsBoards = ["pico", "Pico"]
        expectRejected(b, 'devsBoards[1] "Pico"')
        b = copy(PICO)
        b.devsBoards = ["pico", "msr59", "pico"]
        expectRejected(b, 'devsBoards[2] "pico" is listed twice')
    })

    test("programHeap must be a whole number > 0", () => {
        for (const v of [0, -65536, 65536.5, NaN]) {
            const b = copy(PICO)
            b.programHeap = v
            expectRejected(b, "programHeap")
        }
    })

    test("memory: empty, unnamed, duplicate names", () => {
        let b = copy(PICO)
        b.memory = []
        expectRejected(b, "memory must list at least one region")
        b = copy(PICO)
        b.memory[1].name = ""
        expectRejected(b, "memory[1].name")
        b = copy(PICO)
        b.memory[4].name = "SRAM4"
        expectRejected(b, 'memory[4] "SRAM4".name is used by memory[3]')
    })

    test("memory: unknown kind", () => {
        const b = copy(PICO)
        ;(b.memory[1] as { kind: string }).kind = "dram"
        expectRejected(b, 'memory[1] "XIP flash".kind "dram" is not one of')
    })

    test("memory: base and size must be whole, base ≥ 0, size > 0, end ≤ 2^32", () => {
        const cases: [number, "base" | "size", number, string][] = [
            [0, "base", -1, 'memory[0] "ROM".base -1'],
            [1, "base", 0x10000000 + 0.5, 'memory[1] "XIP flash".base'],
            [1, "size", 0, 'memory[1] "XIP flash".size 0'],
            [1, "size", NaN, 'memory[1] "XIP flash".size NaN'],
            [0, "size", Infinity, 'memory[0] "ROM".size Infinity'],
        ]
        for (const [i, field, v, frag] of cases) {
            const b = copy(PICO)
            b.memory[i][field] = v
            expectRejected(b, frag)
        }
        const b = copy(PICO)
        b.memory[5].base = 0xfffff000
        b.memory[5].size = 0x2000
        expectRejected(b, 'memory[5] "USB DPRAM".size', "passes the end of the 32-bit address space")
    })

    test("memory: overlapping regions", () => {
        const b = copy(PICO)
        b.memory[3].base = 0x2003f000 // SRAM4 moved into the striped SRAM's last 4 KiB
        expectRejected(b, 'memory[3] "SRAM4".base 0x2003f000 overlaps or precedes memory[2] "SRAM0-3 (striped)"', "ends at 0x20040000")
    })

    test("memory: regions out of address order", () => {
        const b = copy(ESP32)
        const [a, c] = [b.memory[0], b.memory[1]]
        b.memory[0] = c
        b.memory[1] = a
        expectRejected(b, `memory[1] "${a.name}".base`, "address order")
    })

    test("memory: touching regions are fine (end is exclusive)", () => {
        const b = copy(PICO)
        expect(b.memory[3].base).toBe(b.memory[2].base + b.memory[2].size)
        expect(() => validateBoard(b)).not.toThrow()
    })

    test("heap missing", () => {
        const b = copy(PICO)
        ;(b as { heap: unknown }).heap = undefined
        expectRejected(b, "heap is missing")
    })

    test("heap.region names no region", () => {
        const b = copy(PICO)
        b.heap.region = "SRAM9"
        expectRejected(b, 'heap.region "SRAM9" names no region')
    })

    test("heap in a region that is not data RAM", () => {
        for (const name of ["ROM", "XIP flash", "USB DPRAM"]) {
            const b = copy(PICO)
            const m = b.memory.find(r => r.name === name)!
            b.heap.region = name
            b.heap.base = m.base
            b.heap.size = 4096
            expectRejected(b, `heap.region "${name}" is of kind "${m.kind}"`)
        }
        const b = copy(ESP32)
        b.heap.region = "SRAM0 (IRAM)"
        b.heap.base = 0x40080000
        expectRejected(b, 'heap.region "SRAM0 (IRAM)" is of kind "iram"')
    })

    test("heap.base misaligned", () => {
        const b = copy(PICO)
        b.heap.base = 0x20020004
        expectRejected(b, "heap.base 0x20020004 is not aligned to 4096")
        for (const base of [0x20020800, 0x20020000 + 2048 + 8]) {
            const c = copy(PICO)
            c.heap.base = base
            expectRejected(c, "heap.base", "is not aligned to 4096")
        }
    })

    test("heap.base null, negative, fractional or NaN", () => {
        for (const v of [0, -4096, 0x20020000 + 0.25, NaN]) {
            const b = copy(PICO)
            b.heap.base = v
            expectRejected(b, "heap.base", "must be a whole non-null address")
        }
    })

    test("heap outside its region", () => {
        let b = copy(PICO)
        b.heap.base = 0x20040000 // SRAM4, but heap.region still says the striped SRAM
        expectRejected(b, "heap.base/heap.size: 0x20040000..0x20048000 is not inside region \"SRAM0-3 (striped)\" (0x20000000..0x20040000)")
        b = copy(PICO)
        b.heap.base = 0x2003c000 // starts inside, ends 16 KiB past the end
        expectRejected(b, "heap.base/heap.size", "is not inside region")
        b = copy(ESP32S2)
        b.heap.base = 0x3ffb0000 // SRAM0, below SRAM1 where heap.region points
        expectRejected(b, 'is not inside region "SRAM1 (DRAM)"')
    })

    test("heap.size zero, fractional, negative", () => {
        for (const v of [0, 100.5, -1]) {
            const b = copy(PICO)
            b.heap.size = v
            expectRejected(b, `heap.size ${v}`)
        }
    })

    test("heap.size over the largest DeviceScript Buffer (57,343)", () => {
        const b = copy(PICO)
        b.programHeap = 1 << 20 // so that only the Buffer rule can fire
        b.heap.size = MAX_DEVICE_REGION + 1
        expectRejected(b, "heap.size 57344 exceeds the largest DeviceScript Buffer (57343 bytes)")
        b.heap.size = MAX_DEVICE_REGION
        expect(() => validateBoard(b)).not.toThrow()
    })

    test("heap.size + RUNTIME_RESERVE over programHeap (ESP32-S2 with 32 KiB)", () => {
        const b = copy(ESP32S2)
        b.heap.size = 32768
        expectRejected(b, "heap.size 32768 + RUNTIME_RESERVE 24576 exceeds programHeap 40960")
        b.heap.size = 40960 - RUNTIME_RESERVE // exactly at the budget
        expect(() => validateBoard(b)).not.toThrow()
        b.heap.size += 1
        expectRejected(b, "exceeds programHeap 40960")
    })

    test("heap.why must be stated", () => {
        const b = copy(PICO)
        b.heap.why = ""
        expectRejected(b, "heap.why")
    })

    test("hostOnly rules: a real board may not set maxRegion", () => {
        const b = copy(PICO)
        b.maxRegion = 1 << 20
        expectRejected(b, "maxRegion is only for host-only boards")
    })

    test("hostOnly rules: a real board cannot use a host-sized heap", () => {
        const b = copy(HOST)
        b.hostOnly = false
        delete b.maxRegion
        b.devsBoards = ["pico"]
        expectRejected(b, "heap.size 4194304 exceeds the largest DeviceScript Buffer")
    })

    test("hostOnly rules: must state maxRegion, a whole number ≥ heap.size", () => {
        let b = copy(HOST)
        delete b.maxRegion
        expectRejected(b, "maxRegion must be stated on a host-only board")
        for (const v of [0, 1.5, NaN]) {
            b = copy(HOST)
            b.maxRegion = v
            expectRejected(b, `maxRegion ${v} must be a whole number`)
        }
        b = copy(HOST)
        b.maxRegion = b.heap.size - 1
        expectRejected(b, "heap.size 4194304 exceeds maxRegion 4194303")
    })

    test("hostOnly rules: a maxRegion region must fit its memory region and the program heap", () => {
        let b = copy(HOST)
        b.heap.base += 4096 // a 16 MiB region from here runs 4 KiB past the simulated RAM
        expectRejected(b, "maxRegion 16777216 at heap.base 0x20001000 passes the end of region")
        b = copy(HOST)
        b.programHeap = b.maxRegion! // no room for the reserve
        expectRejected(b, "maxRegion 16777216 + RUNTIME_RESERVE 24576 exceeds programHeap")
    })

    test("hostOnly rules: a host-only board names no DeviceScript board; hostOnly must be boolean", () => {
        let b = copy(HOST)
        b.devsBoards = ["pico"]
        expectRejected(b, "devsBoards must be empty on a host-only board")
        b = copy(PICO)
        ;(b as { hostOnly: unknown }).hostOnly = "yes"
        expectRejected(b, "hostOnly must be true, false or absent")
    })

    test("hostOnly: false behaves as a real board", () => {
        const b = copy(PICO)
        b.hostOnly = false
        expect(() => validateBoard(b)).not.toThrow()
    })

    test("property: any 4096-aligned heap inside the striped SRAM with size ≤ 40 KiB validates; misaligned bases never do", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 40960 }), fc.integer({ min: 1, max: 4095 }), (page, size, skew) => {
                const b = copy(PICO)
                b.heap.base = 0x20000000 + page * 4096
                b.heap.size = size
                b.heapRegions = [{ ...b.heapRegions[0], base: b.heap.base, size }] // within the heap's budget
                const inside = b.heap.base + size <= 0x20040000
                if (inside) expect(() => validateBoard(b)).not.toThrow()
                else expect(() => validateBoard(b)).toThrow(BoardError)
                b.heap.base += skew
                expect(() => validateBoard(b)).toThrow(/is not aligned to 4096/)
            }),
        )
    })
})

describe("the board table", () => {
    test("duplicate ids are refused", () => {
        const twin = copy(PICO_W)
        twin.id = "pico"
        expect(() => validateBoardTable([PICO, twin])).toThrow('board "pico": id is used by another board')
    })

    test("duplicate archIds are refused (boardForArch must be unambiguous)", () => {
        const b = copy(PICO_W)
        b.archId = "rp2040"
        expect(() => validateBoardTable([PICO, b])).toThrow('board "pico_w": archId "rp2040" is also board "pico"\'s')
    })

    test("the default board must be present", () => {
        expect(() => validateBoardTable([ESP32, ESP32S2])).toThrow('board "pico": DEFAULT_BOARD_ID names no board')
    })

    test("each entry is validated", () => {
        const b = copy(ESP32)
        b.heap.base += 8
        expect(() => validateBoardTable([PICO, b])).toThrow('board "esp32": heap.base 0x3ffb8008 is not aligned to 4096')
        expect(validateBoardTable([PICO, ESP32])).toEqual([PICO, ESP32])
    })
})

describe("lookups", () => {
    test("boardById finds each board", () => {
        for (const b of BOARDS) expect(boardById(b.id)).toBe(b)
        expect(boardById(DEFAULT_BOARD_ID)).toBe(PICO)
    })

    test("boardById refuses an unknown id, listing the known ones", () => {
        expect(() => boardById("uno")).toThrow(BoardError)
        expect(() => boardById("uno")).toThrow('board "uno": unknown id; known ids: pico, pico_w, esp32, esp32c3, esp32s2, esp32s3, host')
        expect(() => boardById("PICO")).toThrow(BoardError) // ids are case-sensitive
        expect(() => boardById("pico_w ")).toThrow(BoardError)
    })

    test("boardForArch maps each archId to its board", () => {
        expect(boardForArch("rp2040")).toBe(PICO)
        expect(boardForArch("rp2040w")).toBe(PICO_W)
        expect(boardForArch("esp32")).toBe(ESP32)
        expect(boardForArch("esp32c3")).toBe(ESP32C3)
        expect(boardForArch("esp32s2")).toBe(ESP32S2)
        expect(boardForArch("esp32s3")).toBe(ESP32S3)
        expect(boardForArch("host")).toBe(HOST)
    })

    test('"wasm" (the DeviceScript simulator) maps to the default board', () => {
        expect(WASM_ARCH_ID).toBe("wasm")
        expect(boardForArch("wasm")).toBe(PICO)
    })

    test("boardForArch refuses an unknown arch, naming it and the known ones", () => {
        expect(() => boardForArch("nrf52")).toThrow(BoardError)
        expect(() => boardForArch("nrf52")).toThrow('arch "nrf52": no board has this archId; known archIds: wasm, rp2040, rp2040w, esp32, esp32c3, esp32s2, esp32s3, host')
        expect(() => boardForArch("")).toThrow('arch ""')
        expect(() => boardForArch(undefined as unknown as string)).toThrow(BoardError)
    })
})

describe("StaticRegion.forBoard", () => {
    test.each(REAL.map(b => [b.id, b] as const))("%s: the region sits at heap.base with heap.size bytes", (_id, b) => {
        const r = StaticRegion.forBoard(b)
        expect(r.base).toBe(b.heap.base)
        expect(r.size).toBe(b.heap.size)
        expect(r.buf.length).toBe(b.heap.size)
        expect(r.end()).toBe(b.heap.base + b.heap.size)
    })

    test("pico: 32 KiB at 0x20020000", () => {
        const r = StaticRegion.forBoard(PICO)
        expect([r.base, r.size]).toEqual([0x20020000, 32768])
        r.writeU32(0x20020000 + 32768 - 4, 0xdeadbeef)
        expect(r.readU32(0x20027ffc)).toBe(0xdeadbeef)
        expect(() => r.readU8(0x20028000)).toThrow(HeapError)
    })

    test("a real board with an oversized heap is refused by StaticRegion too", () => {
        const b = copy(PICO)
        b.heap.size = MAX_DEVICE_REGION + 4096
        expect(() => StaticRegion.forBoard(b)).toThrow(HeapError)
    })

    test("host: the shim refuses a Buffer ≥ 0xE000 bytes like the VM, so a host region cannot be made yet", () => {
        // StaticRegion accepts the size (maxRegion) but ds.Buffer.alloc caps it:
        // host-only regions need a host-only allocation path in the shim.
        expect(() => StaticRegion.forBoard(HOST)).toThrow(RangeError)
        expect(() => StaticRegion.forBoard(HOST)).toThrow("buffer too big")
    })
})
