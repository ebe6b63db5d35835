/**
 * boards/host.ts — a host-only board for replaying large traces in the host
 * simulator (Node), where a region may be megabytes.
 *
 * It is no chip: its one memory region is a simulated data RAM at 0x20000000
 * (an ARM-style SRAM address, so pointers look like a microcontroller's), and
 * no DeviceScript firmware runs it, so `devsBoards` is empty and validation
 * insists on that (a host-only board naming a real board would invite
 * flashing it). `archId` "host" is what the simulator sets through
 * `_simSetArch` when it runs this board, so `boardForArch("host")` finds it.
 *
 * Limits: `maxRegion` (16 MiB) replaces the 57,344-byte DeviceScript Buffer
 * limit; the default region is 4 MiB at the base of the simulated RAM, and a
 * maxRegion-sized region at heap.base still fits inside it. `programHeap` is
 * the VM's 64 KiB plus maxRegion, as if DeviceScript's GC heap were enlarged
 * to hold the region, so the RUNTIME_RESERVE rule holds as on real boards.
 * heapRegions: 3 MiB + 1 MiB of the simulated RAM with a 1 MiB hole between,
 * so a multi-region heap replays at the same 4 MiB as the default region.
 *
 * Caveat: the host shim (sim/core.ts) refuses Buffers of 0xE000 bytes or more
 * by default, exactly like the VM, so a host tool first calls the host-only
 * `_simAllowLargeBuffers(HOST.maxRegion)` (trace replays in bench/); after it
 * `StaticRegion.forBoard(HOST)` works. Real boards still refuse regions above
 * MAX_DEVICE_REGION (StaticRegion's own check), and no VM program can use this
 * board.
 *
 * ```ts
 * import { HOST } from "./host"
 * HOST.hostOnly === true && HOST.maxRegion === 16 * 1024 * 1024
 * ```
 */
import { Board } from "./board"

/** 16 MiB: the largest region a trace replay may ask for on the host. */
const HOST_MAX_REGION = 16777216

/** Host-only simulation board, archId "host". */
export const HOST: Board = {
    id: "host",
    name: "Host simulator (large regions)",
    chip: "none (simulated)",
    archId: "host",
    devsBoards: [],
    programHeap: 65536 + HOST_MAX_REGION,
    hostOnly: true,
    maxRegion: HOST_MAX_REGION,
    memory: [
        { name: "Host RAM (simulated)", kind: "sram", base: 0x20000000, size: HOST_MAX_REGION, note: "not a chip: a simulated 16 MiB data RAM" },
    ],
    heap: {
        region: "Host RAM (simulated)",
        base: 0x20000000,
        size: 4194304,
        why: "host-only: Node holds megabytes; 4 MiB by default, up to maxRegion (16 MiB) for a trace replay",
    },
    heapRegions: [
        { region: "Host RAM (simulated)", base: 0x20000000, size: 3145728, tags: "main", why: "host-only: the default heap's first 3 MiB" },
        { region: "Host RAM (simulated)", base: 0x20400000, size: 1048576, tags: "fast", why: "host-only: 1 MiB after a 1 MiB hole, so the pair is 4 MiB = heap.size" },
    ],
}
