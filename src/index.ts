/**
 * index.ts — bareheap's public API, for firmware that installs it as a
 * DeviceScript library (`import { BuddyAllocator, Layout } from "bareheap"`).
 * Named exports only (DeviceScript has no default exports).
 *
 * ```ts
 * import { BuddyAllocator, Layout, PICO, StaticRegion, alloc, setGlobalAllocator } from "bareheap"
 * setGlobalAllocator(new BuddyAllocator(StaticRegion.forBoard(PICO)))
 * const p = alloc(Layout.fromSizeAlign(64, 8)) // 0 when the heap is full
 * ```
 */
export { Layout, LayoutError, layoutError, layoutOk, MAX_ALIGN, MAX_SIZE } from "./core/layout"
export type { Extended } from "./core/layout"
export { StaticRegion, MAX_DEVICE_REGION } from "./core/region"
export { HeapError, HeapErrorCode, heapErrorName } from "./core/errors"
export { HeapStats } from "./core/stats"
export {
    setGlobalAllocator,
    globalAllocator,
    alloc,
    allocZeroed,
    dealloc,
    realloc,
    handleAllocError,
    setAllocErrorHandler,
    AllocFailedError,
} from "./api/global_alloc"
export type { GlobalAlloc, HeapAllocator, BlockVisitor, AllocErrorHandler } from "./api/global_alloc"
export { AllocError, Block, GlobalAllocAdapter, Global, byRef } from "./api/allocator_api"
export type { Allocator } from "./api/allocator_api"
export { Box } from "./collections/boxed"
export { Vec, ElemKind, elemWidth } from "./collections/vec"
export { HeapString, utf8Length } from "./collections/heap_string"
export { BumpAllocator } from "./allocators/bump"
export { BuddyAllocator } from "./allocators/buddy"
export { SystemAllocator, SYSTEM_DEFAULT_CAPACITY } from "./allocators/system"
export { HandleSpace, HANDLE_BASE, MAX_HANDLES } from "./core/handle_space"
export { ALLOCATOR_KINDS, DEFAULT_ALLOCATOR, HEAP_KINDS, makeAllocator } from "./allocators/registry"
export type { LogOptions } from "./layers/logging"
export { LoggingAllocator, EventKind, MASK_ALL, MASK_MODEL, MASK_QUIET, PROTOCOL_VERSION, SINGLE_REGION_VERSION } from "./layers/logging"
export { runFirmware } from "./firmware/firmware"
export type { FirmwareOptions } from "./firmware/firmware"
export { hex, ptrText, parseHex, TEXT_MAX } from "./core/hex"
export type { Board, MemoryRegion, HeapPlacement, MemoryKind } from "../boards/board"
export { BOARDS, DEFAULT_BOARD_ID, boardById, boardForArch } from "../boards/index"
export { validateBoard, BoardError, RUNTIME_RESERVE } from "../boards/validate"
export { PICO } from "../boards/pico"
export { PICO_W } from "../boards/pico_w"
export { ESP32 } from "../boards/esp32"
export { ESP32C3 } from "../boards/esp32c3"
export { ESP32S2 } from "../boards/esp32s2"
export { ESP32S3 } from "../boards/esp32s3"
export { OomHookAllocator } from "./layers/oom_hook"
export type { OomHook } from "./layers/oom_hook"
export { TlsfAllocator } from "./allocators/tlsf"
export { PoolAllocator } from "./allocators/pool"
export { diagnostics, fragmentation } from "./layers/diagnostics"
export type { HeapEvents } from "./core/events"
export { DebugAllocator, DebugLevel } from "./layers/debug"
export type { DebugOptions } from "./layers/debug"
export { TrackingAllocator, LeakReport, LeakBlock, KindTotal, TrackingCounts, formatLeakReport } from "./layers/tracking"
export { AllocTag, registerAllocTag, setAllocTag, claimAllocTag, currentAllocTag, allocTagName } from "./layers/alloc_tag"
export type { HeapFactory } from "./firmware/firmware"
