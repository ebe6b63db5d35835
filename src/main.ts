/**
 * main.ts — the firmware entry point. On a board (or DeviceScript's WASM VM)
 * it finds its board from the chip's architecture, then runs the firmware's
 * main job (firmware.ts) with the default allocator, streaming events on the
 * console. The bytecode is the same for every board.
 */
import * as ds from "@devicescript/core"
import { boardForArch } from "../boards/index"
import { DEFAULT_ALLOCATOR } from "./allocators"
import { runFirmware } from "./firmware"

await runFirmware(boardForArch(ds._dcfgString("archId")), DEFAULT_ALLOCATOR, {})
