/**
 * tests/layers/protocol_v3_vm.test.ts — the DeviceScript VM writes the same
 * protocol-version-3 streams as Node, byte for byte: tests/vm/stream_v3.ts
 * is built (in a temporary project, so it never races tests/vm.test.ts over
 * .devicescript/bin) and run in the VM; its console lines must equal
 * tests/contract/multi_stream.ts's streams written on the host, and decode
 * with the regions of the heap.
 *
 * Cost: one devs build and one VM run (a few seconds).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, expect, test } from "vitest"
import { StreamDecoder } from "../../sim/decoder"
import { programEntry } from "../../sim/vm_entry"
import { buildBytecode, runVm } from "../../sim/vm_loader"
import { MULTI_STREAMS, multiHeap, multiStream, STREAM_STEPS } from "../contract/multi_stream"

const project = mkdtempSync(path.join(tmpdir(), "bareheap-v3-"))
writeFileSync(path.join(project, "devsconfig.json"), "{}\n")
afterAll(() => rmSync(project, { recursive: true, force: true }))

test("tests/vm/stream_v3.ts prints in the VM exactly the v3 streams Node writes", async () => {
    const host: string[] = []
    for (let i = 0; i < MULTI_STREAMS.length; i++) multiStream(i, l => host.push(l)).run(STREAM_STEPS)
    const entry = programEntry(project, path.resolve("tests/vm/stream_v3.ts"))
    const bytecode = buildBytecode(entry.file, { projectDir: project, flags: ["testHarness"] })
    expect(bytecode.length).toBeLessThan(64 * 1024)
    const vm = await runVm(bytecode, { timeoutMs: 120_000, stopWhen: l => l === entry.endMarker })
    expect(vm.end, vm.dmesg.slice(-8).join("\n")).toEqual({ how: "stopped" })
    const lines = vm.lines.filter(l => l.startsWith("~"))
    expect(lines.filter(l => l.startsWith("~H 0 3 pico multi "))).toHaveLength(MULTI_STREAMS.length)
    expect(lines.join("\n")).toBe(host.join("\n"))
    // It decodes, and each stream's table is its heap's parts.
    const d = new StreamDecoder()
    let streams = 0
    for (const l of lines) {
        const ev = d.push(l)
        if (ev !== null && ev.type === "region" && ev.index === 0) {
            const heap = multiHeap(MULTI_STREAMS[streams][0], MULTI_STREAMS[streams][1] === 1)
            streams++
            expect(d.header?.regions).toBe(heap.region.parts.length)
        }
        if (ev !== null && ev.type === "phase") {
            const heap = multiHeap(MULTI_STREAMS[streams - 1][0], MULTI_STREAMS[streams - 1][1] === 1)
            expect(d.regionsComplete).toBe(true)
            expect(d.regions.map(r => [r.base, r.size, r.kind, r.tags.join(" ")])).toEqual(heap.region.parts.map((p, i) => [p.base, p.size, heap.region.kinds[i], heap.region.tags[i]]))
        }
    }
    expect(streams).toBe(MULTI_STREAMS.length)
    expect(d.anomalies).toEqual([])
}, 180_000)
