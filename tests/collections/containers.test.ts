/**
 * Vec (src/collections/vec.ts) and HeapString (src/collections/heap_string.ts) on the host: the
 * portable cases (tests/contract/containers.ts) for every allocator kind on
 * real boards' regions, host-only cases (lone UTF-16 surrogates, which the
 * VM's strings cannot hold), and the public exports.
 */
import { describe, expect, test } from "vitest"
import { boardById } from "../../boards/index"
import { GlobalAllocAdapter } from "../../src/api/allocator_api"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { HeapString, utf8Length } from "../../src/collections/heap_string"
import { StaticRegion } from "../../src/core/region"
import { ElemKind, Vec, elemWidth } from "../../src/collections/vec"
import { CONTAINER_CASES } from "../contract/containers"
import * as api from "../../src/index"

const REGIONS: { name: string; region: () => StaticRegion }[] = [
    { name: "pico (32 KiB)", region: () => StaticRegion.forBoard(boardById("pico")) },
    { name: "esp32s2 (16 KiB)", region: () => StaticRegion.forBoard(boardById("esp32s2")) },
]

for (const kind of HEAP_KINDS) {
    for (const r of REGIONS) {
        describe(`containers: ${kind} on ${r.name}`, () => {
            const target = { name: `${kind} on ${r.name}`, make: () => makeAllocator(kind, r.region()) }
            for (const c of CONTAINER_CASES) test(c.name, () => c.run(target))
        })
    }
}

describe("HeapString on the host's UTF-16 strings", () => {
    const a = () => new GlobalAllocAdapter(makeAllocator("buddy", StaticRegion.forBoard(boardById("pico"))))

    test("a lone surrogate encodes as U+FFFD (ef bf bd), as TextEncoder does", () => {
        const s = HeapString.fromIn(a(), "a\ud800b\udc00")
        expect(utf8Length("a\ud800b\udc00")).toBe(8)
        expect([0, 1, 2, 3, 4, 5, 6, 7].map(i => s.byteAt(i))).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62, 0xef, 0xbf, 0xbd])
        expect(s.toJsString()).toBe("a\ufffdb\ufffd")
        s.drop()
    })

    test("the bytes match Node's own UTF-8 encoder for mixed text", () => {
        const text = "zażółć gęślą jaźń — 日本語 🎉𝄞 ok"
        const s = HeapString.fromIn(a(), text)
        const want = [...new TextEncoder().encode(text)]
        expect(Array.from({ length: s.length() }, (_, i) => s.byteAt(i))).toEqual(want)
        expect(s.toJsString()).toBe(text)
        s.drop()
    })
})

test("the public API exports Vec, ElemKind's helpers and HeapString", () => {
    expect(api.Vec).toBe(Vec)
    expect(api.HeapString).toBe(HeapString)
    expect(api.elemWidth).toBe(elemWidth)
    expect(api.utf8Length).toBe(utf8Length)
    expect(elemWidth(ElemKind.U8)).toBe(1)
})
