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
export { Layout, LayoutError, MAX_ALIGN, MAX_SIZE } from "./layout"
export type { Extended } from "./layout"
export { StaticRegion, MAX_DEVICE_REGION } from "./region"
export { HeapError, HeapErrorCode, heapErrorName } from "./errors"
export { HeapStats } from "./stats"
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
} from "./global_alloc"
export type { GlobalAlloc, HeapAllocator, BlockVisitor, AllocErrorHandler } from "./global_alloc"
export { AllocError, Block, GlobalAllocAdapter, Global, byRef } from "./allocator_api"
export type { Allocator } from "./allocator_api"
export { Box } from "./boxed"
export { Vec, ElemKind, elemWidth } from "./vec"
export { HeapString, utf8Length } from "./heap_string"
export { BumpAllocator } from "./bump"
export { BuddyAllocator } from "./buddy"
export { ALLOCATOR_KINDS, DEFAULT_ALLOCATOR, makeAllocator } from "./allocators"
export type { LogOptions } from "./logging"
export { LoggingAllocator, EventKind, MASK_ALL, MASK_MODEL, MASK_QUIET, PROTOCOL_VERSION } from "./logging"
export { runFirmware } from "./firmware"
export type { FirmwareOptions } from "./firmware"
export { hex, ptrText, parseHex } from "./hex"
export type { Board, MemoryRegion, HeapPlacement, MemoryKind } from "../boards/board"
export { BOARDS, DEFAULT_BOARD_ID, boardById, boardForArch } from "../boards/index"
export { validateBoard, BoardError, RUNTIME_RESERVE } from "../boards/validate"
export { PICO } from "../boards/pico"
export { PICO_W } from "../boards/pico_w"
export { ESP32 } from "../boards/esp32"
export { ESP32C3 } from "../boards/esp32c3"
export { ESP32S2 } from "../boards/esp32s2"
export { ESP32S3 } from "../boards/esp32s3"
export { OomHookAllocator } from "./oom_hook"
export type { OomHook } from "./oom_hook"
export { TlsfAllocator } from "./tlsf"
export { PoolAllocator } from "./pool"
export { diagnostics, fragmentation } from "./diagnostics"
export type { HeapEvents } from "./events"
export { DebugAllocator, DebugLevel } from "./debug"
export type { DebugOptions } from "./debug"
export { TrackingAllocator, LeakReport, LeakBlock, KindTotal, TrackingCounts, formatLeakReport } from "./tracking"
export { AllocTag, registerAllocTag, setAllocTag, claimAllocTag, currentAllocTag, allocTagName } from "./alloc_tag"
export type { HeapFactory } from "./firmware"
