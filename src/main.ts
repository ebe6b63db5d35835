/**
 * main.ts — the firmware entry point. On a board (or DeviceScript's WASM VM)
 * it finds its board from the chip's architecture, then runs the firmware's
 * main job (firmware.ts) with the default allocator (DEFAULT_ALLOCATOR in
 * allocators/registry.ts: buddy), streaming events on the console. The bytecode is the
 * same for every board.
 *
 * It names BuddyAllocator directly instead of going through makeAllocator,
 * so the device build links one allocator, not four: DeviceScript refuses a
 * program with 64 KB of function bytecode or more. To flash another one,
 * change the factory, e.g. `board => new TlsfAllocator(StaticRegion.forBoard(board))`,
 * `board => MultiAllocator.forBoard(board)` (the board's heapRegions), or wrap it:
 * `board => new DebugAllocator(new BuddyAllocator(StaticRegion.forBoard(board)), DebugLevel.Light)`.
 */
import * as ds from "@devicescript/core"
import { boardForArch } from "../boards/index"
import { BuddyAllocator } from "./allocators/buddy"
import { StaticRegion } from "./core/region"
import { runFirmware } from "./firmware/firmware"

await runFirmware(boardForArch(ds._dcfgString("archId")), board => new BuddyAllocator(StaticRegion.forBoard(board)), {})
