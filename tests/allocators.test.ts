/**
 * The conformance and property suites, run against every allocator on the
 * regions of real boards and on an odd-sized region.
 */
import { BOARDS } from "../boards/index"
import { BuddyAllocator } from "../src/buddy"
import { BumpAllocator } from "../src/bump"
import { HeapAllocator } from "../src/global_alloc"
import { StaticRegion } from "../src/region"
import { conformanceSuite } from "./conformance"
import { propertySuite } from "./properties"

const ALLOCATORS: { kind: string; make: (r: StaticRegion) => HeapAllocator; reuses: boolean }[] = [
    { kind: "bump", make: r => new BumpAllocator(r), reuses: false },
    { kind: "buddy", make: r => new BuddyAllocator(r), reuses: true },
]

const REGIONS: { name: string; region: () => StaticRegion }[] = [
    ...BOARDS.filter(b => !b.hostOnly && (b.id === "pico" || b.id === "esp32s2")).map(b => ({
        name: `${b.id} (${b.heap.size} B at 0x${b.heap.base.toString(16)})`,
        region: () => StaticRegion.forBoard(b),
    })),
    { name: "odd 24,000-byte region", region: () => new StaticRegion(0x3fca0000, 24000) },
]

for (const a of ALLOCATORS) {
    for (const r of REGIONS) {
        conformanceSuite({ name: `${a.kind} on ${r.name}`, make: () => a.make(r.region()), reusesFreedMemory: a.reuses })
    }
    propertySuite(`${a.kind} on pico`, () => a.make(REGIONS[0].region()))
}
